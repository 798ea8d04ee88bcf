package dev.outlane.ads.meta;

import dev.outlane.ads.internal.Http;
import dev.outlane.ads.internal.Json;
import dev.outlane.destination.Outcome;
import dev.outlane.http.Exchange;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Classifies Graph API errors ({@code {"error":{"message","type","code","error_subcode",
 * "fbtrace_id","is_transient"}}}) into outcomes. Stateless.
 */
final class MetaErrors {
  /**
   * Throttling codes. Source: Graph API "Rate Limiting" and Marketing API "Rate limiting" pages: 4
   * app-level, 17 user-level, 32 page-level, 613 custom-level, 80000–80014 business-use-case limits
   * (80004 Ads Management). Subcodes 2446079 and 1487742 are the Marketing API's "too many calls"
   * variants.
   */
  static final Set<Long> RATE_LIMIT_CODES = Set.of(4L, 17L, 32L, 613L, 80000L, 80003L, 80004L, 80014L);

  static final Set<Long> RATE_LIMIT_SUBCODES = Set.of(2446079L, 1487742L);

  /** Invalid or expired access token (OAuthException). */
  static final long INVALID_TOKEN = 190;

  private MetaErrors() {}

  /** The parsed {@code error} object, or null. */
  record GraphError(@Nullable Long code, @Nullable Long subcode, String message, @Nullable String type,
      @Nullable String fbtraceId, boolean isTransient) {
    String codeText() {
      return code == null ? "?" : subcode == null ? code.toString() : code + "/" + subcode;
    }
  }

  static @Nullable GraphError parse(String body) {
    Map<String, Object> error = Json.object(Json.object(Json.parse(body)), "error");
    if (error == null) {
      return null;
    }
    String message = Json.string(error, "message");
    return new GraphError(Json.longValue(error, "code"), Json.longValue(error, "error_subcode"),
        message == null ? "" : message, Json.string(error, "type"), Json.string(error, "fbtrace_id"),
        Boolean.TRUE.equals(error.get("is_transient")));
  }

  static Outcome classify(Exchange.Answered result, @Nullable Duration retryAfter, Duration backoff, String token) {
    GraphError e = parse(result.body());
    int status = result.status();
    if (e == null) {
      if (status >= 500 || status == 429) {
        return new Outcome.Retryable("Meta HTTP " + status + "; audience changes are idempotent, so safe to resend",
            Integer.toString(status), retryAfter);
      }
      return new Outcome.Rejected(Integer.toString(status), "Meta HTTP " + status + " without a Graph API error body", true);
    }
    String message = Http.redact(e.message(), token);
    String trace = e.fbtraceId() == null ? "" : " (fbtrace_id " + e.fbtraceId() + ")";
    if ((e.code() != null && RATE_LIMIT_CODES.contains(e.code()))
        || (e.subcode() != null && RATE_LIMIT_SUBCODES.contains(e.subcode()))) {
      return new Outcome.Retryable("Meta rate limit (code " + e.codeText() + "): " + message + trace,
          e.codeText(), retryAfter != null ? retryAfter : backoff);
    }
    if (e.code() != null && e.code() == INVALID_TOKEN) {
      // Never quote the token; Meta's own message says why (expired, revoked, malformed).
      return new Outcome.Rejected(e.codeText(), "Meta rejected the access token (code " + e.codeText()
          + ", invalid or expired): " + message + trace + "; generate a new token and update the configuration", false);
    }
    if (status >= 500 || e.isTransient() || (e.code() != null && (e.code() == 1 || e.code() == 2))) {
      return new Outcome.Retryable("Meta transient error (code " + e.codeText() + ", HTTP " + status + "): " + message + trace,
          e.codeText(), retryAfter);
    }
    return new Outcome.Rejected(e.codeText(), "Meta error " + e.codeText() + " (HTTP " + status + "): " + message + trace, true);
  }
}
