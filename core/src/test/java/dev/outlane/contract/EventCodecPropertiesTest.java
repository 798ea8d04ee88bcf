package dev.outlane.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class EventCodecPropertiesTest {
  private final EventCodec codec = EventCodec.create();

  @Property(tries = 2000)
  void parseNeverThrowsOnArbitraryStrings(@ForAll String input) {
    ParseResult result = codec.parse(input);
    assertThat(result.isValid() || !result.problems().isEmpty()).isTrue();
  }

  @Property(tries = 1000)
  void parseNeverThrowsOnArbitraryJsonStructures(@ForAll("jsonObjects") String json) {
    ParseResult result = codec.parse(json);
    assertThat(result.isValid() ^ !result.problems().isEmpty()).isTrue();
    assertThat(result.problems()).allSatisfy(p -> assertThat(p.path()).startsWith("$"));
  }

  @Property(tries = 500)
  void parseNeverThrowsOnMutatedValidEvents(@ForAll("mutatedEvents") String json) {
    ParseResult result = codec.parse(json);
    assertThat(result.isValid() ^ !result.problems().isEmpty()).isTrue();
  }

  @Property(tries = 500)
  void everyValidEventSurvivesARoundTrip(@ForAll("events") RetentionEvent event) {
    assertThat(codec.validate(event)).isEmpty();
    String json = codec.toJson(event);
    ParseResult back = codec.parse(json);
    assertThat(back.problems()).isEmpty();
    assertThat(back.event()).isEqualTo(event);
    assertThat(codec.toJson(back.event())).isEqualTo(json);
  }

  @Property(tries = 500)
  void everyPropertyNumberReadsBackExactly(
      @ForAll("boundedDecimals") BigDecimal decimal,
      @ForAll long integer,
      @ForAll("boundedDecimals") BigDecimal other) {
    RetentionEvent event =
        RetentionEvent.builder()
            .eventId("evt_1")
            .eventName("n")
            .source("s")
            .customerId("c")
            .eventTime(Instant.EPOCH)
            .property("decimal", decimal)
            .property("integer", integer)
            // A long integer part: written as d.ddd…E+n (see EventWriter.jsonNumber).
            .property("huge", new BigDecimal(other.unscaledValue(), Math.min(other.scale(), -20)))
            .build();
    assertThat(codec.read(codec.toJson(event))).isEqualTo(event);
  }

  // Generators

  /**
   * Decimals within the contract's bounds: up to 34 digits, and a scale that keeps the exponent of
   * the leading digit within ±307 whatever the digit count.
   */
  @Provide
  Arbitrary<BigDecimal> boundedDecimals() {
    java.math.BigInteger max = java.math.BigInteger.TEN.pow(34).subtract(java.math.BigInteger.ONE);
    return Combinators.combine(
            Arbitraries.bigIntegers().between(max.negate(), max), Arbitraries.integers().between(-273, 306))
        .as(BigDecimal::new);
  }

  private static final List<String> FIELDS =
      List.of(
          "schema_version", "event_id", "event_name", "source", "customer_id", "event_time", "email",
          "phone", "audience", "commerce", "consent", "properties", "name", "action", "cart_value",
          "currency", "skus", "order_id", "sms", "ads");

  @Provide
  Arbitrary<String> jsonObjects() {
    return object(3);
  }

  private Arbitrary<String> object(int depth) {
    Arbitrary<String> key = Arbitraries.oneOf(Arbitraries.of(FIELDS), Arbitraries.strings().ofMaxLength(5));
    return Combinators.combine(key, jsonValue(depth - 1))
        .as((k, v) -> quoteJson(k) + ":" + v)
        .list()
        .ofMaxSize(8)
        .map(members -> "{" + String.join(",", members) + "}");
  }

  private Arbitrary<String> jsonValue(int depth) {
    Arbitrary<String> scalars =
        Arbitraries.oneOf(
            Arbitraries.strings().ofMaxLength(20).map(EventCodecPropertiesTest::quoteJson),
        Arbitraries.of(
            "1" + "0".repeat(70), "-" + "9".repeat(400), "1" + "0".repeat(70) + ".5", "1E+2147483648"),
            Arbitraries.of(
                "\"1.0\"", "\"2.0\"", "\"2026-11-29T18:00:00Z\"", "\"2026-11-29T18:00:00\"", "\"usd\"",
                "\"add\"", "\"granted\"", "\"a@b.co\"", "\"+12015550123\"", "\"1795975200\"", "\"\""),
            Arbitraries.longs().map(String::valueOf),
            Arbitraries.bigDecimals().map(BigDecimal::toString),
            Arbitraries.of("true", "false", "null", "1e999999999", "-0", "1E-400", "0.1", "-1.5e308"));
    if (depth <= 0) {
      return scalars;
    }
    return Arbitraries.lazyOf(
        () -> scalars,
        () -> scalars,
        () -> object(depth - 1),
        () -> jsonValue(depth - 1).list().ofMaxSize(4).map(l -> "[" + String.join(",", l) + "]"));
  }

  @Provide
  Arbitrary<String> mutatedEvents() {
    return Combinators.combine(
            events().map(codec::toJson),
            Arbitraries.integers().between(0, 10_000),
            Arbitraries.of("", "{", "}", "[", "]", "\"", ",", ":", "null", "1e99999", "\\", "\u0000"))
        .as(
            (json, at, insert) -> {
              int i = at % (json.length() + 1);
              return json.substring(0, i) + insert + json.substring(Math.min(json.length(), i + (at % 3)));
            });
  }

  @Provide
  Arbitrary<RetentionEvent> events() {
    Arbitrary<String> id = Arbitraries.strings().alpha().numeric().withChars("_-").ofMinLength(1).ofMaxLength(40);
    Arbitrary<String> name =
        Combinators.combine(
                Arbitraries.chars().range('a', 'z'),
                Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('_').ofMaxLength(63))
            .as((c, s) -> c + s);
    Arbitrary<Instant> time =
        Combinators.combine(
                Arbitraries.longs().between(0, 253_402_300_799L), Arbitraries.integers().between(0, 999_999_999))
            .as(Instant::ofEpochSecond);
    Arbitrary<String> email =
        Combinators.combine(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(10), Arbitraries.of("example.com", "Example.ORG"))
            .as((l, d) -> l + "@" + d)
            .injectNull(0.3);
    Arbitrary<String> phone = Arbitraries.of("+12015550123", "(201) 555-0148", "+44 20 7946 0018").injectNull(0.3);
    Arbitrary<AudienceAction> audience =
        Combinators.combine(id, Arbitraries.of(AudienceAction.Action.class)).as(AudienceAction::new).injectNull(0.3);
    Arbitrary<BigDecimal> money =
        Combinators.combine(Arbitraries.longs().between(0, 999_999_999_999_999L), Arbitraries.integers().between(0, 6))
            .as(BigDecimal::valueOf);
    Arbitrary<Commerce> commerce =
        Combinators.combine(
                money.injectNull(0.3),
                Arbitraries.of("USD", "eur", "JPY", "GBP"),
                id.list().ofMaxSize(3),
                id.injectNull(0.5))
            .as((v, c, skus, order) -> new Commerce(v, v == null ? null : c, skus, order))
            .injectNull(0.3);
    Arbitrary<Consent> consent =
        Arbitraries.of(ConsentStatus.class).list().ofSize(3).map(l -> new Consent(l.get(0), l.get(1), l.get(2)));
    Arbitrary<Map<String, Object>> properties =
        Arbitraries.maps(
                Arbitraries.strings().ofMaxLength(8),
                Arbitraries.oneOf(
                    Arbitraries.strings().ofMaxLength(10).map(s -> (Object) s),
                    Arbitraries.longs().map(l -> (Object) l),
                    boundedDecimals().map(d -> (Object) d),
                    Arbitraries.of(true, false).map(b -> (Object) b),
                    Arbitraries.strings().ofMaxLength(3).list().ofMaxSize(3).map(l -> (Object) new ArrayList<>(l))))
            .ofMaxSize(5)
            .map(LinkedHashMap::new);
    return Combinators.combine(
            Combinators.combine(id, name, id, id, time, Arbitraries.integers().between(0, 20)).as(Head::new),
            email,
            phone,
            audience,
            commerce,
            consent,
            properties)
        .as(
            (h, em, ph, au, co, cs, pr) ->
                RetentionEvent.builder()
                    .schemaVersion("1." + h.minor)
                    .eventId(h.id)
                    .eventName(h.name)
                    .source(h.source)
                    .customerId(h.customer)
                    .eventTime(h.time)
                    .email(em)
                    .phone(ph)
                    .audience(au)
                    .commerce(co)
                    .consent(cs)
                    .properties(pr)
                    .build());
  }

  private static final class Head {
    final String id;
    final String name;
    final String source;
    final String customer;
    final Instant time;
    final int minor;

    Head(String id, String name, String source, String customer, Instant time, int minor) {
      this.id = id;
      this.name = name;
      this.source = source;
      this.customer = customer;
      this.time = time;
      this.minor = minor;
    }
  }

  private static String quoteJson(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
