package dev.outlane.examples.cli;

import dev.outlane.Problem;
import dev.outlane.contract.EventCodec;
import dev.outlane.contract.ParseResult;
import dev.outlane.identity.IdentityNormalizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code outlane validate FILE}: checks newline-delimited JSON against contract v1. For each invalid
 * line prints {@code line N: <field path>: <reason>} (one line per problem) to stdout, then a
 * summary ({@code 3 lines: 2 valid, 1 invalid}). Blank lines are skipped and not counted; line
 * numbers are the file's. Exit 0 if every line is valid, 1 if any is invalid, 2 if the file cannot
 * be read.
 *
 * <p>Memory is bounded: a line longer than the event size limit is counted, not kept, and reported
 * as over the limit.
 */
@Command(
    name = "validate",
    footer = OutlaneCli.EXIT_CODES,
    mixinStandardHelpOptions = true,
    versionProvider = OutlaneCli.Version.class,
    description = "Checks NDJSON events (one per line) against the v1 contract.")
final class ValidateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @ParentCommand OutlaneCli parent;

  @Parameters(paramLabel = "FILE", description = "NDJSON file, one event per line; - reads stdin.")
  String file = "-";

  @Option(
      names = "--region",
      paramLabel = "CC",
      defaultValue = "US",
      description = "Region for phone numbers written without a country code (default: ${DEFAULT-VALUE}).")
  String region = "US";

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    EventCodec codec;
    try {
      codec =
          EventCodec.builder()
              .identityNormalizer(IdentityNormalizer.builder().defaultRegion(region).build())
              .build();
    } catch (IllegalArgumentException e) {
      err.println("outlane validate: --region: not a supported region: \"" + region + "\"");
      err.flush();
      return 2;
    }
    int valid = 0;
    int invalid = 0;
    try (InputStream in = open()) {
      BoundedLineReader lines = new BoundedLineReader(in, codec.maxInputBytes());
      BoundedLineReader.Line line;
      while ((line = lines.next()) != null) {
        List<Problem> problems;
        if (line.bytes() == null) {
          problems = List.of(codec.inputSizeProblem(line.size()));
        } else if (line.blank()) {
          continue;
        } else {
          // Strict UTF-8: the codec decodes the bytes and reports a malformed sequence.
          problems = codec.parse(line.bytes()).problems();
        }
        if (problems.isEmpty()) {
          valid++;
        } else {
          invalid++;
          for (Problem p : problems) {
            out.println("line " + line.number() + ": " + p);
          }
        }
      }
    } catch (IOException e) {
      out.flush();
      err.println("outlane validate: cannot read " + file + ": " + describe(e));
      err.flush();
      return 2;
    }
    int total = valid + invalid;
    out.println(
        total + (total == 1 ? " line: " : " lines: ") + valid + " valid, " + invalid + " invalid");
    out.flush();
    return invalid == 0 ? 0 : 1;
  }

  private InputStream open() throws IOException {
    if (file.equals("-")) {
      // Do not close the process's stdin on behalf of the caller.
      return new java.io.FilterInputStream(parent.stdin()) {
        @Override
        public void close() {}
      };
    }
    Path path = Path.of(file);
    if (Files.isDirectory(path)) {
      throw new IOException("is a directory");
    }
    return Files.newInputStream(path);
  }

  private static String describe(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
