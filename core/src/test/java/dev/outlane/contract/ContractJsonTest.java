package dev.outlane.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.squareup.moshi.JsonWriter;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import okio.Buffer;
import okio.BufferedSink;
import org.junit.jupiter.api.Test;

class ContractJsonTest {
  @Test
  void writeExactKeepsTheDigitsOfAnOrdinaryDecimal() throws IOException {
    assertThat(written(new BigDecimal("129.90"))).isEqualTo("129.90");
    assertThat(written(new BigDecimal("1E+3"))).isEqualTo("1000");
    assertThat(written(new BigDecimal("-0.000001"))).isEqualTo("-0.000001");
  }

  @Test
  void writeExactOfThePoisonNumberIsScientificAndSmallInsteadOfABillionDigits() throws IOException {
    Runtime r = Runtime.getRuntime();
    long before = r.totalMemory() - r.freeMemory();

    String huge = written(new BigDecimal("1e999999999"));
    String tiny = written(new BigDecimal("1e-999999999"));

    assertThat(huge).isEqualTo("1E+999999999");
    assertThat(tiny).isEqualTo("1E-999999999");
    assertThat(r.totalMemory() - r.freeMemory() - before).isLessThan(64L * 1024 * 1024);
  }

  @Test
  void theBoundIsSixtyFourPlainCharactersSignIncluded() {
    assertThat(ContractJson.decimal(new BigDecimal("-" + "9".repeat(63)))).hasSize(64).doesNotContain("E");
    assertThat(ContractJson.decimal(new BigDecimal("-" + "9".repeat(64)))).hasSize(65).doesNotContain("E")
        .as("BigDecimal.toString of a scale-0 number is plain too: as long as its digits");
    assertThat(ContractJson.decimal(new BigDecimal("0." + "0".repeat(61) + "1"))).hasSize(64).doesNotContain("E");
    assertThat(ContractJson.decimal(new BigDecimal("0." + "0".repeat(62) + "1"))).isEqualTo("1E-63");
  }

  @Test
  void nestedPropertiesWithThePoisonNumberAreBoundedToo() {
    assertThat(ContractJson.toJson(Map.of("coupon", new BigDecimal("1e999999999"))))
        .isEqualTo("{\"coupon\":1E+999999999}");
  }

  @Test
  void everyPropertyTypeIsWrittenAsItsJson() {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("name", "Ada \"A\"");
    properties.put("count", 3L);
    properties.put("vip", true);
    properties.put("missing", null);
    properties.put("tags", List.of("a", 1.5));
    properties.put("nan", Double.NaN);

    assertThat(ContractJson.toJson(properties))
        .isEqualTo("{\"name\":\"Ada \\\"A\\\"\",\"count\":3,\"vip\":true,\"missing\":null,"
            + "\"tags\":[\"a\",1.5],\"nan\":null}");
    assertThat(ContractJson.toJson(Arrays.asList(null, "x"))).isEqualTo("[null,\"x\"]");
  }

  @Test
  void aValueIsWrittenIntoAMoshiWritersValueSink() throws IOException {
    Buffer out = new Buffer();
    JsonWriter w = JsonWriter.of(out);
    w.beginObject().name("props");
    try (BufferedSink sink = w.valueSink()) {
      ContractJson.write(Map.of("total", new BigDecimal("129.90")), sink);
    }
    w.name("next").value(1).endObject().flush();

    assertThat(out.readUtf8()).isEqualTo("{\"props\":{\"total\":129.90},\"next\":1}");
  }

  private static String written(BigDecimal value) throws IOException {
    Buffer out = new Buffer();
    JsonWriter w = JsonWriter.of(out);
    try (BufferedSink sink = w.valueSink()) {
      ContractJson.write(value, sink);
    }
    w.flush();
    return out.readUtf8();
  }
}
