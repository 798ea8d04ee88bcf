package dev.outlane.contract;

import com.squareup.moshi.JsonWriter;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import okio.Buffer;
import okio.BufferedSink;
import org.jspecify.annotations.Nullable;

/**
 * Writes the values a {@link RetentionEvent} holds ({@linkplain RetentionEvent#properties()
 * properties}, a {@linkplain Commerce#cartValue() cart value}) as JSON, the one way every adapter
 * does it: decimals digit for digit and in bounded memory. Adapters that build their own request
 * bodies use this instead of writing numbers themselves.
 *
 * <pre>{@code
 * w.name("cart_value");
 * try (BufferedSink sink = w.valueSink()) {        // a Moshi JsonWriter
 *   ContractJson.write(commerce.cartValue(), sink);
 * }
 * }</pre>
 *
 * <p><b>Numbers.</b> A {@link BigDecimal} keeps exactly its digits ({@code 129.90} stays {@code
 * 129.90}, never {@code 1.299E+2}), in plain form while that has at most {@value #MAX_PLAIN_CHARS}
 * characters and in scientific notation past it; see {@link #decimal}. A non-finite double, which
 * JSON cannot carry, is written as {@code null}.
 *
 * <p>Unlike {@link EventCodec#toJson}, which writes a whole event so that {@link EventCodec} reads it
 * back exactly, this writes one value for a destination's API. Stateless and thread-safe.
 */
public final class ContractJson {
  /**
   * The longest plain (no exponent) form {@link #decimal} writes. Past it a number is written in
   * scientific notation: {@code 1e999999999} in plain form is a billion characters, and building
   * that string ran the JVM out of memory on a delivery thread (issue 10.1). 64 characters hold any
   * money amount and any double's full precision in plain form.
   */
  public static final int MAX_PLAIN_CHARS = 64;

  private ContractJson() {}

  /**
   * {@code value} with exactly its digits, in bounded memory: the plain form ({@code 129.90}, never
   * {@code 1.299E+2}) when it has at most {@link #MAX_PLAIN_CHARS} characters, else scientific
   * notation with the same digits ({@code 1E+999999999}), which is as long as the digits plus the
   * exponent. Both are valid JSON numbers, and the plain form is what a person reads in a message.
   */
  public static String decimal(BigDecimal value) {
    long precision = value.precision();
    long scale = value.scale();
    // Plain length without building it: digits and trailing zeros, or digits, leading zeros and "0.".
    long length = (scale <= 0 ? precision - scale : Math.max(precision, scale + 1) + 1)
        + (value.signum() < 0 ? 1 : 0);
    return length <= MAX_PLAIN_CHARS ? value.toPlainString() : value.toString();
  }

  /**
   * {@code value} as compact JSON: String, Number, Boolean, List, Map (keys written with {@code
   * String.valueOf}) or null; anything else as the JSON string of its {@code toString()}.
   */
  public static String toJson(@Nullable Object value) {
    Buffer buffer = new Buffer();
    try {
      write(value, buffer);
    } catch (IOException e) {
      throw new IllegalStateException("writing to a Buffer cannot fail", e);
    }
    return buffer.readUtf8();
  }

  /**
   * Writes {@code value} as by {@link #toJson} to {@code sink}, e.g. a Moshi {@code
   * JsonWriter.valueSink()}. The sink is flushed, not closed.
   *
   * @throws IOException if the sink fails
   */
  public static void write(@Nullable Object value, BufferedSink sink) throws IOException {
    if (value instanceof BigDecimal d) {
      // The common case (a cart value) without a JsonWriter.
      sink.writeUtf8(decimal(d));
      return;
    }
    JsonWriter writer = JsonWriter.of(sink);
    writer.setSerializeNulls(true);
    writeValue(writer, value);
    writer.flush();
  }

  private static void writeValue(JsonWriter writer, @Nullable Object value) throws IOException {
    if (value == null) {
      writer.nullValue();
    } else if (value instanceof String s) {
      writer.value(s);
    } else if (value instanceof Boolean b) {
      writer.value(b.booleanValue());
    } else if (value instanceof BigDecimal d) {
      try (BufferedSink sink = writer.valueSink()) {
        sink.writeUtf8(decimal(d));
      }
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
        writeValue(writer, e.getValue());
      }
      writer.endObject();
    } else if (value instanceof List<?> list) {
      writer.beginArray();
      for (Object o : list) {
        writeValue(writer, o);
      }
      writer.endArray();
    } else {
      writer.value(value.toString());
    }
  }
}
