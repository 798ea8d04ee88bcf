package dev.outlane.twilio.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.squareup.moshi.JsonWriter;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.Map;
import okio.Buffer;
import org.junit.jupiter.api.Test;

class JsonValuesTest {
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
    assertThat(JsonValues.exact(new BigDecimal("-" + "9".repeat(63)))).hasSize(64).doesNotContain("E");
    assertThat(JsonValues.exact(new BigDecimal("-" + "9".repeat(64)))).hasSize(65).doesNotContain("E")
        .as("BigDecimal.toString of a scale-0 number is plain too: as long as its digits");
    assertThat(JsonValues.exact(new BigDecimal("0." + "0".repeat(61) + "1"))).hasSize(64).doesNotContain("E");
    assertThat(JsonValues.exact(new BigDecimal("0." + "0".repeat(62) + "1"))).isEqualTo("1E-63");
  }

  @Test
  void nestedPropertiesWithThePoisonNumberAreBoundedToo() throws IOException {
    Buffer out = new Buffer();
    JsonWriter w = JsonWriter.of(out);
    JsonValues.write(w, Map.of("coupon", new BigDecimal("1e999999999")));
    w.flush();
    assertThat(out.readUtf8()).isEqualTo("{\"coupon\":1E+999999999}");
  }

  private static String written(BigDecimal value) throws IOException {
    Buffer out = new Buffer();
    JsonWriter w = JsonWriter.of(out);
    JsonValues.writeExact(w, value);
    w.flush();
    return out.readUtf8();
  }
}
