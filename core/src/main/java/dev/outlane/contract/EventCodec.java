package dev.outlane.contract;

import dev.outlane.Problem;
import dev.outlane.ValidationException;
import dev.outlane.contract.internal.EventReader;
import dev.outlane.contract.internal.EventWriter;
import dev.outlane.contract.internal.FieldRules;
import dev.outlane.contract.internal.JsonValues;
import dev.outlane.identity.IdentityNormalizer;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Reads and writes contract v1 {@link RetentionEvent}s as JSON, and validates them. The JSON Schema
 * of the same contract ships as {@code dev/outlane/contract/retention-activation-v1.schema.json} in
 * this jar.
 *
 * <p>Immutable and thread-safe: build one per configuration and share it.
 *
 * <pre>{@code
 * EventCodec codec = outlane.codec();   // or EventCodec.create(normalizer): the client's region
 * ParseResult result = codec.parse(line);
 * if (!result.isValid()) {
 *   result.problems().forEach(p -> System.out.println(p));   // $.commerce.currency: not an ISO-4217 code: "usd1"
 * }
 * }</pre>
 *
 * <h2>Reading</h2>
 *
 * {@link #parse(String)} never throws on any input. It reports every problem it finds in one pass,
 * each as a JSON path and a reason that never repeats a raw email or phone. Malformed JSON is one
 * problem at {@code $}. The rules:
 *
 * <ul>
 *   <li>{@code schema_version}: required, {@code "1.<minor>"}. Any 1.x is read and unknown fields
 *       are ignored at every level, so a later minor version can add fields. Another major version
 *       is rejected with that one problem: {@code unsupported major version "2.0" (supported: 1.x)}.
 *   <li>{@code event_id}: required, 1–128 characters, not blank. {@code event_name}: required,
 *       {@code [a-z][a-z0-9_]{0,63}}. {@code source}: required, not blank. {@code customer_id}:
 *       required, not blank, stored trimmed.
 *   <li>{@code event_time}: required; an RFC 3339 date-time with {@code Z} or an offset, or epoch
 *       time as a JSON integer or a string of digits. <b>Epoch rule:</b> a value below
 *       100,000,000,000 is seconds, any other is milliseconds (10^11 s is the year 5138; 10^11 ms is
 *       1973-03-03). Negative or fractional epoch values are rejected. A date-time without an
 *       offset is rejected as an {@code ambiguous time zone}. Times before 1970-01-01T00:00:00Z or
 *       after 9999-12-31 are rejected. Stored as a UTC {@link java.time.Instant}.
 *   <li>{@code email}, {@code phone}: optional strings, kept raw, but they must pass the configured
 *       {@link IdentityNormalizer}; the problem names the reason, never the value.
 *   <li>{@code audience}: optional {@code {"name": …, "action": "add"|"remove"}}, both required.
 *   <li>{@code commerce}: optional. {@code cart_value} is an exact decimal given as a string
 *       ({@code "1250.00"}) or a JSON number, read from the number's text so no {@code double} is
 *       involved; not negative, at most 15 digits before and 6 after the point, and when it is
 *       given {@code currency} is required. {@code currency} is an ISO-4217 code in any case (the
 *       JDK's {@link java.util.Currency} list), stored upper-case. {@code skus} is an array of
 *       non-blank strings; {@code order_id} a non-blank string.
 *   <li>{@code consent}: optional; {@code sms}, {@code email}, {@code ads} each {@code granted},
 *       {@code denied} or {@code unknown}; a channel not mentioned is unknown.
 *   <li>{@code properties}: optional free-form object. Numbers stay exact: an integer written
 *       without fraction or exponent that fits a {@code long} becomes a {@link Long}, any other
 *       number a {@link BigDecimal}. <b>Number bounds:</b> at most 34 significant digits (IEEE 754
 *       decimal128) and a decimal exponent of the leading digit from -307 to 307 (so every accepted
 *       value is a finite, normal double for consumers such as JavaScript, and its plain form has at
 *       most 341 digits); a number outside them is {@code $.properties.coupon: number out of range
 *       (…)}, from JSON and from {@link #validate(RetentionEvent)} alike.
 *   <li>JSON {@code null} for an optional field means absent; for a required field it is a problem.
 *       A duplicate key is a problem.
 *   <li><b>One size rule:</b> the event's canonical JSON, the form {@link #toJson} writes and every
 *       destination and journal receives, must be at most {@link #maxEventBytes()} UTF-8 bytes
 *       (default 32 KB, Segment's per-event limit). {@link #parse} and {@link
 *       #validate(RetentionEvent)} apply it through the same check and give the same problem
 *       ({@code $: event is 32789 bytes, over the 32768-byte limit}), so what parse accepts submit
 *       accepts. The input's own size does not count: indentation and unknown fields are dropped,
 *       while escapes and defaults can make the canonical form larger than the input.
 *   <li>To bound the work done on untrusted input, an input over {@link #maxInputBytes()} (four
 *       times the event limit, room for indentation and a producer's own fields) is not read at
 *       all: {@code $: input is 140000 bytes, over the 131072-byte input limit}.
 *   <li>{@link #parse(byte[])} reads UTF-8 strictly: a malformed or truncated byte sequence is the
 *       one problem {@code $: not valid UTF-8 (malformed byte sequence at byte 4)}, never a silent
 *       U+FFFD.
 * </ul>
 *
 * <h2>Writing</h2>
 *
 * {@link #toJson(RetentionEvent)} writes compact JSON, snake_case, fields in the order listed above,
 * optional fields omitted when null (and {@code consent} when it says nothing, {@code skus} and
 * {@code properties} when empty). {@code event_time} is RFC 3339 in UTC with a fraction only when
 * non-zero ({@code 2026-11-29T18:00:00Z}, {@code 2026-11-29T18:00:00.250Z}). {@code cart_value} is
 * written as a JSON <em>string</em> holding the exact decimal ({@code "1250.00"}, scale kept),
 * because many JSON stacks read numbers into doubles. For every valid event, {@code
 * parse(toJson(e))} equals {@code e}.
 */
public final class EventCodec {
  /** Segment's per-event limit, 32 KB (see docs/destinations.md). */
  public static final int DEFAULT_MAX_EVENT_BYTES = 32 * 1024;

  private final IdentityNormalizer identityNormalizer;
  private final int maxEventBytes;

  private EventCodec(Builder builder) {
    this.identityNormalizer = builder.identityNormalizer;
    this.maxEventBytes = builder.maxEventBytes;
  }

  /**
   * A codec with {@link IdentityNormalizer#create()} (region US, strict) and a 32 KB limit. A
   * client built with another normalizer has its matching codec at {@code Outlane#codec()}; or use
   * {@link #create(IdentityNormalizer)}.
   */
  public static EventCodec create() {
    return builder().build();
  }

  /**
   * A codec that checks emails and phones with {@code identityNormalizer} (the one the client was
   * built with: a GB normalizer reads {@code "020 7946 0018"}), and a 32 KB limit.
   */
  public static EventCodec create(IdentityNormalizer identityNormalizer) {
    return builder().identityNormalizer(identityNormalizer).build();
  }

  /** A builder preset to {@link IdentityNormalizer#create()} and a 32 KB limit. */
  public static Builder builder() {
    return new Builder();
  }

  /** The normalizer that emails and phone numbers must pass. */
  public IdentityNormalizer identityNormalizer() {
    return identityNormalizer;
  }

  /** The largest event accepted: UTF-8 bytes of its canonical JSON ({@link #toJson}). */
  public int maxEventBytes() {
    return maxEventBytes;
  }

  /**
   * The largest input {@link #parse} reads, in UTF-8 bytes: four times {@link #maxEventBytes()}.
   * A guard on the work done for untrusted input, not a second size rule: an input between the two
   * limits is accepted exactly when its canonical form fits the event limit. A line reader should
   * cut lines at this size.
   */
  public long maxInputBytes() {
    return INPUT_FACTOR * (long) maxEventBytes;
  }

  /** How many times the event limit an input may be (see {@link #maxInputBytes()}). */
  private static final int INPUT_FACTOR = 4;

  /**
   * Reads and validates one event. Never throws, whatever {@code json} holds.
   *
   * @param json one JSON object, e.g. one line of NDJSON
   */
  public ParseResult parse(String json) {
    Objects.requireNonNull(json, "json");
    Problem input = inputSizeProblem(JsonValues.utf8Length(json));
    if (input != null) {
      return ParseResult.invalid(List.of(input));
    }
    ParseResult result = EventReader.read(json, identityNormalizer);
    RetentionEvent event = result.event();
    if (event != null) {
      Problem size = canonicalSizeProblem(event);
      if (size != null) {
        return ParseResult.invalid(List.of(size));
      }
    }
    return result;
  }

  /**
   * Reads and validates one event from UTF-8 bytes, strictly: a malformed or truncated sequence is
   * reported as one problem at {@code $} with its byte offset, never replaced by U+FFFD (which
   * would let {@code maya\xff\xfe@example.com} through as another address). Never throws.
   *
   * @param utf8 one JSON object encoded in UTF-8, e.g. an HTTP request body
   */
  public ParseResult parse(byte[] utf8) {
    Objects.requireNonNull(utf8, "utf8");
    Problem input = inputSizeProblem(utf8.length);
    if (input != null) {
      return ParseResult.invalid(List.of(input));
    }
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(utf8);
    CharBuffer out = CharBuffer.allocate(utf8.length);
    CoderResult r = decoder.decode(in, out, true);
    if (!r.isError()) {
      r = decoder.flush(out);
    }
    if (r.isError()) {
      return ParseResult.invalid(
          List.of(new Problem("$", "not valid UTF-8 (malformed byte sequence at byte " + in.position() + ")")));
    }
    return parse(out.flip().toString());
  }

  /**
   * Reads and validates one event from UTF-8 bytes.
   *
   * @throws ValidationException listing every problem, if {@code utf8} is not a valid v1 event
   * @see #parse(byte[])
   */
  public RetentionEvent read(byte[] utf8) {
    return parse(utf8).orThrow();
  }

  /**
   * Reads and validates one event.
   *
   * @throws ValidationException listing every problem, if {@code json} is not a valid v1 event
   */
  public RetentionEvent read(String json) {
    return parse(json).orThrow();
  }

  /**
   * Writes {@code event} as v1 JSON. Writes any event; call {@link #validate(RetentionEvent)} first
   * if it was built in code and must conform.
   */
  public String toJson(RetentionEvent event) {
    return EventWriter.write(event);
  }

  /**
   * Checks an event built in code against the same v1 rules {@link #parse(String)} applies,
   * including the size of its JSON form. Never throws.
   *
   * @return every problem, in field order; empty if the event is valid
   */
  public List<Problem> validate(RetentionEvent event) {
    return validate(event, true);
  }

  /**
   * Like {@link #validate(RetentionEvent)}, but leaves email and phone to the caller: for a caller
   * that normalizes them itself right after (the {@code Outlane} client does), so the expensive
   * phone parse runs once per event, not twice.
   */
  public List<Problem> validateExceptIdentity(RetentionEvent event) {
    return validate(event, false);
  }

  private List<Problem> validate(RetentionEvent event, boolean checkIdentity) {
    List<Problem> problems = new ArrayList<>();
    String version = FieldRules.schemaVersion(event.schemaVersion());
    if (version != null) {
      if (FieldRules.isUnsupportedMajor(event.schemaVersion())) {
        return List.of(new Problem("$.schema_version", version));
      }
      problems.add(new Problem("$.schema_version", version));
    }
    add(problems, "$.event_id", FieldRules.eventId(event.eventId()));
    add(problems, "$.event_name", FieldRules.eventName(event.eventName()));
    add(problems, "$.source", FieldRules.notBlank(event.source()));
    add(problems, "$.customer_id", FieldRules.notBlank(event.customerId()));
    add(problems, "$.event_time", FieldRules.eventTime(event.eventTime()));
    identity(event.email(), "$.email", checkIdentity, identityNormalizer::normalizeEmail, problems);
    identity(event.phone(), "$.phone", checkIdentity, identityNormalizer::normalizePhone, problems);
    AudienceAction audience = event.audience();
    if (audience != null) {
      add(problems, "$.audience.name", FieldRules.notBlank(audience.name()));
    }
    Commerce commerce = event.commerce();
    if (commerce != null) {
      validateCommerce(commerce, problems);
    }
    JsonValues.addValueProblems(event.properties(), "$.properties", problems);
    Problem size = canonicalSizeProblem(event);
    if (size != null) {
      problems.add(size);
    }
    return List.copyOf(problems);
  }

  /**
   * The one size rule, for {@link #parse} and {@link #validate} alike: the problem of an event
   * whose canonical JSON is over {@link #maxEventBytes()}, or null. Serializing costs more than
   * every other check, and the client runs this on each submit: the JSON is only written out when
   * a cheap upper bound of its size could exceed the limit.
   */
  private @Nullable Problem canonicalSizeProblem(RetentionEvent event) {
    if (jsonBytesUpperBound(event) <= maxEventBytes) {
      return null;
    }
    return sizeProblem(JsonValues.utf8Length(toJson(event)));
  }

  /**
   * Checks a raw email or phone: an unpaired surrogate always (the raw value is journaled and
   * written even when the caller normalizes it itself), the normalizer's rule when asked.
   */
  private static void identity(
      @Nullable String raw,
      String path,
      boolean normalize,
      java.util.function.Consumer<String> normalizer,
      List<Problem> problems) {
    if (raw == null) {
      return;
    }
    String surrogate = FieldRules.unpairedSurrogate(raw);
    if (surrogate != null) {
      problems.add(new Problem(path, surrogate));
    } else if (normalize) {
      try {
        normalizer.accept(raw);
      } catch (ValidationException e) {
        problems.addAll(e.problems());
      }
    }
  }

  /**
   * At least as many bytes as {@link #toJson} can produce for {@code event}. One char of a string
   * is at most 6 bytes in JSON ({@code \\u0001}; a non-ASCII char is at most 3 UTF-8 bytes, and a
   * surrogate pair 4 for two chars); a number at most its digits plus a sign, point, exponent and a
   * zero-padding of 32 ({@code EventWriter.formatDecimal}); field names, quotes and separators are
   * covered by a fixed allowance per value and per event.
   */
  private static long jsonBytesUpperBound(RetentionEvent e) {
    long n = 512 + e.eventTime().toString().length();
    n += bound(e.schemaVersion()) + bound(e.eventId()) + bound(e.eventName()) + bound(e.source())
        + bound(e.customerId()) + bound(e.email()) + bound(e.phone());
    AudienceAction audience = e.audience();
    if (audience != null) {
      n += bound(audience.name());
    }
    Commerce commerce = e.commerce();
    if (commerce != null) {
      n += bound(commerce.cartValue()) + bound(commerce.currency()) + bound(commerce.orderId());
      for (String sku : commerce.skus()) {
        n += bound(sku);
      }
    }
    return n + bound(e.properties());
  }

  private static long bound(@Nullable Object value) {
    if (value == null || value instanceof Boolean) {
      return 16;
    }
    if (value instanceof String) {
      return 16 + 6L * ((String) value).length();
    }
    if (value instanceof BigDecimal) {
      return 48 + ((BigDecimal) value).precision();
    }
    if (value instanceof Number) {
      return 48 + value.toString().length();
    }
    long n = 16;
    if (value instanceof Map) {
      for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
        n += bound(String.valueOf(entry.getKey())) + bound(entry.getValue());
      }
      return n;
    }
    if (value instanceof Iterable) {
      for (Object element : (Iterable<?>) value) {
        n += bound(element);
      }
      return n;
    }
    // Not a JSON value the record admits; fall back to measuring it.
    return Long.MAX_VALUE;
  }

  private static void validateCommerce(Commerce commerce, List<Problem> problems) {
    BigDecimal cartValue = commerce.cartValue();
    if (cartValue != null) {
      add(problems, "$.commerce.cart_value", FieldRules.cartValue(cartValue));
    }
    String currency = commerce.currency();
    if (currency != null) {
      add(problems, "$.commerce.currency", FieldRules.currency(currency));
    } else if (cartValue != null) {
      problems.add(new Problem("$.commerce.currency", "is required when cart_value is given"));
    }
    for (int i = 0; i < commerce.skus().size(); i++) {
      add(problems, "$.commerce.skus[" + i + "]", FieldRules.notBlank(commerce.skus().get(i)));
    }
    String orderId = commerce.orderId();
    if (orderId != null) {
      add(problems, "$.commerce.order_id", FieldRules.notBlank(orderId));
    }
  }

  private static void add(List<Problem> problems, String path, @Nullable String reason) {
    if (reason != null) {
      problems.add(new Problem(path, reason));
    }
  }

  /**
   * The problem an event whose canonical JSON is {@code eventBytes} UTF-8 bytes has under this
   * codec's limit ({@code $: event is 40000 bytes, over the 32768-byte limit}), or null if it fits.
   */
  public @Nullable Problem sizeProblem(long eventBytes) {
    if (eventBytes <= maxEventBytes) {
      return null;
    }
    return new Problem(
        "$", "event is " + eventBytes + " bytes, over the " + maxEventBytes + "-byte limit");
  }

  /**
   * The problem an input of {@code inputBytes} UTF-8 bytes has under {@link #maxInputBytes()}
   * ({@code $: input is 140000 bytes, over the 131072-byte input limit}), or null if it may be
   * read. For callers that measure input before reading it whole, like a bounded line reader.
   */
  public @Nullable Problem inputSizeProblem(long inputBytes) {
    if (inputBytes <= maxInputBytes()) {
      return null;
    }
    return new Problem(
        "$", "input is " + inputBytes + " bytes, over the " + maxInputBytes() + "-byte input limit");
  }

  @Override
  public String toString() {
    return "EventCodec{region="
        + identityNormalizer.defaultRegion()
        + ", lenientPhone="
        + identityNormalizer.lenientPhone()
        + ", maxEventBytes="
        + maxEventBytes
        + "}";
  }

  /** Configures an {@link EventCodec}. Not thread-safe. */
  public static final class Builder {
    private IdentityNormalizer identityNormalizer = IdentityNormalizer.create();
    private int maxEventBytes = DEFAULT_MAX_EVENT_BYTES;

    private Builder() {}

    /** The normalizer that {@code email} and {@code phone} must pass; default region US, strict. */
    public Builder identityNormalizer(IdentityNormalizer identityNormalizer) {
      this.identityNormalizer = Objects.requireNonNull(identityNormalizer, "identityNormalizer");
      return this;
    }

    /**
     * The largest event accepted, in UTF-8 bytes of its canonical JSON; default {@value
     * EventCodec#DEFAULT_MAX_EVENT_BYTES}. Inputs are read up to four times this size.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder maxEventBytes(int maxEventBytes) {
      if (maxEventBytes < 1) {
        throw new IllegalArgumentException(
            "maxEventBytes: must be at least 1, was " + maxEventBytes);
      }
      this.maxEventBytes = maxEventBytes;
      return this;
    }

    public EventCodec build() {
      return new EventCodec(this);
    }
  }
}
