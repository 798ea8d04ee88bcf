package dev.outlane.contract.internal;

import static dev.outlane.contract.internal.JsonValues.quote;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Currency;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The v1 field rules, shared by the JSON reader and by the validator of events built in code. Each
 * check returns the reason a value breaks its rule, or {@code null} if it is fine. Stateless and
 * thread-safe.
 */
public final class FieldRules {
  /** Issue 2: {@code event_id} is 1–128 characters (Unicode code points, as JSON Schema counts). */
  public static final int MAX_EVENT_ID_LENGTH = 128;

  /**
   * Epoch numbers below this are seconds, the rest milliseconds. 10^11 seconds is the year 5138 and
   * 10^11 milliseconds is 1973-03-03, so neither reading of a realistic timestamp is mistaken for
   * the other.
   */
  public static final long EPOCH_SECONDS_BELOW = 100_000_000_000L;

  /** Earliest event time: the Unix epoch. An earlier time is a producer bug (a zero date). */
  public static final Instant MIN_EVENT_TIME = Instant.EPOCH;

  /** Latest event time: the last instant RFC 3339's four-digit year can write. */
  public static final Instant MAX_EVENT_TIME = Instant.parse("9999-12-31T23:59:59.999999999Z");

  /** {@link #MAX_EVENT_TIME} in whole epoch milliseconds, the largest epoch number accepted. */
  public static final long MAX_EPOCH_MILLIS = MAX_EVENT_TIME.toEpochMilli();

  /**
   * At most 15 digits before the decimal point: more than any real cart, and it keeps a hostile
   * exponent ({@code 1e999999999}) from ever being expanded in memory.
   */
  public static final int MAX_CART_INTEGER_DIGITS = 15;

  /** At most 6 decimal places: covers every ISO-4217 minor unit (0–4) with room for unit prices. */
  public static final int MAX_CART_SCALE = 6;

  private static final Pattern EVENT_NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");
  private static final Pattern SCHEMA_VERSION = Pattern.compile("(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)");
  private static final Pattern DATE_TIME =
      Pattern.compile(
          "[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?([Zz]|[+-][0-9]{2}:[0-9]{2})?");
  private static final Pattern EPOCH_STRING = Pattern.compile("-?[0-9]+");
  private static final Pattern DECIMAL_STRING = Pattern.compile("-?[0-9]+(\\.[0-9]+)?");

  /** The JDK's ISO-4217 codes, upper case. */
  private static final Set<String> CURRENCIES =
      Currency.getAvailableCurrencies().stream()
          .map(Currency::getCurrencyCode)
          .collect(Collectors.toUnmodifiableSet());

  private FieldRules() {}

  public static @Nullable String schemaVersion(String version) {
    Matcher m = SCHEMA_VERSION.matcher(version);
    if (!m.matches()) {
      return "must be \"1.<minor>\", was " + quote(version);
    }
    if (!m.group(1).equals("1")) {
      return unsupportedMajor(version);
    }
    return null;
  }

  /** Whether {@code version} is well-formed but of a major version this release cannot read. */
  public static boolean isUnsupportedMajor(String version) {
    Matcher m = SCHEMA_VERSION.matcher(version);
    return m.matches() && !m.group(1).equals("1");
  }

  private static String unsupportedMajor(String version) {
    return "unsupported major version " + quote(version) + " (supported: 1.x)";
  }

  public static @Nullable String eventId(String id) {
    if (id.isEmpty()) {
      return "must not be empty";
    }
    if (id.isBlank()) {
      return "must not be blank";
    }
    if (JsonValues.hasUnpairedSurrogate(id)) {
      return UNPAIRED_SURROGATE;
    }
    int length = id.codePointCount(0, id.length());
    if (length > MAX_EVENT_ID_LENGTH) {
      return "longer than " + MAX_EVENT_ID_LENGTH + " characters (" + length + ")";
    }
    return null;
  }

  public static @Nullable String eventName(String name) {
    if (!EVENT_NAME.matcher(name).matches()) {
      return "must match [a-z][a-z0-9_]{0,63}, was " + quote(name);
    }
    return null;
  }

  /** For {@code source}, {@code audience.name}, SKUs and {@code order_id}. */
  public static @Nullable String notBlank(String value) {
    if (value.isBlank()) {
      return "must not be blank";
    }
    return unpairedSurrogate(value);
  }

  /** The reason given for a string holding a lone UTF-16 surrogate. */
  public static final String UNPAIRED_SURROGATE =
      "contains an unpaired UTF-16 surrogate (not valid Unicode, cannot be written as UTF-8)";

  /**
   * {@link #UNPAIRED_SURROGATE} if {@code value} holds a surrogate that is not half of a pair
   * (JSON's {@code "\\ud800"} escape can produce one), else null. Such a string would be written
   * back as {@code ?}, so an event read again would differ from the one accepted.
   */
  public static @Nullable String unpairedSurrogate(String value) {
    return JsonValues.hasUnpairedSurrogate(value) ? UNPAIRED_SURROGATE : null;
  }

