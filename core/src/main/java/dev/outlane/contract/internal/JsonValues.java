package dev.outlane.contract.internal;

import com.squareup.moshi.JsonReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Free-form JSON values ({@code properties}) in their one canonical Java form, so that an event read
 * from JSON and an event built in code compare equal when they mean the same JSON.
 *
 * <p>Canonical form: {@code String}, {@code Boolean}, {@code null}, unmodifiable {@code List} and
 * {@code Map<String, ?>} (insertion order kept), and numbers as {@code Long} when the number is an
 * integer written without fraction or exponent that fits a {@code long}, otherwise as an exact
 * {@code BigDecimal}. A {@code double} never appears. Stateless and thread-safe.
 */
public final class JsonValues {
  /**
   * Deepest nesting accepted. Moshi's {@link JsonReader} refuses more than 255 nested containers;
   * values built in code get the same limit so they can always be written and read back.
   */
  public static final int MAX_DEPTH = 255;

  private JsonValues() {}

  /**
   * The canonical form of a properties map.
   *
   * @throws IllegalArgumentException naming the property path and why the value cannot be JSON
   */
  public static Map<String, @Nullable Object> canonicalObject(Map<?, ?> map, String path) {
    // Depth 2: the event object itself is the first level of the JSON document.
    return canonicalMap(map, path, 2);
  }

  /**
   * The canonical number for a JSON number literal: a {@code Long} for a plain integer in range,
   * otherwise a {@code BigDecimal}.
   *
   * @throws NumberFormatException if the literal's exponent is out of {@code BigDecimal}'s range
   */
  public static Number numberFromLiteral(String literal) {
    if (isPlainInteger(literal) && literal.length() <= 20) {
      try {
        return Long.parseLong(literal);
      } catch (NumberFormatException outOfLongRange) {
        // Fall through: a big integer stays exact as a BigDecimal.
      }
    }
    return canonicalDecimal(new BigDecimal(literal));
  }

  private static boolean isPlainInteger(String s) {
    int start = s.startsWith("-") ? 1 : 0;
    if (start == s.length()) {
      return false;
    }
    for (int i = start; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static Number canonicalDecimal(BigDecimal d) {
    // Scale 0 is exactly what toString() prints without '.' or exponent; such a value reads back
    // as a Long when it fits, so it must be a Long here too.
    if (d.scale() == 0 && d.unscaledValue().bitLength() < 64) {
      return d.longValueExact();
    }
    return d;
  }

  private static @Nullable Object canonical(@Nullable Object value, String path, int depth) {
    if (value == null || value instanceof String || value instanceof Boolean) {
      return value;
    }
    if (value instanceof Number) {
      return canonicalNumber((Number) value, path);
    }
    if (value instanceof Map) {
      return canonicalMap((Map<?, ?>) value, path, depth + 1);
    }
    if (value instanceof Iterable) {
      if (depth + 1 > MAX_DEPTH) {
        throw new IllegalArgumentException(path + ": nested more than " + MAX_DEPTH + " levels deep");
      }
      List<@Nullable Object> list = new ArrayList<>();
      int i = 0;
      for (Object element : (Iterable<?>) value) {
        list.add(canonical(element, path + "[" + i + "]", depth + 1));
        i++;
      }
      return Collections.unmodifiableList(list);
    }
    throw new IllegalArgumentException(
        path
            + ": unsupported value type "
            + value.getClass().getName()
            + " (use String, Number, Boolean, List, Map or null)");
  }

  private static Map<String, @Nullable Object> canonicalMap(Map<?, ?> map, String path, int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException(path + ": nested more than " + MAX_DEPTH + " levels deep");
    }
    Map<String, @Nullable Object> copy = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getKey() instanceof String)) {
        throw new IllegalArgumentException(path + ": keys must be strings");
      }
      String key = (String) e.getKey();
      copy.put(key, canonical(e.getValue(), path + "." + key, depth));
    }
    return Collections.unmodifiableMap(copy);
  }

  private static Number canonicalNumber(Number n, String path) {
    if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) {
      return n.longValue();
    }
    if (n instanceof BigDecimal) {
      return canonicalDecimal((BigDecimal) n);
    }
    if (n instanceof BigInteger) {
      return canonicalDecimal(new BigDecimal((BigInteger) n));
    }
    if (n instanceof Double || n instanceof Float) {
      double d = n.doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new IllegalArgumentException(path + ": not a finite number");
      }
      // Double.toString is the shortest decimal that reads back as the same double.
      return canonicalDecimal(new BigDecimal(Double.toString(d)));
    }
    try {
      return canonicalDecimal(new BigDecimal(n.toString()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          path + ": unsupported number type " + n.getClass().getName(), e);
    }
  }

  /** How a JSON token is named in problem reasons: {@code a string}, {@code an array}… */
  public static String describe(JsonReader.Token token) {
    switch (token) {
      case BEGIN_OBJECT:
        return "an object";
      case BEGIN_ARRAY:
        return "an array";
      case STRING:
        return "a string";
      case NUMBER:
        return "a number";
      case BOOLEAN:
        return "a boolean";
      case NULL:
        return "null";
      default:
        return token.name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * {@code value} as a JSON string literal for a problem reason: quoted, control characters and
   * quotes escaped, cut after 64 characters. Never call this with an email or phone (PII); and
   * since producers do put emails in the wrong field, a value containing {@code @} is not echoed.
   */
  public static String quote(String value) {
    if (value.indexOf('@') >= 0) {
      return "<a value containing '@', not shown>";
    }
    int max = 64;
    StringBuilder b = new StringBuilder(Math.min(value.length(), max) + 8).append('"');
    int end = Math.min(value.length(), max);
    for (int i = 0; i < end; i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
        b.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    if (value.length() > max) {
      b.append("...");
    }
    return b.append('"').toString();
  }

  /** The number of bytes {@code s} takes in UTF-8, counted without encoding it. */
  public static long utf8Length(CharSequence s) {
    long bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        // Includes a lone surrogate, which encoders replace with the 1-byte '?'; counting 3 keeps
        // this an upper bound, the safe side of a size limit.
        bytes += 3;
      }
    }
    return bytes;
  }
}
