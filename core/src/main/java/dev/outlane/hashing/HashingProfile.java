package dev.outlane.hashing;

import dev.outlane.identity.Identity;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How one destination wants identifiers normalized before SHA-256. Immutable and thread-safe.
 *
 * <p>Inputs are values already normalized by {@link dev.outlane.identity.IdentityNormalizer}
 * (email lower-cased and trimmed, phone in E.164 with {@code +}); each profile applies its
 * destination's extra rules:
 *
 * <ul>
 *   <li>{@link #META}: phone as E.164 digits without {@code +} ({@code 16505551212}). Source: Meta
 *       Marketing API, Custom Audiences "Hashing and normalization".
 *   <li>{@link #GOOGLE}: for {@code gmail.com} and {@code googlemail.com} only, dots removed from the
 *       local part and any {@code +suffix} dropped; all whitespace removed; phone E.164 with {@code +}.
 *       Source: Google Data Manager API / Customer Match "Format your data".
 *   <li>{@link #TIKTOK}: email as normalized; phone E.164 with {@code +}. TikTok's help pages disagree
 *       about the {@code +}, so {@link #tiktok(boolean)} offers both.
 * </ul>
 *
 * <p>A value that already is 64 hex digits is passed through lower-cased instead of being hashed
 * again, unless {@link #withPassThroughHashed(boolean) disabled}.
 */
public final class HashingProfile {
  /** Meta Custom Audiences and Conversions API. */
  public static final HashingProfile META = new HashingProfile("meta", PhoneForm.DIGITS_ONLY, false, true);
  /** Google Data Manager (Customer Match). */
  public static final HashingProfile GOOGLE = new HashingProfile("google", PhoneForm.E164_WITH_PLUS, true, true);
  /** TikTok audiences and Events API, phone with {@code +}. */
  public static final HashingProfile TIKTOK = new HashingProfile("tiktok", PhoneForm.E164_WITH_PLUS, false, true);

  private final String name;
  private final PhoneForm phoneForm;
  private final boolean canonicalizeGmail;
  private final boolean passThroughHashed;

  private HashingProfile(String name, PhoneForm phoneForm, boolean canonicalizeGmail, boolean passThroughHashed) {
    this.name = name;
    this.phoneForm = phoneForm;
    this.canonicalizeGmail = canonicalizeGmail;
    this.passThroughHashed = passThroughHashed;
  }

  /** The TikTok profile, keeping ({@code true}) or dropping the {@code +} before hashing phones. */
  public static HashingProfile tiktok(boolean keepPlus) {
    return keepPlus ? TIKTOK : new HashingProfile("tiktok", PhoneForm.DIGITS_ONLY, false, true);
  }

  /**
   * The built-in profile with that name: {@code meta}, {@code google} or {@code tiktok}.
   *
   * @throws IllegalArgumentException naming the profiles that exist
   */
  public static HashingProfile named(String name) {
    switch (name.strip().toLowerCase(Locale.ROOT)) {
      case "meta":
        return META;
      case "google":
        return GOOGLE;
      case "tiktok":
        return TIKTOK;
      default:
        throw new IllegalArgumentException(
            "profile: unknown hashing profile \"" + name + "\" (known: meta, google, tiktok)");
    }
  }

  /** A copy that hashes values even when they already look like SHA-256 hex ({@code false}). */
  public HashingProfile withPassThroughHashed(boolean passThrough) {
    return new HashingProfile(name, phoneForm, canonicalizeGmail, passThrough);
  }

  public String name() {
    return name;
  }

  /** Whether the profile keeps the {@code +} of E.164 numbers before hashing. */
  public boolean phoneKeepsPlus() {
    return phoneForm == PhoneForm.E164_WITH_PLUS;
  }

  public boolean passThroughHashed() {
    return passThroughHashed;
  }

  /** The email exactly as this destination wants it before hashing. */
  public String formatEmail(String normalizedEmail) {
    if (!canonicalizeGmail) {
      return normalizedEmail;
    }
    String s = stripWhitespace(normalizedEmail);
    int at = s.lastIndexOf('@');
    if (at <= 0) {
      return s;
    }
    String domain = s.substring(at + 1);
    if (!domain.equals("gmail.com") && !domain.equals("googlemail.com")) {
      return s;
    }
    String local = s.substring(0, at);
    int plus = local.indexOf('+');
    if (plus >= 0) {
      local = local.substring(0, plus);
    }
    return local.replace(".", "") + "@" + domain;
  }

  /** The phone exactly as this destination wants it before hashing. */
  public String formatPhone(String e164) {
    if (phoneForm == PhoneForm.E164_WITH_PLUS) {
      return e164.startsWith("+") ? e164 : "+" + e164;
    }
    // Fast path for what IdentityNormalizer produces: "+" then digits only.
    if (e164.length() > 1 && e164.charAt(0) == '+' && e164.charAt(1) != '0' && allDigits(e164, 1)) {
      return e164.substring(1);
    }
    // Digits only, no leading zeros (Meta's rule); E.164 itself never starts with 0.
    StringBuilder digits = new StringBuilder(e164.length());
    for (int i = 0; i < e164.length(); i++) {
      char c = e164.charAt(i);
      if (c >= '0' && c <= '9') {
        digits.append(c);
      }
    }
    int start = 0;
    while (start < digits.length() - 1 && digits.charAt(start) == '0') {
      start++;
    }
    return digits.substring(start);
  }

  /** SHA-256 hex of the formatted email, or the value itself lower-cased if it already is a hash. */
  public String hashEmail(String normalizedEmail) {
    if (passThroughHashed && Sha256.looksHashed(normalizedEmail)) {
      return normalizedEmail.toLowerCase(Locale.ROOT);
    }
    return Sha256.hex(formatEmail(normalizedEmail));
  }

  /** SHA-256 hex of the formatted phone, or the value itself lower-cased if it already is a hash. */
  public String hashPhone(String e164) {
    if (passThroughHashed && Sha256.looksHashed(e164)) {
      return e164.toLowerCase(Locale.ROOT);
    }
    return Sha256.hex(formatPhone(e164));
  }

  /** Hashes every identifier of {@code identity} that is present. */
  public HashedIdentity hash(Identity identity) {
    Objects.requireNonNull(identity, "identity");
    @Nullable String email = identity.email();
    @Nullable String phone = identity.phoneE164();
    return new HashedIdentity(
        name,
        identity.customerId(),
        email == null ? null : hashEmail(email),
        phone == null ? null : hashPhone(phone));
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof HashingProfile)) {
      return false;
    }
    HashingProfile p = (HashingProfile) o;
    return name.equals(p.name)
        && phoneForm == p.phoneForm
        && canonicalizeGmail == p.canonicalizeGmail
        && passThroughHashed == p.passThroughHashed;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, phoneForm, canonicalizeGmail, passThroughHashed);
  }

  @Override
  public String toString() {
    return "HashingProfile{" + name + ", phone=" + phoneForm + ", gmail=" + canonicalizeGmail
        + ", passThroughHashed=" + passThroughHashed + "}";
  }

  private static boolean allDigits(String s, int from) {
    for (int i = from, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static String stripWhitespace(String s) {
    int first = 0;
    while (first < s.length() && !Character.isWhitespace(s.charAt(first))) {
      first++;
    }
    if (first == s.length()) {
      return s; // The normal case: normalized emails have no whitespace.
    }
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!Character.isWhitespace(c)) {
        b.append(c);
      }
    }
    return b.toString();
  }

  private enum PhoneForm {
    E164_WITH_PLUS,
    DIGITS_ONLY
  }
}
