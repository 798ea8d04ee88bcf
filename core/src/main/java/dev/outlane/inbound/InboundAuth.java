package dev.outlane.inbound;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Authenticates callers that cannot sign their requests with a key the receiver can verify (a
 * Customer.io journey webhook action, for one): a shared secret in a header, Basic credentials, or
 * both, optionally restricted to source addresses ({@link IpAllowlist}).
 *
 * <pre>{@code
 * InboundAuth auth = InboundAuth.builder()
 *     .header("Authorization", "Bearer " + currentToken)
 *     .header("Authorization", "Bearer " + nextToken)      // both valid while you rotate
 *     .basic("cio", password)                             // https://cio:password@host/... in Customer.io
 *     .allowlist(IpAllowlist.builder().allow("34.210.0.0/16").build())
 *     .build();
 * if (!auth.permits(request)) {
 *   return InboundAuth.unauthorized();
 * }
 * }</pre>
 *
 * <p><b>Rule.</b> A request is permitted when it carries <em>any one</em> configured credential
 * (a configured header with exactly a configured value, or an {@code Authorization: Basic} header
 * whose decoded {@code user:password} is a configured pair) <em>and</em>, if an allowlist is set, its
 * client address is allowed. Each credential kind holds at most two values: the current one and the
 * next, so a secret is rotated without downtime. Comparisons are constant-time: both sides are
 * hashed with SHA-256 and the digests compared with {@link MessageDigest#isEqual}, and every
 * configured value is compared, so neither the length nor the position of a match leaks through
 * timing. Only the first value of a header is read.
 *
 * <p>Immutable and thread-safe. Secrets never appear in {@link #toString()} or any message.
 */
public final class InboundAuth {
  private static final int MAX_PER_KIND = 2;

  /** Header name → SHA-256 digests of the accepted values. */
  private final Map<String, List<byte[]>> headers;
  /** SHA-256 digests of the accepted {@code user:password} pairs. */
  private final List<byte[]> basic;
  private final @Nullable IpAllowlist allowlist;

  private InboundAuth(Builder b) {
    TreeMap<String, List<byte[]>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    b.headers.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    this.headers = copy;
    this.basic = List.copyOf(b.basic);
    this.allowlist = b.allowlist;
  }

  /** A builder with nothing configured; at least one credential is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The one answer to a refused request: 401 with no body and no hint of what failed. */
  public static InboundResponse unauthorized() {
    return InboundResponse.of(401);
  }

  /** Whether {@code request} may proceed (see the class rule). Never throws for any input. */
  public boolean permits(InboundRequest request) {
    boolean credential = false;
    for (Map.Entry<String, List<byte[]>> e : headers.entrySet()) {
      String value = request.header(e.getKey());
      byte[] presented = sha256(value == null ? "" : value.strip());
      for (byte[] accepted : e.getValue()) {
        // Evaluate every comparison: a short-circuit would tell which value matched.
        credential |= value != null & MessageDigest.isEqual(presented, accepted);
      }
    }
    if (!basic.isEmpty()) {
      String pair = basicPair(request.header("Authorization"));
      byte[] presented = sha256(pair == null ? "" : pair);
      for (byte[] accepted : basic) {
        credential |= pair != null & MessageDigest.isEqual(presented, accepted);
      }
    }
    return credential && (allowlist == null || allowlist.permits(request));
  }

  /** The decoded {@code user:password} of a Basic header, or null. */
  private static @Nullable String basicPair(@Nullable String authorization) {
    if (authorization == null) {
      return null;
    }
    String a = authorization.strip();
    if (a.length() < 6 || !a.substring(0, 6).toLowerCase(Locale.ROOT).equals("basic ")) {
      return null;
    }
    try {
      return new String(Base64.getDecoder().decode(a.substring(6).strip()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("SHA-256 is required of every JDK", e);
    }
  }

  /** Shows what is configured, never a secret. */
  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    headers.forEach((k, v) -> parts.add(k + " x" + v.size()));
    return "InboundAuth{headers=" + parts + ", basic=" + basic.size()
        + ", allowlist=" + (allowlist == null ? "none" : allowlist) + "}";
  }

  /** Configures an {@link InboundAuth}; each value is checked as it is set. Not thread-safe. */
  public static final class Builder {
    private final Map<String, List<byte[]>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private final List<byte[]> basic = new ArrayList<>();
    private @Nullable IpAllowlist allowlist;

    private Builder() {}

    /**
     * Accepts requests whose header {@code name} is exactly {@code value} (surrounding whitespace
     * ignored), e.g. {@code header("Authorization", "Bearer s3cr3t")}. Call twice with the same name
     * to accept two values while rotating.
     *
     * @throws IllegalArgumentException if the value is blank or a third value is given for a name
     */
    public Builder header(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      if (name.isBlank()) {
        throw new IllegalArgumentException("header: name must not be blank");
      }
      if (value.isBlank()) {
        throw new IllegalArgumentException("header " + name + ": value must not be blank");
      }
      List<byte[]> values = headers.computeIfAbsent(name.strip(), k -> new ArrayList<>());
      if (values.size() == MAX_PER_KIND) {
        throw new IllegalArgumentException("header " + name
            + ": at most two values (the current and the next, for rotation)");
      }
      values.add(sha256(value.strip()));
      return this;
    }

    /**
     * Accepts requests with {@code Authorization: Basic base64(user:password)} for this pair (what a
     * client sends for a {@code https://user:password@host/} URL). Call twice to rotate.
     *
     * @throws IllegalArgumentException if either part is blank, the user contains {@code :}, or a
     *     third pair is given
     */
    public Builder basic(String user, String password) {
      Objects.requireNonNull(user, "user");
      Objects.requireNonNull(password, "password");
      if (user.isBlank() || password.isBlank()) {
        throw new IllegalArgumentException("basic: user and password must not be blank");
      }
      if (user.indexOf(':') >= 0) {
        throw new IllegalArgumentException("basic: user must not contain ':'");
      }
      if (basic.size() == MAX_PER_KIND) {
        throw new IllegalArgumentException(
            "basic: at most two credentials (the current and the next, for rotation)");
      }
      basic.add(sha256(user + ":" + password));
      return this;
    }

    /** Also requires the client address to be allowed; none by default. */
    public Builder allowlist(@Nullable IpAllowlist allowlist) {
      this.allowlist = allowlist;
      return this;
    }

    /** @throws IllegalStateException if no header secret and no Basic credential was set */
    public InboundAuth build() {
      if (headers.isEmpty() && basic.isEmpty()) {
        throw new IllegalStateException(
            "InboundAuth: at least one credential is required (header(...) or basic(...))");
      }
      return new InboundAuth(this);
    }
  }
}
