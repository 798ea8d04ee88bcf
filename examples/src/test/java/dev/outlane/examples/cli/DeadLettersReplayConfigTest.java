package dev.outlane.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.examples.cli.OutlaneCliTest.Run;
import dev.outlane.testing.Fault;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code dead-letters replay --config}: dead letters made by {@code send --dir --config} against
 * failing fakes, replayed through the same file's real adapters once the fakes are healthy.
 */
class DeadLettersReplayConfigTest {
  private static final Instant NOW = Instant.parse("2026-11-29T18:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final String WRITE_KEY = "seg-write-key-s3cret";
  private static final String GOOD = "+14155550123";
  private static final String FIXED_LATER = "+14155550177";

  @TempDir Path tmp;

  private Path dir;
  private FakeTwilioServer twilio;
  private FakeSegmentServer segment;
  private final Map<String, String> env = new HashMap<>();

  @BeforeEach
  void startFakes() {
    dir = tmp.resolve("outlane-data");
    twilio = FakeTwilioServer.start();
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

  /** SMS (with the route's template) and Segment, the SMS pointed at {@code twilioUrl}. */
  private Path config(String file, HttpUrl twilioUrl) throws IOException {
    Path path = tmp.resolve(file);
    Files.writeString(path, String.join("\n",
        "destinations = sms, segment",
        "destination.sms.type = twilio-sms",
        "destination.sms.account-sid = ${TWILIO_ACCOUNT_SID}",
        "destination.sms.auth-token = ${TWILIO_AUTH_TOKEN}",
        "destination.sms.from = +14155550000",
        "destination.sms.base-url = " + twilioUrl,
        "destination.segment.type = segment",
        "destination.segment.write-key = ${SEGMENT_WRITE_KEY}",
        "destination.segment.endpoint = " + segment.url(),
        "route.1.event = cart_abandoned",
        "route.1.window = 0h-24h",
        "route.1.to = sms",
        "route.1.option.template = Hi {{properties.first_name}}, your cart is waiting",
        "route.2.event = cart_abandoned",
        "route.2.to = segment",
        ""));
    return path;
  }

  private Path events(String... phones) throws IOException {
    Path file = tmp.resolve("events.ndjson");
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < phones.length; i++) {
      b.append("{\"schema_version\":\"1.0\",\"event_id\":\"e").append(i + 1)
          .append("\",\"event_name\":\"cart_abandoned\",\"source\":\"customerio\",\"customer_id\":\"cust-")
          .append(i + 1).append("\",\"event_time\":\"2026-11-29T17:00:00Z\",\"phone\":\"").append(phones[i])
          .append("\",\"properties\":{\"first_name\":\"Ada\"}}\n");
    }
    Files.writeString(file, b.toString());
    return file;
  }

  private Run send(Path config, Path events) {
    return execute(new SendCommand(env::get, CLOCK), "--config", config.toString(), "--dir",
        dir.toString(), "--no-progress", events.toString());
  }

  private Run replay(String... args) {
    return execute(new DeadLettersCommand.ReplayCommand(env::get), args);
  }

  private static Run execute(Object command, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = new CommandLine(command).setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true)).execute(args);
    String nl = System.lineSeparator();
    return new Run(code, out.toString().replace(nl, "\n"), err.toString().replace(nl, "\n"));
  }

  private static void assertNoSecret(Run r) {
    for (String secret : List.of(FakeTwilioServer.AUTH_TOKEN, WRITE_KEY)) {
      assertThat(r.out()).doesNotContain(secret);
      assertThat(r.err()).doesNotContain(secret);
    }
  }

  @Test
  void anSmsRejectedForABadNumberIsSentOnceThroughTheConfiguredTwilioAfterTheFix() throws IOException {
    twilio.invalid(FIXED_LATER);
    Run sent = send(config("send.properties", twilio.url()), events(GOOD, FIXED_LATER));
    assertThat(sent.exitCode()).isEqualTo(1);
    assertThat(sent.out()).contains("error codes: sms 21211 ×1");
    assertThat(twilio.messages()).extracting(FakeTwilioServer.SentMessage::to).containsExactly(GOOD);
    assertThat(segment.events()).hasSize(2);
    int segmentRequests = segment.requestCount();

    // The number is fixed: the same configuration, pointed at a Twilio that now accepts it.
    try (FakeTwilioServer healthy = FakeTwilioServer.start()) {
      Path fixed = config("fixed.properties", healthy.url());

      Run dry = replay("--dir", dir.toString(), "--config", fixed.toString(), "--reason", "rejected",
          "--dry-run");
      assertThat(dry.exitCode()).isZero();
      assertThat(dry.out().lines()).singleElement().asString()
          .startsWith("would-replay ").contains(" sms rejected code=21211 ", " customer=cust-2 ");
      assertThat(dry.err()).isEqualTo("dry run: 1 matched, 0 already resolved, 0 skipped, 1 would be"
          + " replayed\n");
      assertThat(healthy.requestCount()).isZero();

      Run first = replay("--dir", dir.toString(), "--config", fixed.toString(), "--reason",
          "rejected");
      assertThat(first.exitCode()).isZero();
      assertThat(first.out().lines()).singleElement().asString()
          .startsWith("resolved: delivered ").doesNotContain(FIXED_LATER);
      assertThat(first.err()).isEqualTo("1 matched, 0 already resolved, 0 skipped, 1 replayed,"
          + " 1 resolved, 0 still failing\n");
      // Exactly the replayed request, with the route's template; Segment is not sent to again.
      assertThat(healthy.messages()).singleElement().satisfies(m -> {
        assertThat(m.to()).isEqualTo(FIXED_LATER);
        assertThat(m.body()).isEqualTo("Hi Ada, your cart is waiting");
      });
      assertThat(healthy.requestCount()).isEqualTo(1);
      assertThat(segment.requestCount()).isEqualTo(segmentRequests);
      assertNoSecret(dry);
      assertNoSecret(first);

      Run second = replay("--dir", dir.toString(), "--config", fixed.toString(), "--reason",
          "rejected");
      assertThat(second.exitCode()).isZero();
      assertThat(second.out()).isEmpty();
      assertThat(second.err()).isEqualTo("1 matched, 1 already resolved, 0 skipped, 0 replayed,"
          + " 0 resolved, 0 still failing\n");
      assertThat(healthy.requestCount()).isEqualTo(1);
    }
    assertThat(OutlaneCliTest.run("dead-letters", "list", "--dir", dir.toString()).err())
        .isEqualTo("0 records, 0 unresolved\n");
  }

  @Test
  void aSegmentBatchAnswered400IsReplayedToSegmentOnlyOnceItIsHealthy() throws IOException {
    segment.enqueueFault(Fault.status(400));
    Path config = config("send.properties", twilio.url());
    Run sent = send(config, events(GOOD));
    assertThat(sent.exitCode()).isEqualTo(1);
    assertThat(segment.events()).isEmpty();
    assertThat(twilio.requestCount()).isEqualTo(1);

    Run first = replay("--dir", dir.toString(), "--config", config.toString(), "--destination",
        "segment", "--reason", "rejected");
    assertThat(first.exitCode()).isZero();
    assertThat(first.out().lines()).singleElement().asString()
        .startsWith("resolved: delivered ").contains(" segment rejected ");
    assertThat(segment.events()).extracting(e -> e.get("userId")).containsExactly("cust-1");
    assertThat(segment.requestCount()).isEqualTo(2);
    assertThat(twilio.requestCount()).isEqualTo(1);
    assertNoSecret(first);

    Run second = replay("--dir", dir.toString(), "--config", config.toString(), "--reason",
        "rejected");
    assertThat(second.exitCode()).isZero();
    assertThat(second.err()).isEqualTo("1 matched, 1 already resolved, 0 skipped, 0 replayed,"
        + " 0 resolved, 0 still failing\n");
    assertThat(segment.requestCount()).isEqualTo(2);
  }

  @Test
  void aRecordWhoseDestinationTheFileDoesNotNameIsSkippedAndNamed() throws IOException {
    twilio.invalid(FIXED_LATER);
    send(config("send.properties", twilio.url()), events(FIXED_LATER));
    Path segmentOnly = tmp.resolve("segment-only.properties");
    Files.writeString(segmentOnly, String.join("\n",
        "destinations = segment",
        "destination.segment.type = segment",
        "destination.segment.write-key = ${SEGMENT_WRITE_KEY}",
        "destination.segment.endpoint = " + segment.url(),
        "route.1.event = cart_abandoned",
        "route.1.to = segment",
        ""));
    int segmentRequests = segment.requestCount();

    Run r = replay("--dir", dir.toString(), "--config", segmentOnly.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out()).startsWith("skipped: destination \"sms\" is not registered ");
    assertThat(r.err()).isEqualTo("not in " + segmentOnly + ", skipped: sms\n"
        + "1 matched, 0 already resolved, 1 skipped, 0 replayed, 0 resolved, 0 still failing\n");
    assertThat(segment.requestCount()).isEqualTo(segmentRequests);
  }

  @Test
  void aConfigurationProblemExitsTwoNamingTheKeyWithoutTheSecret() throws IOException {
    Path config = config("send.properties", twilio.url());
    env.remove("SEGMENT_WRITE_KEY");

    Run r = replay("--dir", dir.toString(), "--config", config.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("dead-letters replay: " + config
        + ": destination.segment.write-key: environment variable SEGMENT_WRITE_KEY is not set\n");
    assertNoSecret(r);
  }

  @Test
  void aDirectoryWithoutDeadLettersExitsTwoAndIsNotCreated() throws IOException {
    Run r = replay("--dir", dir.toString(), "--config", config("send.properties", twilio.url())
        .toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("dead-letters replay: no dead-letter store in " + dir
        + " (expected " + dir.resolve("dead-letters") + ")\n");
    assertThat(dir).doesNotExist();
  }
}
