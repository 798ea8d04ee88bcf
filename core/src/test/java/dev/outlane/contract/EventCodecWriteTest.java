package dev.outlane.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventCodecWriteTest {
  private final EventCodec codec = EventCodec.create();

  private static RetentionEvent.Builder minimal() {
    return RetentionEvent.builder()
        .eventId("evt_1")
        .eventName("cart_abandoned")
        .source("customerio")
        .customerId("cus_1")
        .eventTime(Instant.parse("2026-11-29T18:00:00Z"));
  }

  @Test
  void aMinimalEventIsWrittenWithOnlyTheRequiredFields() {
    assertThat(codec.toJson(minimal().build()))
        .isEqualTo(
            "{\"schema_version\":\"1.0\",\"event_id\":\"evt_1\",\"event_name\":\"cart_abandoned\","
                + "\"source\":\"customerio\",\"customer_id\":\"cus_1\",\"event_time\":\"2026-11-29T18:00:00Z\"}");
  }

  @Test
  void everyFieldIsWrittenInTheContractOrderWithCartValueAsAnExactString() {
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("campaign_id", 1183);
    props.put("score", 0.87);
    props.put("none", null);
    props.put("tags", List.of("a", true));
    RetentionEvent e =
        minimal()
            .eventTime(Instant.parse("2026-11-29T18:00:00.250Z"))
            .email("maya@example.com")
            .phone("+1 201-555-0123")
            .audience("cart_abandoners_high_aov", AudienceAction.Action.ADD)
            .commerce(new Commerce(new BigDecimal("412.50"), "usd", List.of("SKU-1"), "ORD-1"))
            .consent(new Consent(ConsentStatus.GRANTED, ConsentStatus.UNKNOWN, ConsentStatus.DENIED))
            .properties(props)
            .build();
    assertThat(codec.toJson(e))
        .isEqualTo(
            "{\"schema_version\":\"1.0\",\"event_id\":\"evt_1\",\"event_name\":\"cart_abandoned\","
                + "\"source\":\"customerio\",\"customer_id\":\"cus_1\",\"event_time\":\"2026-11-29T18:00:00.250Z\","
                + "\"email\":\"maya@example.com\",\"phone\":\"+1 201-555-0123\","
                + "\"audience\":{\"name\":\"cart_abandoners_high_aov\",\"action\":\"add\"},"
                + "\"commerce\":{\"cart_value\":\"412.50\",\"currency\":\"USD\",\"skus\":[\"SKU-1\"],\"order_id\":\"ORD-1\"},"
                + "\"consent\":{\"sms\":\"granted\",\"email\":\"unknown\",\"ads\":\"denied\"},"
                + "\"properties\":{\"campaign_id\":1183,\"score\":0.87,\"none\":null,\"tags\":[\"a\",true]}}");
    assertThat(codec.parse(codec.toJson(e)).event()).isEqualTo(e);
  }

  @Test
  void eventTimeIsUtcWithAFractionOnlyWhenThereIsOne() {
    assertThat(codec.toJson(minimal().eventTime(Instant.parse("2026-11-29T18:00:00.000000001Z")).build()))
        .contains("\"event_time\":\"2026-11-29T18:00:00.000000001Z\"");
    assertThat(codec.toJson(minimal().eventTime(Instant.ofEpochSecond(1_795_975_200L)).build()))
        .contains("\"event_time\":\"2026-11-29T18:00:00Z\"");
  }

  @Test
  void anEmptyCommerceIsWrittenAsAnEmptyObjectAndReadBack() {
    RetentionEvent e = minimal().commerce(new Commerce(null, null, List.of(), null)).build();
    assertThat(codec.toJson(e)).endsWith("\"commerce\":{}}");
    assertThat(codec.read(codec.toJson(e))).isEqualTo(e);
  }

  @Test
  void aHostileExponentIsNeverExpandedWhenWriting() {
    RetentionEvent e =
        minimal().commerce(new Commerce(new BigDecimal("1E+999999999"), "USD", List.of(), null)).build();
    assertThat(codec.toJson(e)).contains("\"cart_value\":\"1E+999999999\"");
  }

  @Test
  void builtEventsAreStoredInTheFormTheReaderProduces() {
    RetentionEvent e =
        minimal()
            .customerId("  cus_1 ")
            .commerce(new Commerce(new BigDecimal("1E+3"), "eur", List.of(), null))
            .property("i", 3)
            .property("d", 2.5d)
            .property("bi", new BigInteger("123456789012345678901234567890"))
            .property("bd", new BigDecimal("7"))
            .property("nested", new ArrayList<>(Arrays.asList(1, Map.of("f", 1.0f))))
            .build();
    assertThat(e.customerId()).isEqualTo("cus_1");
    assertThat(e.commerce().currency()).isEqualTo("EUR");
    assertThat(e.commerce().cartValue()).isEqualTo(new BigDecimal("1000"));
    assertThat(e.properties().get("i")).isEqualTo(3L);
    assertThat(e.properties().get("d")).isEqualTo(new BigDecimal("2.5"));
    assertThat(e.properties().get("bi")).isEqualTo(new BigDecimal("123456789012345678901234567890"));
    assertThat(e.properties().get("bd")).isEqualTo(7L);
    assertThat(e.properties().get("nested")).isEqualTo(List.of(1L, Map.of("f", new BigDecimal("1.0"))));
    assertThat(codec.read(codec.toJson(e))).isEqualTo(e);
  }

  @Test
  void decimalsWithLongIntegerPartsAreWrittenSoMoshiCanReadThemBack() {
    RetentionEvent e =
        minimal()
            .property("a", new BigDecimal("1" + "0".repeat(30) + ".00"))
            .property("b", new BigDecimal("-123456789012345678901"))
            .build();
    assertThat(codec.toJson(e))
        .contains("\"a\":1." + "0".repeat(32) + "E+30,\"b\":-1.23456789012345678901E+20");
    assertThat(codec.read(codec.toJson(e))).isEqualTo(e);
  }

  @Test
  void propertiesAreADeepImmutableCopy() {
    List<Object> list = new ArrayList<>(List.of("a"));
    RetentionEvent e = minimal().property("list", list).build();
    list.add("b");
    assertThat(e.properties().get("list")).isEqualTo(List.of("a"));
    assertThatThrownBy(() -> ((List<Object>) e.properties().get("list")).add("c"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void propertyValuesThatCannotBeJsonAreRejectedNamingThePath() {
    assertThatThrownBy(() -> minimal().property("when", Instant.EPOCH).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "properties.when: unsupported value type java.time.Instant (use String, Number, Boolean, List, Map or null)");
    assertThatThrownBy(() -> minimal().property("x", List.of(Double.NaN)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("properties.x[0]: not a finite number");
    assertThatThrownBy(() -> minimal().property("m", Map.of(1, "one")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("properties.m: keys must be strings");
  }

  @Test
  void toStringRedactsEmailAndPhone() {
    RetentionEvent e = minimal().email("maya@example.com").phone("+12015550123").build();
    assertThat(e.toString()).doesNotContain("maya").doesNotContain("5550123").contains("email=<redacted>");
  }
}
