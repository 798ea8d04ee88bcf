package dev.outlane.ads.internal;

import com.squareup.moshi.JsonReader;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import okio.Buffer;
import org.jspecify.annotations.Nullable;

/** Tolerant reading of JSON responses into maps, lists, strings, doubles and booleans. Stateless. */
public final class Json {
  private Json() {}

  /** The parsed value, or null if {@code text} is not JSON. */
  public static @Nullable Object parse(String text) {
    if (text.isBlank()) {
      return null;
    }
    try (JsonReader reader = JsonReader.of(new Buffer().writeUtf8(text))) {
      reader.setLenient(true);
      return reader.readJsonValue();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** {@code value} as a JSON object, or null. */
  @SuppressWarnings("unchecked")
  public static @Nullable Map<String, Object> object(@Nullable Object value) {
    return value instanceof Map ? (Map<String, Object>) value : null;
  }

  /** {@code value} as a JSON array, or null. */
  @SuppressWarnings("unchecked")
  public static @Nullable List<Object> array(@Nullable Object value) {
    return value instanceof List ? (List<Object>) value : null;
  }

  /** The member {@code name} of {@code object} as an object, or null. */
  public static @Nullable Map<String, Object> object(@Nullable Map<String, Object> object, String name) {
    return object == null ? null : object(object.get(name));
  }

  /** The member {@code name} as a long (JSON numbers and numeric strings), or null. */
  public static @Nullable Long longValue(@Nullable Map<String, Object> object, String name) {
    if (object == null) {
      return null;
    }
    Object v = object.get(name);
    if (v instanceof Number) {
      return ((Number) v).longValue();
    }
    if (v instanceof String) {
      try {
        return Long.parseLong((String) v);
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  /** The member {@code name} as a string (numbers are written without a fraction), or null. */
  public static @Nullable String string(@Nullable Map<String, Object> object, String name) {
    if (object == null) {
      return null;
    }
    Object v = object.get(name);
    if (v instanceof String) {
      return (String) v;
    }
    if (v instanceof Number) {
      double d = ((Number) v).doubleValue();
      return d == Math.rint(d) ? Long.toString((long) d) : v.toString();
    }
    return v == null ? null : v.toString();
  }
}
