package dev.outlane.ads.meta;

import dev.outlane.OutlaneException;
import org.jspecify.annotations.Nullable;

/**
 * A Graph API call outside the delivery engine (e.g. {@link MetaCustomAudienceDestination#replace})
 * failed. Carries Meta's error code and whether retrying later can succeed. The message never
 * contains the access token or any identifier.
 */
public class MetaApiException extends OutlaneException {
  private static final long serialVersionUID = 1L;

  private final @Nullable String code;
  private final boolean retryable;

  public MetaApiException(String message, @Nullable String code, boolean retryable) {
    super(message);
    this.code = code;
    this.retryable = retryable;
  }

  /** Meta's error code ({@code 190}, {@code 17/2446079}), the HTTP status, or null for I/O errors. */
  public @Nullable String code() {
    return code;
  }

  /** Whether the same call may succeed later (rate limit, 5xx, I/O). */
  public boolean retryable() {
    return retryable;
  }
}
