package dev.outlane.ads.google;

import java.io.IOException;

/**
 * Supplies a current OAuth 2.0 access token with the {@code https://www.googleapis.com/auth/datamanager}
 * scope, e.g. from google-auth-library's {@code GoogleCredentials.refreshIfExpired()} /
 * {@code getAccessToken().getTokenValue()}. Outlane does not depend on Google's libraries.
 *
 * <p>Called before every request on the delivery thread; implementations must be thread-safe and
 * should cache the token until shortly before it expires.
 */
@FunctionalInterface
public interface AccessTokenProvider {
  /**
   * The token, without the {@code Bearer } prefix.
   *
   * @throws IOException if no token can be obtained now; the batch is retried later
   */
  String accessToken() throws IOException;
}
