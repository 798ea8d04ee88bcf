package dev.outlane.twilio.internal;

import com.squareup.moshi.JsonWriter;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import okio.BufferedSink;
import org.jspecify.annotations.Nullable;

/** Writes the JSON values a {@code RetentionEvent}'s properties may hold. Stateless. */
public final class JsonValues {
  private JsonValues() {}

  /**
   * Writes {@code value}: String, Number, Boolean, List, Map (string keys) or null. A {@link
   * BigDecimal} is written digit for digit ({@code 129.90} stays {@code 129.90}, never {@code
   * 1.299E+2}); a non-finite double, which JSON cannot carry, is written as null. Anything else is
   * written as its {@code toString()}.
   */
  public static void write(JsonWriter writer, @Nullable Object value) throws IOException {
    if (value == null) {
      writer.nullValue();
    } else if (value instanceof String s) {
      writer.value(s);
    } else if (value instanceof Boolean b) {
      writer.value(b.booleanValue());
    } else if (value instanceof BigDecimal d) {
      writeExact(writer, d);
    } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      writer.value(((Number) value).longValue());
    } else if (value instanceof BigInteger i) {
      writer.value(i);
    } else if (value instanceof Number n) {
      double d = n.doubleValue();
      if (Double.isFinite(d)) {
        writer.value(d);
      } else {
        writer.nullValue();
      }
    } else if (value instanceof Map<?, ?> map) {
      writer.beginObject();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        writer.name(String.valueOf(e.getKey()));
        write(writer, e.getValue());
      }
      writer.endObject();
    } else if (value instanceof List<?> list) {
      writer.beginArray();
      for (Object o : list) {
        write(writer, o);
      }
      writer.endArray();
    } else {
      writer.value(value.toString());
    }
  }

  /**
   * The longest plain (no exponent) form {@link #exact} writes. Past it a number is written in
   * scientific notation: {@code 1e999999999} in plain form is a billion characters, and building
   * that string ran the JVM out of memory on a delivery thread (issue 10.1). 64 characters hold any
   * money amount and any double's full precision in plain form.
   */
  public static final int MAX_PLAIN_CHARS = 64;

  /** Writes a decimal as a JSON number with exactly its digits; see {@link #exact}. */
  public static void writeExact(JsonWriter writer, BigDecimal value) throws IOException {
    try (BufferedSink sink = writer.valueSink()) {
      sink.writeUtf8(exact(value));
    }
  }

  /**
   * {@code value} with exactly its digits, in bounded memory: the plain form ({@code 129.90}, never
   * {@code 1.299E+2}) when it has at most {@link #MAX_PLAIN_CHARS} characters, else scientific
   * notation with the same digits ({@code 1E+999999999}), which is as long as the digits plus the
   * exponent. Both are valid JSON numbers.
   */
  public static String exact(BigDecimal value) {
    long precision = value.precision();
    long scale = value.scale();
    // Plain length without building it: digits and trailing zeros, or digits, leading zeros and "0.".
    long length = (scale <= 0 ? precision - scale : Math.max(precision, scale + 1) + 1) + (value.signum() < 0 ? 1 : 0);
    return length <= MAX_PLAIN_CHARS ? value.toPlainString() : value.toString();
  }
}