  public static @Nullable String eventTime(Instant time) {
    if (time.isBefore(MIN_EVENT_TIME)) {
      return "before 1970-01-01T00:00:00Z";
    }
    if (time.isAfter(MAX_EVENT_TIME)) {
      return "after 9999-12-31T23:59:59Z";
    }
    return null;
  }

  /**
   * Reads an {@code event_time} string: RFC 3339 with an offset, or a string of digits read as an
   * epoch number.
   *
   * @return an {@link Instant}, or a {@link String} reason
   */
  public static Object eventTimeFromString(String s) {
    if (EPOCH_STRING.matcher(s).matches()) {
      return eventTimeFromEpoch(s);
    }
    Matcher m = DATE_TIME.matcher(s);
    if (!m.matches()) {
      return "not an RFC 3339 date-time or epoch seconds/milliseconds: " + quote(s);
    }
    if (m.group(2) == null) {
      // A local time means a different instant in every time zone, which breaks "within X hours".
      return "ambiguous time zone: " + quoteDateTime(s) + " has no offset (add Z or +hh:mm)";
    }
    Instant instant;
    try {
      instant =
          OffsetDateTime.parse(s.toUpperCase(Locale.ROOT), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
              .toInstant();
    } catch (DateTimeParseException e) {
      return "not a valid date-time: " + quoteDateTime(s);
    }
    String range = eventTime(instant);
    return range != null ? range : instant;
  }

  /**
   * A value that matched {@link #DATE_TIME}, quoted. Its digits would make {@link JsonValues#quote}
   * hide it as phone-like, but the pattern's fixed {@code -}, {@code T} and {@code :} positions
   * cannot hold an email or a phone number, and seeing the value is the point of the reason.
   */
  private static String quoteDateTime(String matched) {
    return "\"" + matched + "\"";
  }

  /**
   * Reads an epoch number (the literal of a JSON number, or a digit string): below {@link
   * #EPOCH_SECONDS_BELOW} it is seconds, otherwise milliseconds.
   *
   * @return an {@link Instant}, or a {@link String} reason
   */
  public static Object eventTimeFromEpoch(String literal) {
    if (literal.length() > JsonValues.MAX_NUMBER_LITERAL) {
      // No epoch time in range is written this long; BigDecimal's parse of it would not be cheap.
      return "epoch time out of range";
    }
    BigDecimal value;
    try {
      value = new BigDecimal(literal);
    } catch (NumberFormatException e) {
      return "epoch time out of range";
    }
    if (value.signum() < 0) {
      return "epoch time must not be negative";
    }
    // Compare before any scale arithmetic: 1e999999999 must stay cheap.
    if (value.compareTo(BigDecimal.valueOf(MAX_EPOCH_MILLIS)) > 0) {
      return "epoch time out of range (after 9999-12-31T23:59:59.999Z)";
    }
    if (value.stripTrailingZeros().scale() > 0) {
      return "epoch time must be a whole number of seconds or milliseconds";
    }
    long n = value.longValue();
    return n < EPOCH_SECONDS_BELOW ? Instant.ofEpochSecond(n) : Instant.ofEpochMilli(n);
  }

  /**
   * Reads a {@code cart_value} given as a string.
   *
   * @return a {@link BigDecimal}, or a {@link String} reason
   */
  public static Object cartValueFromString(String s) {
    if (s.length() > 64 || !DECIMAL_STRING.matcher(s).matches()) {
      return "not a decimal number: " + quote(s);
    }
    return cartValueFromLiteral(s);
  }

  /**
   * Reads a {@code cart_value} from a decimal literal (a JSON number's text, or a checked string).
   *
   * @return a {@link BigDecimal} (never with a negative scale), or a {@link String} reason
   */
  public static Object cartValueFromLiteral(String literal) {
    if (literal.length() > JsonValues.MAX_NUMBER_LITERAL) {
      // Far beyond the cart_value rules; BigDecimal's parse of a literal this long is not cheap.
      return "out of range";
    }
    BigDecimal value;
    try {
      value = new BigDecimal(literal);
    } catch (NumberFormatException e) {
      // Only an exponent beyond int range gets here.
      return "out of range";
    }
    String reason = cartValue(value);
    if (reason != null) {
      return reason;
    }
    return value.scale() < 0 ? value.setScale(0) : value;
  }

  public static @Nullable String cartValue(BigDecimal value) {
    if (value.signum() < 0) {
      return "must not be negative";
    }
    if ((long) value.precision() - value.scale() > MAX_CART_INTEGER_DIGITS) {
      return "more than " + MAX_CART_INTEGER_DIGITS + " digits before the decimal point";
    }
    if (value.scale() > MAX_CART_SCALE) {
      return "more than " + MAX_CART_SCALE + " decimal places";
    }
    return null;
  }

  /** Checks an ISO-4217 code in any case; the caller stores it upper-cased. */
  public static @Nullable String currency(String code) {
    if (!CURRENCIES.contains(code.toUpperCase(Locale.ROOT))) {
      return "not an ISO-4217 code: " + quote(code);
    }
    return null;
  }
}
