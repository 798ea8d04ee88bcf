package dev.outlane.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.DurableOptions;
import dev.outlane.destination.Channel;
import dev.outlane.guardrail.FileSuppressionStore;
import dev.outlane.guardrail.SuppressionSource;
import dev.outlane.identity.Identity;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SuppressionsCommandTest {
  private static final String PHONE = "+14155550123";
  private static final String EMAIL = "ada@example.com";

  @TempDir Path dir;
  private StringWriter out;
  private StringWriter err;

  @BeforeEach
  void aDirectoryWhereTwilioStoppedOnePhone() throws Exception {
    Path store = DurableOptions.at(dir).suppressionDirectory();
    Files.createDirectories(store);
    try (FileSuppressionStore s = FileSuppressionStore.builder().directory(store).open()) {
      s.suppress(new Identity("", null, PHONE), Set.of(Channel.SMS), SuppressionSource.TWILIO_STOP);
      s.suppress(new Identity("cust-9", EMAIL, null), Set.of(Channel.values()), SuppressionSource.CUSTOMERIO);
    }
  }

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine cli = OutlaneCli.newCommandLine(new ByteArrayInputStream(new byte[0]));
    return cli.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
  }

  @Test
  void aListingCountsPerSourceAndChannelAndNeverPrintsAnEmailAPhoneOrAHash() {
    assertThat(run("suppressions", "list", "--dir", dir.toString())).isZero();

    assertThat(out.toString()).isEqualTo(String.join("\n",
        "3 suppressed identifiers (customer ids, email and phone hashes)",
        "source                    sms    email   events      ads",
        "twilio-stop                 1        0        0        0",
        "customerio                  2        2        2        2", ""));
    assertThat(out.toString()).doesNotContain("ada", "4155550123").doesNotContainPattern("[0-9a-f]{16}");
  }

  @Test
  void aPersonLookupSaysOnWhichChannelsAndByWhichSourceTheyAreSuppressed() {
    assertThat(run("suppressions", "list", "--dir", dir.toString(), "--phone", "(415) 555-0123")).isZero();
    assertThat(out.toString()).isEqualTo("suppressed on sms by twilio-stop (by phone)\n");

    assertThat(run("suppressions", "list", "--dir", dir.toString(), "--email", "Ada@Example.com")).isZero();
    assertThat(out.toString()).isEqualTo("suppressed on sms,email,events,ads by customerio (by email)\n");

    assertThat(run("suppressions", "list", "--dir", dir.toString(), "--customer-id", "cust-1")).isZero();
    assertThat(out.toString()).isEqualTo("not suppressed\n");
  }

  @Test
  void anOperatorsLiftNeverUndoesATwilioStopAndLiftingTheStopNeedsItsOwnSource() {
    assertThat(run("suppressions", "add", "--dir", dir.toString(), "--phone", PHONE, "--channel", "sms,email"))
        .isZero();
    assertThat(out.toString()).isEqualTo("suppressed on sms,email by operator\n");

    assertThat(run("suppressions", "lift", "--dir", dir.toString(), "--phone", PHONE, "--channel", "sms")).isZero();
    assertThat(out.toString()).isEqualTo("lifted on sms (by operator)\n");
    run("suppressions", "list", "--dir", dir.toString(), "--phone", PHONE);
    assertThat(out.toString()).isEqualTo("suppressed on email by operator (by phone)\n"
        + "suppressed on sms by twilio-stop (by phone)\n");

    assertThat(run("suppressions", "lift", "--dir", dir.toString(), "--phone", PHONE, "--channel", "sms"))
        .isEqualTo(1);
    assertThat(out.toString()).isEqualTo("nothing lifted: no suppression by operator on sms\n");
    assertThat(run("suppressions", "lift", "--dir", dir.toString(), "--phone", PHONE, "--channel", "sms",
        "--source", "twilio-stop")).isZero();
    assertThat(out.toString()).isEqualTo("lifted on sms (by twilio-stop)\n");
  }

  @Test
  void badInputIsRefusedNamingTheOptionWithoutRepeatingPersonalData() {
    assertThat(run("suppressions", "add", "--dir", dir.toString(), "--phone", "12", "--channel", "sms"))
        .isEqualTo(2);
    assertThat(err.toString()).startsWith("outlane suppressions add: --phone: ").doesNotContain("12\"");

    assertThat(run("suppressions", "lift", "--dir", dir.toString(), "--email", EMAIL, "--channel", "sms",
        "--source", "nobody")).isEqualTo(2);
    assertThat(err.toString()).contains("unknown source \"nobody\" (known: twilio-stop, opted-out, customerio,"
        + " consent-denied, bounce-or-complaint, operator)");

    assertThat(run("suppressions", "list", "--dir", dir.resolve("missing").toString())).isEqualTo(2);
    assertThat(err.toString()).startsWith("suppressions list: no suppression store in ");

    assertThat(run("suppressions", "add", "--dir", dir.toString(), "--channel", "sms")).isEqualTo(2);
    assertThat(err.toString()).contains("Give at least one of --customer-id, --email, --phone");
  }
}
