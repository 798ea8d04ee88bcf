package dev.outlane.twilio.inbound;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses {@code application/x-www-form-urlencoded} text (a body or a query). Stateless. */
final class FormBody {
  private FormBody() {}

  /**
   * Name to values, in order of appearance; a pair without {@code =} has the empty value.
   *
   * @throws IllegalArgumentException if a percent escape is malformed
   */
  static Map<String, List<String>> parse(String text) {
    Map<String, List<String>> params = new LinkedHashMap<>();
    if (text.isEmpty()) {
      return params;
    }
    for (String pair : text.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      params.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
    }
    return params;
  }

  static String first(Map<String, List<String>> params, String name) {
    List<String> v = params.get(name);
    return v == null || v.isEmpty() ? "" : v.get(0);
  }
}
