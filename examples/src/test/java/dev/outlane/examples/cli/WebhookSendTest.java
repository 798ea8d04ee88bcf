package dev.outlane.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.webhook.testing.FakeWebhookServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code outlane send} configures the signed webhook destination from its properties file. */
class WebhookSendTest {
  private static final Instant NOW = Instant.parse("2026-11-29T18:00:00Z");
  private static final String SECRET = "whsec_send_test_0123456789";

  @TempDir Path dir;
  private final FakeWebhookServer receiver = FakeWebhookServer.start(SECRET);
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @AfterEach
  void close() {
    receiver.close();
  }

  private Path config(String hashing) throws IOException {
    Path file = dir.resolve("send.properties");
    Files.writeString(file, String.join("\n",
        "destinations = hook",
        "destination.hook.type = webhook",
        "destination.hook.url = " + receiver.url(),
        "destination.hook.secret = ${OUTLANE_WEBHOOK_SECRET}",
        "destination.hook.hashing = " + hashing,
        "route.1.event = cart_abandoned",
        "route.1.to = hook",
        "region = US", ""));
    return file;
  }

  private Path events() throws IOException {
    Path file = dir.resolve("events.ndjson");
    Files.write(file, List.of("{\"schema_version\":\"1.0\",\"event_id\":\"e1\",\"event_name\":\"cart_abandoned\","
        + "\"source\":\"customerio\",\"customer_id\":\"cust-1\",\"event_time\":\"2026-11-29T17:00:00Z\","
        + "\"email\":\"Ada@Example.com\",\"phone\":\"(415) 555-0123\"}"));
    return file;
  }

  private int run(String... args) {
    SendCommand send = new SendCommand(Map.of("OUTLANE_WEBHOOK_SECRET", SECRET)::get, Clock.fixed(NOW, ZoneOffset.UTC));
    return new CommandLine(send).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
        .execute(args);
  }

  @Test
  void anEventReachesTheWebhookSignedAndHashedAndTheSecretIsNeverPrinted() throws IOException {
    int exit = run("--config", config("meta").toString(), "--no-progress", events().toString());

    assertThat(exit).as(err.toString()).isZero();
    assertThat(receiver.events()).singleElement().satisfies(e ->
        assertThat(e.get("identifiers").toString()).contains("email_sha256").doesNotContain("ada"));
    assertThat(receiver.badSignatureCount()).isZero();
    assertThat(out.toString() + err).doesNotContain(SECRET);
  }

  @Test
  void anUnknownHashingIsRefusedNamingTheKeyAndTheKnownProfiles() throws IOException {
    int exit = run("--config", config("sha1").toString(), "--no-progress", events().toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains(
        "destination.hook.hashing: unknown hashing profile \"sha1\" (known: meta, google, tiktok)");
    assertThat(receiver.requestCount()).isZero();
  }
}
