package dev.outlane.contract.internal;

import static dev.outlane.contract.internal.JsonValues.describe;

import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.JsonEncodingException;
import com.squareup.moshi.JsonReader;
import dev.outlane.Problem;
import dev.outlane.ValidationException;
import dev.outlane.contract.AudienceAction;
import dev.outlane.contract.Commerce;
import dev.outlane.contract.Consent;
import dev.outlane.contract.ConsentStatus;
import dev.outlane.contract.ParseResult;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.identity.IdentityNormalizer;
import java.io.EOFException;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import okio.Buffer;
import org.jspecify.annotations.Nullable;

/**
 * Reads one v1 event from JSON with Moshi's streaming {@link JsonReader}, collecting every problem
 * in one pass. One instance per input; not thread-safe.
 *
 * <p>Rules for the shape: JSON {@code null} for an optional field means absent; for a required
 * field it is a problem. Unknown fields are skipped at every level, so a newer 1.x minor version
 * can add fields. A duplicate key is a problem (which value wins would otherwise be a guess).
 *
 * <p>Over the project's ~500-line guide on purpose: it is one streaming pass over one event, one
 * method per field of the v1 contract, all sharing the reader and the problem list; the field rules
 * themselves live in {@code FieldRules}. Splitting the pass would hand the reader's state around.
 */
public final class EventReader {
  private final JsonReader reader;
  private final IdentityNormalizer normalizer;
  private final List<Problem> problems = new ArrayList<>();

  private @Nullable String schemaVersion;
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
  private Map<String, @Nullable Object> properties = Map.of();
  /**
   * Where reading is, in the same redacted form as problem paths: a syntax error is reported here
   * rather than at Moshi's path, which repeats raw object keys (an email used as a key).
   */
  private String at = "$";
  /** Required fields present (even with a bad value), so "is required" is not said twice. */
  private final Set<String> present = new HashSet<>();

  private EventReader(String json, IdentityNormalizer normalizer) {
    this.reader = JsonReader.of(new Buffer().writeUtf8(json));
    this.normalizer = normalizer;
  }

  /** Reads {@code json}; never throws. */
  public static ParseResult read(String json, IdentityNormalizer normalizer) {
    if (json.isBlank()) {
      return ParseResult.invalid(List.of(new Problem("$", "malformed JSON: empty input")));
    }
    return new EventReader(json, normalizer).read();
  }

  private ParseResult read() {
    boolean objectRead = false;
    try {
      JsonReader.Token token = reader.peek();
      if (token != JsonReader.Token.BEGIN_OBJECT) {
        return ParseResult.invalid(
            List.of(new Problem("$", "expected a JSON object, was " + describe(token))));
      }
      readEvent();
      objectRead = true;
      if (reader.peek() != JsonReader.Token.END_DOCUMENT) {
        return malformed("unexpected content after the JSON object");
      }
    } catch (EOFException e) {
      return malformed("unexpected end of input");
    } catch (JsonEncodingException e) {
      return objectRead
          ? malformed("unexpected content after the JSON object")
          : malformed(syntaxReason(e.getMessage()));
    } catch (JsonDataException e) {
      // Every value is peeked before it is read, so Moshi's nesting limit is the expected cause.
      String message = e.getMessage();
      if (message != null && message.startsWith("Nesting too deep")) {
        return ParseResult.invalid(
            List.of(new Problem("$", "nested more than " + JsonValues.MAX_DEPTH + " levels deep")));
      }
      return malformed(syntaxReason(message));
    } catch (IOException e) {
      // The source is an in-memory buffer: any other I/O failure is still a syntax problem.
      return malformed(syntaxReason(e.getMessage()));
    }
    return finish();
  }

  private static ParseResult malformed(String detail) {
    return ParseResult.invalid(List.of(new Problem("$", "malformed JSON: " + detail)));
  }

  /**
   * Moshi's syntax message as a reason for people who never called setLenient, at {@link #at}.
   * Only Moshi's fixed phrases are kept: some of its messages quote the input ({@code JSON forbids
   * NaN and infinities: …}, {@code \\u…}), and its path repeats raw keys.
   */
  private String syntaxReason(@Nullable String message) {
    String detail = message == null ? "" : message;
    int cut = detail.indexOf(" at path ");
    if (cut >= 0) {
      detail = detail.substring(0, cut);
    }
    return syntaxPhrase(detail) + " at " + at;
  }

