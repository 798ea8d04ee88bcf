package dev.outlane.inbound;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP request as an {@link InboundHandler} sees it: the method, the URL <em>as the caller saw
 * it</em> (scheme, host, path and query the sender used — behind a proxy that is not the URL the
 * server sees, which matters for signatures computed over the URL), the headers (names ignore case),
 * the peer's address and the raw body bytes, unparsed, so signatures are checked over exactly what
 * was sent.
 *
 * <p>Immutable and thread-safe. {@link #toString()} shows the method, the path and the body size
 * only: headers carry secrets and bodies carry personal data.
 */
public final class InboundRequest {
  private final String method;
  private final URI url;
  private final Map<String, List<String>> headers;
  private final @Nullable String remoteAddress;
  private final byte[] body;

  private InboundRequest(Builder b) {
    this.method = b.method;
    this.url = b.url;
    TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    b.headers.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    this.headers = Collections.unmodifiableMap(copy);
    this.remoteAddress = b.remoteAddress;
    this.body = b.body;
  }

  /**
   * Starts a request.
   *
   * @param method the HTTP method, e.g. {@code POST} (upper-cased)
   * @param url the absolute URL the sender used, e.g. {@code https://hooks.example.com/cio?x=1}
   * @throws IllegalArgumentException if {@code url} is not absolute
   */
  public static Builder builder(String method, URI url) {
    return new Builder(method, url);
  }

  /**
   * Reads at most {@code maxBytes} from {@code in}: the body, or {@code null} if it is longer (the
   * rest is not read, so a server answers 413 without buffering an unbounded body).
   *
   * @throws IOException if reading fails
   */
  public static byte @Nullable [] readBody(InputStream in, int maxBytes) throws IOException {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes: must be >= 0 but was " + maxBytes);
    }
    byte[] bytes = in.readNBytes(maxBytes);
    if (bytes.length == maxBytes && in.read() != -1) {
      return null;
    }
    return bytes;
  }

  public String method() {
    return method;
  }

  /** The URL as the sender saw it. */
  public URI url() {
    return url;
  }

  /** Every header, names ignoring case, values in the order received. */
  public Map<String, List<String>> headers() {
    return headers;
  }

  /** The first value of header {@code name} (ignoring case), or {@code null}. */
  public @Nullable String header(String name) {
    List<String> values = headers.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** The address of the peer that connected (an IP literal), or {@code null} if unknown. */
  public @Nullable String remoteAddress() {
    return remoteAddress;
  }

  /** The raw body bytes (a copy). */
  public byte[] body() {
    return body.clone();
  }

  /** The body's length in bytes. */
  public int bodyLength() {
    return body.length;
  }

  /** The body decoded as UTF-8 (malformed bytes become U+FFFD: check signatures on {@link #body()}). */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "InboundRequest{" + method + " " + url.getRawPath() + ", bodyBytes=" + body.length + "}";
  }

  /** Builds an {@link InboundRequest}. Not thread-safe. */
  public static final class Builder {
    private final String method;
    private final URI url;
    private final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private @Nullable String remoteAddress;
    private byte[] body = new byte[0];

    private Builder(String method, URI url) {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(url, "url");
      if (!url.isAbsolute()) {
        throw new IllegalArgumentException("url: must be absolute (scheme and host) but was relative");
      }
      this.method = method.toUpperCase(Locale.ROOT);
      this.url = url;
    }

    /** Adds one value of header {@code name}. */
    public Builder header(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
      return this;
    }

    /** Adds every value of every header in {@code all}. */
    public Builder headers(Map<String, ? extends List<String>> all) {
      all.forEach((name, values) -> values.forEach(v -> header(name, v)));
      return this;
    }

    public Builder remoteAddress(@Nullable String address) {
      this.remoteAddress = address;
      return this;
    }

    /** The raw body (copied). */
    public Builder body(byte[] body) {
      this.body = body.clone();
      return this;
    }

    /** The body as UTF-8 text (for tests). */
    public Builder body(String body) {
      this.body = body.getBytes(StandardCharsets.UTF_8);
      return this;
    }

    public InboundRequest build() {
      return new InboundRequest(this);
    }
  }
}
