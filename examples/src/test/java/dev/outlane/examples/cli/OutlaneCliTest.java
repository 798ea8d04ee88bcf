package dev.outlane.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class OutlaneCliTest {
  static final String NL = System.lineSeparator();
  static final Path PAYLOADS = Path.of("payloads");

  @TempDir Path tmp;

  record Run(int exitCode, String out, String err) {}

  static Run runWithStdin(String stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli =
        OutlaneCli.newCommandLine(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Run(code, out.toString().replace(NL, "\n"), err.toString().replace(NL, "\n"));
  }

  static Run run(String... args) {
    return runWithStdin("", args);
  }

  static final String VALID =
      "{\"schema_version\":\"1.0\",\"event_id\":\"e1\",\"event_name\":\"cart_abandoned\","
          + "\"source\":\"customerio\",\"customer_id\":\"c1\",\"event_time\":\"2026-11-29T18:00:00Z\"}";

  // validate

  @Test
  void validateExitsZeroAndPrintsOnlyTheSummaryWhenEveryLineIsValid() {
    Run r = run("validate", PAYLOADS.resolve("cart-abandoned-high-aov.ndjson").toString());
    assertThat(r.out()).isEqualTo("3 lines: 3 valid, 0 invalid\n");
    assertThat(r.err()).isEmpty();
    assertThat(r.exitCode()).isZero();
  }

  @Test
  void everyShippedValidExampleFileIsValid() {
    for (String file :
        new String[] {
          "cart-abandoned-high-aov.ndjson",
          "lapsed-60-90-days.ndjson",
          "vip-churn-risk.ndjson",
          "recent-purchaser-suppression.ndjson"
        }) {
      assertThat(run("validate", PAYLOADS.resolve(file).toString()).exitCode()).as(file).isZero();
    }
  }

  @Test
  void validatePrintsEachProblemWithItsLineNumberAndExitsOne() {
    Run r = run("validate", PAYLOADS.resolve("invalid-examples.ndjson").toString());
    assertThat(r.out())
        .isEqualTo(
            "line 1: $.commerce.currency: not an ISO-4217 code: \"usd1\"\n"
                + "line 2: $.event_time: ambiguous time zone: \"2026-11-29T18:00:00\" has no offset (add Z or +hh:mm)\n"
                + "line 3: $.schema_version: unsupported major version \"2.0\" (supported: 1.x)\n"
                + "line 4: $.event_name: must match [a-z][a-z0-9_]{0,63}, was \"Cart Abandoned\"\n"
                + "line 4: $.customer_id: is required\n"
                + "line 6: $.email: domain has no '.'\n"
                + "line 6: $.phone: not a valid phone number for its region\n"
                + "line 7: $.audience.action: must be \"add\" or \"remove\", was \"delete\"\n"
                + "line 7: $.consent.sms: must be \"granted\", \"denied\" or \"unknown\", was \"yes\"\n"
                + "line 8: $.commerce.cart_value: not a decimal number: \"12,50\"\n"
                + "line 8: $.commerce.skus[1]: expected a string, was a number\n"
                + "line 9: $: expected a JSON object, was an array\n"
                + "line 10: $: malformed JSON: unexpected end of input\n"
                + "line 11: $.event_id: must not be empty\n"
                + "line 11: $.source: must not be blank\n"
                + "line 11: $.customer_id: must not be blank\n"
                + "line 11: $.event_time: epoch time must not be negative\n"
                + "10 lines: 0 valid, 10 invalid\n");
    assertThat(r.out()).doesNotContain("priya");
    assertThat(r.err()).isEmpty();
    assertThat(r.exitCode()).isEqualTo(1);
  }

  @Test
  void validateReadsStdinForADashSkipsBlankLinesAndCountsTheRest() {
    Run r = runWithStdin(VALID + "\r\n\n   \n[1]\n" + VALID, "validate", "-");
    assertThat(r.out())
        .isEqualTo("line 4: $: expected a JSON object, was an array\n3 lines: 2 valid, 1 invalid\n");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(runWithStdin(VALID, "validate", "-").out()).isEqualTo("1 line: 1 valid, 0 invalid\n");
    assertThat(runWithStdin("", "validate", "-").out()).isEqualTo("0 lines: 0 valid, 0 invalid\n");
  }

  @Test
  void aLineOverTheSizeLimitIsReportedWithoutBeingKept() throws IOException {
    Path big = tmp.resolve("big.ndjson");
    String huge = VALID.replace("}", ",\"properties\":{\"pad\":\"" + "é".repeat(40_000) + "\"}}");
    Files.writeString(big, "\uFEFF" + VALID + "\n" + huge + "\n", StandardCharsets.UTF_8);
    Run r = run("validate", big.toString());
    long bytes = huge.getBytes(StandardCharsets.UTF_8).length;
    assertThat(r.out())
        .isEqualTo(
            "line 2: $: event is " + bytes + " bytes, over the 32768-byte limit\n"
                + "2 lines: 1 valid, 1 invalid\n");
  }

  @Test
  void aLineThatIsNotValidUtf8IsRefusedNotReadAsReplacementCharacters() throws IOException {
    Path file = tmp.resolve("latin1.ndjson");
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    bytes.writeBytes((VALID + "\n").getBytes(StandardCharsets.UTF_8));
    // maya\xff\xfe@example.com: decoded leniently it would validate as another address.
    bytes.writeBytes(VALID.replace("}", ",\"email\":\"maya").getBytes(StandardCharsets.UTF_8));
    bytes.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xFE});
    bytes.writeBytes("@example.com\"}\n".getBytes(StandardCharsets.UTF_8));
    Files.write(file, bytes.toByteArray());

    Run r = run("validate", file.toString());

    assertThat(r.out()).startsWith("line 2: $: ").contains("UTF-8").doesNotContain("maya")
        .endsWith("2 lines: 1 valid, 1 invalid\n");
    assertThat(r.exitCode()).isEqualTo(1);
  }

  @Test
  void anUnreadableFileIsAUsageErrorOnStderr() {
    Run r = run("validate", tmp.resolve("missing.ndjson").toString());
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .isEqualTo("outlane validate: cannot read " + tmp.resolve("missing.ndjson") + ": no such file\n");
    assertThat(r.exitCode()).isEqualTo(2);
    Run dir = run("validate", tmp.toString());
    assertThat(dir.err()).isEqualTo("outlane validate: cannot read " + tmp + ": is a directory\n");
    assertThat(dir.exitCode()).isEqualTo(2);
  }

  @Test
  void validateUsesTheRegionForLocalPhoneNumbers() {
    String uk = VALID.replace("}", ",\"phone\":\"020 7946 0018\"}");
    assertThat(runWithStdin(uk, "validate", "-").exitCode()).isEqualTo(1);
    assertThat(runWithStdin(uk, "validate", "--region", "GB", "-").exitCode()).isZero();
  }

  // normalize

  @Test
  void normalizePrintsTheGivenFieldsAsOneJsonObject() {
    Run r =
        run(
            "normalize",
            "--email", "  Maya.Chen@Example.COM ",
            "--phone", "(201) 555-0123",
            "--customer-id", " cus_1 ");
    assertThat(r.out())
        .isEqualTo("{\"customer_id\":\"cus_1\",\"email\":\"maya.chen@example.com\",\"phone\":\"+12015550123\"}\n");
    assertThat(r.err()).isEmpty();
    assertThat(r.exitCode()).isZero();
    assertThat(run("normalize", "--region", "GB", "--phone", "020 7946 0018").out())
        .isEqualTo("{\"phone\":\"+442079460018\"}\n");
  }

  @Test
  void normalizeRejectsInvalidInputOnStderrWithoutRepeatingIt() {
    Run r = run("normalize", "--email", "maya.chen@example", "--phone", "555");
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .isEqualTo(
            "outlane normalize: --email: domain has no '.'\n"
                + "outlane normalize: --phone: not a valid phone number for its region\n");
    assertThat(r.err()).doesNotContain("maya");
    assertThat(r.exitCode()).isEqualTo(2);
    Run blank = run("normalize", "--customer-id", "  ");
    assertThat(blank.err()).isEqualTo("outlane normalize: --customer-id: must not be blank\n");
    assertThat(blank.exitCode()).isEqualTo(2);
  }

  @Test
  void normalizeRejectsAnUnknownRegion() {
    Run r = run("normalize", "--region", "XX", "--phone", "2015550123");
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo("outlane normalize: --region: not a supported region: \"XX\"\n");
    assertThat(r.exitCode()).isEqualTo(2);
  }

  // hash

  @Test
  void hashPrintsWhatMetaMustReceive() {
    Run r = run("hash", "--profile", "meta", "--email", "Maya.Chen@example.com", "--phone", "(201) 555-0123");
    // printf %s 'maya.chen@example.com' | sha256sum ; printf %s '12015550123' | sha256sum
    assertThat(r.out())
        .isEqualTo(
            "{\"email\":\"0512aa23cb9d989426d803e88ccc40972235fe9b60d9a03b1516f926c850050a\","
                + "\"phone\":\"a0812289d382e13212c27c808ae6bebbb59ee887e71db3883883f0b87baebf4e\"}\n");
    assertThat(r.exitCode()).isZero();
  }

  @Test
  void hashAppliesGooglesGmailRulesAndKeepsThePlus() {
    Run r = run("hash", "--profile", "google", "--email", "John.Smith+promo@Gmail.com", "--phone", "+1 201 555 0123");
    // printf %s 'johnsmith@gmail.com' | sha256sum ; printf %s '+12015550123' | sha256sum
    assertThat(r.out())
        .isEqualTo(
            "{\"email\":\"3586de92bb3636d0885a12eff961429a32e4ebd764b96f50d85d016f9338d586\","
                + "\"phone\":\"e7e096141fe6290f8c04e20b51a686070a9c40f7f304667849b430645aaaf07d\"}\n");
  }

  @Test
  void hashForTiktokHashesOnlyTheGivenFieldAndPassesHashesThrough() {
    assertThat(run("hash", "--profile", "tiktok", "--phone", "+12015550123").out())
        .isEqualTo("{\"phone\":\"e7e096141fe6290f8c04e20b51a686070a9c40f7f304667849b430645aaaf07d\"}\n");
    assertThat(
            run("hash", "--profile", "tiktok", "--email",
                    "0512AA23CB9D989426D803E88CCC40972235FE9B60D9A03B1516F926C850050A")
                .out())
        .isEqualTo("{\"email\":\"0512aa23cb9d989426d803e88ccc40972235fe9b60d9a03b1516f926c850050a\"}\n");
  }

  @Test
  void hashRejectsInvalidInputLikeNormalize() {
    Run r = run("hash", "--profile", "meta", "--email", "not-an-email");
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo("outlane hash: --email: missing '@'\n");
    assertThat(r.exitCode()).isEqualTo(2);
  }

  // usage

  @Test
  void usageErrorsExitTwo() {
    Run unknownProfile = run("hash", "--profile", "snap", "--email", "a@example.com");
    assertThat(unknownProfile.exitCode()).isEqualTo(2);
    assertThat(unknownProfile.out()).isEmpty();
    assertThat(unknownProfile.err())
        .startsWith(
            "Invalid value for option '--profile': unknown hashing profile \"snap\" (known: meta, google, tiktok)\n");
    assertThat(run("hash", "--email", "a@example.com").err())
        .startsWith("Missing required option: '--profile=meta|google|tiktok'\n");
    assertThat(run("hash", "--profile", "meta").err()).startsWith("Give at least one of --email, --phone\n");
    assertThat(run("normalize").err()).startsWith("Give at least one of --email, --phone, --customer-id\n");
    assertThat(run("validate").exitCode()).isEqualTo(2);
    assertThat(run("validate", "a", "b").exitCode()).isEqualTo(2);
    assertThat(run("frobnicate").exitCode()).isEqualTo(2);
    assertThat(run().exitCode()).isEqualTo(2);
    assertThat(run("normalize", "--bogus").exitCode()).isEqualTo(2);
  }

  @Test
  void everyCommandHasHelpAndVersion() {
    for (String command : new String[] {"validate", "normalize", "hash"}) {
      Run help = run(command, "--help");
      assertThat(help.exitCode()).isZero();
      assertThat(help.out()).startsWith("Usage: outlane " + command);
      Run version = run(command, "--version");
      assertThat(version.exitCode()).isZero();
      assertThat(version.out()).isEqualTo("outlane development build\n");
    }
    Run top = run("--help");
    assertThat(top.out()).contains("validate", "normalize", "hash");
    assertThat(run("--version").out()).isEqualTo("outlane development build\n");
  }

  @Test
  void everyCommandsHelpEndsWithTheOneExitCodeRuleAndTheReadmeRepeatsIt() throws java.io.IOException {
    String rule = String.format(OutlaneCli.EXIT_CODES);
    for (String[] command : List.of(new String[] {"--help"}, new String[] {"validate", "--help"},
        new String[] {"normalize", "--help"}, new String[] {"hash", "--help"}, new String[] {"demo", "--help"},
        new String[] {"send", "--help"}, new String[] {"sync-audience", "--help"},
        new String[] {"dead-letters", "--help"}, new String[] {"dead-letters", "list", "--help"},
        new String[] {"dead-letters", "replay", "--help"})) {
      java.io.StringWriter help = new java.io.StringWriter();
      CommandLine cli = OutlaneCli.newCommandLine(new java.io.ByteArrayInputStream(new byte[0]));
      cli.setOut(new java.io.PrintWriter(help, true));

      assertThat(cli.execute(command)).isZero();
      assertThat(help.toString()).as(String.join(" ", command)).endsWith(rule + System.lineSeparator());
    }
    String readme = java.nio.file.Files.readString(java.nio.file.Path.of("../README.md"));
    assertThat(readme).contains("```text" + rule.replace(System.lineSeparator(), "\n") + "```");
  }
}
