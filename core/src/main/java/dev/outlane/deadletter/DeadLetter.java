package dev.outlane.deadletter;

import dev.outlane.contract.RetentionEvent;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One delivery that could not be completed, with everything an operator needs to debug and replay
 * it. Build one with {@link #builder()} (or change a copy with {@link #toBuilder()}): a class with
 * accessors rather than a record, so that it can gain a field without breaking callers.
 *
 * <p>Immutable and thread-safe. {@link #toString()} never prints PII (the event's own {@code
 * toString} redacts it); for a line to show an operator use {@link DeadLetterListing}.
 */
public final class DeadLetter {
  private final String id;
  private final RetentionEvent event;
  private final String destination;
  private final String idempotencyKey;
  private final DeadLetterReason reason;
  private final String detail;
  private final @Nullable String errorCode;
  private final int attempts;
  private final Instant firstAttempt;
  private final Instant lastAttempt;
  private final boolean resolved;

  /**
   * A dead letter with every field given in order.
   *
   * @throws NullPointerException naming the first required field that is null
   * @deprecated use {@link #builder()}: eleven positional arguments cannot grow a twelfth
   *     compatibly. Kept while callers move; it will go before 1.0.
   */
  @Deprecated
  public DeadLetter(
      String id,
      RetentionEvent event,
      String destination,
      String idempotencyKey,
      DeadLetterReason reason,
      String detail,
      @Nullable String errorCode,
      int attempts,
      Instant firstAttempt,
      Instant lastAttempt,
      boolean resolved) {
    this.id = Objects.requireNonNull(id, "id");
    this.event = Objects.requireNonNull(event, "event");
    this.destination = Objects.requireNonNull(destination, "destination");
    this.idempotencyKey = Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    this.reason = Objects.requireNonNull(reason, "reason");
    this.detail = Objects.requireNonNull(detail, "detail");
    this.errorCode = errorCode;
    this.attempts = attempts;
    this.firstAttempt = Objects.requireNonNull(firstAttempt, "firstAttempt");
    this.lastAttempt = Objects.requireNonNull(lastAttempt, "lastAttempt");
    this.resolved = resolved;
  }

  /** A builder with nothing set; see {@link Builder} for what is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this dead letter's values. */
  @SuppressWarnings("deprecation")
  public Builder toBuilder() {
    Builder b = new Builder();
    b.id = id;
    b.event = event;
    b.destination = destination;
    b.idempotencyKey = idempotencyKey;
    b.reason = reason;
    b.detail = detail;
    b.errorCode = errorCode;
    b.attempts = attempts;
    b.firstAttempt = firstAttempt;
    b.lastAttempt = lastAttempt;
    b.resolved = resolved;
    return b;
  }

  /** Unique id of this record in its store. */
  public String id() {
    return id;
  }

  /** The event, as accepted. */
  public RetentionEvent event() {
    return event;
  }

  /** The destination's name. */
  public String destination() {
    return destination;
  }

  /** The key the delivery used. */
  public String idempotencyKey() {
    return idempotencyKey;
  }

  /** Why it ended here. */
  public DeadLetterReason reason() {
    return reason;
  }

  /** The last error message, without PII. */
  public String detail() {
    return detail;
  }

  /** The destination's error code, or null. */
  public @Nullable String errorCode() {
    return errorCode;
  }

  /** How many attempts were made. */
  public int attempts() {
    return attempts;
  }

  /** When the first attempt was made. */
  public Instant firstAttempt() {
    return firstAttempt;
  }

  /** When the last attempt was made. */
  public Instant lastAttempt() {
    return lastAttempt;
  }

  /** Whether a replay delivered it (resolved records are not replayed again). */
  public boolean resolved() {
    return resolved;
  }

  /** A copy marked resolved. */
  public DeadLetter asResolved() {
    return toBuilder().resolved(true).build();
  }

