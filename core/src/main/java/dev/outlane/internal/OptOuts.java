package dev.outlane.internal;

import dev.outlane.DestinationResult;
import dev.outlane.OptOut;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.destination.Channel;
import dev.outlane.guardrail.SuppressionSource;
import dev.outlane.identity.Identity;
import dev.outlane.identity.IdentityNormalizer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.commons.codec.digest.DigestUtils;
import org.jspecify.annotations.Nullable;

/**
 * {@code Outlane.optOut} and {@code Outlane.lift}: normalizes the person, records or lifts the typed
 * suppression, and hands the audience removes to the {@link Engine} as one journaled marker event.
 *
 * <p><b>The marker.</b> An opt-out's audience removes are journaled like an event, so in durable
 * mode a crash between the opt-out and the removes re-queues them on the next start. The journal
 * keeps {@link RetentionEvent}s, so the opt-out is written as one: event name {@value #EVENT_NAME},
 * source {@value #SOURCE}, property {@value #SOURCE_PROPERTY} = the suppression source's code and
 * {@value #CUSTOMER_KNOWN_PROPERTY} = whether the customer id was given (when it was not, the
 * event's customer id is a placeholder the contract requires and the person is matched by email or
 * phone alone). Recovery recognises it by name and source and queues only the removes; no route
 * ever sees it.
 *
 * <p><b>Keys.</b> The removes' idempotency keys are per occurrence of the marker's event id, which
 * is derived from the opt-out's dedupe id when it has one: a retried inbound delivery of the same
 * STOP yields the same keys and is deduplicated.
 *
 * <p>Thread-safe (stateless beyond its immutable configuration).
 */
public final class OptOuts {
  static final String EVENT_NAME = "outlane_opt_out";
  static final String SOURCE = "outlane.opt-out";
  static final String SOURCE_PROPERTY = "opt_out_source";
  static final String CUSTOMER_KNOWN_PROPERTY = "customer_id_known";
  /** The customer id a marker carries when the opt-out named none (the contract needs one). */
  static final String NO_CUSTOMER_ID = "-";

  private final EngineConfig config;
  private final Engine engine;
  private final Clock clock;

  public OptOuts(EngineConfig config, Engine engine) {
    this.config = config;
    this.engine = engine;
    this.clock = config.clock();
  }

  /**
   * See {@code Outlane.optOut}: the suppression first (durably), then the removes.
   *
   * @return the removes' results (empty if the policy removes from no audience or none is routed)
   */
  public CompletableFuture<List<DestinationResult>> optOut(OptOut optOut) {
    Identity identity = identityOf(config.normalizer(), optOut.customerId(), optOut.email(),
        optOut.phone());
    config.suppression().suppress(identity, optOut.channels(), optOut.source());
    config.metrics().count("", "opted_out", optOut.source().code(), 1);
    if (!config.optOut().removeFromAudiences()) {
      return CompletableFuture.completedFuture(List.of());
    }
    RetentionEvent marker = marker(optOut);
    return engine.removeFromAudiences(marker, identity).thenApply(r -> r.results());
  }

  /** See {@code Outlane.lift}. */
  public Set<Channel> lift(OptOut optOut) {
    Identity identity = identityOf(config.normalizer(), optOut.customerId(), optOut.email(),
        optOut.phone());
    Set<Channel> lifted = config.suppression().lift(identity, optOut.channels(), optOut.source());
    if (!lifted.isEmpty()) {
      config.metrics().count("", "lifted", optOut.source().code(), 1);
    }
    return lifted;
  }

  private RetentionEvent marker(OptOut optOut) {
    String dedupe = optOut.dedupeId();
    String eventId = dedupe == null
        ? "opt-out-" + UUID.randomUUID()
        : "opt-out-" + HexFormat.of().formatHex(DigestUtils.sha256(
            (optOut.source().code() + "\u0000" + dedupe).getBytes(StandardCharsets.UTF_8)), 0, 16);
    return RetentionEvent.builder()
        .eventId(eventId)
        .eventName(EVENT_NAME)
        .source(SOURCE)
        .customerId(optOut.customerId() == null ? NO_CUSTOMER_ID : optOut.customerId())
        .eventTime(clock.instant())
        .email(optOut.email())
        .phone(optOut.phone())
        .property(SOURCE_PROPERTY, optOut.source().code())
        .property(CUSTOMER_KNOWN_PROPERTY, optOut.customerId() != null)
        .build();
  }

  /** Whether a journaled event is an opt-out's marker rather than a user's event. */
  static boolean isMarker(RetentionEvent event) {
    return EVENT_NAME.equals(event.eventName()) && SOURCE.equals(event.source())
        && event.properties().get(SOURCE_PROPERTY) instanceof String;
  }

  /** The person a marker stands for, normalized with {@code normalizer}. */
  static Identity identityOfMarker(RetentionEvent marker, IdentityNormalizer normalizer) {
    boolean known = Boolean.TRUE.equals(marker.properties().get(CUSTOMER_KNOWN_PROPERTY));
    return identityOf(normalizer, known ? marker.customerId() : null, marker.email(), marker.phone());
  }

  /**
   * Normalizes a person given by any subset of identifiers; an unknown customer id becomes the empty
   * one, which the suppression stores read as "matched by email or phone alone".
   *
   * @throws dev.outlane.ValidationException listing every identifier that does not normalize
   */
  static Identity identityOf(IdentityNormalizer normalizer, @Nullable String customerId,
      @Nullable String email, @Nullable String phone) {
    return normalizer.normalizeAnyOf(customerId, email, phone);
  }
}
