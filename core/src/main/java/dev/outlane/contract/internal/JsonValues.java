package dev.outlane.contract.internal;

import com.squareup.moshi.JsonReader;
import dev.outlane.Problem;
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

  /**
   * Most significant digits a number may have: 34, the precision of IEEE 754 decimal128 ({@link
   * java.math.MathContext#DECIMAL128}), the widest standard decimal type. Every {@code long} (19
   * digits) and every {@code cart_value} (21) fits; a longer digit string is an id and belongs in a
   * JSON string.
   */
  public static final int MAX_NUMBER_DIGITS = 34;

  /**
   * Largest magnitude of a number's decimal exponent (that of its leading digit, {@code 1.5e307} has
   * 307): within ±307 every accepted value is a finite, normal IEEE 754 double (about 2.2e-308 to
   * 1.8e308), so consumers that read JSON numbers into doubles (JavaScript, Segment) never see
   * Infinity or a silent zero, and the plain form of an accepted number has at most 341 digits
   * ({@code 1e999999999} would have a billion, which is what exhausted memory downstream).
   */
  public static final int MAX_NUMBER_EXPONENT = 307;

  /** The reason given for a number outside {@link #MAX_NUMBER_DIGITS} / {@link #MAX_NUMBER_EXPONENT}. */
  public static final String NUMBER_OUT_OF_RANGE =
      "number out of range (at most "
          + MAX_NUMBER_DIGITS
          + " significant digits and a decimal exponent from -"
          + MAX_NUMBER_EXPONENT
          + " to "
          + MAX_NUMBER_EXPONENT
          + ")";

  /**
   * Longest number literal read: longer than any in-range number needs (a sign, {@code 0.}, 306
   * zeros and 34 digits is 343 characters), short enough that {@code new BigDecimal} on it is cheap.
   */
  public static final int MAX_NUMBER_LITERAL = 400;

  private JsonValues() {}

  /**
   * Whether {@code d} is within the contract's number bounds: at most {@link #MAX_NUMBER_DIGITS}
   * significant digits and a decimal exponent within ±{@link #MAX_NUMBER_EXPONENT}. Costs no
   * arithmetic on the digits, so it is safe on any value.
   */
  public static boolean inRange(BigDecimal d) {
    if (d.precision() > MAX_NUMBER_DIGITS) {
      return false;
    }
    // For zero this is -scale: 0E+999999999 is as out of range as 1E+999999999.
    long exponent = (long) d.precision() - d.scale() - 1;
    return exponent >= -MAX_NUMBER_EXPONENT && exponent <= MAX_NUMBER_EXPONENT;
  }

  /**
   * The exact decimal of a JSON number literal, or null if it is out of the contract's range (or
   * so long that no in-range number is written that way). Never expands the exponent.
   *
   * @throws NumberFormatException if {@code literal} is not a number at all
   */
  public static @Nullable BigDecimal decimalFromLiteral(String literal) {
    if (literal.length() > MAX_NUMBER_LITERAL) {
      return null;
    }
    BigDecimal d;
    try {
      d = new BigDecimal(literal);
    } catch (NumberFormatException e) {
      // An exponent beyond int range is out of range; anything else is not a number.
      if (literal.indexOf('e') >= 0 || literal.indexOf('E') >= 0) {
        return null;
      }
      throw e;
    }
    return inRange(d) ? d : null;
  }

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
   * otherwise a {@code BigDecimal}; null if it is outside the contract's number bounds ({@link
   * #inRange}).
   *
   * @throws NumberFormatException if {@code literal} is not a number at all
   */
  public static @Nullable Number numberFromLiteral(String literal) {
    if (isPlainInteger(literal) && literal.length() <= 20) {
      try {
        return Long.parseLong(literal);
      } catch (NumberFormatException outOfLongRange) {
        // Fall through: a big integer stays exact as a BigDecimal.
      }
    }
    BigDecimal d = decimalFromLiteral(literal);
    return d == null ? null : canonicalDecimal(d);
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
      copy.put(key, canonical(e.getValue(), member(path, key), depth));
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

  /**
   * Adds a problem for every number in {@code value} (a canonical properties value) outside the
   * contract's bounds and every string or key with an unpaired surrogate, with its path: the check {@link EventReader} applies while reading, for
   * events built in code.
   */
  public static void addValueProblems(@Nullable Object value, String path, List<Problem> problems) {
    if (value instanceof String) {
      if (hasUnpairedSurrogate((String) value)) {
        problems.add(new Problem(path, FieldRules.UNPAIRED_SURROGATE));
      }
    } else if (value instanceof BigDecimal) {
      if (!inRange((BigDecimal) value)) {
        problems.add(new Problem(path, NUMBER_OUT_OF_RANGE));
      }
    } else if (value instanceof Map) {
      for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
        String key = String.valueOf(e.getKey());
        String p = member(path, key);
        if (hasUnpairedSurrogate(key)) {
          problems.add(new Problem(p, "key " + FieldRules.UNPAIRED_SURROGATE));
        }
        addValueProblems(e.getValue(), p, problems);
      }
    } else if (value instanceof List) {
      List<?> list = (List<?>) value;
      for (int i = 0; i < list.size(); i++) {
        addValueProblems(list.get(i), path + "[" + i + "]", problems);
      }
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
   * The fewest digits that make a value look like a phone number: 7, the length of a local
   * subscriber number in most numbering plans. Dates ({@code 2026-11-29}) qualify too; they are
   * hidden along with phones, the safe side.
   */
  static final int PHONE_LIKE_DIGITS = 7;

  /** What a problem shows instead of a value that looks like an email or a phone. */
  public static final String HIDDEN_VALUE = "<a value that looks like an email or phone, not shown>";

  /** What a problem path shows instead of an object key that looks like an email or a phone. */
  public static final String REDACTED_KEY = "<redacted>";

  /**
   * Whether {@code s} looks like an email or a phone number, so must never appear in a problem,
   * a path or a log line: it contains an {@code @} (or a full-width or small commercial at), or
   * at least {@value #PHONE_LIKE_DIGITS} digits of any script (libphonenumber reads Arabic-Indic and
   * full-width digits too).
   */
  public static boolean looksLikeEmailOrPhone(CharSequence s) {
    int digits = 0;
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (c == '@' || c == '\uff20' || c == '\ufe6b') {
        return true;
      }
      if ((c >= '0' && c <= '9') || (c >= 0x80 && Character.isDigit(c))) {
        if (++digits >= PHONE_LIKE_DIGITS) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * {@code value} as a JSON string literal for a problem reason: quoted, control characters and
   * quotes escaped, cut after 64 characters. A value that {@linkplain #looksLikeEmailOrPhone looks
   * like an email or phone} is not echoed at all ({@link #HIDDEN_VALUE}): producers put them in the
   * wrong field. Never call this with a value of {@code email} or {@code phone}.
   */
  public static String quote(String value) {
    if (looksLikeEmailOrPhone(value)) {
      return HIDDEN_VALUE;
    }
    String shown = escaped(value);
    // An escape adds digits ("\u2028" + "123" reads as seven): judge the text that is shown too.
    return looksLikeEmailOrPhone(shown) ? HIDDEN_VALUE : "\"" + shown + "\"";
  }

  /**
   * The path of member {@code key} of the object at {@code path}: {@code $.properties.plan}. A key
   * that looks like an email or phone is shown as {@link #REDACTED_KEY} ({@code
   * $.properties.<redacted>.a}); other keys are escaped and cut like {@link #quote}d values, so a
   * path is always one printable line.
   */
  public static String member(String path, String key) {
    if (looksLikeEmailOrPhone(key)) {
      return path + "." + REDACTED_KEY;
    }
    String shown = escaped(key);
    return path + "." + (looksLikeEmailOrPhone(shown) ? REDACTED_KEY : shown);
  }

  private static String escaped(String value) {
    int max = 64;
    int end = Math.min(value.length(), max);
    StringBuilder b = new StringBuilder(end + 8);
    for (int i = 0; i < end; i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (Character.isHighSurrogate(c)
          && i + 1 < end
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        b.append(c).append(value.charAt(++i));
      } else if (c < 0x20
          || c == 0x7f
          || c == '\u2028'
          || c == '\u2029'
          || Character.isSurrogate(c)
          || Character.getType(c) == Character.FORMAT) {
        // Controls, invisible format characters (bidi overrides) and lone surrogates are shown as
        // escapes, so a reason cannot rearrange or hide the text around it.
        b.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    if (value.length() > max) {
      b.append("...");
    }
    return b.toString();
  }

  /** Whether {@code s} holds a UTF-16 surrogate that is not half of a well-formed pair. */
  public static boolean hasUnpairedSurrogate(CharSequence s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          return true;
        }
      }
    }
    return false;
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
