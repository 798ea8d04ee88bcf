package dev.outlane;

import dev.outlane.destination.Channel;
import dev.outlane.guardrail.SuppressionSource;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A person's opt-out (or its lifting) as a receiver reports it to {@link Outlane#optOut} or {@link
 * Outlane#lift}: who caused it ({@link SuppressionSource}), on which channels, and the person by raw
 * customer id, email or phone — any subset, at least one (a Twilio STOP knows only the phone).
 *
 * <pre>{@code
 * outlane.optOut(OptOut.builder()
 *     .source(SuppressionSource.TWILIO_STOP)
 *     .channels(Channel.SMS)
 *     .phone(from)
 *     .dedupeId(messageSid)
 *     .build());
 * }</pre>
 *
 * <p>The {@linkplain Builder#dedupeId dedupe id}, when the inbound request has one (Twilio's
 * {@code MessageSid}, Customer.io's delivery id), makes a retried delivery of the same opt-out
 * produce the same audience-remove keys, so the removes are deduplicated like any event's.
 *
 * <p>Immutable and thread-safe. {@link #toString()} never shows the email or the phone.
 */
public final class OptOut {
  private final SuppressionSource source;
  private final Set<Channel> channels;
  private final @Nullable String customerId;
  private final @Nullable String email;
  private final @Nullable String phone;
  private final @Nullable String dedupeId;

  private OptOut(Builder b) {
    this.source = Objects.requireNonNull(b.source);
    this.channels = Set.copyOf(b.channels);
    this.customerId = b.customerId;
    this.email = b.email;
    this.phone = b.phone;
    this.dedupeId = b.dedupeId;
  }

  /** A builder; {@code source}, at least one channel and at least one identifier are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder preset with this opt-out's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.source = source;
    b.channels.addAll(channels);
    b.customerId = customerId;
    b.email = email;
    b.phone = phone;
    b.dedupeId = dedupeId;
    return b;
  }

  /** What caused the opt-out; {@link Outlane#lift} lifts only this source's suppressions. */
  public SuppressionSource source() {
    return source;
  }

  /** The channels to suppress (or lift); never empty. */
  public Set<Channel> channels() {
    return channels;
  }

  /** The raw customer id, or null if the receiver does not know it. */
  public @Nullable String customerId() {
    return customerId;
  }

  /** The raw email, or null. */
  public @Nullable String email() {
    return email;
  }

  /** The raw phone, or null. */
  public @Nullable String phone() {
    return phone;
  }

  /** The inbound request's own id for this signal (dedupes retries), or null. */
  public @Nullable String dedupeId() {
    return dedupeId;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OptOut other && source == other.source && channels.equals(other.channels)
        && Objects.equals(customerId, other.customerId) && Objects.equals(email, other.email)
        && Objects.equals(phone, other.phone) && Objects.equals(dedupeId, other.dedupeId);
  }

  @Override
  public int hashCode() {
    return Objects.hash(source, channels, customerId, email, phone, dedupeId);
  }

  @Override
  public String toString() {
    return "OptOut{source=" + source.code() + ", channels=" + EnumSet.copyOf(channels)
        + ", customerId=" + (customerId == null ? "null" : customerId)
        + ", email=" + (email == null ? "null" : "<redacted>")
        + ", phone=" + (phone == null ? "null" : "<redacted>")
        + ", dedupeId=" + dedupeId + "}";
  }

  /**
   * Builds an {@link OptOut}; setters check their value at once. Not thread-safe.
   */
  public static final class Builder {
    private @Nullable SuppressionSource source;
    private final EnumSet<Channel> channels = EnumSet.noneOf(Channel.class);
    private @Nullable String customerId;
    private @Nullable String email;
    private @Nullable String phone;
    private @Nullable String dedupeId;

    private Builder() {}

    /** What caused it. Required. */
    public Builder source(SuppressionSource source) {
      this.source = Objects.requireNonNull(source, "source");
      return this;
    }

    /** The channels, replacing any set before. At least one is required. */
    public Builder channels(Set<Channel> channels) {
      Objects.requireNonNull(channels, "channels");
      this.channels.clear();
      this.channels.addAll(channels);
      return this;
    }

    /** The channels, replacing any set before. At least one is required. */
    public Builder channels(Channel first, Channel... more) {
      return channels(EnumSet.of(first, more));
    }

    /** The raw customer id (trimmed by the client), or null. */
    public Builder customerId(@Nullable String customerId) {
      this.customerId = blankToNull(customerId, "customerId");
      return this;
    }

    /** The raw email (normalized by the client), or null. */
    public Builder email(@Nullable String email) {
      this.email = blankToNull(email, "email");
      return this;
    }

    /** The raw phone (normalized to E.164 by the client, in its default region), or null. */
    public Builder phone(@Nullable String phone) {
      this.phone = blankToNull(phone, "phone");
      return this;
    }

    /** The inbound request's id for this signal (e.g. Twilio's {@code MessageSid}), or null. */
    public Builder dedupeId(@Nullable String dedupeId) {
      this.dedupeId = blankToNull(dedupeId, "dedupeId");
      return this;
    }

    private static @Nullable String blankToNull(@Nullable String value, String field) {
      if (value != null && value.isBlank()) {
        throw new IllegalArgumentException(field + ": must not be blank (pass null if unknown)");
      }
      return value;
    }

    /**
     * Builds the opt-out.
     *
     * @throws IllegalStateException naming what is missing
     */
    public OptOut build() {
      if (source == null) {
        throw new IllegalStateException("source: required");
      }
      if (channels.isEmpty()) {
        throw new IllegalStateException("channels: at least one channel is required");
      }
      if (customerId == null && email == null && phone == null) {
        throw new IllegalStateException(
            "person: at least one of customerId, email or phone is required");
      }
      return new OptOut(this);
    }
  }
}
