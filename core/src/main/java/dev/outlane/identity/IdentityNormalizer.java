package dev.outlane.identity;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import dev.outlane.Problem;
import dev.outlane.ValidationException;
import dev.outlane.identity.internal.EmailRule;
import dev.outlane.identity.internal.PhoneValidity;
import dev.outlane.identity.internal.RecentCache;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Normalizes raw identifiers: emails to NFC, trimmed, lower case ({@link Locale#ROOT}); phone numbers
 * to E.164 with libphonenumber; customer ids trimmed.
 *
 * <p><b>Email rules</b>, applied in this order: Unicode NFC, strip leading and trailing whitespace,
 * lower-case with {@link Locale#ROOT} (never the default locale: in a Turkish locale {@code "I"}
 * would become a dotless {@code "ı"}), and NFC again, so that normalizing a normalized email
 * changes nothing (lower-casing {@code İ} yields {@code i} + a combining dot). The result is
 * rejected if it is blank, longer than 254 characters, contains whitespace, a control character,
 * an invisible format character (zero-width space or joiner, BOM, soft hyphen, a bidi override
 * such as U+202E), an unpaired surrogate or U+FFFD (the trace of undecodable bytes), has no
 * {@code @} or more than one, has an empty local part or domain, or a domain without a dot (or
 * with an empty label at either end). Invisible characters are refused rather than stripped: an
 * address hashes one way or not at all, so suppression and dedupe cannot be sidestepped by a
 * zero-width space.
 *
 * <p><b>Phone rules</b>: parsed by libphonenumber against the {@linkplain Builder#defaultRegion
 * default region} ({@code US} unless configured), so national numbers, {@code +44…}, the region's
 * international prefix ({@code 00…} from GB, {@code 011…} from US) and RFC 3966 {@code tel:} URIs all
 * work. The result is E.164 ({@code +14155551212}) of at most 15 digits (a longer number is refused
 * even where libphonenumber's metadata calls it valid); extensions are dropped. A number libphonenumber
 * does not consider valid is rejected, unless {@linkplain Builder#lenientPhone lenient} mode accepts
 * any number of a possible length.
 *
 * <p><b>Customer ids</b> are stripped of surrounding whitespace and must not be blank.
 *
 * <p>Immutable and thread-safe; build one per configuration and share it. libphonenumber's mutable
 * types never leave this class. Every method reports bad input with a {@link ValidationException}
 * whose problems name the field ({@code $.email}, {@code $.phone}, {@code $.customer_id}) and the
 * reason; the raw value is never repeated in a message.
 *
 * <p>Phone parsing is the expensive step (libphonenumber, on the order of 120–160k numbers/s per
 * core); email normalization and hashing are an order of magnitude cheaper. The happy path
 * therefore does no regex of its own, no NFC pass on ASCII input, and no allocation beyond the
 * results, and it checks validity with a faster equivalent of libphonenumber's {@code
 * isValidNumber} (same metadata, same answer, tested against it on every region). An
 * optional {@linkplain Builder#phoneCacheSize bounded cache} of recent raw→E.164 results helps only
 * when the same raw numbers recur (see the benchmark in {@code core/src/bench}); it is off by
 * default.
 */
public final class IdentityNormalizer {
  /** Longest email accepted: RFC 5321's path limit (256) minus the two angle brackets. */
  static final int MAX_EMAIL_LENGTH = EmailRule.MAX_LENGTH;

  /** ITU-T E.164 §6.1: an international number has at most 15 digits, country code included. */
  static final int MAX_E164_DIGITS = 15;

  private static final PhoneNumberUtil PHONE_UTIL = PhoneNumberUtil.getInstance();

  private final String defaultRegion;
  private final boolean lenientPhone;
  private final int phoneCacheSize;
  private final @Nullable RecentCache<String, PhoneResult> phoneCache;
  private final PhoneValidity phoneValidity = PhoneValidity.forDefaultMetadata();

  private IdentityNormalizer(Builder builder) {
    this.defaultRegion = builder.defaultRegion;
    this.lenientPhone = builder.lenientPhone;
    this.phoneCacheSize = builder.phoneCacheSize;
    this.phoneCache = phoneCacheSize == 0 ? null : new RecentCache<>(phoneCacheSize);
  }

  /** A normalizer with default region {@code US}, strict phone validation and no cache. */
  public static IdentityNormalizer create() {
    return builder().build();
  }

  /** A builder preset to region {@code US}, strict phone validation and no cache. */
  public static Builder builder() {
    return new Builder();
  }

  /** The region used for numbers written without a country code. */
  public String defaultRegion() {
    return defaultRegion;
  }

  /** Whether phone numbers need only be "possible" rather than valid. */
  public boolean lenientPhone() {
    return lenientPhone;
  }

  /** The most recent raw→E.164 results remembered, or 0 if the cache is off. */
  public int phoneCacheSize() {
    return phoneCacheSize;
  }

  /**
   * Normalizes an email.
   *
   * @throws ValidationException with path {@code $.email} and the reason; the raw value is never
   *     repeated
   */
  public String normalizeEmail(String raw) {
    String canonical = canonicalEmail(raw);
    String reason = emailProblem(canonical);
    if (reason != null) {
      throw new ValidationException(new Problem("$.email", reason));
    }
    return canonical;
  }

  /**
   * Normalizes a phone number to E.164, dropping any extension.
   *
   * @throws ValidationException with path {@code $.phone} and the reason
   */
  public String normalizePhone(String raw) {
    PhoneResult r = phone(raw);
    if (r.e164 == null) {
      throw new ValidationException(new Problem("$.phone", r.reason()));
    }
    return r.e164;
  }

  /**
   * Normalizes a customer id: trimmed and non-blank.
   *
   * @throws ValidationException with path {@code $.customer_id}
   */
  public String normalizeCustomerId(String raw) {
    String trimmed = raw.strip();
    if (trimmed.isEmpty()) {
      throw new ValidationException(new Problem("$.customer_id", "must not be blank"));
    }
    return trimmed;
  }

  /**
   * Normalizes all three at once and reports every problem found, not just the first, in the order
   * customer id, email, phone.
   *
   * @param customerId the raw customer id
   * @param email the raw email, or null if there is none
   * @param phone the raw phone, or null if there is none
   * @throws ValidationException listing every problem
   */
  public Identity normalize(String customerId, @Nullable String email, @Nullable String phone) {
    return normalize(customerId, email, phone, false);
  }

  /**
   * Normalizes a person known by any subset of customer id, email and phone (a Twilio STOP knows
   * only the phone). Without a customer id the identity's {@code customerId()} is empty, which the
   * suppression stores read as "match by email or phone alone".
   *
   * @throws ValidationException listing every identifier that does not normalize
   */
  public Identity normalizeAnyOf(@Nullable String customerId, @Nullable String email,
      @Nullable String phone) {
    return customerId != null
        ? normalize(customerId, email, phone, false)
        : normalize("", email, phone, true);
  }

  private Identity normalize(String customerId, @Nullable String email, @Nullable String phone,
      boolean noCustomerId) {
    // The problem list is only allocated on the failure path.
    @Nullable List<Problem> problems = null;
    String id = customerId.strip();
    if (id.isEmpty() && !noCustomerId) {
      problems = addProblem(problems, "$.customer_id", "must not be blank");
    }
    String normalizedEmail = null;
    if (email != null) {
      String canonical = canonicalEmail(email);
      String reason = emailProblem(canonical);
      if (reason != null) {
        problems = addProblem(problems, "$.email", reason);
      } else {
        normalizedEmail = canonical;
      }
    }
    String normalizedPhone = null;
    if (phone != null) {
      PhoneResult r = phone(phone);
      if (r.e164 == null) {
        problems = addProblem(problems, "$.phone", r.reason());
      } else {
        normalizedPhone = r.e164;
      }
    }
    if (problems != null) {
      throw new ValidationException(problems);
    }
    return new Identity(id, normalizedEmail, normalizedPhone);
  }

  private static List<Problem> addProblem(@Nullable List<Problem> problems, String path, String reason) {
    List<Problem> list = problems == null ? new ArrayList<>(3) : problems;
    list.add(new Problem(path, reason));
    return list;
  }

  /** The canonical form of an email: {@link EmailRule#canonical}. */
  static String canonicalEmail(String raw) {
    return EmailRule.canonical(raw);
  }

  /** The reason a canonical email is refused, or null: {@link EmailRule#problem}. */
  static @Nullable String emailProblem(String s) {
    return EmailRule.problem(s);
  }

  private PhoneResult phone(String raw) {
    RecentCache<String, PhoneResult> cache = phoneCache;
    return cache == null ? parsePhone(raw) : cache.get(raw, this::parsePhone);
  }

  private PhoneResult parsePhone(String raw) {
    if (raw.isBlank()) {
      return PhoneResult.BLANK;
    }
    PhoneNumber number;
    try {
      // libphonenumber strips surrounding whitespace and punctuation itself, understands tel: URIs
      // (RFC 3966) and the default region's international prefix (00, 011, ...).
      number = PHONE_UTIL.parse(raw, defaultRegion);
    } catch (NumberParseException e) {
      // e.getMessage() can echo the input: only the error type is used.
      return PhoneResult.forParseError(e.getErrorType());
    }
    if (lenientPhone) {
      if (!PHONE_UTIL.isPossibleNumber(number)) {
        return PhoneResult.NOT_POSSIBLE;
      }
    } else if (!phoneValidity.isValid(number)) {
      return PhoneResult.NOT_VALID;
    }
    // E.164 has no extension: format() of E164 ignores it.
    String e164 = PHONE_UTIL.format(number, PhoneNumberUtil.PhoneNumberFormat.E164);
    if (e164.length() - 1 > MAX_E164_DIGITS) {
      // libphonenumber's metadata admits some longer national numbers (e.g. German 0420...);
      // Twilio and every E.164 consumer refuse them.
      return PhoneResult.OVER_E164;
    }
    if (lenientPhone && !e164.equals(reformat(e164))) {
      // Lenient mode skips the validity check that would refuse such input: libphonenumber can
      // strip a national prefix or carrier code from the middle (+86 121 07…), leaving an E.164 form
      // that reads back as yet another number. Normalizing must be idempotent, so refuse it.
      return PhoneResult.UNSTABLE;
    }
    return new PhoneResult(e164, null);
  }

  /** {@code e164} parsed and formatted again, or null if it no longer parses. */
  private @Nullable String reformat(String e164) {
    try {
      return PHONE_UTIL.format(PHONE_UTIL.parse(e164, defaultRegion), PhoneNumberUtil.PhoneNumberFormat.E164);
    } catch (NumberParseException e) {
      return null;
    }
  }

  @Override
  public String toString() {
    return "IdentityNormalizer{defaultRegion="
        + defaultRegion
        + ", lenientPhone="
        + lenientPhone
        + ", phoneCacheSize="
        + phoneCacheSize
        + "}";
  }

  /** Either an E.164 number or the reason there is none. Immutable, so it can be cached. */
  private static final class PhoneResult {
    static final PhoneResult BLANK = failure("must not be blank");
    static final PhoneResult NOT_POSSIBLE = failure("not a possible phone number for its region");
    static final PhoneResult NOT_VALID = failure("not a valid phone number for its region");
    static final PhoneResult NO_COUNTRY_CODE =
        failure("no valid country code (write it with + or set a default region)");
    static final PhoneResult NOT_A_NUMBER = failure("not a phone number");
    static final PhoneResult TOO_SHORT = failure("too short to be a phone number");
    static final PhoneResult TOO_LONG = failure("too long to be a phone number");
    static final PhoneResult UNSTABLE =
        failure("ambiguous: its E.164 form reads back as a different number");
    static final PhoneResult OVER_E164 =
        failure("more than " + MAX_E164_DIGITS + " digits with the country code (E.164 allows at most "
            + MAX_E164_DIGITS + ")");

    final @Nullable String e164;
    final @Nullable String problem;

    PhoneResult(@Nullable String e164, @Nullable String problem) {
      this.e164 = e164;
      this.problem = problem;
    }

    static PhoneResult failure(String reason) {
      return new PhoneResult(null, reason);
    }

    String reason() {
      return problem == null ? "" : problem;
    }

    static PhoneResult forParseError(NumberParseException.ErrorType type) {
      switch (type) {
        case INVALID_COUNTRY_CODE:
          return NO_COUNTRY_CODE;
        case TOO_SHORT_AFTER_IDD:
        case TOO_SHORT_NSN:
          return TOO_SHORT;
        case TOO_LONG:
          return TOO_LONG;
        case NOT_A_NUMBER:
        default:
          return NOT_A_NUMBER;
      }
    }
  }

  /**
   * Configures an {@link IdentityNormalizer}. Each setter validates its value at once and throws
   * {@link IllegalArgumentException} naming the setting and the reason. Not thread-safe.
   */
  public static final class Builder {
    /** Largest phone cache accepted: a guard against configuring an unbounded-looking cache. */
    static final int MAX_PHONE_CACHE_SIZE = 1 << 20;

    private String defaultRegion = "US";
    private boolean lenientPhone;
    private int phoneCacheSize;

    private Builder() {}

    /**
     * The ISO 3166-1 alpha-2 region for numbers written without a country code (case-insensitive).
     *
     * @throws IllegalArgumentException if libphonenumber does not know the region
     */
    public Builder defaultRegion(String region) {
      String r = region.strip().toUpperCase(Locale.ROOT);
      if (!PHONE_UTIL.getSupportedRegions().contains(r)) {
        throw new IllegalArgumentException("defaultRegion: not a supported region: \"" + region + "\"");
      }
      this.defaultRegion = r;
      return this;
    }

    /**
     * Accept numbers libphonenumber calls "possible" (right length) even if not valid (assigned
     * range). Off by default: a number that cannot receive SMS wastes a send and hurts match rates.
     */
    public Builder lenientPhone(boolean lenient) {
      this.lenientPhone = lenient;
      return this;
    }

    /**
     * Remember the results of the {@code maxEntries} most recently seen distinct raw phone strings,
     * so a number seen again is not parsed again: size it as the number of distinct phones that
     * recur (10,000 recurring phones: {@code phoneCacheSize(10_000)}). It keeps two generations of
     * {@code maxEntries} each, so up to twice that many entries are in memory. {@code 0} (the
     * default) turns the cache off.
     *
     * <p>Pays only when the same raw strings recur (re-sent audiences, retries); on a stream of
     * unique numbers it costs a little. The cache holds raw phone numbers in memory (never logged).
     *
     * @throws IllegalArgumentException if negative, 1, or above 1,048,576
     */
    public Builder phoneCacheSize(int maxEntries) {
      if (maxEntries < 0 || maxEntries == 1 || maxEntries > MAX_PHONE_CACHE_SIZE) {
        throw new IllegalArgumentException(
            "phoneCacheSize: must be 0 (off) or between 2 and "
                + MAX_PHONE_CACHE_SIZE
                + ", was "
                + maxEntries);
      }
      this.phoneCacheSize = maxEntries;
      return this;
    }

    public IdentityNormalizer build() {
      return new IdentityNormalizer(this);
    }
  }
}
