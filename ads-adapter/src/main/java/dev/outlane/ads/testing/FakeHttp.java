package dev.outlane.ads.testing;

import com.squareup.moshi.JsonWriter;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okio.Buffer;
import okio.ByteString;
import org.jspecify.annotations.Nullable;

/** Response and request helpers shared by the fakes. Stateless. */
final class FakeHttp {
  private FakeHttp() {}

  static MockResponse json(int status, Object body) {
    Buffer buffer = new Buffer();
    try (JsonWriter w = JsonWriter.of(buffer)) {
      w.jsonValue(body);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return new MockResponse.Builder().code(status).setHeader("Content-Type", "application/json").body(buffer.readUtf8()).build();
  }

  static String body(RecordedRequest request) {
    ByteString body = request.getBody();
    return body == null ? "" : body.utf8();
  }

  /** Form parameters of an {@code application/x-www-form-urlencoded} body, plus the query's. */
  static Map<String, String> params(RecordedRequest request) {
    Map<String, String> params = new HashMap<>();
    for (String name : request.getUrl().queryParameterNames()) {
      String v = request.getUrl().queryParameter(name);
      if (v != null) {
        params.put(name, v);
      }
    }
    String body = body(request);
    if (!body.isEmpty() && !body.startsWith("{")) {
      for (String pair : body.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return params;
  }

  static boolean isSha256Hex(@Nullable Object value) {
    if (!(value instanceof String) || ((String) value).length() != 64) {
      return false;
    }
    String s = (String) value;
    for (int i = 0; i < 64; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }
}
