package dev.outlane.contract.internal;

import com.squareup.moshi.JsonWriter;
import dev.outlane.contract.AudienceAction;
import dev.outlane.contract.Commerce;
import dev.outlane.contract.Consent;
import dev.outlane.contract.RetentionEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import okio.Buffer;
import okio.BufferedSink;
import org.jspecify.annotations.Nullable;

/**
 * Writes an event as v1 JSON with Moshi's streaming {@link JsonWriter}: compact, snake_case, fields
 * in a fixed order, null optionals omitted. Stateless and thread-safe.
 */
public final class EventWriter {
  private EventWriter() {}

  public static String write(RetentionEvent e) {
    Buffer buffer = new Buffer();
    try (JsonWriter w = JsonWriter.of(buffer)) {
      // Nulls inside properties are data and must be written; optional fields are skipped by hand.
      w.setSerializeNulls(true);
      w.beginObject();
      w.name("schema_version").value(e.schemaVersion());
      w.name("event_id").value(e.eventId());
      w.name("event_name").value(e.eventName());
      w.name("source").value(e.source());
      w.name("customer_id").value(e.customerId());
      w.name("event_time").value(formatTime(e.eventTime()));
      if (e.email() != null) {
        w.name("email").value(e.email());
      }
      if (e.phone() != null) {
        w.name("phone").value(e.phone());
      }
      AudienceAction audience = e.audience();
      if (audience != null) {
        w.name("audience").beginObject();
        w.name("name").value(audience.name());
        w.name("action").value(audience.action().wireName());
        w.endObject();
      }
      Commerce commerce = e.commerce();
      if (commerce != null) {
        writeCommerce(w, commerce);
      }
      if (!e.consent().equals(Consent.UNKNOWN)) {
        w.name("consent").beginObject();
        w.name("sms").value(e.consent().sms().wireName());
        w.name("email").value(e.consent().email().wireName());
        w.name("ads").value(e.consent().ads().wireName());
        w.endObject();
      }
      if (!e.properties().isEmpty()) {
        w.name("properties");
        writeValue(w, e.properties());
      }
      w.endObject();
    } catch (IOException impossible) {
      // A Buffer sink does no I/O.
      throw new UncheckedIOException(impossible);
    }
    return buffer.readUtf8();
  }

  /**
   * RFC 3339 in UTC: {@code 2026-11-29T18:00:00Z}, with a fraction only when there is one, in
   * groups of three digits ({@code .250}, {@code .000123}).
   */
  public static String formatTime(Instant time) {
    return DateTimeFormatter.ISO_INSTANT.format(time);
  }

  /**
   * The exact decimal as plain digits ({@code "1250.00"}). A scale far outside what the contract
   * allows is written in exponent form instead, so that writing an unvalidated value can never
   * expand {@code 1e999999999} into a billion digits.
   */
  public static String formatDecimal(BigDecimal value) {
    if (value.scale() >= -32 && value.scale() <= 32) {
      return value.toPlainString();
    }
    return value.toString();
  }

  /**
   * A JSON number that reads back as exactly {@code value} (same digits, same scale). Plain form
   * while the integer part is short; beyond that {@code d.ddd…E+n}, because Moshi's reader rejects
   * some long integer parts (e.g. a 1 followed by 64 zeros wraps its overflow check to 0 and looks
   * like a forbidden leading zero).
   */
  static String jsonNumber(BigDecimal value) {
    if (value.scale() < 0 || (long) value.precision() - value.scale() < 19) {
      // toString is plain here, or already scientific with a one-digit integer part.
      return value.toString();
    }
    String digits = value.unscaledValue().abs().toString();
    StringBuilder b = new StringBuilder(digits.length() + 16);
    if (value.signum() < 0) {
      b.append('-');
    }
    b.append(digits.charAt(0));
    if (digits.length() > 1) {
      b.append('.').append(digits, 1, digits.length());
    }
    long exponent = (long) digits.length() - 1 - value.scale();
    return b.append("E+").append(exponent).toString();
  }

  private static void writeCommerce(JsonWriter w, Commerce commerce) throws IOException {
    w.name("commerce").beginObject();
    BigDecimal cartValue = commerce.cartValue();
    if (cartValue != null) {
      // A string, not a JSON number: many JSON stacks read numbers into doubles and lose cents.
      w.name("cart_value").value(formatDecimal(cartValue));
    }
    if (commerce.currency() != null) {
      w.name("currency").value(commerce.currency());
    }
    if (!commerce.skus().isEmpty()) {
      w.name("skus").beginArray();
      for (String sku : commerce.skus()) {
        w.value(sku);
      }
      w.endArray();
    }
    if (commerce.orderId() != null) {
      w.name("order_id").value(commerce.orderId());
    }
    w.endObject();
  }

  private static void writeValue(JsonWriter w, @Nullable Object value) throws IOException {
    if (value == null) {
      w.nullValue();
    } else if (value instanceof String) {
      w.value((String) value);
    } else if (value instanceof Boolean) {
      w.value((Boolean) value);
    } else if (value instanceof BigDecimal) {
      try (BufferedSink sink = w.valueSink()) {
        sink.writeUtf8(jsonNumber((BigDecimal) value));
      }
    } else if (value instanceof Number) {
      // Canonical numbers are Long or BigDecimal.
      w.value((Number) value);
    } else if (value instanceof Map) {
      w.beginObject();
      for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
        w.name(String.valueOf(entry.getKey()));
        writeValue(w, entry.getValue());
      }
      w.endObject();
    } else if (value instanceof List) {
      w.beginArray();
      for (Object element : (List<?>) value) {
        writeValue(w, element);
      }
      w.endArray();
    } else {
      // RetentionEvent's constructor admits only the types above.
      throw new IllegalStateException("not a JSON value: " + value.getClass().getName());
    }
  }
}
