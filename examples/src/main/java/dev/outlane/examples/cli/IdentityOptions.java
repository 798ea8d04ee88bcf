package dev.outlane.examples.cli;

import dev.outlane.Problem;
import dev.outlane.identity.IdentityNormalizer;
import java.io.PrintWriter;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** The options {@code normalize} and {@code hash} share. Not thread-safe. */
final class IdentityOptions {
  @Option(
      names = "--region",
      paramLabel = "CC",
      defaultValue = "US",
      description = "Region for phone numbers written without a country code (default: ${DEFAULT-VALUE}).")
  String region = "US";

  @Option(
      names = "--lenient-phone",
      description = "Accept numbers libphonenumber calls possible, not only valid.")
  boolean lenientPhone;

  @Option(names = "--email", paramLabel = "E", description = "An email address.")
  @Nullable String email;

  @Option(names = "--phone", paramLabel = "P", description = "A phone number, e.g. \"(201) 555-0123\" or +442079460018.")
  @Nullable String phone;

  /** The normalizer, or null after printing why {@code --region} is unusable. */
  @Nullable IdentityNormalizer normalizer(PrintWriter err, String command) {
    try {
      return IdentityNormalizer.builder().defaultRegion(region).lenientPhone(lenientPhone).build();
    } catch (IllegalArgumentException e) {
      err.println("outlane " + command + ": --region: not a supported region: \"" + region + "\"");
      return null;
    }
  }

  /** Prints each problem as {@code outlane <command>: --<option>: <reason>}; reasons hold no PII. */
  static void printProblems(PrintWriter err, String command, List<Problem> problems) {
    for (Problem p : problems) {
      String option = "--" + p.path().replaceFirst("^\\$\\.", "").replace('_', '-');
      err.println("outlane " + command + ": " + option + ": " + p.reason());
    }
  }
}
