package dev.outlane.examples.cli;

import dev.outlane.testing.DiskBytes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.DurableOptions;
import dev.outlane.storage.EncryptionKey;
import dev.outlane.twilio.testing.FakeSegmentServer;
import dev.outlane.twilio.testing.FakeTwilioServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 10.7 through the CLI: {@code send --dir} and {@code dead-letters list|replay} encrypt and
 * read a directory with the key in {@code OUTLANE_ENCRYPTION_KEY} (or {@code --encryption-key-env
 * NAME}), and never print it.
 */
class EncryptionKeyCliTest {
  private static final Instant NOW = Instant.parse("2026-11-29T18:00:00Z");
  private static final String WRITE_KEY = "seg-write-key-s3cret";
  /** Twilio answers 21211 for this number, so its event becomes a dead letter. */
  private static final String REFUSED = "+14155550177";

  @TempDir Path tmp;
  private Path data;
  private FakeTwilioServer twilio;
  private FakeSegmentServer segment;
  private final Map<String, String> env = new HashMap<>();

  @BeforeEach
  void startFakes() {
    data = tmp.resolve("outlane-data");
    twilio = FakeTwilioServer.start();
    twilio.invalid(REFUSED);
    segment = FakeSegmentServer.start(WRITE_KEY);
    env.put("TWILIO_ACCOUNT_SID", FakeTwilioServer.ACCOUNT_SID);
    env.put("TWILIO_AUTH_TOKEN", FakeTwilioServer.AUTH_TOKEN);
    env.put("SEGMENT_WRITE_KEY", WRITE_KEY);
  }

  @AfterEach
  void stopFakes() {
    twilio.close();
    segment.close();
  }

  private static String base64Key(int fill) {
    byte[] k = new byte[EncryptionKey.LENGTH];
    Arrays.fill(k, (byte) fill);
    return Base64.getEncoder().encodeToString(k);
  }

  private Path config() throws IOException {
    Path file = tmp.resolve("send.properties");
    Files.writeString(file, String.join("\n",
        "destinations = sms, segment",
        "destination.sms.type = twilio-sms",
        "destination.sms.account-sid = ${TWILIO_ACCOUNT_SID}",
        "destination.sms.auth-token = ${TWILIO_AUTH_TOKEN}",
        "destination.sms.from = +14155550000",
        "destination.sms.base-url = " + twilio.url(),
        "destination.segment.type = segment",
        "destination.segment.write-key = ${SEGMENT_WRITE_KEY}",
        "destination.segment.endpoint = " + segment.url(),
        "route.1.event = cart_abandoned",
        "route.1.to = sms",
        "route.1.option.template = Your cart is waiting",
        "route.2.event = cart_abandoned",
        "route.2.to = segment",
        ""));
    return file;
  }

  /** Two people: maya is texted, ada's number is refused (a dead letter holding her email and phone). */
  private Path events() throws IOException {
    Path file = tmp.resolve("events.ndjson");
    Files.write(file, List.of(event("e1", "maya.chen@example.com", "(415) 555-0123"),
        event("e2", "ada.lovelace@example.com", "(415) 555-0177")));
    return file;
  }

  private static String event(String id, String email, String phone) {
    return "{\"schema_version\":\"1.0\",\"event_id\":\"" + id + "\",\"event_name\":\"cart_abandoned\","
        + "\"source\":\"customerio\",\"customer_id\":\"cust-" + id + "\",\"event_time\":\"2026-11-29T17:00:00Z\","
        + "\"email\":\"" + email + "\",\"phone\":\"" + phone + "\"}";
  }

  private record Run(int exitCode, String out, String err) {}

  private Run send(String... args) {
    return execute(new SendCommand(env::get, Clock.fixed(NOW, ZoneOffset.UTC)), args);
  }

  private Run list(String... args) {
    return execute(new DeadLettersCommand.ListCommand(env::get), args);
  }

