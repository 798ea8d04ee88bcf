package dev.outlane.storage.internal;

import dev.outlane.Problem;
import dev.outlane.ValidationException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Why a stored record could not be decoded, in words that never carry its contents: the exception's
 * type and, for a validation failure, the contract fields at fault (never values, never property
 * keys, which could themselves be an email). Stateless and thread-safe.
 */
public final class Unreadable {
  /** Top-level contract fields: the only paths safe to name (a property key may be PII). */
  private static final Pattern NAMED_FIELD = Pattern.compile(
      "\\$\\.(schema_version|event_id|event_name|source|customer_id|event_time|email|phone"
          + "|audience|commerce|consent|properties)");

  private Unreadable() {}

  /** {@code "ValidationException at $.phone"}, {@code "IllegalArgumentException"}. */
  public static String reason(RuntimeException e) {
    String type = e.getClass().getSimpleName();
    if (!(e instanceof ValidationException v)) {
      return type;
    }
    Set<String> fields = new LinkedHashSet<>();
    for (Problem p : v.problems()) {
      var m = NAMED_FIELD.matcher(p.path());
      if (m.lookingAt()) {
        fields.add(m.group());
      }
    }
    return fields.isEmpty() ? type : type + " at " + String.join(", ", fields);
  }
}
