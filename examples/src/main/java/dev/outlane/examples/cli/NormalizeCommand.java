package dev.outlane.examples.cli;

import dev.outlane.Problem;
import dev.outlane.ValidationException;
import dev.outlane.identity.IdentityNormalizer;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code outlane normalize [--region CC] [--email E] [--phone P] [--customer-id C]}: prints the
 * normalized identifiers as one JSON object ({@code {"customer_id":…,"email":…,"phone":"+1…"}},
 * only the fields given). Invalid input: exit 2, nothing on stdout, the field and reason on stderr.
 */
@Command(
    name = "normalize",
    footer = OutlaneCli.EXIT_CODES,
    mixinStandardHelpOptions = true,
    versionProvider = OutlaneCli.Version.class,
    description = {
      "Prints identifiers normalized the way Outlane matches people:",
      "email NFC, trimmed, lower case; phone E.164; customer id trimmed."
    })
final class NormalizeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin IdentityOptions identity = new IdentityOptions();

  @Option(names = "--customer-id", paramLabel = "C", description = "A stable customer id.")
  @Nullable String customerId;

  @Override
  public Integer call() {
    if (customerId == null && identity.email == null && identity.phone == null) {
      throw new ParameterException(
          spec.commandLine(), "Give at least one of --email, --phone, --customer-id");
    }
    PrintWriter err = spec.commandLine().getErr();
    IdentityNormalizer normalizer = identity.normalizer(err, "normalize");
    if (normalizer == null) {
      err.flush();
      return 2;
    }
    Map<String, String> out = new LinkedHashMap<>();
    List<Problem> problems = new ArrayList<>();
    if (customerId != null) {
      put(out, problems, "customer_id", () -> normalizer.normalizeCustomerId(customerId));
    }
    if (identity.email != null) {
      put(out, problems, "email", () -> normalizer.normalizeEmail(identity.email));
    }
    if (identity.phone != null) {
      put(out, problems, "phone", () -> normalizer.normalizePhone(identity.phone));
    }
    if (!problems.isEmpty()) {
      IdentityOptions.printProblems(err, "normalize", problems);
      err.flush();
      return 2;
    }
    PrintWriter stdout = spec.commandLine().getOut();
    stdout.println(JsonOutput.object(out));
    stdout.flush();
    return 0;
  }

  interface Step {
    String run();
  }

  static void put(Map<String, String> out, List<Problem> problems, String key, Step step) {
    try {
      out.put(key, step.run());
    } catch (ValidationException e) {
      problems.addAll(e.problems());
    }
  }
}
