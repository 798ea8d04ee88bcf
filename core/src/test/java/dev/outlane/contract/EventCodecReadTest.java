package dev.outlane.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outlane.Problem;
import dev.outlane.ValidationException;
import dev.outlane.contract.internal.JsonValues;
import dev.outlane.identity.IdentityNormalizer;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventCodecReadTest {
  private final EventCodec codec = EventCodec.create();

  /** A minimal valid event with {@code extra} members appended (raw JSON, leading comma added). */
  static String event(String extra) {
    return "{\"schema_version\":\"1.0\",\"event_id\":\"evt_1\",\"event_name\":\"cart_abandoned\","
        + "\"source\":\"customerio\",\"customer_id\":\"cus_1\",\"event_time\":\"2026-11-29T18:00:00Z\""
        + (extra.isEmpty() ? "" : "," + extra)
        + "}";
  }

  /** A minimal valid event with one member replaced by {@code replacement} (or removed if empty). */
  static String eventWith(String field, String replacement) {
    Map<String, String> members = new LinkedHashMap<>();
    members.put("schema_version", "\"1.0\"");
    members.put("event_id", "\"evt_1\"");
    members.put("event_name", "\"cart_abandoned\"");
    members.put("source", "\"customerio\"");
    members.put("customer_id", "\"cus_1\"");
    members.put("event_time", "\"2026-11-29T18:00:00Z\"");
    if (replacement.isEmpty()) {
      members.remove(field);
    } else {
      members.put(field, replacement);
    }
    StringBuilder b = new StringBuilder("{");
    members.forEach((k, v) -> b.append(b.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
    return b.append('}').toString();
  }

  private List<String> problems(String json) {
    ParseResult result = codec.parse(json);
    assertThat(result.isValid()).as("valid: %s", json).isFalse();
    assertThat(result.event()).isNull();
    return result.problems().stream().map(Problem::toString).toList();
  }

  private RetentionEvent valid(String json) {
    ParseResult result = codec.parse(json);
    assertThat(result.problems()).as("problems of %s", json).isEmpty();
    assertThat(result.isValid()).isTrue();
    return result.event();
  }

  @Test
  void aFullEventIsReadWithEveryField() {
    RetentionEvent e =
        valid(
            event(
                "\"email\":\"Maya.Chen@Example.com\",\"phone\":\"+1 201-555-0123\","
                    + "\"audience\":{\"name\":\"cart_abandoners_high_aov\",\"action\":\"add\"},"
                    + "\"commerce\":{\"cart_value\":\"412.50\",\"currency\":\"usd\",\"skus\":[\"A\",\"B\"],\"order_id\":\"o-1\"},"
                    + "\"consent\":{\"sms\":\"granted\",\"email\":\"denied\"},"
                    + "\"properties\":{\"n\":42,\"d\":0.87,\"big\":12345678901234567890,\"s\":\"x\",\"b\":true,\"z\":null,\"l\":[1,{\"k\":\"v\"}]}"));

    assertThat(e.schemaVersion()).isEqualTo("1.0");
    assertThat(e.eventId()).isEqualTo("evt_1");
    assertThat(e.eventName()).isEqualTo("cart_abandoned");
    assertThat(e.source()).isEqualTo("customerio");
    assertThat(e.customerId()).isEqualTo("cus_1");
    assertThat(e.eventTime()).isEqualTo(Instant.parse("2026-11-29T18:00:00Z"));
    assertThat(e.email()).isEqualTo("Maya.Chen@Example.com");
    assertThat(e.phone()).isEqualTo("+1 201-555-0123");
    assertThat(e.audience())
        .isEqualTo(new AudienceAction("cart_abandoners_high_aov", AudienceAction.Action.ADD));
    assertThat(e.commerce())
        .isEqualTo(new Commerce(new BigDecimal("412.50"), "USD", List.of("A", "B"), "o-1"));
    assertThat(e.commerce().cartValue().scale()).isEqualTo(2);
    assertThat(e.consent())
        .isEqualTo(new Consent(ConsentStatus.GRANTED, ConsentStatus.DENIED, ConsentStatus.UNKNOWN));
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("n", 42L);
    expected.put("d", new BigDecimal("0.87"));
    expected.put("big", new BigDecimal("12345678901234567890"));
    expected.put("s", "x");
    expected.put("b", true);
    expected.put("z", null);
    expected.put("l", Arrays.asList(1L, Map.of("k", "v")));
    assertThat(e.properties()).isEqualTo(expected);
    assertThat(e.properties().get("n")).isInstanceOf(Long.class);
  }

  @Test
  void anEventWithOnlyTheRequiredFieldsHasNoOptionals() {
    RetentionEvent e = valid(event(""));
    assertThat(e.email()).isNull();
    assertThat(e.phone()).isNull();
    assertThat(e.audience()).isNull();
    assertThat(e.commerce()).isNull();
    assertThat(e.consent()).isEqualTo(Consent.UNKNOWN);
    assertThat(e.properties()).isEmpty();
  }

  @Test
  void nullOptionalFieldsMeanAbsent() {
    RetentionEvent e =
        valid(
            event(
                "\"email\":null,\"phone\":null,\"audience\":null,\"commerce\":null,\"consent\":null,\"properties\":null"));
    assertThat(e).isEqualTo(valid(event("")));
  }

  @Test
  void everyMissingRequiredFieldIsReported() {
    assertThat(problems("{}"))
        .containsExactly(
            "$.schema_version: is required",
            "$.event_id: is required",
            "$.event_name: is required",
            "$.source: is required",
            "$.customer_id: is required",
            "$.event_time: is required");
  }

  @Test
  void nullRequiredFieldsAreReportedAsNull() {
    assertThat(problems(eventWith("event_id", "null"))).containsExactly("$.event_id: must not be null");
    assertThat(problems(eventWith("event_time", "null")))
        .containsExactly("$.event_time: must not be null");
  }

  @Test
  void wrongTypesNameWhatWasFound() {
    assertThat(problems(eventWith("event_id", "42")))
        .containsExactly("$.event_id: expected a string, was a number");
    assertThat(problems(eventWith("source", "[\"a\"]")))
        .containsExactly("$.source: expected a string, was an array");
    assertThat(problems(eventWith("customer_id", "{}")))
        .containsExactly("$.customer_id: expected a string, was an object");
    assertThat(problems(eventWith("schema_version", "1.0")))
        .containsExactly("$.schema_version: expected a string, was a number");
    assertThat(problems(event("\"email\":true")))
        .containsExactly("$.email: expected a string, was a boolean");
    assertThat(problems(event("\"commerce\":\"412.50\"")))
        .containsExactly("$.commerce: expected an object, was a string");
    assertThat(problems(event("\"properties\":[1]")))
        .containsExactly("$.properties: expected an object, was an array");
    assertThat(problems(eventWith("event_time", "true")))
        .containsExactly("$.event_time: expected an RFC 3339 string or an epoch number, was a boolean");
  }

  @Test
  void everyProblemIsFoundInOnePass() {
    String json =
        "{\"schema_version\":\"1.0\",\"event_id\":\"\",\"event_name\":\"Cart Abandoned\","
            + "\"source\":\" \",\"event_time\":\"2026-11-29T18:00:00\","
            + "\"commerce\":{\"cart_value\":\"-1\",\"currency\":\"usd1\"}}";
    assertThat(problems(json))
        .containsExactly(
            "$.event_id: must not be empty",
            "$.event_name: must match [a-z][a-z0-9_]{0,63}, was \"Cart Abandoned\"",
            "$.source: must not be blank",
            "$.event_time: ambiguous time zone: \"2026-11-29T18:00:00\" has no offset (add Z or +hh:mm)",
            "$.commerce.cart_value: must not be negative",
            "$.commerce.currency: not an ISO-4217 code: \"usd1\"",
            "$.customer_id: is required");
  }

  @Test
  void readThrowsAValidationExceptionListingEveryProblem() {
    assertThatThrownBy(() -> codec.read(eventWith("event_name", "\"X\"")))
        .isInstanceOf(ValidationException.class)
        .hasMessage("$.event_name: must match [a-z][a-z0-9_]{0,63}, was \"X\"");
    assertThat(codec.read(event("")).eventId()).isEqualTo("evt_1");
  }

  // schema_version

  @Test
  void anyMinorVersionOfOneIsReadAndUnknownFieldsAreIgnored() {
    RetentionEvent e =
        valid(
            eventWith("schema_version", "\"1.7\"")
                .replace("}", ",\"future_field\":{\"x\":[1,2]},\"commerce\":{\"tax\":\"1.00\"}}"));
    assertThat(e.schemaVersion()).isEqualTo("1.7");
    assertThat(e.commerce()).isEqualTo(new Commerce(null, null, List.of(), null));
  }

  @Test
  void anotherMajorVersionIsRejectedAloneNamingTheVersionsSupported() {
    assertThat(problems(eventWith("schema_version", "\"2.0\"").replace("\"cart_abandoned\"", "\"X\"")))
        .containsExactly("$.schema_version: unsupported major version \"2.0\" (supported: 1.x)");
    assertThat(problems(eventWith("schema_version", "\"0.9\"")))
        .containsExactly("$.schema_version: unsupported major version \"0.9\" (supported: 1.x)");
  }

  @Test
  void aMalformedSchemaVersionIsRejected() {
    assertThat(problems(eventWith("schema_version", "\"1\"")))
        .containsExactly("$.schema_version: must be \"1.<minor>\", was \"1\"");
    assertThat(problems(eventWith("schema_version", "\"v1.0\"")))
        .containsExactly("$.schema_version: must be \"1.<minor>\", was \"v1.0\"");
    assertThat(problems(eventWith("schema_version", "\"1.01\"")))
        .containsExactly("$.schema_version: must be \"1.<minor>\", was \"1.01\"");
    assertThat(problems(eventWith("schema_version", "")))
        .containsExactly("$.schema_version: is required");
  }

  // event_id, event_name, source, customer_id

  @Test
  void eventIdIsOneTo128Characters() {
    valid(eventWith("event_id", "\"" + "x".repeat(128) + "\""));
    valid(eventWith("event_id", "\"" + "\uD83D\uDE00".repeat(128) + "\""));
    assertThat(problems(eventWith("event_id", "\"" + "x".repeat(129) + "\"")))
        .containsExactly("$.event_id: longer than 128 characters (129)");
    assertThat(problems(eventWith("event_id", "\"\""))).containsExactly("$.event_id: must not be empty");
    assertThat(problems(eventWith("event_id", "\"  \""))).containsExactly("$.event_id: must not be blank");
  }

  @Test
  void eventNameIsLowerSnakeCaseUpTo64Characters() {
    valid(eventWith("event_name", "\"a\""));
    valid(eventWith("event_name", "\"a" + "_9".repeat(31) + "b\""));
    assertThat(problems(eventWith("event_name", "\"a" + "b".repeat(64) + "\"")))
        .containsExactly(
            "$.event_name: must match [a-z][a-z0-9_]{0,63}, was \"a" + "b".repeat(63) + "...\"");
    assertThat(problems(eventWith("event_name", "\"9lives\"")))
        .containsExactly("$.event_name: must match [a-z][a-z0-9_]{0,63}, was \"9lives\"");
    assertThat(problems(eventWith("event_name", "\"cart-abandoned\"")))
        .containsExactly("$.event_name: must match [a-z][a-z0-9_]{0,63}, was \"cart-abandoned\"");
  }

  @Test
  void aRejectedValueThatMayBeAnEmailIsNeverEchoed() {
    assertThat(problems(eventWith("event_name", "\"maya@example.com\"")))
        .containsExactly("$.event_name: must match [a-z][a-z0-9_]{0,63}, was <a value that looks like an email or phone, not shown>");
  }

  @Test
  void customerIdIsTrimmedAndMustNotBeBlank() {
    assertThat(valid(eventWith("customer_id", "\"  cus_9 \\t\"")).customerId()).isEqualTo("cus_9");
    assertThat(problems(eventWith("customer_id", "\" \\n \"")))
        .containsExactly("$.customer_id: must not be blank");
    assertThat(problems(eventWith("source", "\"\""))).containsExactly("$.source: must not be blank");
  }

  // event_time

  @Test
  void eventTimeAcceptsRfc3339WithZOrAnOffsetAndStoresUtc() {
    assertThat(valid(eventWith("event_time", "\"2026-11-29T19:15:42.250+01:00\"")).eventTime())
        .isEqualTo(Instant.parse("2026-11-29T18:15:42.250Z"));
    assertThat(valid(eventWith("event_time", "\"2026-11-29t18:00:00z\"")).eventTime())
        .isEqualTo(Instant.parse("2026-11-29T18:00:00Z"));
    assertThat(valid(eventWith("event_time", "\"2026-11-29T18:00:00.123456789Z\"")).eventTime())
        .isEqualTo(Instant.parse("2026-11-29T18:00:00.123456789Z"));
  }

  @Test
  void aDateTimeWithoutOffsetIsAnAmbiguousTimeZone() {
    assertThat(problems(eventWith("event_time", "\"2026-11-29T18:00:00.5\"")))
        .containsExactly(
            "$.event_time: ambiguous time zone: \"2026-11-29T18:00:00.5\" has no offset (add Z or +hh:mm)");
  }

  @Test
  void epochNumbersBelowTenToTheElevenAreSecondsAndOthersMilliseconds() {
    assertThat(valid(eventWith("event_time", "1795975200")).eventTime())
        .isEqualTo(Instant.parse("2026-11-29T18:00:00Z"));
    assertThat(valid(eventWith("event_time", "1795975200000")).eventTime())
        .isEqualTo(Instant.parse("2026-11-29T18:00:00Z"));
    assertThat(valid(eventWith("event_time", "99999999999")).eventTime())
        .isEqualTo(Instant.ofEpochSecond(99_999_999_999L));
    assertThat(valid(eventWith("event_time", "100000000000")).eventTime())
        .isEqualTo(Instant.ofEpochMilli(100_000_000_000L));
    assertThat(valid(eventWith("event_time", "0")).eventTime()).isEqualTo(Instant.EPOCH);
    assertThat(valid(eventWith("event_time", "1795975200.000")).eventTime())
        .isEqualTo(Instant.parse("2026-11-29T18:00:00Z"));
    assertThat(valid(eventWith("event_time", "1.7959752E9")).eventTime())
        .isEqualTo(Instant.parse("2026-11-29T18:00:00Z"));
    assertThat(valid(eventWith("event_time", "\"1795975200\"")).eventTime())
        .isEqualTo(Instant.parse("2026-11-29T18:00:00Z"));
    assertThat(valid(eventWith("event_time", "253402300799999")).eventTime())
        .isEqualTo(Instant.parse("9999-12-31T23:59:59.999Z"));
  }

  @Test
  void badEventTimesAreRejectedWithTheirReason() {
    assertThat(problems(eventWith("event_time", "-5")))
        .containsExactly("$.event_time: epoch time must not be negative");
    assertThat(problems(eventWith("event_time", "\"-5\"")))
        .containsExactly("$.event_time: epoch time must not be negative");
    assertThat(problems(eventWith("event_time", "1795975200.5")))
        .containsExactly("$.event_time: epoch time must be a whole number of seconds or milliseconds");
    assertThat(problems(eventWith("event_time", "253402300800000")))
        .containsExactly("$.event_time: epoch time out of range (after 9999-12-31T23:59:59.999Z)");
    assertThat(problems(eventWith("event_time", "1e999999999")))
        .containsExactly("$.event_time: epoch time out of range (after 9999-12-31T23:59:59.999Z)");
    assertThat(problems(eventWith("event_time", "1e-999999999")))
        .containsExactly("$.event_time: epoch time must be a whole number of seconds or milliseconds");
    assertThat(problems(eventWith("event_time", "1e99999999999")))
        .containsExactly("$.event_time: epoch time out of range");
    assertThat(problems(eventWith("event_time", "\"yesterday\"")))
        .containsExactly(
            "$.event_time: not an RFC 3339 date-time or epoch seconds/milliseconds: \"yesterday\"");
    assertThat(problems(eventWith("event_time", "\"2026-11-29 18:00:00Z\"")))
        .containsExactly(
            // Not a date-time, and 14 digits: shown as no more than a phone would be.
            "$.event_time: not an RFC 3339 date-time or epoch seconds/milliseconds: "
                + "<a value that looks like an email or phone, not shown>");
    assertThat(problems(eventWith("event_time", "\"2026-02-30T18:00:00Z\"")))
        .containsExactly("$.event_time: not a valid date-time: \"2026-02-30T18:00:00Z\"");
    assertThat(problems(eventWith("event_time", "\"0001-01-01T00:00:00Z\"")))
        .containsExactly("$.event_time: before 1970-01-01T00:00:00Z");
  }

  // email, phone

  @Test
  void emailAndPhoneAreKeptRawButMustPassTheNormalizer() {
    RetentionEvent e = valid(event("\"email\":\"  Maya@Example.COM \",\"phone\":\"(201) 555-0123\""));
    assertThat(e.email()).isEqualTo("  Maya@Example.COM ");
    assertThat(e.phone()).isEqualTo("(201) 555-0123");
  }

  @Test
  void anInvalidEmailOrPhoneIsAProblemThatNeverRepeatsTheValue() {
    List<String> found =
        problems(event("\"email\":\"maya.chen@example\",\"phone\":\"+1 201 555 01\""));
    assertThat(found)
        .containsExactly(
            "$.email: domain has no '.'", "$.phone: not a valid phone number for its region");
    assertThat(String.join("\n", found)).doesNotContain("maya").doesNotContain("201");
    assertThat(problems(event("\"email\":\"a@b@example.com\"")))
        .containsExactly("$.email: more than one '@'");
    assertThat(problems(event("\"phone\":\"call me\"")))
        .containsExactly("$.phone: not a phone number");
  }

  @Test
  void theConfiguredNormalizerDecidesWhichPhonesAreValid() {
    String ukLocal = event("\"phone\":\"020 7946 0018\"");
    assertThat(codec.parse(ukLocal).isValid()).isFalse();
    EventCodec uk =
        EventCodec.builder()
            .identityNormalizer(IdentityNormalizer.builder().defaultRegion("GB").build())
            .build();
    assertThat(uk.parse(ukLocal).isValid()).isTrue();
  }

  // audience

  @Test
  void audienceNeedsANameAndAnAddOrRemoveAction() {
    assertThat(valid(event("\"audience\":{\"name\":\"lapsed\",\"action\":\"remove\"}")).audience())
        .isEqualTo(new AudienceAction("lapsed", AudienceAction.Action.REMOVE));
    assertThat(problems(event("\"audience\":{\"name\":\"lapsed\",\"action\":\"delete\"}")))
        .containsExactly("$.audience.action: must be \"add\" or \"remove\", was \"delete\"");
    assertThat(problems(event("\"audience\":{\"action\":\"ADD\"}")))
        .containsExactly(
            "$.audience.action: must be \"add\" or \"remove\", was \"ADD\"", "$.audience.name: is required");
    assertThat(problems(event("\"audience\":{\"name\":\" \"}")))
        .containsExactly("$.audience.name: must not be blank", "$.audience.action: is required");
  }

  // commerce

  @Test
  void cartValueIsAnExactDecimalFromAStringOrANumber() {
    assertThat(valid(event("\"commerce\":{\"cart_value\":\"1250.00\",\"currency\":\"EUR\"}")).commerce().cartValue())
        .isEqualTo(new BigDecimal("1250.00"));
    assertThat(valid(event("\"commerce\":{\"cart_value\":0.1,\"currency\":\"EUR\"}")).commerce().cartValue())
        .isEqualTo(new BigDecimal("0.1"));
    assertThat(valid(event("\"commerce\":{\"cart_value\":123456789012345.999999,\"currency\":\"EUR\"}")).commerce().cartValue())
        .isEqualTo(new BigDecimal("123456789012345.999999"));
    assertThat(valid(event("\"commerce\":{\"cart_value\":1e3,\"currency\":\"EUR\"}")).commerce().cartValue())
        .isEqualTo(new BigDecimal("1000"));
  }

  @Test
  void badCartValuesAreRejected() {
    assertThat(problems(event("\"commerce\":{\"cart_value\":\"12,50\",\"currency\":\"EUR\"}")))
        .containsExactly("$.commerce.cart_value: not a decimal number: \"12,50\"");
    assertThat(problems(event("\"commerce\":{\"cart_value\":-0.01,\"currency\":\"EUR\"}")))
        .containsExactly("$.commerce.cart_value: must not be negative");
    assertThat(problems(event("\"commerce\":{\"cart_value\":\"1234567890123456\",\"currency\":\"EUR\"}")))
        .containsExactly("$.commerce.cart_value: more than 15 digits before the decimal point");
    assertThat(problems(event("\"commerce\":{\"cart_value\":1e999999999,\"currency\":\"EUR\"}")))
        .containsExactly("$.commerce.cart_value: more than 15 digits before the decimal point");
    assertThat(problems(event("\"commerce\":{\"cart_value\":0.1234567,\"currency\":\"EUR\"}")))
        .containsExactly("$.commerce.cart_value: more than 6 decimal places");
    assertThat(problems(event("\"commerce\":{\"cart_value\":true,\"currency\":\"EUR\"}")))
        .containsExactly("$.commerce.cart_value: expected a decimal string or number, was a boolean");
  }

  @Test
  void currencyIsIso4217CaseInsensitiveInAndUpperCaseOut() {
    assertThat(valid(event("\"commerce\":{\"currency\":\"jpy\"}")).commerce().currency()).isEqualTo("JPY");
    assertThat(problems(event("\"commerce\":{\"currency\":\"usd1\"}")))
        .containsExactly("$.commerce.currency: not an ISO-4217 code: \"usd1\"");
    assertThat(problems(event("\"commerce\":{\"currency\":\"ABC\"}")))
        .containsExactly("$.commerce.currency: not an ISO-4217 code: \"ABC\"");
    assertThat(problems(event("\"commerce\":{\"cart_value\":\"10\"}")))
        .containsExactly("$.commerce.currency: is required when cart_value is given");
  }

  @Test
  void skusAreAnArrayOfNonBlankStringsAndOrderIdIsNonBlank() {
    assertThat(valid(event("\"commerce\":{\"skus\":[\"A-1\",\"B-2\"]}")).commerce().skus())
        .containsExactly("A-1", "B-2");
    assertThat(problems(event("\"commerce\":{\"skus\":[\"A-1\",42,\" \"],\"order_id\":\"\"}")))
        .containsExactly(
            "$.commerce.skus[1]: expected a string, was a number",
            "$.commerce.skus[2]: must not be blank",
            "$.commerce.order_id: must not be blank");
    assertThat(problems(event("\"commerce\":{\"skus\":\"A-1\"}")))
        .containsExactly("$.commerce.skus: expected an array of strings, was a string");
  }

  // consent

  @Test
  void consentIsGrantedDeniedOrUnknownPerChannel() {
    assertThat(valid(event("\"consent\":{\"ads\":\"denied\"}")).consent())
        .isEqualTo(new Consent(ConsentStatus.UNKNOWN, ConsentStatus.UNKNOWN, ConsentStatus.DENIED));
    assertThat(problems(event("\"consent\":{\"sms\":\"yes\",\"email\":\"GRANTED\"}")))
        .containsExactly(
            "$.consent.sms: must be \"granted\", \"denied\" or \"unknown\", was \"yes\"",
            "$.consent.email: must be \"granted\", \"denied\" or \"unknown\", was \"GRANTED\"");
  }

  // properties, duplicates, size

  @Test
  void propertyNumbersStayExact() {
    Map<String, Object> p =
        valid(event("\"properties\":{\"a\":9007199254740993,\"b\":0.1,\"c\":1E+3,\"d\":-0,\"e\":1e300}"))
            .properties();
    assertThat(p.get("a")).isEqualTo(9007199254740993L);
    assertThat(p.get("b")).isEqualTo(new BigDecimal("0.1"));
    assertThat(p.get("c")).isEqualTo(new BigDecimal("1E+3"));
    assertThat(p.get("d")).isEqualTo(0L);
    assertThat(p.get("e")).isEqualTo(new BigDecimal("1e300"));
  }

  private static final String OUT_OF_RANGE =
      "number out of range (at most 34 significant digits and a decimal exponent from -307 to 307)";

  @Test
  void aNumberBeyondTheContractBoundsIsRefusedWithItsPath() {
    assertThat(problems(event("\"properties\":{\"coupon\":1e999999999}")))
        .containsExactly("$.properties.coupon: " + OUT_OF_RANGE);
    assertThat(problems(event("\"properties\":{\"x\":{\"y\":[1,1e99999999999]}}")))
        .containsExactly("$.properties.x.y[1]: " + OUT_OF_RANGE);
    assertThat(problems(event("\"properties\":{\"a\":1e308,\"b\":-1e-308,\"c\":0e999999999,"
            + "\"d\":1" + "0".repeat(34) + ",\"e\":0." + "1".repeat(35) + ",\"f\":1." + "0".repeat(400) + "}")))
        .containsExactly(
            "$.properties.a: " + OUT_OF_RANGE,
            "$.properties.b: " + OUT_OF_RANGE,
            "$.properties.c: " + OUT_OF_RANGE,
            "$.properties.d: " + OUT_OF_RANGE,
            "$.properties.e: " + OUT_OF_RANGE,
            "$.properties.f: " + OUT_OF_RANGE);
    assertThat(problems(event("\"commerce\":{\"cart_value\":1." + "0".repeat(500) + ",\"currency\":\"EUR\"}")))
        .containsExactly("$.commerce.cart_value: out of range");
  }

  @Test
  void numbersAtTheContractBoundsAreAcceptedExactly() {
    String digits = "1234567890123456789012345678901234";
    Map<String, Object> p =
        valid(event("\"properties\":{\"a\":9.99e307,\"b\":-1e-307,\"c\":" + digits
            + ",\"d\":0." + digits + ",\"e\":0e307,\"f\":0.000}"))
            .properties();
    assertThat(p.get("a")).isEqualTo(new BigDecimal("9.99e307"));
    assertThat(p.get("b")).isEqualTo(new BigDecimal("-1e-307"));
    assertThat(p.get("c")).isEqualTo(new BigDecimal(digits));
    assertThat(p.get("d")).isEqualTo(new BigDecimal("0." + digits));
    assertThat(p.get("e")).isEqualTo(new BigDecimal("0e307"));
    assertThat(p.get("f")).isEqualTo(new BigDecimal("0.000"));
    // Every accepted magnitude is a finite, non-zero double: what JavaScript consumers read.
    assertThat(Double.isFinite(((BigDecimal) p.get("a")).doubleValue())).isTrue();
    assertThat(((BigDecimal) p.get("b")).doubleValue()).isNotZero();
  }

  @Test
  void aDuplicateKeyIsAProblemAtAnyLevel() {
    assertThat(problems(event("\"event_id\":\"evt_2\"")))
        .containsExactly("$.event_id: duplicate key");
    assertThat(problems(event("\"consent\":{\"sms\":\"granted\",\"sms\":\"denied\"}")))
        .containsExactly("$.consent.sms: duplicate key");
    assertThat(problems(event("\"properties\":{\"a\":1,\"a\":2}")))
        .containsExactly("$.properties.a: duplicate key");
  }

  @Test
  void anEventOverTheSizeLimitIsRejectedWithItsSize() {
    String base = event("\"properties\":{\"pad\":\"\"}");
    String exact = base.replace("\"pad\":\"\"", "\"pad\":\"" + "x".repeat(32768 - base.length()) + "\"");
    assertThat(exact.length()).isEqualTo(32768);
    valid(exact);
    String over = exact.replace("\"pad\":\"", "\"pad\":\"\u00e9");
    assertThat(problems(over)).containsExactly("$: event is 32770 bytes, over the 32768-byte limit");
    EventCodec small = EventCodec.builder().maxEventBytes(100).build();
    assertThat(small.parse(event("")).problems().get(0).toString())
        .isEqualTo("$: event is 153 bytes, over the 100-byte limit");
  }

  @Test
  void maxEventBytesMustBePositive() {
    assertThatThrownBy(() -> EventCodec.builder().maxEventBytes(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxEventBytes: must be at least 1, was 0");
  }

  // not JSON, not an object

  @Test
  void malformedJsonIsOneProblemAtTheRoot() {
    assertThat(problems("")).containsExactly("$: malformed JSON: empty input");
    assertThat(problems("{\"schema_version\":\"1.0\",\"event_id\":"))
        .containsExactly("$: malformed JSON: unexpected end of input");
    assertThat(problems("{\"event_id\":\"x\",}")).containsExactly("$: malformed JSON: expected name at $.event_id");
    assertThat(problems("{event_id:1}")).containsExactly("$: malformed JSON: unexpected character at $");
    assertThat(problems("{\"event_name\":\"x"))
        .containsExactly("$: malformed JSON: unterminated string at $.event_name");
    assertThat(problems("{\"a\":\"\\u12\"}")).containsExactly("$: malformed JSON: invalid \\u escape at $.a");
    assertThat(problems(event("") + " {}"))
        .containsExactly("$: malformed JSON: unexpected content after the JSON object");
  }

  @Test
  void aValueThatIsNotAnObjectIsRejected() {
    assertThat(problems("[1,2]")).containsExactly("$: expected a JSON object, was an array");
    assertThat(problems("\"event\"")).containsExactly("$: expected a JSON object, was a string");
    assertThat(problems("42")).containsExactly("$: expected a JSON object, was a number");
    assertThat(problems("null")).containsExactly("$: expected a JSON object, was null");
  }

  @Test
  void deepNestingIsRejectedWithoutAStackOverflow() {
    String deep = "{\"properties\":" + "{\"a\":".repeat(300) + "1" + "}".repeat(301);
    assertThat(problems(deep)).containsExactly("$: nested more than 255 levels deep");
  }

  // no PII in problems (issue 10.6)

  private static final String HIDDEN = "<a value that looks like an email or phone, not shown>";

  @Test
  void aValueThatLooksLikeAPhoneOrEmailIsNeverEchoedWhateverTheField() {
    assertThat(problems(event("\"consent\":{\"sms\":\"2015550177\",\"ads\":\"maya@example.com\"}")))
        .containsExactly(
            "$.consent.sms: must be \"granted\", \"denied\" or \"unknown\", was " + HIDDEN,
            "$.consent.ads: must be \"granted\", \"denied\" or \"unknown\", was " + HIDDEN);
    assertThat(problems(eventWith("event_time", "\"+1 (201) 555-0188\"")))
        .containsExactly("$.event_time: not an RFC 3339 date-time or epoch seconds/milliseconds: " + HIDDEN);
    assertThat(problems(event("\"audience\":{\"name\":\"vip\",\"action\":\"\uff11\uff12\uff13\uff14\uff15\uff16\uff17\"}")))
        .containsExactly("$.audience.action: must be \"add\" or \"remove\", was " + HIDDEN);
    // Fewer than seven digits is not a phone: still echoed, so the reason stays useful.
    assertThat(problems(event("\"consent\":{\"sms\":\"yes-123\"}")))
        .containsExactly("$.consent.sms: must be \"granted\", \"denied\" or \"unknown\", was \"yes-123\"");
  }

  @Test
  void anObjectKeyThatLooksLikeAnEmailOrPhoneIsRedactedInPaths() {
    assertThat(problems(event("\"properties\":{\"maya.chen3@example.com\":{\"a\":1,\"a\":2}}")))
        .containsExactly("$.properties.<redacted>.a: duplicate key");
    assertThat(problems(event("\"properties\":{\"+1 201 555 0188\":1e999999999}")))
        .containsExactly(
            "$.properties.<redacted>: number out of range (at most 34 significant digits and a decimal"
                + " exponent from -307 to 307)");
    assertThat(problems(event("\"commerce\":{\"2015550177\":1,\"2015550177\":2}")))
        .containsExactly("$.commerce.<redacted>: duplicate key");
  }

  @Test
  void aSyntaxErrorIsLocatedWithRedactedKeysAndNeverQuotesTheInput() {
    assertThat(problems("{\"Chen+tag@Example.COM\" 1}"))
        .containsExactly("$: malformed JSON: expected ':' at $.<redacted>");
    assertThat(problems(event("\"properties\":{\"maya@example.com\":{\"x\":[1,2 3]}}")))
        .containsExactly("$: malformed JSON: unterminated array at $.properties.<redacted>.x[1]");
    assertThat(problems("{\"a\":\"\\u20g1\"}")).containsExactly("$: malformed JSON: invalid \\u escape at $.a");
    assertThat(problems("{\"a\":NaN}")).containsExactly("$: malformed JSON: unexpected character at $.a");
  }

  @Test
  void keysInPathsAreEscapedSoAPathIsOnePrintableLine() {
    assertThat(problems(event("\"properties\":{\"a\\u202eb\\n\":{\"k\":1,\"k\":2}}")))
        .containsExactly("$.properties.a\\u202eb\\u000a.k: duplicate key");
  }

  // lone surrogates (issue 10.9)

  private static final String SURROGATE =
      "contains an unpaired UTF-16 surrogate (not valid Unicode, cannot be written as UTF-8)";

  @Test
  void anEscapedLoneSurrogateIsRefusedWhereverItIs() {
    assertThat(problems(eventWith("customer_id", "\"c\\ud800\"")))
        .containsExactly("$.customer_id: " + SURROGATE);
    assertThat(problems(event("\"email\":\"maya\\udc00@example.com\",\"phone\":\"+1201555\\ud8000188\"")))
        .containsExactly("$.email: " + SURROGATE, "$.phone: " + SURROGATE);
    assertThat(problems(event("\"commerce\":{\"skus\":[\"a\\udfff\"]},\"properties\":{\"k\\ud800\":[\"\\ud83d\"]}")))
        .containsExactly(
            "$.commerce.skus[0]: " + SURROGATE,
            "$.properties.k\\ud800: key " + SURROGATE,
            "$.properties.k\\ud800[0]: " + SURROGATE);
  }

  @Test
  void aSurrogatePairIsTextAndSurvivesARoundTrip() {
    RetentionEvent e = valid(event("\"properties\":{\"\\ud83d\\ude00\":\"\\ud83d\\ude00 ok\"}"));
    assertThat(e.properties()).containsEntry("\ud83d\ude00", "\ud83d\ude00 ok");
    assertThat(codec.read(codec.toJson(e))).isEqualTo(e);
  }

  // one size rule (issue 10.10), strict UTF-8 (issue 10.8)

  @Test
  void anInputWhoseCanonicalFormIsOverTheLimitIsRefusedByParseWithTheMessageValidateGives() {
    // U+2028 is 3 bytes in the input and 6 in the canonical form (Moshi writes it as \u2028), and
    // an epoch event_time grows into RFC 3339: the input fits, the form that is sent does not.
    String base = eventWith("event_time", "0").replace("}", ",\"properties\":{\"pad\":\"\"}}");
    String pad = "\u2028".repeat(10) + "x".repeat(32768 - 30 - base.length());
    String input = base.replace("\"pad\":\"\"", "\"pad\":\"" + pad + "\"");
    assertThat(JsonValues.utf8Length(input)).isEqualTo(32768);
    RetentionEvent built =
        RetentionEvent.builder().eventId("evt_1").eventName("cart_abandoned").source("customerio")
            .customerId("cus_1").eventTime(Instant.EPOCH).property("pad", pad).build();
    long canonical = codec.toJson(built).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    // +30 for the escapes, +21 for "1970-01-01T00:00:00Z" in place of 0.
    assertThat(canonical).isEqualTo(32768 + 30 + 21);
    String expected = "$: event is " + canonical + " bytes, over the 32768-byte limit";
    assertThat(problems(input)).containsExactly(expected);
    assertThat(codec.validate(built)).map(Problem::toString).containsExactly(expected);
  }

  @Test
  void anIndentedInputIsMeasuredByTheCompactFormThatIsSent() {
    String compact = event("\"properties\":{\"pad\":\"" + "x".repeat(30_000) + "\"}");
    String indented = compact.replace(",", ",\n" + " ".repeat(500));
    assertThat(indented.length()).isGreaterThan(32768);
    assertThat(valid(indented)).isEqualTo(valid(compact));
  }

  @Test
  void anInputOverFourTimesTheLimitIsNotReadAtAll() {
    String huge = event("\"properties\":{\"pad\":\"" + " ".repeat(131_072) + "\"}");
    assertThat(problems(huge))
        .containsExactly("$: input is " + huge.length() + " bytes, over the 131072-byte input limit");
    assertThat(codec.maxInputBytes()).isEqualTo(131_072);
  }

  @Test
  void bytesThatAreNotValidUtf8AreOneProblemNeverAReplacementCharacter() {
    byte[] ok = event("\"email\":\"maya@example.com\"").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(codec.parse(ok).problems()).isEmpty();
    String json = event("\"email\":\"maya__@example.com\"");
    byte[] bad = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    int at = json.indexOf("__");
    bad[at] = (byte) 0xff;
    bad[at + 1] = (byte) 0xfe;
    assertThat(codec.parse(bad).problems()).map(Problem::toString)
        .containsExactly("$: not valid UTF-8 (malformed byte sequence at byte " + at + ")");
    // A sequence cut short at the end of the input, and an overlong encoding of '/'.
    byte[] truncated = java.util.Arrays.copyOf(ok, ok.length + 2);
    truncated[ok.length] = (byte) 0xe2;
    truncated[ok.length + 1] = (byte) 0x82;
    assertThat(codec.parse(truncated).problems()).map(Problem::toString)
        .containsExactly("$: not valid UTF-8 (malformed byte sequence at byte " + ok.length + ")");
    byte[] overlong = {'{', '"', (byte) 0xc0, (byte) 0xaf, '"', ':', '1', '}'};
    assertThat(codec.parse(overlong).problems()).map(Problem::toString)
        .containsExactly("$: not valid UTF-8 (malformed byte sequence at byte 2)");
    assertThatThrownBy(() -> codec.read(bad)).isInstanceOf(ValidationException.class);
  }
}