  private static String syntaxPhrase(String detail) {
    switch (detail) {
      case "Expected ':'":
      case "Expected name":
      case "Expected value":
      case "Unexpected value":
      case "Unterminated array":
      case "Unterminated object":
      case "Unterminated string":
      case "Unterminated comment":
      case "Unterminated escape sequence":
      case "End of input":
        return detail.substring(0, 1).toLowerCase(Locale.ROOT) + detail.substring(1);
      default:
        break;
    }
    if (detail.startsWith("Use JsonReader.setLenient")) {
      return "unexpected character";
    }
    if (detail.startsWith("\\u")) {
      return "invalid \\u escape";
    }
    if (detail.startsWith("Invalid escape sequence")) {
      return "invalid escape sequence";
    }
    if (detail.startsWith("JSON forbids NaN")) {
      return "NaN and infinities are not JSON numbers";
    }
    if (detail.startsWith("Expected ") || detail.startsWith("Cannot skip")) {
      return "unexpected token";
    }
    return "syntax error";
  }

  private void problem(String path, String reason) {
    problems.add(new Problem(path, reason));
  }

  private void readEvent() throws IOException {
    Set<String> seen = new HashSet<>();
    reader.beginObject();
    while (reader.hasNext()) {
      String name = reader.nextName();
      String path = JsonValues.member("$", name);
      at = path;
      if (!seen.add(name)) {
        problem(path, "duplicate key");
        reader.skipValue();
        continue;
      }
      switch (name) {
        case "schema_version":
          schemaVersion = requiredString(path, FieldRules::schemaVersion);
          break;
        case "event_id":
          eventId = requiredString(path, FieldRules::eventId);
          break;
        case "event_name":
          eventName = requiredString(path, FieldRules::eventName);
          break;
        case "source":
          source = requiredString(path, FieldRules::notBlank);
          break;
        case "customer_id":
          customerId = requiredString(path, normalizes(normalizer::normalizeCustomerId));
          if (customerId != null) {
            customerId = customerId.strip();
          }
          break;
        case "event_time":
          readEventTime(path);
          break;
        case "email":
          email = optionalString(path, normalizes(normalizer::normalizeEmail));
          break;
        case "phone":
          phone = optionalString(path, normalizes(normalizer::normalizePhone));
          break;
        case "audience":
          readAudience(path);
          break;
        case "commerce":
          readCommerce(path);
          break;
        case "consent":
          readConsent(path);
          break;
        case "properties":
          readProperties(path);
          break;
        default:
          // Unknown: a later 1.x minor version's field, or the producer's own. Ignored by design.
          reader.skipValue();
      }
    }
    reader.endObject();
    at = "$";
  }

  /**
   * A rule that passes when {@code normalize} accepts the value and otherwise reports the
   * normalizer's first reason. The normalizer's reasons never repeat the raw value, so no PII
   * reaches the problem list.
   */
  private static Rule normalizes(Consumer<String> normalize) {
    return raw -> {
      try {
        normalize.accept(raw);
        return null;
      } catch (ValidationException e) {
        return e.problems().get(0).reason();
      }
    };
  }

  private interface Rule {
    @Nullable String check(String value);
  }

  /** A required string: marks it present, reports a wrong type or a broken rule. */
  private @Nullable String requiredString(String path, Rule rule) throws IOException {
    present.add(path);
    JsonReader.Token token = reader.peek();
    if (token == JsonReader.Token.NULL) {
      reader.nextNull();
      problem(path, "must not be null");
      return null;
    }
    return checkedString(path, token, rule);
  }

  /** An optional string: null means absent. */
  private @Nullable String optionalString(String path, Rule rule) throws IOException {
    JsonReader.Token token = reader.peek();
    if (token == JsonReader.Token.NULL) {
      reader.nextNull();
      return null;
    }
    return checkedString(path, token, rule);
  }

  private @Nullable String checkedString(String path, JsonReader.Token token, Rule rule)
      throws IOException {
    if (token != JsonReader.Token.STRING) {
      problem(path, "expected a string, was " + describe(token));
      reader.skipValue();
      return null;
    }
    String value = reader.nextString();
    String reason = FieldRules.unpairedSurrogate(value);
    if (reason == null) {
      reason = rule.check(value);
    }
    if (reason != null) {
      problem(path, reason);
      return null;
    }
    return value;
  }

  /** Opens an optional object; returns false (value consumed) if it is null or not an object. */
  private boolean beginOptionalObject(String path) throws IOException {
    JsonReader.Token token = reader.peek();
    if (token == JsonReader.Token.NULL) {
      reader.nextNull();
      return false;
    }
    if (token != JsonReader.Token.BEGIN_OBJECT) {
      problem(path, "expected an object, was " + describe(token));
      reader.skipValue();
      return false;
    }
    reader.beginObject();
    return true;
  }

