package dev.outlane.inbound;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What an {@link InboundHandler} answers: a status, headers and a body. Immutable and thread-safe;
 * {@link #withHeader} returns a copy. Header names are kept as given; a server bridge writes them
 * as they are.
 */
public final class InboundResponse {
  private static final byte[] EMPTY = new byte[0];

  private final int status;
  private final Map<String, String> headers;
  private final byte[] body;

  private InboundResponse(int status, Map<String, String> headers, byte[] body) {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status: must be 100..599 but was " + status);
    }
    this.status = status;
    this.headers = Collections.unmodifiableMap(headers);
    this.body = body;
  }

  /** An answer with no body. */
  public static InboundResponse of(int status) {
    return new InboundResponse(status, new LinkedHashMap<>(), EMPTY);
  }

  /** An answer whose body is {@code json} (UTF-8), with {@code Content-Type: application/json}. */
  public static InboundResponse json(int status, String json) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json; charset=utf-8");
    return new InboundResponse(status, headers, json.getBytes(StandardCharsets.UTF_8));
  }

  /** An answer whose body is {@code text} (UTF-8), with {@code Content-Type: text/plain}. */
  public static InboundResponse text(int status, String text) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "text/plain; charset=utf-8");
    return new InboundResponse(status, headers, text.getBytes(StandardCharsets.UTF_8));
  }

  /** A copy with {@code name: value} set (replacing a header of the same name, ignoring case). */
  public InboundResponse withHeader(String name, String value) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    Map<String, String> copy = new LinkedHashMap<>();
    String lower = name.toLowerCase(Locale.ROOT);
    headers.forEach((k, v) -> {
      if (!k.toLowerCase(Locale.ROOT).equals(lower)) {
        copy.put(k, v);
      }
    });
    copy.put(name, value);
    return new InboundResponse(status, copy, body);
  }

  public int status() {
    return status;
  }

  /** The headers, in the order they were set. */
  public Map<String, String> headers() {
    return headers;
  }

  /** The value of header {@code name} (ignoring case), or {@code null}. */
  public @org.jspecify.annotations.Nullable String header(String name) {
    for (Map.Entry<String, String> e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue();
      }
    }
    return null;
  }

  /** The body bytes (a copy). */
  public byte[] body() {
    return body.clone();
  }

  /** The body decoded as UTF-8 (for tests and logs of non-personal answers). */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** Shows the status and the body size only: bodies may name fields of a person's event. */
  @Override
  public String toString() {
    return "InboundResponse{status=" + status + ", bodyBytes=" + body.length + "}";
  }
}
