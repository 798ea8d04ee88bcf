package dev.outlane.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.FinalState;
import dev.outlane.SubmitResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's quick start is {@link QuickStart}: same text, and it runs. */
class QuickStartTest {
  /** Surefire runs in the module's directory; the README is the repository's. */
  private static final Path README = Path.of("..", "README.md");
  private static final Path SOURCE = Path.of("src/main/java/dev/outlane/examples/QuickStart.java");
  /** The line right before the README's quick-start code block. */
  static final String README_MARKER =
      "<!-- The block below is examples/src/main/java/dev/outlane/examples/QuickStart.java"
          + " (README:begin/end regions); QuickStartTest fails when they differ. -->";

  @Test
  void theReadmeQuickStartIsTheMarkedRegionsOfQuickStartJava() throws IOException {
    List<String> source = Files.readAllLines(SOURCE, StandardCharsets.UTF_8);
    List<String> expected = new ArrayList<>(region(source, "// README:begin imports", "// README:end imports"));
    expected.add("");
    expected.addAll(dedent(region(source, "// README:begin", "// README:end")));

    assertThat(readmeBlock(Files.readAllLines(README, StandardCharsets.UTF_8)))
        .as("README quick start vs. QuickStart.java: edit QuickStart.java and copy its regions into README.md")
        .isEqualTo(String.join("\n", expected));
  }

  @Test
  void theQuickStartDeliversToBothDestinationsAndPrintsTheResultBeforeItReturns() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    SubmitResult result;
    try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
      result = QuickStart.run(out);
    }

    assertThat(result.state("twilio-sms")).isEqualTo(FinalState.DELIVERED);
    assertThat(result.state("segment")).isEqualTo(FinalState.DELIVERED);
    assertThat(printed.toString(StandardCharsets.UTF_8)).isEqualTo(result + System.lineSeparator());
  }

  /** The lines strictly between the two marker lines (compared trimmed). */
  private static List<String> region(List<String> lines, String begin, String end) {
    int from = indexOf(lines, begin, 0);
    int to = indexOf(lines, end, from + 1);
    return lines.subList(from + 1, to);
  }

  private static int indexOf(List<String> lines, String marker, int from) {
    for (int i = from; i < lines.size(); i++) {
      if (lines.get(i).trim().equals(marker)) {
        return i;
      }
    }
    throw new AssertionError("QuickStart.java: no line \"" + marker + "\"");
  }

  private static List<String> dedent(List<String> lines) {
    int indent = lines.stream().filter(l -> !l.isBlank())
        .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
    return lines.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).toList();
  }

  /** The ```java block right after {@link #README_MARKER}, without its fences. */
  private static String readmeBlock(List<String> readme) {
    int marker = indexOf(readme, README_MARKER, 0);
    assertThat(readme.get(marker + 1)).as("line after the README marker").isEqualTo("```java");
    int close = indexOf(readme, "```", marker + 2);
    return String.join("\n", readme.subList(marker + 2, close));
  }
}
