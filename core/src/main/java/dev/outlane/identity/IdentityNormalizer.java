package dev.outlane.identity;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import dev.outlane.Problem;
import dev.outlane.ValidationException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Normalizes raw identifiers: emails to NFC, trimmed, lower case ({@link Locale#ROOT}); phone numbers
 * to E.164 with libphonenumber; customer ids trimmed.
 *
 * <p>Immutable and thread-safe; build one per configuration and share it. libphonenumber's mutable
 * types never leave this class.
 *
 * <p>Phone parsing is the expensive step (libphonenumber, on the order of 120–160k numbers/s per
 * core); email normalization and hashing are an order of magnitude cheaper.
 */
public final class IdentityNormalizer {
  /** Longest email accepted: RFC 5321's path limit (256) minus the two angle brackets. */
  static final int MAX_EMAIL_LENGTH = 254;

  private static final PhoneNumberUtil PHONE_UTIL = PhoneNumberUtil.getInstance();

  private final String defaultRegion;
  private final boolean lenientPhone;

  private IdentityNormalizer(Builder builder) {
    this.defaultRegion = builder.defaultRegion;
    this.lenientPhone = builder.lenientPhone;
  }

  /** A normalizer with default region {@code US} and strict phone validation. */
  public static IdentityNormalizer create() {
    return builder().build();
  }

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

  /**
   * Normalizes an email.
   *
   * @throws ValidationException with path {@code $.email} and the reason; the raw value is never
   *     repeated
   */
  public String normalizeEmail(String raw) {
    String reason = emailProblem(raw);
    if (reason != null) {
      throw new ValidationException(new Problem("$.email", reason));
    }
    return canonicalEmail(raw);
  }

  /**
   * Normalizes a phone number to E.164, dropping any extension.
   *
   * @throws ValidationException with path {@code $.phone} and the reason
   */
  public String normalizePhone(String raw) {
    PhoneResult r = phone(raw);
    if (r.problem != null) {
      throw new ValidationException(new Problem("$.phone", r.problem));
    }
    return Objects.requireNonNull(r.e164);
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
   * Normalizes all three at once and reports every problem found, not just the first.
   *
   * @throws ValidationException listing every problem
   */
  public Identity normalize(String customerId, @Nullable String email, @Nullable String phone) {
    List<Problem> problems = new ArrayList<>(3);
    String id = customerId.strip();
    if (id.isEmpty()) {
      problems.add(new Problem("$.customer_id", "must not be blank"));
    }
    String normalizedEmail = null;
    if (email != null) {
      String reason = emailProblem(email);
      if (reason != null) {
        problems.add(new Problem("$.email", reason));
      } else {
        normalizedEmail = canonicalEmail(email);
      }
    }
    String normalizedPhone = null;
    if (phone != null) {
      PhoneResult r = phone(phone);
      if (r.problem != null) {
        problems.add(new Problem("$.phone", r.problem));
      } else {
        normalizedPhone = r.e164;
      }
    }
    if (!problems.isEmpty()) {
      throw new ValidationException(problems);
    }
    return new Identity(id, normalizedEmail, normalizedPhone);
  }

  private static String canonicalEmail(String raw) {
    return Normalizer.normalize(raw, Normalizer.Form.NFC).strip().toLowerCase(Locale.ROOT);
  }

  /** Returns the reason the email is invalid, or null if it is acceptable. */
  private static @Nullable String emailProblem(String raw) {
    String s = Normalizer.normalize(raw, Normalizer.Form.NFC).strip();
    if (s.isEmpty()) {
      return "must not be blank";
    }
    if (s.length() > MAX_EMAIL_LENGTH) {
      return "longer than " + MAX_EMAIL_LENGTH + " characters";
    }
    for (int i = 0; i < s.length(); i++) {
      if (Character.isWhitespace(s.charAt(i)) || Character.isSpaceChar(s.charAt(i))) {
        return "contains whitespace";
      }
    }
    int at = s.indexOf('@');
    if (at < 0) {
      return "missing '@'";
    }
    if (s.indexOf('@', at + 1) >= 0) {
      return "more than one '@'";
    }
    if (at == 0) {
      return "empty local part";
    }
    if (at == s.length() - 1) {
      return "empty domain";
    }
    String domain = s.substring(at + 1);
    int dot = domain.indexOf('.');
    if (dot < 0) {
      return "domain has no '.'";
    }
    if (dot == 0 || domain.endsWith(".")) {
      return "domain has an empty label";
    }
    return null;
  }

  private PhoneResult phone(String raw) {
    String s = raw.strip();
    if (s.isEmpty()) {
      return PhoneResult.problem("must not be blank");
    }
    PhoneNumber number;
    try {
      // libphonenumber understands tel: URIs (RFC 3966) and the region's international prefix.
      number = PHONE_UTIL.parse(s, defaultRegion);
    } catch (NumberParseException e) {
      return PhoneResult.problem(parseReason(e.getErrorType()));
    }
    if (lenientPhone) {
      if (!PHONE_UTIL.isPossibleNumber(number)) {
        return PhoneResult.problem("not a possible phone number for its region");
      }
    } else if (!PHONE_UTIL.isValidNumber(number)) {
      return PhoneResult.problem("not a valid phone number for its region");
    }
    // E.164 has no extension: format() of E164 ignores it.
    return PhoneResult.ok(PHONE_UTIL.format(number, PhoneNumberUtil.PhoneNumberFormat.E164));
  }

  private static String parseReason(NumberParseException.ErrorType type) {
    switch (type) {
      case INVALID_COUNTRY_CODE:
        return "no valid country code (write it with + or set a default region)";
      case NOT_A_NUMBER:
        return "not a phone number";
      case TOO_SHORT_AFTER_IDD:
      case TOO_SHORT_NSN:
        return "too short to be a phone number";
      case TOO_LONG:
        return "too long to be a phone number";
      default:
        return "not a phone number";
    }
  }

  private static final class PhoneResult {
    final @Nullable String e164;
    final @Nullable String problem;

    private PhoneResult(@Nullable String e164, @Nullable String problem) {
      this.e164 = e164;
      this.problem = problem;
    }

    static PhoneResult ok(String e164) {
      return new PhoneResult(e164, null);
    }

    static PhoneResult problem(String reason) {
      return new PhoneResult(null, reason);
    }
  }

  /** Configures an {@link IdentityNormalizer}. Not thread-safe. */
  public static final class Builder {
    private String defaultRegion = "US";
    private boolean lenientPhone;

    private Builder() {}

    /**
     * The ISO 3166-1 alpha-2 region for numbers written without a country code.
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

    public IdentityNormalizer build() {
      return new IdentityNormalizer(this);
    }
  }
}