  /** Equal when every field is equal. */
  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof DeadLetter d
        && id.equals(d.id)
        && event.equals(d.event)
        && destination.equals(d.destination)
        && idempotencyKey.equals(d.idempotencyKey)
        && reason == d.reason
        && detail.equals(d.detail)
        && Objects.equals(errorCode, d.errorCode)
        && attempts == d.attempts
        && firstAttempt.equals(d.firstAttempt)
        && lastAttempt.equals(d.lastAttempt)
        && resolved == d.resolved;
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, event, destination, idempotencyKey, reason, detail, errorCode, attempts,
        firstAttempt, lastAttempt, resolved);
  }

  /** The form a record printed (the event redacts its own PII), so log lines stay the same. */
  @Override
  public String toString() {
    return "DeadLetter[id=" + id + ", event=" + event + ", destination=" + destination
        + ", idempotencyKey=" + idempotencyKey + ", reason=" + reason + ", detail=" + detail
        + ", errorCode=" + errorCode + ", attempts=" + attempts + ", firstAttempt=" + firstAttempt
        + ", lastAttempt=" + lastAttempt + ", resolved=" + resolved + "]";
  }

  /**
   * Builds a {@link DeadLetter}. Required: {@code id}, {@code event}, {@code destination}, {@code
   * idempotencyKey}, {@code reason}, {@code detail}, {@code firstAttempt} and {@code lastAttempt};
   * {@code errorCode} defaults to none, {@code attempts} to 0 and {@code resolved} to false. Each
   * setter rejects a bad value as it is set ({@link NullPointerException} naming the field, {@link
   * IllegalArgumentException} for a negative attempt count).
   *
   * <p>Not thread-safe; use one builder per thread.
   */
  public static final class Builder {
    private @Nullable String id;
    private @Nullable RetentionEvent event;
    private @Nullable String destination;
    private @Nullable String idempotencyKey;
    private @Nullable DeadLetterReason reason;
    private @Nullable String detail;
    private @Nullable String errorCode;
    private int attempts;
    private @Nullable Instant firstAttempt;
    private @Nullable Instant lastAttempt;
    private boolean resolved;

    private Builder() {}

    /** Unique id of this record in its store. */
    public Builder id(String id) {
      this.id = Objects.requireNonNull(id, "id");
      return this;
    }

    /** The event, as accepted. */
    public Builder event(RetentionEvent event) {
      this.event = Objects.requireNonNull(event, "event");
      return this;
    }

    /** The destination's name. */
    public Builder destination(String destination) {
      this.destination = Objects.requireNonNull(destination, "destination");
      return this;
    }

    /** The key the delivery used. */
    public Builder idempotencyKey(String idempotencyKey) {
      this.idempotencyKey = Objects.requireNonNull(idempotencyKey, "idempotencyKey");
      return this;
    }

    /** Why it ended here. */
    public Builder reason(DeadLetterReason reason) {
      this.reason = Objects.requireNonNull(reason, "reason");
      return this;
    }

    /** The last error message; it must not contain PII. */
    public Builder detail(String detail) {
      this.detail = Objects.requireNonNull(detail, "detail");
      return this;
    }

    /** The destination's error code, or null for none. */
    public Builder errorCode(@Nullable String errorCode) {
      this.errorCode = errorCode;
      return this;
    }

    /**
     * How many attempts were made.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder attempts(int attempts) {
      if (attempts < 0) {
        throw new IllegalArgumentException("attempts must not be negative, was " + attempts);
      }
      this.attempts = attempts;
      return this;
    }

    /** When the first attempt was made. */
    public Builder firstAttempt(Instant firstAttempt) {
      this.firstAttempt = Objects.requireNonNull(firstAttempt, "firstAttempt");
      return this;
    }

    /** When the last attempt was made. */
    public Builder lastAttempt(Instant lastAttempt) {
      this.lastAttempt = Objects.requireNonNull(lastAttempt, "lastAttempt");
      return this;
    }

    /** Whether a replay delivered it. */
    public Builder resolved(boolean resolved) {
      this.resolved = resolved;
      return this;
    }

    /**
     * The dead letter.
     *
     * @throws IllegalStateException {@code "<field> is required"} naming the first required field
     *     that was not set
     */
    @SuppressWarnings("deprecation")
    public DeadLetter build() {
      return new DeadLetter(required(id, "id"), required(event, "event"),
          required(destination, "destination"), required(idempotencyKey, "idempotencyKey"),
          required(reason, "reason"), required(detail, "detail"), errorCode, attempts,
          required(firstAttempt, "firstAttempt"), required(lastAttempt, "lastAttempt"), resolved);
    }

    private static <T> T required(@Nullable T value, String field) {
      if (value == null) {
        throw new IllegalStateException(field + " is required");
      }
      return value;
    }
  }
}