  private void readEventTime(String path) throws IOException {
    present.add(path);
    JsonReader.Token token = reader.peek();
    Object result;
    if (token == JsonReader.Token.STRING) {
      result = FieldRules.eventTimeFromString(reader.nextString());
    } else if (token == JsonReader.Token.NUMBER) {
      // nextString() gives the number's literal text: no double ever holds the value.
      result = FieldRules.eventTimeFromEpoch(reader.nextString());
    } else if (token == JsonReader.Token.NULL) {
      reader.nextNull();
      result = "must not be null";
    } else {
      reader.skipValue();
      result = "expected an RFC 3339 string or an epoch number, was " + describe(token);
    }
    if (result instanceof Instant) {
      eventTime = (Instant) result;
    } else {
      problem(path, (String) result);
    }
  }

  private void readAudience(String path) throws IOException {
    if (!beginOptionalObject(path)) {
      return;
    }
    int before = problems.size();
    Set<String> seen = new HashSet<>();
    String name = null;
    AudienceAction.Action action = null;
    boolean namePresent = false;
    boolean actionPresent = false;
    while (reader.hasNext()) {
      String key = reader.nextName();
      String p = JsonValues.member(path, key);
      at = p;
      if (!seen.add(key)) {
        problem(p, "duplicate key");
        reader.skipValue();
        continue;
      }
      if (key.equals("name")) {
        namePresent = true;
        name = requiredString(p, FieldRules::notBlank);
      } else if (key.equals("action")) {
        actionPresent = true;
        String raw = requiredString(p, v -> null);
        if (raw != null) {
          if (raw.equals("add")) {
            action = AudienceAction.Action.ADD;
          } else if (raw.equals("remove")) {
            action = AudienceAction.Action.REMOVE;
          } else {
            problem(p, "must be \"add\" or \"remove\", was " + JsonValues.quote(raw));
          }
        }
      } else {
        reader.skipValue();
      }
    }
    reader.endObject();
    at = path;
    if (!namePresent) {
      problem(path + ".name", "is required");
    }
    if (!actionPresent) {
      problem(path + ".action", "is required");
    }
    if (problems.size() == before && name != null && action != null) {
      audience = new AudienceAction(name, action);
    }
  }

  private void readCommerce(String path) throws IOException {
    if (!beginOptionalObject(path)) {
      return;
    }
    int before = problems.size();
    Set<String> seen = new HashSet<>();
    BigDecimal cartValue = null;
    String currency = null;
    List<String> skus = new ArrayList<>();
    String orderId = null;
    while (reader.hasNext()) {
      String key = reader.nextName();
      String p = JsonValues.member(path, key);
      at = p;
      if (!seen.add(key)) {
        problem(p, "duplicate key");
        reader.skipValue();
        continue;
      }
      switch (key) {
        case "cart_value":
          cartValue = readCartValue(p);
          break;
        case "currency":
          currency = optionalString(p, FieldRules::currency);
          break;
        case "skus":
          readSkus(p, skus);
          break;
        case "order_id":
          orderId = optionalString(p, FieldRules::notBlank);
          break;
        default:
          reader.skipValue();
      }
    }
    reader.endObject();
    at = path;
    if (cartValue != null && currency == null && !hasProblemAt(path + ".currency")) {
      problem(path + ".currency", "is required when cart_value is given");
    }
    if (problems.size() == before) {
      commerce = new Commerce(cartValue, currency, skus, orderId);
    }
  }

  private boolean hasProblemAt(String path) {
    for (Problem p : problems) {
      if (p.path().equals(path)) {
        return true;
      }
    }
    return false;
  }

  private @Nullable BigDecimal readCartValue(String path) throws IOException {
    JsonReader.Token token = reader.peek();
    Object result;
    if (token == JsonReader.Token.NULL) {
      reader.nextNull();
      return null;
    } else if (token == JsonReader.Token.STRING) {
      result = FieldRules.cartValueFromString(reader.nextString());
    } else if (token == JsonReader.Token.NUMBER) {
      result = FieldRules.cartValueFromLiteral(reader.nextString());
    } else {
      reader.skipValue();
      result = "expected a decimal string or number, was " + describe(token);
    }
    if (result instanceof BigDecimal) {
      return (BigDecimal) result;
    }
    problem(path, (String) result);
    return null;
  }

  private void readSkus(String path, List<String> skus) throws IOException {
    JsonReader.Token token = reader.peek();
    if (token == JsonReader.Token.NULL) {
      reader.nextNull();
      return;
    }
    if (token != JsonReader.Token.BEGIN_ARRAY) {
      problem(path, "expected an array of strings, was " + describe(token));
      reader.skipValue();
      return;
    }
    reader.beginArray();
    int i = 0;
    while (reader.hasNext()) {
      at = path + "[" + i + "]";
      String sku = checkedString(at, reader.peek(), FieldRules::notBlank);
      if (sku != null) {
        skus.add(sku);
      }
      i++;
    }
    reader.endArray();
    at = path;
  }

