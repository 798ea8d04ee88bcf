package dev.outlane.identity.internal;

import java.text.Normalizer;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The one email rule of Outlane: how a raw email becomes its canonical form, and when that form is
 * refused. {@link dev.outlane.identity.IdentityNormalizer} applies it, and so does the audience
 * sync's fast path for members it has seen before, so both hash the same address the same way.
 * Stateless and thread-safe.
 *
 * <p><b>Canonical form:</b> Unicode NFC, strip leading and trailing whitespace, lower-case with
 * {@link Locale#ROOT}, and NFC again. The second NFC makes the rule idempotent: lower-casing can
 * decompose ({@code İ} becomes {@code i} + U+0307), and a following combining mark then composes
 * differently on a second pass. ASCII input skips both NFC passes (ASCII is always NFC).
 *
 * <p><b>Refused</b> (rejected, never silently stripped, so an address hashes one way or not at
 * all): blank; longer than 254 characters; whitespace inside; a control character (C0, DEL, C1); an
 * invisible format character (Unicode category Cf: zero-width space, zero-width joiner, BOM,
 * soft hyphen, bidi overrides such as U+202E); an unpaired surrogate; U+FFFD (the replacement for
 * bytes that were not valid text); no {@code @} or more than one; an empty local part or domain;
 * a domain without a dot or with an empty label. Stripping invisible characters was the other
 * option; refusing them tells the producer its data is damaged instead of guessing what was meant.
 */
public final class EmailRule {
  /** Longest email accepted: RFC 5321's path limit (256) minus the two angle brackets. */
  public static final int MAX_LENGTH = 254;

  private EmailRule() {}

  /** The canonical form of {@code raw} (see the class javadoc); not yet checked. */
  public static String canonical(String raw) {
    if (isAscii(raw)) {
      return raw.strip().toLowerCase(Locale.ROOT);
    }
    String s = Normalizer.normalize(raw, Normalizer.Form.NFC).strip().toLowerCase(Locale.ROOT);
    return Normalizer.normalize(s, Normalizer.Form.NFC);
  }

  private static boolean isAscii(String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /**
   * The reason a canonical email is refused, or null if it is acceptable. Checked on the
   * canonical form because lower-casing can change the length. The reason never repeats the value.
   */
  public static @Nullable String problem(String s) {
    int n = s.length();
    if (n == 0) {
      return "must not be blank";
    }
    if (n > MAX_LENGTH) {
      return "longer than " + MAX_LENGTH + " characters";
    }
    int at = -1;
    boolean twoAts = false;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c == '@') {
        if (at >= 0) {
          twoAts = true;
        } else {
          at = i;
        }
      } else if (c < 0x80) {
        if (c <= ' ') {
          return c == ' ' || Character.isWhitespace(c) ? "contains whitespace" : CONTROL;
        }
        if (c == 0x7f) {
          return CONTROL;
        }
      } else {
        String reason = nonAsciiProblem(s, i, c);
        if (reason != null) {
          return reason;
        }
        if (Character.isHighSurrogate(c)) {
          i++; // nonAsciiProblem checked that the pair is whole
        }
      }
    }
    if (at < 0) {
      return "missing '@'";
    }
    if (twoAts) {
      return "more than one '@'";
    }
    if (at == 0) {
      return "empty local part";
    }
    if (at == n - 1) {
      return "empty domain";
    }
    int dot = s.indexOf('.', at + 1);
    if (dot < 0) {
      return "domain has no '.'";
    }
    if (dot == at + 1 || s.charAt(n - 1) == '.' || s.indexOf("..", at + 1) >= 0) {
      return "domain has an empty label";
    }
    return null;
  }

  private static final String CONTROL = "contains a control character";

  private static @Nullable String nonAsciiProblem(String s, int i, char c) {
    if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
      return "contains whitespace";
    }
    if (Character.isSurrogate(c)) {
      boolean paired =
          Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
      if (!paired) {
        return "contains an unpaired UTF-16 surrogate";
      }
      int type = Character.getType(s.codePointAt(i));
      return type == Character.FORMAT ? INVISIBLE : null;
    }
    if (c == '\uFFFD') {
      return "contains U+FFFD, the replacement for bytes that were not valid text";
    }
    switch (Character.getType(c)) {
      case Character.CONTROL:
        return CONTROL;
      case Character.FORMAT:
        return INVISIBLE;
      default:
        return null;
    }
  }

  private static final String INVISIBLE =
      "contains an invisible format character (zero-width, BOM, soft hyphen or bidi control)";
}