  private static Run execute(Object command, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = new CommandLine(command).setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true)).execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private Run sendEncrypted() throws IOException {
    env.put("OUTLANE_ENCRYPTION_KEY", base64Key(1));
    Run sent = send("--config", config().toString(), "--no-progress", "--dir", data.toString(),
        events().toString());
    assertThat(sent.exitCode()).as(sent.err()).isEqualTo(1); // ada's SMS was rejected
    assertThat(twilio.messages()).singleElement().extracting(FakeTwilioServer.SentMessage::to)
        .isEqualTo("+14155550123");
    return sent;
  }
  @Test
  void sendDirWithAKeyLeavesNoRawEmailOrPhoneInTheDirectoryAndNeverPrintsTheKey() throws IOException {
    Run sent = sendEncrypted();

    assertThat(DiskBytes.of(data)).isNotEmpty()
        .doesNotContain("@example.com", "maya.chen", "ada.lovelace", "555-0123", "555-0177",
            "4155550123", "4155550177");
    assertThat(sent.out() + sent.err()).doesNotContain(base64Key(1));
    // Without a key the same directory keeps them in the clear: the check above is not vacuous.
    env.remove("OUTLANE_ENCRYPTION_KEY");
    Path plain = tmp.resolve("plain");
    send("--config", config().toString(), "--no-progress", "--dir", plain.toString(), events().toString());
    assertThat(DiskBytes.of(plain)).contains("ada.lovelace@example.com");
  }

  @Test
  void listWithTheRightKeyListsTheDeadLetter() throws IOException {
    sendEncrypted();

    Run r = list("--dir", data.toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out().lines()).singleElement().asString()
        .contains(" sms rejected code=21211 ", " customer=cust-e2 ").doesNotContain("ada.lovelace");
    assertThat(r.err()).isEqualTo("1 records, 1 unresolved\n");
  }

  @Test
  void listWithAnotherVariableNamedByTheOptionReadsThatVariable() throws IOException {
    sendEncrypted();
    env.remove("OUTLANE_ENCRYPTION_KEY");
    env.put("MY_OUTLANE_KEY", base64Key(1));

    Run r = list("--dir", data.toString(), "--encryption-key-env", "MY_OUTLANE_KEY");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out().lines()).hasSize(1);
    assertThat(list("--dir", data.toString(), "--encryption-key-env", "UNSET_KEY").err())
        .isEqualTo("dead-letters list: --encryption-key-env UNSET_KEY: UNSET_KEY is not set\n");
  }

  @Test
  void listWithTheWrongKeyOrNoKeyExitsTwoNamingBothKeyIds() throws IOException {
    sendEncrypted();
    String store = DurableOptions.at(data).deadLetterDirectory().toString();
    String written = EncryptionKey.fromBase64(base64Key(1)).id();

    env.put("OUTLANE_ENCRYPTION_KEY", base64Key(2));
    Run wrong = list("--dir", data.toString());
    assertThat(wrong.exitCode()).isEqualTo(2);
    assertThat(wrong.out()).isEmpty();
    assertThat(wrong.err()).isEqualTo("dead-letters list: dead-letter store " + store
        + ": record 1 in segment 1 is encrypted with key " + written + ", but the configured key is "
        + EncryptionKey.fromBase64(base64Key(2)).id() + "; open it with the key it was written with\n");

    env.remove("OUTLANE_ENCRYPTION_KEY");
    Run none = list("--dir", data.toString());
    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(none.err()).startsWith("dead-letters list: dead-letter store " + store
        + ": record 1 in segment 1 is encrypted (key " + written + ") and no encryption key is configured");
  }

  @Test
  void aSendWithTheWrongKeyRefusesTheDirectoryAndSendsNothing() throws IOException {
    sendEncrypted();
    int requests = twilio.requestCount();
    env.put("OUTLANE_ENCRYPTION_KEY", base64Key(2));

    Run again = send("--config", config().toString(), "--no-progress", "--dir", data.toString(),
        events().toString());

    assertThat(again.exitCode()).isEqualTo(2);
    assertThat(again.err()).startsWith("outlane send: --dir " + data + ": ")
        .contains(" is encrypted with key " + EncryptionKey.fromBase64(base64Key(1)).id() + ", but the configured key is ");
    assertThat(twilio.requestCount()).isEqualTo(requests);
  }

  @Test
  void aMalformedKeyIsAUsageErrorNamingTheVariableAndNotTheValue() throws IOException {
    String secret = "c2VjcmV0LWJ1dC1zaG9ydA=="; // base64 of "secret-but-short", 16 bytes
    env.put("OUTLANE_ENCRYPTION_KEY", secret);

    Run sent = send("--config", config().toString(), "--no-progress", "--dir", data.toString(),
        events().toString());
    assertThat(sent.exitCode()).isEqualTo(2);
    assertThat(sent.err()).isEqualTo(
        "outlane send: OUTLANE_ENCRYPTION_KEY: must be 32 bytes (AES-256), was 16 bytes\n");
    assertThat(twilio.requestCount()).isZero();
    assertThat(data).doesNotExist();

    env.put("OUTLANE_ENCRYPTION_KEY", "not base64 at all: " + secret);
    Run listed = list("--dir", data.toString());
    assertThat(listed.exitCode()).isEqualTo(2);
    assertThat(listed.err()).isEqualTo("dead-letters list: OUTLANE_ENCRYPTION_KEY: not base64 (expected"
        + " 32 random bytes in base64, e.g. from `openssl rand -base64 32`)\n");

    Run replayed = execute(new DeadLettersCommand.ReplayCommand(env::get), "--dir", data.toString(), "--dry-run");
    assertThat(replayed.exitCode()).isEqualTo(2);
    assertThat(replayed.err()).startsWith("dead-letters replay: OUTLANE_ENCRYPTION_KEY: not base64");
    assertThat(sent.err() + listed.err() + replayed.err()).doesNotContain(secret);
  }

  @Test
  void theOptionWithoutDirIsAUsageError() throws IOException {
    Run r = send("--config", config().toString(), "--no-progress", "--encryption-key-env", "MY_KEY",
        events().toString());

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).isEqualTo(
        "outlane send: --encryption-key-env: only with --dir (without it nothing is written to disk)\n");
  }
}
