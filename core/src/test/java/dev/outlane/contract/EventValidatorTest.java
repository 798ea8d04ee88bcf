package dev.outlane.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.Problem;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventValidatorTest {
  private static RetentionEvent.Builder valid() {
    return RetentionEvent.builder()
        .eventId("evt_1")
        .eventName("cart_abandoned")
        .source("customerio")
        .customerId("cus_1")
        .eventTime(Instant.parse("2026-11-29T18:00:00Z"));
  }

  private static List<String> problems(RetentionEvent e) {
    return EventValidator.validate(e).stream().map(Problem::toString).toList();
  }

  @Test
  void aValidBuiltEventHasNoProblems() {
    assertThat(
            EventValidator.validate(
                valid()
                    .email("maya@example.com")
                    .phone("+12015550123")
                    .audience("vip", AudienceAction.Action.REMOVE)
                    .commerce(new Commerce(new BigDecimal("9.99"), "GBP", List.of("A"), "o"))
                    .build()))
        .isEmpty();
  }

  @Test
  void builtEventsAreCheckedAgainstTheSameRulesAsJsonInFieldOrder() {
    RetentionEvent e =
        valid()
            .schemaVersion("1")
            .eventId("")
            .eventName("Cart")
            .source(" ")
            .customerId(" ")
            .eventTime(Instant.parse("1969-12-31T23:59:59Z"))
            .email("not-an-email")
            .phone("12")
            .audience(" ", AudienceAction.Action.ADD)
            .commerce(new Commerce(new BigDecimal("-1.0000001"), null, List.of(""), " "))
            .build();
    assertThat(problems(e))
        .containsExactly(
            "$.schema_version: must be \"1.<minor>\", was \"1\"",
            "$.event_id: must not be empty",
            "$.event_name: must match [a-z][a-z0-9_]{0,63}, was \"Cart\"",
            "$.source: must not be blank",
            "$.customer_id: must not be blank",
            "$.event_time: before 1970-01-01T00:00:00Z",
            "$.email: missing '@'",
            "$.phone: not a valid phone number for its region",
            "$.audience.name: must not be blank",
            "$.commerce.cart_value: must not be negative",
            "$.commerce.currency: is required when cart_value is given",
            "$.commerce.skus[0]: must not be blank",
            "$.commerce.order_id: must not be blank");
  }

  @Test
  void anotherMajorVersionIsTheOnlyProblemReported() {
    assertThat(problems(valid().schemaVersion("2.1").eventName("X").build()))
        .containsExactly("$.schema_version: unsupported major version \"2.1\" (supported: 1.x)");
  }

  @Test
  void currencyMustBeAnIso4217CodeAndTimeNoLaterThanTheYear9999() {
    assertThat(
            problems(
                valid()
                    .eventTime(Instant.parse("+10000-01-01T00:00:00Z"))
                    .commerce(new Commerce(new BigDecimal("1"), "XYZ", List.of(), null))
                    .build()))
        .containsExactly(
            "$.event_time: after 9999-12-31T23:59:59Z",
            "$.commerce.currency: not an ISO-4217 code: \"XYZ\"");
  }

  @Test
  void theSizeLimitAppliesToTheEventsJsonForm() {
    RetentionEvent big = valid().property("pad", "x".repeat(40_000)).build();
    int bytes = EventCodec.create().toJson(big).length();
    assertThat(problems(big))
        .containsExactly("$: event is " + bytes + " bytes, over the 32768-byte limit");
    assertThat(EventCodec.builder().maxEventBytes(64 * 1024).build().validate(big)).isEmpty();
  }

  @Test
  void escapedCharactersCountAtTheirEscapedSizeAgainstTheLimit() {
    // 6,000 control characters are 6,000 chars but 36,000 bytes of JSON (each written as \\u0001).
    RetentionEvent big = valid().property("pad", "\u0001".repeat(6_000)).build();
    int bytes = EventCodec.create().toJson(big).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    assertThat(bytes).isGreaterThan(32_768);
    assertThat(problems(big))
        .containsExactly("$: event is " + bytes + " bytes, over the 32768-byte limit");
  }

  @Test
  void aBuiltNumberBeyondTheContractBoundsIsAProblemAndStillWritesInBoundedSpace() {
    RetentionEvent e =
        valid()
            .property("coupon", new BigDecimal("1e999999999"))
            .property("tiny", List.of(new BigDecimal("1e-999999999")))
            .property("ok", new BigDecimal("1.5e307"))
            .build();
    String range =
        "number out of range (at most 34 significant digits and a decimal exponent from -307 to 307)";
    assertThat(problems(e))
        .containsExactly("$.properties.coupon: " + range, "$.properties.tiny[0]: " + range);
    // Writing an unvalidated event never expands the exponent (1e999999999 would be a billion digits).
    String json = EventCodec.create().toJson(e);
    assertThat(json).contains("\"coupon\":1E+999999999", "\"tiny\":[1E-999999999]");
    assertThat(json.length()).isLessThan(400);
  }

  @Test
  void aBuiltEventWithALoneSurrogateIsAProblemBecauseItCouldNotBeWrittenBack() {
    String surrogate =
        "contains an unpaired UTF-16 surrogate (not valid Unicode, cannot be written as UTF-8)";
    RetentionEvent e =
        valid()
            .customerId("c\ud800")
            .phone("+1201555\udc000188")
            .property("k", List.of("x\ud800"))
            .build();
    assertThat(problems(e))
        .containsExactly(
            "$.customer_id: " + surrogate, "$.phone: " + surrogate, "$.properties.k[0]: " + surrogate);
    assertThat(EventCodec.create().validateExceptIdentity(e)).map(Problem::toString)
        .contains("$.phone: " + surrogate);
  }
}
