package dev.outlane.ads.internal;

/**
 * Redaction for the ads APIs' messages. Request execution, failure classification and the shared
 * builder settings live in outlane-http ({@code HttpCaller}, {@code HttpClassifier}, {@code
 * HttpDestinationBuilder}). Stateless.
 */
public final class Http {
  private Http() {}

  /** Replaces every occurrence of {@code secret} in {@code text}: API messages may echo parameters. */
  public static String redact(String text, String secret) {
    return secret.isEmpty() ? text : text.replace(secret, "<redacted>");
  }
}
