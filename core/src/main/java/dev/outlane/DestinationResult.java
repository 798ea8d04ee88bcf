package dev.outlane;

import dev.outlane.contract.AudienceAction;
import dev.outlane.deadletter.DeadLetterReason;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The final state of one event at one destination target. Immutable and thread-safe; contains no
 * PII. A final class rather than a record so it can gain a field without breaking callers: the
 * engine builds it with {@link #builder}, and so can a test of code that reads results.
 */
public final class DestinationResult {
  private final String destination;
  private final @Nullable String target;
  private final AudienceAction.Action action;
  private final Origin origin;
  private final FinalState state;
  private final @Nullable DeadLetterReason deadLetterReason;
  private final @Nullable String reference;
  private final @Nullable String code;
  private final String detail;
  private final int attempts;

  private DestinationResult(Builder b) {
    this.destination = b.destination;
    this.target = b.target;
    this.action = b.action;
    this.origin = b.origin;
    this.state = b.state;
    this.deadLetterReason = b.deadLetterReason;
    this.reference = b.reference;
    this.code = b.code;
    this.detail = b.detail;
    this.attempts = b.attempts;
  }

  /**
   * A builder for the result of {@code destination} ending in {@code state}; everything else
   * defaults to "none" ({@code ADD}, {@code ROUTE}, no target, no dead letter, no reference, no
   * code, detail {@code ""}, 0 attempts).
   */
  public static Builder builder(String destination, FinalState state) {
    return new Builder(destination, state);
  }

  /** The destination's name. */
  public String destination() {
    return destination;
  }

  /** The route's target in that destination (an audience id…), or null. */
  public @Nullable String target() {
    return target;
  }

  /**
   * The audience action this result belongs to: the event's own ({@code REMOVE} for an event that
   * asks to remove someone from an audience, {@code ADD} otherwise, including every non-audience
   * delivery such as an SMS), or {@code REMOVE} for a remove the engine emitted after an opt-out.
   */
  public AudienceAction.Action action() {
    return action;
  }

  /** Why the engine made this delivery: a route, or an opt-out seen at another destination. */
  public Origin origin() {
    return origin;
  }

  /** The final state. */
  public FinalState state() {
    return state;
  }

  /** Why it is in the dead-letter store, or null if it is not there. */
  public @Nullable DeadLetterReason deadLetterReason() {
    return deadLetterReason;
  }

  /** The destination's reference for a delivery (e.g. a message SID), or null. */
  public @Nullable String reference() {
    return reference;
  }

  /** The destination's error code, or null. */
  public @Nullable String code() {
    return code;
  }

  /** A short human-readable explanation, without PII ({@code ""} when delivered). */
  public String detail() {
    return detail;
  }

  /** How many times it was handed to the destination (0 if it never was). */
  public int attempts() {
    return attempts;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DestinationResult r
        && destination.equals(r.destination)
        && Objects.equals(target, r.target)
        && action == r.action
        && origin == r.origin
        && state == r.state
        && deadLetterReason == r.deadLetterReason
        && Objects.equals(reference, r.reference)
        && Objects.equals(code, r.code)
        && detail.equals(r.detail)
        && attempts == r.attempts;
  }

  @Override
  public int hashCode() {
    return Objects.hash(destination, target, action, origin, state, deadLetterReason, reference,
        code, detail, attempts);
  }

  /** The same form a record had: {@code DestinationResult[destination=sms, target=null, …]}. */
  @Override
  public String toString() {
    return "DestinationResult[destination=" + destination + ", target=" + target + ", action="
        + action + ", origin=" + origin + ", state=" + state + ", deadLetterReason="
        + deadLetterReason + ", reference=" + reference + ", code=" + code + ", detail=" + detail
        + ", attempts=" + attempts + "]";
  }

  /** Builds a {@link DestinationResult}. Not thread-safe. */
  public static final class Builder {
    private final String destination;
    private final FinalState state;
    private @Nullable String target;
    private AudienceAction.Action action = AudienceAction.Action.ADD;
    private Origin origin = Origin.ROUTE;
    private @Nullable DeadLetterReason deadLetterReason;
    private @Nullable String reference;
    private @Nullable String code;
    private String detail = "";
    private int attempts;

    private Builder(String destination, FinalState state) {
      this.destination = Objects.requireNonNull(destination, "destination");
      this.state = Objects.requireNonNull(state, "state");
    }

    /** See {@link DestinationResult#target()}. */
    public Builder target(@Nullable String target) {
      this.target = target;
      return this;
    }

    /** See {@link DestinationResult#action()}. */
    public Builder action(AudienceAction.Action action) {
      this.action = Objects.requireNonNull(action, "action");
      return this;
    }

    /** See {@link DestinationResult#origin()}. */
    public Builder origin(Origin origin) {
      this.origin = Objects.requireNonNull(origin, "origin");
      return this;
    }

    /** See {@link DestinationResult#deadLetterReason()}. */
    public Builder deadLetterReason(@Nullable DeadLetterReason reason) {
      this.deadLetterReason = reason;
      return this;
    }

    /** See {@link DestinationResult#reference()}. */
    public Builder reference(@Nullable String reference) {
      this.reference = reference;
      return this;
    }

    /** See {@link DestinationResult#code()}. */
    public Builder code(@Nullable String code) {
      this.code = code;
      return this;
    }

    /** See {@link DestinationResult#detail()}. */
    public Builder detail(String detail) {
      this.detail = Objects.requireNonNull(detail, "detail");
      return this;
    }

    /**
     * See {@link DestinationResult#attempts()}.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder attempts(int attempts) {
      if (attempts < 0) {
        throw new IllegalArgumentException("attempts: must be ≥ 0, was " + attempts);
      }
      this.attempts = attempts;
      return this;
    }

    public DestinationResult build() {
      return new DestinationResult(this);
    }
  }

  /** Why a delivery was made, so an opt-out's audience removes are told apart from routed ones. */
  public enum Origin {
    /** A route matched the event: this is the event's own delivery to that target. */
    ROUTE,
    /**
     * The person opted out at some destination and the {@link OptOutPolicy} removes them from the
     * ad audiences the routes feed: an audience {@code REMOVE} the event itself did not ask for.
     */
    OPT_OUT
  }
}