  private void readConsent(String path) throws IOException {
    if (!beginOptionalObject(path)) {
      return;
    }
    int before = problems.size();
    Set<String> seen = new HashSet<>();
    ConsentStatus sms = ConsentStatus.UNKNOWN;
    ConsentStatus emailConsent = ConsentStatus.UNKNOWN;
    ConsentStatus ads = ConsentStatus.UNKNOWN;
    while (reader.hasNext()) {
      String key = reader.nextName();
      String p = JsonValues.member(path, key);
      at = p;
      if (!seen.add(key)) {
        problem(p, "duplicate key");
        reader.skipValue();
        continue;
      }
      switch (key) {
        case "sms":
          sms = readConsentStatus(p);
          break;
        case "email":
          emailConsent = readConsentStatus(p);
          break;
        case "ads":
          ads = readConsentStatus(p);
          break;
        default:
          reader.skipValue();
      }
    }
    reader.endObject();
    at = path;
    if (problems.size() == before) {
      consent = new Consent(sms, emailConsent, ads);
    }
  }

  private ConsentStatus readConsentStatus(String path) throws IOException {
    String raw = optionalString(path, v -> null);
    if (raw == null) {
      return ConsentStatus.UNKNOWN;
    }
    for (ConsentStatus status : ConsentStatus.values()) {
      if (status.wireName().equals(raw)) {
        return status;
      }
    }
    problem(path, "must be \"granted\", \"denied\" or \"unknown\", was " + JsonValues.quote(raw));
    return ConsentStatus.UNKNOWN;
  }

  private void readProperties(String path) throws IOException {
    if (!beginOptionalObject(path)) {
      return;
    }
    properties = readObjectBody(path);
  }

  /** Reads the members of an object already begun, and ends it. */
  private Map<String, @Nullable Object> readObjectBody(String path) throws IOException {
    Map<String, @Nullable Object> map = new LinkedHashMap<>();
    while (reader.hasNext()) {
      String key = reader.nextName();
      String p = JsonValues.member(path, key);
      at = p;
      if (map.containsKey(key)) {
        problem(p, "duplicate key");
        reader.skipValue();
        continue;
      }
      if (JsonValues.hasUnpairedSurrogate(key)) {
        problem(p, "key " + FieldRules.UNPAIRED_SURROGATE);
      }
      map.put(key, readValue(p));
    }
    reader.endObject();
    at = path;
    return map;
  }

  private @Nullable Object readValue(String path) throws IOException {
    switch (reader.peek()) {
      case BEGIN_OBJECT:
        reader.beginObject();
        return readObjectBody(path);
      case BEGIN_ARRAY:
        List<@Nullable Object> list = new ArrayList<>();
        reader.beginArray();
        int i = 0;
        while (reader.hasNext()) {
          at = path + "[" + i + "]";
          list.add(readValue(at));
          i++;
        }
        reader.endArray();
        at = path;
        return list;
      case STRING:
        String string = reader.nextString();
        if (JsonValues.hasUnpairedSurrogate(string)) {
          problem(path, FieldRules.UNPAIRED_SURROGATE);
        }
        return string;
      case NUMBER:
        String literal = reader.nextString();
        Number number;
        try {
          number = JsonValues.numberFromLiteral(literal);
        } catch (NumberFormatException e) {
          // Moshi only yields JSON number literals, which BigDecimal reads; kept for safety.
          number = null;
        }
        if (number == null) {
          problem(path, JsonValues.NUMBER_OUT_OF_RANGE);
        }
        return number;
      case BOOLEAN:
        return reader.nextBoolean();
      case NULL:
        return reader.nextNull();
      default:
        // Unreachable for well-formed JSON; skipValue reports anything else as a syntax error.
        reader.skipValue();
        return null;
    }
  }

  private ParseResult finish() {
    String[] required = {
      "$.schema_version", "$.event_id", "$.event_name", "$.source", "$.customer_id", "$.event_time"
    };
    for (String path : required) {
      if (!present.contains(path)) {
        problem(path, "is required");
      }
    }
    // Another major version's fields may mean something else: report only the version.
    for (Problem p : problems) {
      if (p.path().equals("$.schema_version") && p.reason().startsWith("unsupported major version")) {
        return ParseResult.invalid(List.of(p));
      }
    }
    if (!problems.isEmpty()) {
      return ParseResult.invalid(problems);
    }
    return ParseResult.valid(
        new RetentionEvent(
            nonNull(schemaVersion),
            nonNull(eventId),
            nonNull(eventName),
            nonNull(source),
            nonNull(customerId),
            nonNull(eventTime),
            email,
            phone,
            audience,
            commerce,
            consent,
            properties));
  }

  private static <T> T nonNull(@Nullable T value) {
    if (value == null) {
      // Every required field is either set or reported; reaching this is a bug in this class.
      throw new IllegalStateException("required field unset without a problem");
    }
    return value;
  }
}
