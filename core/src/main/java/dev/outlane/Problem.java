package dev.outlane;

import java.util.Objects;

/**
 * One validation problem: the JSON path of the field ({@code $.commerce.currency}) and the reason
 * ({@code not an ISO-4217 code: "usd1"}). Reasons never repeat a raw email address or phone number.
 *
 * @param path the field's JSON path, starting with {@code $}
 * @param reason a human-readable reason, without PII
 */
public record Problem(String path, String reason) {
  public Problem {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(reason, "reason");
  }

  /** Returns {@code "<path>: <reason>"}, the form the CLI prints. */
  @Override
  public String toString() {
    return path + ": " + reason;
  }
}
