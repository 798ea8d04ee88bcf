package dev.outlane.ads;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import mockwebserver3.RecordedRequest;

/** Decodes form bodies of recorded requests. */
public final class Forms {
  private Forms() {}

  public static Map<String, String> of(RecordedRequest request) {
    Map<String, String> params = new LinkedHashMap<>();
    for (String pair : request.getBody().utf8().split("&")) {
      int eq = pair.indexOf('=');
      params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return params;
  }
}
