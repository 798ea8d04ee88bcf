package dev.outlane.contract;

import dev.outlane.contract.internal.JsonValues;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A retention activation event, contract v1: the one payload every signal uses.
 *
 * <p>Instances are immutable and thread-safe. {@code email} and {@code phone} are kept raw, as
 * received; normalize them with {@link dev.outlane.identity.IdentityNormalizer}. {@link #toString()}
 * redacts both, so an event can be logged.
 *
 * <p>Build one with {@link #builder()}, or read JSON with {@link EventCodec}, which also validates.
 * The record's constructor checks only that required fields are present; the full v1 rules (formats,
 * lengths, the 32 KB limit) are applied by {@link EventCodec} and {@link EventValidator}.
 *
 * @param schemaVersion {@code "1.<minor>"}
 * @param eventId the producer's id for this occurrence, 1–128 chars
 * @param eventName {@code [a-z][a-z0-9_]{0,63}}, e.g. {@code cart_abandoned}
 * @param source where the signal came from, e.g. {@code customerio}
 * @param customerId the stable internal customer id; stored trimmed
 * @param eventTime when the signal happened, UTC
 * @param email the raw email, as received
 * @param phone the raw phone, as received
 * @param audience the audience this signal adds the person to or removes them from
 * @param commerce commerce facts
 * @param consent per-channel consent
 * @param properties free-form JSON properties (values: String, Number, Boolean, List, Map, null),
 *     stored as a deep unmodifiable copy in which every number is a {@code Long} (an integer without
 *     fraction or exponent that fits) or an exact {@code BigDecimal}; {@code Integer}, {@code
 *     Double} and friends are converted, so a built event equals the same event read from JSON
 *     (the constructor throws IllegalArgumentException if a value cannot be JSON: another type, a non-finite
 *     double, a non-string map key, nesting deeper than 255 levels), naming its path
 */
public record RetentionEvent(
    String schemaVersion,
    String eventId,
    String eventName,
    String source,
    String customerId,
    Instant eventTime,
    @Nullable String email,
    @Nullable String phone,
    @Nullable AudienceAction audience,
    @Nullable Commerce commerce,
    Consent consent,
    Map<String, @Nullable Object> properties) {

  /** The schema version this release writes. */
  public static final String CURRENT_SCHEMA_VERSION = "1.0";

  public RetentionEvent {
    Objects.requireNonNull(schemaVersion, "schemaVersion");
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(eventName, "eventName");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(customerId, "customerId");
    Objects.requireNonNull(eventTime, "eventTime");
    Objects.requireNonNull(consent, "consent");
    // The contract stores customer ids trimmed; doing it here makes built and parsed events agree.
    customerId = customerId.strip();
    // A deep, unmodifiable copy in canonical form (Long or BigDecimal numbers), so the event is
    // truly immutable and equals the same event read back from its JSON.
    properties = JsonValues.canonicalObject(properties, "properties");
  }

  /** A builder with {@code schemaVersion} preset to {@link #CURRENT_SCHEMA_VERSION}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder preset with this event's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.schemaVersion = schemaVersion;
    b.eventId = eventId;
    b.eventName = eventName;
    b.source = source;
    b.customerId = customerId;
    b.eventTime = eventTime;
    b.email = email;
    b.phone = phone;
    b.audience = audience;
    b.commerce = commerce;
    b.consent = consent;
    b.properties = new LinkedHashMap<>(properties);
    return b;
  }

  /** Redacts email and phone: they are PII. */
  @Override
  public String toString() {
    return "RetentionEvent{schemaVersion="
        + schemaVersion
        + ", eventId="
        + eventId
        + ", eventName="
        + eventName
        + ", source="
        + source
        + ", customerId="
        + customerId
        + ", eventTime="
        + eventTime
        + ", email="
        + (email == null ? "null" : "<redacted>")
        + ", phone="
        + (phone == null ? "null" : "<redacted>")
        + ", audience="
        + audience
        + ", commerce="
        + commerce
        + ", consent="
        + consent
        + ", properties="
        + properties.keySet()
        + "}";
  }

  /** Builds a {@link RetentionEvent}. Not thread-safe. */
  public static final class Builder {
    private String schemaVersion = CURRENT_SCHEMA_VERSION;
    private @Nullable String eventId;
    private @Nullable String eventName;
    private @Nullable String source;
    private @Nullable String customerId;
    private @Nullable Instant eventTime;
    private @Nullable String email;
    private @Nullable String phone;
    private @Nullable AudienceAction audience;
    private @Nullable Commerce commerce;
    private Consent consent = Consent.UNKNOWN;
    private Map<String, @Nullable Object> properties = new LinkedHashMap<>();

    private Builder() {}

    public Builder schemaVersion(String schemaVersion) {
      this.schemaVersion = schemaVersion;
      return this;
    }

    public Builder eventId(String eventId) {
      this.eventId = eventId;
      return this;
    }

    public Builder eventName(String eventName) {
      this.eventName = eventName;
      return this;
    }

    public Builder source(String source) {
      this.source = source;
      return this;
    }

    public Builder customerId(String customerId) {
      this.customerId = customerId;
      return this;
    }

    public Builder eventTime(Instant eventTime) {
      this.eventTime = eventTime;
      return this;
    }

    public Builder email(@Nullable String email) {
      this.email = email;
      return this;
    }

    public Builder phone(@Nullable String phone) {
      this.phone = phone;
      return this;
    }

    public Builder audience(@Nullable AudienceAction audience) {
      this.audience = audience;
      return this;
    }

    public Builder audience(String name, AudienceAction.Action action) {
      return audience(new AudienceAction(name, action));
    }

    public Builder commerce(@Nullable Commerce commerce) {
      this.commerce = commerce;
      return this;
    }

    public Builder consent(Consent consent) {
      this.consent = consent;
      return this;
    }

    public Builder properties(Map<String, @Nullable Object> properties) {
      this.properties = new LinkedHashMap<>(properties);
      return this;
    }

    public Builder property(String key, @Nullable Object value) {
      this.properties.put(key, value);
      return this;
    }

    /**
     * Builds the event.
     *
     * @throws NullPointerException naming the first missing required field
     */
    public RetentionEvent build() {
      return new RetentionEvent(
          schemaVersion,
          Objects.requireNonNull(eventId, "eventId"),
          Objects.requireNonNull(eventName, "eventName"),
          Objects.requireNonNull(source, "source"),
          Objects.requireNonNull(customerId, "customerId"),
          Objects.requireNonNull(eventTime, "eventTime"),
          email,
          phone,
          audience,
          commerce,
          consent,
          properties);
    }
  }
}
