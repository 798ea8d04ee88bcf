package dev.outlane.routing;

import dev.outlane.contract.AudienceAction;
import dev.outlane.contract.RetentionEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Maps an {@code event_name} (and optionally an audience name) to one or more destination targets,
 * optionally only while the event's age is inside a window.
 *
 * <pre>{@code
 * Route.builder()
 *     .event("cart_abandoned")
 *     .window(Duration.ZERO, Duration.ofHours(24))
 *     .to("meta-audience", "cart_recovery_0_24h")
 *     .build();
 * }</pre>
 *
 * <p>Age is {@code now - event_time}, computed with the client's clock in UTC. A window is half-open:
 * {@code from <= age < to}. An event that matches routes by name but is outside <em>every</em> window
 * of those routes is {@linkplain dev.outlane.FinalState#STALE stale} for each of their targets; an
 * event inside one route's window and outside another's simply does not go to the other's targets.
 * A route without a window matches any age and does not make the event stale elsewhere.
 *
 * <p>Immutable and thread-safe.
 */
public final class Route {
  private static final Pattern EVENT_NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");

  private final String event;
  private final @Nullable String audience;
  private final @Nullable Duration windowFrom;
  private final @Nullable Duration windowTo;
  private final List<Target> targets;

  private Route(Builder b) {
    this.event = Objects.requireNonNull(b.event);
    this.audience = b.audience;
    this.windowFrom = b.windowFrom;
    this.windowTo = b.windowTo;
    this.targets = List.copyOf(b.targets);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The event name this route matches. */
  public String event() {
    return event;
  }

  /** The audience name this route requires, or null for any (or none). */
  public @Nullable String audience() {
    return audience;
  }

  /** Whether this route has an age window. */
  public boolean windowed() {
    return windowFrom != null;
  }

  /** The window's inclusive lower bound, or null if the route has no window. */
  public @Nullable Duration windowFrom() {
    return windowFrom;
  }

  /** The window's exclusive upper bound, or null if the route has no window. */
  public @Nullable Duration windowTo() {
    return windowTo;
  }

  /** Where the route sends matching events, in order. */
  public List<Target> targets() {
    return targets;
  }

  /** Whether {@code event} matches this route's event name and audience (ignoring the window). */
  public boolean matches(RetentionEvent e) {
    if (!event.equals(e.eventName())) {
      return false;
    }
    if (audience == null) {
      return true;
    }
    AudienceAction a = e.audience();
    return a != null && audience.equals(a.name());
  }

  /** Whether an event of this age is inside the window (always true without a window). */
  public boolean inWindow(Duration age) {
    if (windowFrom == null || windowTo == null) {
      return true;
    }
    return age.compareTo(windowFrom) >= 0 && age.compareTo(windowTo) < 0;
  }

  @Override
  public String toString() {
    return "Route{event=" + event + (audience == null ? "" : ", audience=" + audience)
        + (windowFrom == null ? "" : ", window=[" + windowFrom + ", " + windowTo + ")")
        + ", targets=" + targets + "}";
  }

  /**
   * One place a route sends to.
   *
   * @param destination the destination's name, as registered with the client
   * @param target what to address inside it (audience id, pixel id), or null
   * @param options per-route options the destination reads with {@link
   *     dev.outlane.destination.DeliveryItem#option}
   */
  public record Target(String destination, @Nullable String target, Map<String, String> options) {
    public Target {
      Objects.requireNonNull(destination, "destination");
      options = Map.copyOf(options);
    }
  }

  /** Builds a {@link Route}; validates each value as it is set. Not thread-safe. */
  public static final class Builder {
    private @Nullable String event;
    private @Nullable String audience;
    private @Nullable Duration windowFrom;
    private @Nullable Duration windowTo;
    private final List<Target> targets = new ArrayList<>();

    private Builder() {}

    /**
     * The event name to match.
     *
     * @throws IllegalArgumentException if it is not {@code [a-z][a-z0-9_]{0,63}}
     */
    public Builder event(String eventName) {
      Objects.requireNonNull(eventName, "event");
      if (!EVENT_NAME.matcher(eventName).matches()) {
        throw new IllegalArgumentException(
            "event: must match [a-z][a-z0-9_]{0,63}, was \"" + eventName + "\"");
      }
      this.event = eventName;
      return this;
    }

    /**
     * Only match events whose {@code audience.name} is this.
     *
     * @throws IllegalArgumentException if blank
     */
    public Builder audience(String audienceName) {
      Objects.requireNonNull(audienceName, "audience");
      if (audienceName.isBlank()) {
        throw new IllegalArgumentException("audience: must not be blank");
      }
      this.audience = audienceName;
      return this;
    }

    /**
     * Only match events aged {@code from <= age < to}.
     *
     * @throws IllegalArgumentException if {@code from} is negative or {@code to <= from}
     */
    public Builder window(Duration from, Duration to) {
      Objects.requireNonNull(from, "window from");
      Objects.requireNonNull(to, "window to");
      if (from.isNegative()) {
        throw new IllegalArgumentException("window: from must not be negative, was " + from);
      }
      if (to.compareTo(from) <= 0) {
        throw new IllegalArgumentException("window: to must be after from, was [" + from + ", " + to + ")");
      }
      this.windowFrom = from;
      this.windowTo = to;
      return this;
    }

    /** Sends matching events to {@code destination}, with no target and no options. */
    public Builder to(String destination) {
      return to(destination, null, Map.of());
    }

    /** Sends matching events to {@code target} in {@code destination}. */
    public Builder to(String destination, @Nullable String target) {
      return to(destination, target, Map.of());
    }

    /**
     * Sends matching events to {@code target} in {@code destination} with route options.
     *
     * @throws IllegalArgumentException if the destination name is blank or the same destination and
     *     target were already added to this route
     */
    public Builder to(String destination, @Nullable String target, Map<String, String> options) {
      Objects.requireNonNull(destination, "destination");
      if (destination.isBlank()) {
        throw new IllegalArgumentException("destination: must not be blank");
      }
      for (Target t : targets) {
        if (t.destination().equals(destination) && Objects.equals(t.target(), target)) {
          throw new IllegalArgumentException("to: destination \"" + destination + "\" with target \""
              + target + "\" is already a target of this route");
        }
      }
      targets.add(new Target(destination, target, options));
      return this;
    }

    /**
     * Builds the route.
     *
     * @throws IllegalStateException if no event name or no target was set
     */
    public Route build() {
      if (event == null) {
        throw new IllegalStateException("event: a route needs an event name");
      }
      if (targets.isEmpty()) {
        throw new IllegalStateException("to: route for \"" + event + "\" has no destination");
      }
      return new Route(this);
    }
  }
}
