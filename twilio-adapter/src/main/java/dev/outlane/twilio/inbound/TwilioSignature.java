package dev.outlane.twilio.inbound;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Verifies {@code X-Twilio-Signature}, written from Twilio's published scheme (not twilio-java's
 * {@code RequestValidator}, which checks one token against the server-side URL).
 *
 * <p><b>Scheme.</b> The signature is base64 of HMAC-SHA1, keyed with the account's auth token, over
 * the full URL Twilio called followed, for a form body ({@code application/x-www-form-urlencoded}),
 * by every POST parameter sorted by name, each as name then value with nothing between (a name
 * with several values: each value, sorted). For a JSON body the URL carries a {@code bodySHA256}
 * query parameter, the signature covers the URL alone, and {@code bodySHA256} must equal the
 * lower-case hex SHA-256 of the raw body.
 *
 * <p><b>Which URL.</b> The one Twilio was configured with: this class builds it from the configured
 * public base URL (scheme, host, port and any path prefix) plus the request's raw path and query.
 * Behind a proxy or load balancer the URL the server sees differs (other scheme, host or port),
 * and validating against it fails every request (twilio-java issue #645).
 *
 * <p><b>Rotation.</b> Up to two auth tokens are accepted at once, so a token can be rotated in
 * Twilio's console without refusing requests in between. Comparison is constant-time ({@link
 * MessageDigest#isEqual}) for every token tried.
 *
 * <p>Immutable and thread-safe ({@link Mac} instances are created per call).
 */
public final class TwilioSignature {
  private final List<byte[]> tokens;

  /**
   * @param authTokens one or two auth tokens (current, then the one being retired)
   * @throws IllegalArgumentException if none, more than two, or one is blank
   */
  public TwilioSignature(List<String> authTokens) {
    if (authTokens.isEmpty() || authTokens.size() > 2) {
      throw new IllegalArgumentException(
          "authTokens: one or two tokens (current and previous), was " + authTokens.size());
    }
    List<byte[]> keys = new ArrayList<>(2);
    for (String t : authTokens) {
      if (t.isBlank()) {
        throw new IllegalArgumentException("authTokens: must not be blank");
      }
      keys.add(t.getBytes(StandardCharsets.UTF_8));
    }
    this.tokens = List.copyOf(keys);
  }

  /** The URL Twilio signed: {@code publicBase} (no trailing slash) + the raw path and query. */
  static String signedUrl(URI publicBase, URI requestUrl) {
    String base = publicBase.toString();
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    String path = requestUrl.getRawPath() == null ? "" : requestUrl.getRawPath();
    String query = requestUrl.getRawQuery();
    return base + path + (query == null ? "" : "?" + query);
  }

  /** Whether {@code signature} signs {@code url} and the form {@code params} under any token. */
  public boolean verifyForm(String url, Map<String, List<String>> params, @Nullable String signature) {
    if (signature == null || signature.isBlank()) {
      return false;
    }
    String data = url + sortedParams(params);
    return matchesAnyToken(data, signature);
  }

  /**
   * Whether {@code signature} signs {@code url} and the URL's {@code bodySHA256} is the SHA-256 of
   * {@code body}. False if the URL has no {@code bodySHA256}.
   */
  public boolean verifyJson(String url, byte[] body, @Nullable String signature) {
    if (signature == null || signature.isBlank()) {
      return false;
    }
    @Nullable String claimed = queryParam(URI.create(url), "bodySHA256");
    if (claimed == null) {
      return false;
    }
    byte[] actual = HexFormat.of().formatHex(sha256(body)).getBytes(StandardCharsets.US_ASCII);
    boolean bodyMatches = MessageDigest.isEqual(actual,
        claimed.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
    boolean signed = matchesAnyToken(url, signature);
    return bodyMatches & signed; // both evaluated: no early exit on which part failed
  }

  /** The signature of {@code url} and {@code params} under {@code authToken}: for tests and fakes. */
  public static String sign(String authToken, String url, Map<String, List<String>> params) {
    return Base64.getEncoder().encodeToString(
        hmac(authToken.getBytes(StandardCharsets.UTF_8), url + sortedParams(params)));
  }

  private boolean matchesAnyToken(String data, String signature) {
    byte[] given = signature.strip().getBytes(StandardCharsets.US_ASCII);
    boolean any = false;
    for (byte[] token : tokens) {
      byte[] expected = Base64.getEncoder().encode(hmac(token, data));
      any |= MessageDigest.isEqual(expected, given);
    }
    return any;
  }

  private static String sortedParams(Map<String, List<String>> params) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, List<String>> e : new TreeMap<>(params).entrySet()) {
      List<String> values = new ArrayList<>(e.getValue());
      values.sort(null);
      for (String v : values) {
        sb.append(e.getKey()).append(v);
      }
    }
    return sb.toString();
  }

  private static @Nullable String queryParam(URI url, String name) {
    String query = url.getRawQuery();
    if (query == null) {
      return null;
    }
    for (Map.Entry<String, List<String>> e : FormBody.parse(query).entrySet()) {
      if (e.getKey().equals(name) && !e.getValue().isEmpty()) {
        return e.getValue().get(0);
      }
    }
    return null;
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(key, "HmacSHA1"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA1 is required of every JVM", e);
    }
  }

  private static byte[] sha256(byte[] body) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(body);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
