package dev.outlane.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.ads.testing.FakeMetaServer;
import dev.outlane.hashing.HashingProfile;
import dev.outlane.twilio.testing.FakeSegmentServer;
import dev.outlane.twilio.testing.FakeTwilioServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SendCommandTest {
  private static final Instant NOW = Instant.parse("2026-11-29T18:00:00Z");
  private static final String WRITE_KEY = "seg-write-key-s3cret";
  private static final String STOPPED = "+14155550188";

  @TempDir Path dir;

  private FakeTwilioServer twilio;
  private FakeSegmentServer segment;
  private final Map<String, String> env = new HashMap<>();
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void startFakes() {
    twilio = FakeTwilioServer.start();
    twilio.optOut(STOPPED);
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

  private Path config(String... extra) throws IOException {
    StringBuilder b = new StringBuilder();
    b.append("destinations = sms, segment\n");
    b.append("destination.sms.type = twilio-sms\n");
    b.append("destination.sms.account-sid = ${TWILIO_ACCOUNT_SID}\n");
    b.append("destination.sms.auth-token = ${TWILIO_AUTH_TOKEN}\n");
    b.append("destination.sms.from = +14155550000\n");
    b.append("destination.sms.base-url = ").append(twilio.url()).append('\n');
    b.append("destination.sms.concurrency = 1\n");
    b.append("destination.segment.type = segment\n");
    b.append("destination.segment.write-key = ${SEGMENT_WRITE_KEY}\n");
    b.append("destination.segment.endpoint = ").append(segment.url()).append('\n');
    b.append("route.1.event = cart_abandoned\n");
    b.append("route.1.window = 0h-24h\n");
    b.append("route.1.to = sms\n");
    b.append("route.1.option.template = Hi {{properties.first_name}}, your {{commerce.currency}} {{commerce.cart_value}} cart is waiting\n");
    b.append("route.2.event = cart_abandoned\n");
    b.append("route.2.to = segment\n");
    b.append("region = US\n");
    for (String line : extra) {
      b.append(line).append('\n');
    }
    Path file = dir.resolve("send.properties");
    Files.writeString(file, b.toString());
    return file;
  }

  private static String event(String id, String customer, String phone, String time) {
    return "{\"schema_version\":\"1.0\",\"event_id\":\"" + id + "\",\"event_name\":\"cart_abandoned\","
        + "\"source\":\"customerio\",\"customer_id\":\"" + customer + "\",\"event_time\":\"" + time + "\","
        + "\"phone\":\"" + phone + "\",\"commerce\":{\"cart_value\":\"129.90\",\"currency\":\"EUR\"},"
        + "\"properties\":{\"first_name\":\"Ada\"}}";
  }

  /** Five lines: a send, its webhook retry, an opted-out person, an invalid line, a stale event. */
  private Path events() throws IOException {
    Path file = dir.resolve("events.ndjson");
    Files.write(file, List.of(
        event("e1", "cust-1", "(415) 555-0123", "2026-11-29T17:00:00Z"),
        event("e2", "cust-1", "(415) 555-0123", "2026-11-29T17:00:00Z"),
        event("e3", "cust-2", STOPPED, "2026-11-29T16:00:00Z"),
        "{\"schema_version\":\"1.0\",\"event_id\":\"e4\",\"event_name\":\"cart_abandoned\",\"source\":\"customerio\",\"event_time\":\"2026-11-29T16:00:00Z\"}",
        "",
        event("e5", "cust-3", "+14155550177", "2026-11-26T16:00:00Z")));
    return file;
  }

  private int run(String... args) {
    // The registered command reads the process environment; this one reads the test's.
    SendCommand send = new SendCommand(env::get, Clock.fixed(NOW, ZoneOffset.UTC));
    CommandLine command = new CommandLine(send);
    return command.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
  }

  @Test
  void sendsEachEventThroughTheConfiguredAdaptersAndReportsPerDestination() throws IOException {
    int exit = run("--config", config().toString(), "--no-progress", events().toString());

    // One POST per person that may be texted: cust-1 once (e2 is deduplicated), cust-2 answered 21610.
    assertThat(twilio.requestCount()).isEqualTo(2);
    assertThat(twilio.messages()).singleElement().satisfies(m -> {
      assertThat(m.to()).isEqualTo("+14155550123");
      assertThat(m.from()).isEqualTo("+14155550000");
      assertThat(m.body()).isEqualTo("Hi Ada, your EUR 129.90 cart is waiting");
    });
    // Segment gets every valid event once (including the stale one: its route has no window).
    assertThat(segment.events()).extracting(e -> e.get("userId")).containsExactly("cust-1", "cust-2", "cust-3");
    assertThat(segment.duplicateCount()).isZero();

    assertThat(out.toString()).isEqualTo(String.join("\n",
        "line 4: $.customer_id: is required",
        "destination            delivered  deduplicated    suppressed         stale      rejected     opted-out dead-lettered   removes",
        "sms                            1             1             0             1             0             1             0         0",
        "segment                        3             1             0             0             0             0             0         0",
        "error codes: sms 21610 ×1",
        "lines: 5 read, 1 invalid; events: 4 accepted, 0 not routed",
        "dead letters were kept in memory only and are gone: use --dir DIR to keep them",
        ""));
    assertThat(exit).isEqualTo(1); // the invalid line
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void inDurableModeSendingTheSameFileAgainSendsNothingTwice() throws IOException {
    Path data = dir.resolve("outlane-data");
    Path config = config();
    Path events = events();

    run("--config", config.toString(), "--no-progress", "--dir", data.toString(), events.toString());
    assertThat(out.toString()).contains("dead letters are kept in " + data + ": outlane dead-letters list --dir " + data);
    int twilioRequests = twilio.requestCount();
    long segmentEvents = segment.acceptedCount();
    out.getBuffer().setLength(0);

    run("--config", config.toString(), "--no-progress", "--dir", data.toString(), events.toString());

    // cust-1's SMS is deduplicated from the durable store: no second message. cust-2's STOP was
    // stored in the durable suppression list, so Twilio is not asked again at all.
    assertThat(twilio.messages()).hasSize(1);
    assertThat(twilio.requestCount()).isEqualTo(twilioRequests);
    assertThat(segment.acceptedCount()).isEqualTo(segmentEvents);
    assertThat(out.toString()).contains(
        "sms                            0             2             1             1             0             0             0         0\n",
        "segment                        0             4             0             0             0             0             0         0\n");
  }

  @Test
  void aCleanFileExitsZero() throws IOException {
    Path file = dir.resolve("clean.ndjson");
    Files.write(file, List.of(event("e1", "cust-1", "+14155550123", "2026-11-29T17:00:00Z")));

    int exit = run("--config", config().toString(), "--no-progress", file.toString());

    assertThat(exit).isZero();
    assertThat(twilio.requestCount()).isEqualTo(1);
    assertThat(segment.acceptedCount()).isEqualTo(1);
  }

  @Test
  void aDryRunPrintsWhatEachDestinationWouldReceiveAndSendsNothing() throws IOException {
    int exit = run("--config", config().toString(), "--dry-run", "--no-progress", events().toString());

    assertThat(twilio.requestCount()).isZero();
    assertThat(segment.requestCount()).isZero();
    String text = out.toString();
    assertThat(text.lines().filter(l -> l.startsWith("sms: ")).toList()).containsExactly(
        "sms: To=+1******0123 Body=\"Hi Ada, your EUR 129.90 cart is waiting\"",
        "sms: To=+1******0188 Body=\"Hi Ada, your EUR 129.90 cart is waiting\"");
    assertThat(text.lines().filter(l -> l.startsWith("segment: ")).toList())
        .hasSize(3)
        .allMatch(l -> l.matches("segment: track \"cart_abandoned\" userId=cust-\\d messageId=ol1-[0-9a-f]{64} timestamp=2026-11-2\\dT16:00:00Z|"
            + "segment: track \"cart_abandoned\" userId=cust-1 messageId=ol1-[0-9a-f]{64} timestamp=2026-11-29T17:00:00Z"));
    assertThat(text).contains("line 4: $.customer_id: is required");
    assertThat(text).contains(
        "destination           would-send  deduplicated    suppressed         stale      rejected     opted-out dead-lettered   removes\n"
            + "sms                            2             1             0             1             0             0             0         0\n");
    assertThat(text).endsWith("dry run: nothing was sent\n");
    assertThat(text).doesNotContain("+14155550123", FakeTwilioServer.AUTH_TOKEN, WRITE_KEY);
    assertThat(exit).isEqualTo(1);
  }

  @Test
  void anUnsetEnvironmentVariableIsAUsageErrorNamingItAndNoSecretIsPrinted() throws IOException {
    env.remove("TWILIO_AUTH_TOKEN");
    Path config = config();

    int exit = run("--config", config.toString(), "--dry-run", events().toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("outlane send: " + config
        + ": destination.sms.auth-token: environment variable TWILIO_AUTH_TOKEN is not set\n");
    assertThat(out.toString()).isEmpty();
    assertThat(twilio.requestCount()).isZero();
  }

  @Test
  void aSecretTheAdapterRefusesIsNamedByKeyNotByValue() throws IOException {
    env.put("SEGMENT_WRITE_KEY", "top:secret");
    Path config = config();

    int exit = run("--config", config.toString(), events().toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("outlane send: " + config
        + ": destination.segment.write-key: must not contain ':' or surrounding whitespace\n");
    assertThat(err.toString() + out).doesNotContain("top:secret");
  }

  private static final String SECRET = "SECRET-4f9a2c";

  @Test
  void aValueFromTheEnvironmentIsNeverPrintedWhateverKeyItSitsIn() throws IOException {
    env.put("OUTLANE_SECRET", SECRET);
    String base = Files.readString(config());
    Map<String, String> configs = new java.util.LinkedHashMap<>();
    configs.put("route.1.option.template", base.replaceAll("(?m)^route.1.option.template = .*$",
        java.util.regex.Matcher.quoteReplacement("route.1.option.template = Hi {{properties.first_name}}, ${OUTLANE_SECRET}")));
    configs.put("route.1.option.other", base + "route.1.option.other = ${OUTLANE_SECRET}\n");
    configs.put("route.1.target", base + "route.1.target = ${OUTLANE_SECRET}\n");
    for (Map.Entry<String, String> c : configs.entrySet()) {
      Path file = dir.resolve("secret.properties");
      Files.writeString(file, c.getValue());
      out.getBuffer().setLength(0);

      run("--config", file.toString(), "--dry-run", "--no-progress", events().toString());

      assertThat(out.toString() + err).as(c.getKey()).contains("sms: To=+1******0123").doesNotContain(SECRET);
      if (c.getKey().equals("route.1.option.template")) {
        assertThat(out.toString()).contains(
            "sms: To=+1******0123 Body=(template from ${OUTLANE_SECRET} not shown)\n");
      }
    }
  }

  /** Keys the adapters' builders check: their messages never quote the value at all (Settings). */
  private static final java.util.Set<String> ADAPTER_CHECKED =
      java.util.Set.of("destination.segment.endpoint", "destination.sms.base-url");

  @Test
  void errorMessagesNameTheKeyAndNotAValueFromTheEnvironment() throws IOException {
    env.put("OUTLANE_SECRET", SECRET);
    String hidden = "(value from ${OUTLANE_SECRET} not shown)";
    Map<String, String> expected = new java.util.LinkedHashMap<>();
    expected.put("destination.sms.concurrency", "destination.sms.concurrency: must be a whole number 1–64, was " + hidden);
    expected.put("destination.segment.endpoint", "destination.segment.endpoint: ");
    expected.put("destination.sms.base-url", "destination.sms.base-url: ");
    expected.put("region", "region: not a supported region: " + hidden);
    expected.put("route.1.event", "route.1.event: ");
    for (Map.Entry<String, String> e : expected.entrySet()) {
      Path file = dir.resolve("secret.properties");
      String text = Files.readString(config());
      text = text.replaceAll("(?m)^" + java.util.regex.Pattern.quote(e.getKey()) + " = .*$", "");
      Files.writeString(file, text + e.getKey() + " = ${OUTLANE_SECRET}\n");
      err.getBuffer().setLength(0);

      int exit = run("--config", file.toString(), "--dry-run", "--no-progress", events().toString());

      assertThat(exit).as(e.getKey()).isEqualTo(2);
      assertThat(err.toString()).as(e.getKey()).startsWith("outlane send: " + file + ": " + e.getValue())
          .doesNotContain(SECRET);
      if (!ADAPTER_CHECKED.contains(e.getKey())) {
        // The CLI's own messages quote the value they refuse; from the environment, it is hidden.
        assertThat(err.toString()).as(e.getKey()).contains(hidden);
      }
    }
  }

  @Test
  void aConfigMayReadOnlyOutlanesOwnFamiliesOfEnvironmentVariables() throws IOException {
    env.put("PATH", "/usr/bin:/bin");
    Path file = dir.resolve("path.properties");
    Files.writeString(file, Files.readString(config()) + "route.1.option.path = ${PATH}\n");

    int exit = run("--config", file.toString(), "--dry-run", "--no-progress", events().toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("outlane send: " + file + ": route.1.option.path: environment variable"
        + " PATH may not be read by a config (allowed: names starting OUTLANE_, TWILIO_, SEGMENT_, META_,"
        + " TIKTOK_, GOOGLE_, CUSTOMERIO_)\n");
    assertThat(out.toString()).doesNotContain("/usr/bin");
  }

  @Test
  void anUnknownKeyIsAUsageErrorNamingIt() throws IOException {
    Path config = config("destination.sms.acount-sid = AC1");

    int exit = run("--config", config.toString(), events().toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("outlane send: " + config
        + ": destination.sms.acount-sid: unknown key for type twilio-sms (known: account-sid, auth-token,"
        + " api-key-sid, api-key-secret, from, messaging-service-sid, template, status-callback, region, edge,"
        + " base-url, concurrency)\n");
  }

  @Test
  void aMissingRequiredKeyIsAUsageErrorNamingIt() throws IOException {
    Path config = dir.resolve("min.properties");
    Files.writeString(config, "destinations = segment\ndestination.segment.type = segment\n"
        + "route.1.event = cart_abandoned\nroute.1.to = segment\n");

    int exit = run("--config", config.toString(), events().toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("outlane send: " + config
        + ": destination.segment.write-key: required for type segment\n");
  }

  @Test
  void aKeyGivenTwiceIsAUsageError() throws IOException {
    Path config = config("region = DE");

    int exit = run("--config", config.toString(), events().toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("outlane send: " + config + ": region: given more than once\n");
  }

  @Test
  void theExampleConfigurationIsValid() throws IOException {
    env.put("TWILIO_MESSAGING_SERVICE_SID", "MG" + "0".repeat(32));
    Path example = Path.of("config/send.example.properties");
    Path file = dir.resolve("clean.ndjson");
    Files.write(file, List.of(event("e1", "cust-1", "+14155550123", "2026-11-29T17:00:00Z")));

    int exit = run("--config", example.toString(), "--dry-run", "--no-progress", file.toString());

    assertThat(err.toString()).isEmpty();
    assertThat(exit).isZero();
    assertThat(out.toString()).startsWith(
        "sms: To=+1******0123 Body=\"Your EUR 129.90 cart is waiting. Reply STOP to opt out.\"\n");
  }

  private int runAt(Instant now, String... args) {
    SendCommand send = new SendCommand(env::get, Clock.fixed(now, ZoneOffset.UTC));
    return new CommandLine(send).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
  }

  @Test
  void twoDaysLaterTheShippedCartFileIsAllStaleButAsOfItsDayTheDryRunShowsMaskedPhonesAndBodies() {
    env.put("TWILIO_MESSAGING_SERVICE_SID", "MG" + "0".repeat(32));
    Instant twoDaysLater = Instant.parse("2026-12-01T20:00:00Z");
    String[] args = {"--config", "config/send.example.properties", "--dry-run", "--no-progress",
        "payloads/cart-abandoned-high-aov.ndjson"};

    runAt(twoDaysLater, args);
    assertThat(out.toString()).doesNotContain("sms: To=")
        .contains("sms                            0             0             0             3");
    out.getBuffer().setLength(0);

    String[] asOf = new String[args.length + 2];
    System.arraycopy(args, 0, asOf, 2, args.length);
    asOf[0] = "--as-of";
    asOf[1] = "2026-11-29T20:00:00Z";
    int exit = runAt(twoDaysLater, asOf);

    assertThat(err.toString()).isEmpty();
    assertThat(out.toString().lines().filter(l -> l.startsWith("sms: ")).toList()).containsExactly(
        "sms: To=+1******0123 Body=\"Your USD 412.50 cart is waiting. Reply STOP to opt out.\"",
        "sms: would be rejected: no phone number",
        "sms: To=+1******0148 Body=\"Your EUR 1250.00 cart is waiting. Reply STOP to opt out.\"");
    assertThat(out.toString()).doesNotContain("+12015550123", "maya.chen@example.com");
    assertThat(exit).isEqualTo(1); // the cart without a phone would be rejected
  }

  @Test
  void asOfIsOnlyForADryRunAndMustBeRfc3339() throws IOException {
    Path config = config();
    Path events = events();

    assertThat(run("--config", config.toString(), "--as-of", "2026-11-29T20:00:00Z", events.toString())).isEqualTo(2);
    assertThat(run("--config", config.toString(), "--dry-run", "--as-of", "29/11/2026", events.toString())).isEqualTo(2);

    assertThat(err.toString()).isEqualTo(
        "outlane send: --as-of: only with --dry-run (a real send judges event ages by the current time)\n"
            + "outlane send: --as-of: must be an RFC 3339 time such as 2026-11-29T20:00:00Z, was \"29/11/2026\"\n");
    assertThat(twilio.requestCount()).isZero();
  }

  @Test
  void asOfAcceptsAnOffsetAndLowerCaseLetters() {
    assertThat(SendCommand.parseRfc3339("2026-11-29t21:00:00+01:00")).isEqualTo(Instant.parse("2026-11-29T20:00:00Z"));
    assertThat(SendCommand.parseRfc3339("2026-11-29T20:00:00.5z")).isEqualTo(Instant.parse("2026-11-29T20:00:00.500Z"));
    assertThat(SendCommand.parseRfc3339("2026-11-29T20:00:00")).isNull(); // no offset: ambiguous
  }

  /**
   * The state a SIGKILL leaves: e1 journaled, its SMS attempted (recorded before the request) but
   * no outcome recorded; the process died before it could learn whether the message went out.
   */
  private static void crashedWhileTexting(Path data, String eventJson) {
    dev.outlane.contract.EventCodec codec = dev.outlane.contract.EventCodec.builder().build();
    dev.outlane.contract.RetentionEvent e = codec.read(eventJson);
    dev.outlane.DurableOptions options = dev.outlane.DurableOptions.at(data);
    try (dev.outlane.journal.FileEventJournal journal = dev.outlane.journal.FileEventJournal.builder()
        .directory(options.journalDirectory()).serializer(dev.outlane.journal.EventSerializer.json(codec))
        .fsync(false).open()) {
      journal.append(e);
    }
    try (dev.outlane.guardrail.FileIdempotencyStore store = dev.outlane.guardrail.FileIdempotencyStore.builder()
        .directory(options.idempotencyDirectory()).fsync(false).open()) {
      store.recordAttempts(List.of(dev.outlane.idempotency.IdempotencyKeys.create().keyFor("sms", e)), NOW);
    }
  }

  @Test
  void aRunAfterACrashReportsWhatRecoveryDeadLetteredAndExitsOne() throws IOException {
    Path data = dir.resolve("outlane-data");
    crashedWhileTexting(data, event("e1", "cust-1", "(415) 555-0123", "2026-11-29T17:00:00Z"));
    Path file = dir.resolve("next.ndjson");
    Files.write(file, List.of(event("e9", "cust-9", "+14155550199", "2026-11-29T17:30:00Z")));

    int exit = run("--config", config().toString(), "--no-progress", "--dir", data.toString(), file.toString());

    // The file's own event was delivered; the recovered one's SMS may have gone out: never resent.
    assertThat(twilio.messages()).extracting(m -> m.to()).containsExactly("+14155550199");
    assertThat(out.toString()).contains(
        "sms                            1             0             0             0             0             0             0         0\n",
        "recovered 1 pending event from the journal of " + data + " (left by a run that stopped early):"
            + " 1 activation dead-lettered (needs-reconciliation 1)\n",
        "dead letters are kept in " + data + ": outlane dead-letters list --dir " + data + "\n");
    assertThat(exit).isEqualTo(1);

    // The next run has nothing to recover, and its clean file exits 0 again.
    out.getBuffer().setLength(0);
    Path clean = dir.resolve("clean.ndjson");
    Files.write(clean, List.of(event("e10", "cust-10", "+14155550110", "2026-11-29T17:40:00Z")));
    assertThat(run("--config", config().toString(), "--no-progress", "--dir", data.toString(), clean.toString())).isZero();
    assertThat(out.toString()).doesNotContain("recovered");
  }

  @Test
  void aJournalRecordThatCannotBeReReadIsWarnedAboutOnStderr() throws IOException {
    Path data = dir.resolve("outlane-data");
    dev.outlane.contract.EventCodec gb = dev.outlane.contract.EventCodec.builder()
        .identityNormalizer(dev.outlane.identity.IdentityNormalizer.builder().defaultRegion("GB").build()).build();
    try (dev.outlane.journal.FileEventJournal journal = dev.outlane.journal.FileEventJournal.builder()
        .directory(dev.outlane.DurableOptions.at(data).journalDirectory())
        .serializer(bareJson(gb)).fsync(false).open()) {
      journal.append(gb.read(event("e-gb", "cust-gb", "020 7946 0018", "2026-11-29T17:00:00Z")));
    }
    Path clean = dir.resolve("clean.ndjson");
    Files.write(clean, List.of(event("e1", "cust-1", "+14155550123", "2026-11-29T17:00:00Z")));

    // The configuration says region = US: the GB record's local phone no longer reads.
    int exit = run("--config", config().toString(), "--no-progress", "--dir", data.toString(), clean.toString());

    assertThat(err.toString()).isEqualTo("warning: 1 unreadable record kept in " + data + " (not delivered,"
        + " listed or replayed; was it written under another configuration, e.g. another region? see the WARN log)\n");
    assertThat(exit).isEqualTo(1);
  }

  @Test
  void aRecoveryThatDeadLettersNothingSaysSo() {
    assertThat(SendCommand.recoveryLine(2, Path.of("d"), Map.of()))
        .isEqualTo("recovered 2 pending events from the journal of d (left by a run that stopped early):"
            + " none of their activations dead-lettered");
  }

  /**
   * The payload form of releases before the identity rules were recorded with each event (bare
   * contract JSON, re-read with the current configuration's codec).
   */
  private static dev.outlane.journal.EventSerializer bareJson(dev.outlane.contract.EventCodec codec) {
    return new dev.outlane.journal.EventSerializer() {
      @Override
      public byte[] write(dev.outlane.contract.RetentionEvent event) {
        return codec.toJson(event).getBytes(StandardCharsets.UTF_8);
      }

      @Override
      public dev.outlane.contract.RetentionEvent read(byte[] bytes) {
        return codec.read(new String(bytes, StandardCharsets.UTF_8));
      }
    };
  }

  /** A journal whose third append fails as a full disk makes it fail, cause chain included. */
  private static final class FullDiskJournal implements dev.outlane.journal.EventJournal {
    private final java.util.concurrent.atomic.AtomicLong sequence = new java.util.concurrent.atomic.AtomicLong();

    @Override
    public long append(dev.outlane.contract.RetentionEvent event) {
      if (sequence.get() == 2) {
        throw new dev.outlane.storage.StorageException("cannot append to journal segment 7",
            new java.nio.file.FileSystemException("/data/journal/segment-7", null, "No space left on device"));
      }
      return sequence.incrementAndGet();
    }

    @Override
    public void complete(long seq) {}

    @Override
    public List<Pending> pending() {
      return List.of();
    }

    @Override
    public void close() {}
  }

  @Test
  void aJournalThatCannotAppendNamesTheOsReasonAndTheReportIsStillPrinted() throws IOException {
    Path file = dir.resolve("four.ndjson");
    Files.write(file, List.of(
        event("e1", "cust-1", "+14155550123", "2026-11-29T17:00:00Z"),
        event("e2", "cust-2", "+14155550124", "2026-11-29T17:00:00Z"),
        event("e3", "cust-3", "+14155550125", "2026-11-29T17:00:00Z"),
        event("e4", "cust-4", "+14155550126", "2026-11-29T17:00:00Z")));
    SendCommand send = new SendCommand(env::get, Clock.fixed(NOW, ZoneOffset.UTC));
    send.journal = new FullDiskJournal();

    int exit = new CommandLine(send).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
        .execute("--config", config().toString(), "--no-progress", file.toString());

    String cause = "journal append failed (StorageException); event e3 was not accepted: cannot append to"
        + " journal segment 7: No space left on device (/data/journal/segment-7)";
    assertThat(err.toString()).isEqualTo("outlane send: line 3 and after were not accepted: " + cause + "\n");
    assertThat(out.toString()).contains(
        "sms                            2             0             0             0             0             0             0         0\n",
        "lines: 3 read, 0 invalid; events: 2 accepted, 0 not routed\n",
        "stopped at line 3: not accepted (" + cause + "); later lines were not read\n");
    assertThat(twilio.requestCount()).isEqualTo(2); // what was accepted was still delivered
    assertThat(exit).isEqualTo(1);
  }

  private Path metaConfig(String baseUrl) throws IOException {
    Path file = dir.resolve("meta.properties");
    Files.writeString(file, String.join("\n",
        "destinations = meta",
        "destination.meta.type = meta-audience",
        "destination.meta.access-token = ${META_ACCESS_TOKEN}",
        "destination.meta.base-url = " + baseUrl,
        "route.1.event = cart_abandoned",
        "route.1.window = 0h-24h",
        "route.1.to = meta",
        "route.1.target = " + AUDIENCE,
        "route.2.event = order_completed",
        "route.2.to = meta",
        "route.2.target = " + AUDIENCE,
        ""));
    return file;
  }

  private static final String AUDIENCE = "23850000000000001";
  private static final String META_TOKEN = "meta-token-s3cret";

  /** An abandoned cart, then the purchase that takes the buyer out of the recovery audience. */
  private Path cartThenPurchase() throws IOException {
    Path file = dir.resolve("meta.ndjson");
    Files.write(file, List.of(
        "{\"schema_version\":\"1.0\",\"event_id\":\"e1\",\"event_name\":\"cart_abandoned\",\"source\":\"customerio\","
            + "\"customer_id\":\"cust-1\",\"event_time\":\"2026-11-29T17:00:00Z\",\"email\":\" Ada@Example.com\","
            + "\"phone\":\"(415) 555-0123\"}",
        "{\"schema_version\":\"1.0\",\"event_id\":\"e2\",\"event_name\":\"order_completed\",\"source\":\"customerio\","
            + "\"customer_id\":\"cust-1\",\"event_time\":\"2026-11-29T17:30:00Z\",\"email\":\" Ada@Example.com\","
            + "\"phone\":\"(415) 555-0123\",\"audience\":{\"name\":\"cart_recovery\",\"action\":\"remove\"}}"));
    return file;
  }

  @Test
  void anAdAudienceGainsTheAbandonerAndLosesThemWhenThePurchaseArrives() throws IOException {
    env.put("META_ACCESS_TOKEN", META_TOKEN);
    try (FakeMetaServer meta = FakeMetaServer.start(META_TOKEN)) {
      int exit = run("--config", metaConfig(meta.url().toString()).toString(), "--no-progress",
          cartThenPurchase().toString());

      assertThat(exit).isZero();
      assertThat(meta.rowsAdded(AUDIENCE)).isEqualTo(1);
      assertThat(meta.rowsRemoved(AUDIENCE)).isEqualTo(1);
      assertThat(meta.audience(AUDIENCE)).isEmpty();
      assertThat(out.toString()).contains(
          "meta                           1             0             0             0             0             0             0         1\n");
      assertThat(out.toString() + err).doesNotContain(META_TOKEN);
    }
  }

  @Test
  void aDryRunShowsTheHashedIdentifiersAsTheAdDestinationWouldReceiveThem() throws IOException {
    env.put("META_ACCESS_TOKEN", META_TOKEN);

    int exit = run("--config", metaConfig("http://127.0.0.1:9/").toString(), "--dry-run", "--no-progress",
        cartThenPurchase().toString());

    String email = HashingProfile.META.hashEmail("ada@example.com");
    String phone = HashingProfile.META.hashPhone("+14155550123");
    assertThat(exit).isZero();
    assertThat(out.toString()).startsWith(
        "meta: add audience=" + AUDIENCE + " EMAIL=" + email + " PHONE=" + phone + " EXTERN_ID=cust-1\n"
            + "meta: remove audience=" + AUDIENCE + " EMAIL=" + email + " PHONE=" + phone + " EXTERN_ID=cust-1\n");
    assertThat(out.toString()).doesNotContain(META_TOKEN, "Ada@Example.com", "ada@example.com");
  }

  @Test
  void aDryRunHidesAnAudienceTargetThatCameFromTheEnvironment() throws IOException {
    env.put("META_ACCESS_TOKEN", META_TOKEN);
    env.put("META_AUDIENCE_ID", AUDIENCE);
    Path file = metaConfig("http://127.0.0.1:9/");
    Files.writeString(file, Files.readString(file).replace("target = " + AUDIENCE, "target = ${META_AUDIENCE_ID}"));

    int exit = run("--config", file.toString(), "--dry-run", "--no-progress", cartThenPurchase().toString());

    assertThat(exit).isZero();
    assertThat(out.toString()).startsWith("meta: add audience=(value from ${META_AUDIENCE_ID} not shown) EMAIL=")
        .doesNotContain(AUDIENCE);
  }

  @Test
  void aDryRunCountsWhatTheDestinationWouldRejectAsRejected() throws IOException {
    Path file = dir.resolve("no-name.ndjson");
    Files.write(file, List.of(event("e1", "cust-1", "+14155550123", "2026-11-29T17:00:00Z")
        .replace(",\"properties\":{\"first_name\":\"Ada\"}", "")));

    int exit = run("--config", config().toString(), "--dry-run", "--no-progress", file.toString());

    assertThat(exit).isEqualTo(1);
    assertThat(out.toString()).startsWith("sms: would be rejected: template: no value for {{properties.first_name}}\n")
        .contains("sms                            0             0             0             0             1");
  }

  @Test
  void withProgressTheBarDrawsOnStderrAndEndsFull() throws IOException {
    int exit = run("--config", config().toString(), "--dry-run", "--progress", events().toString());

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString()).endsWith("\r[########################################] 100% 5 lines\n");
  }

  @Test
  void noProgressBarIsDrawnWhenStderrIsNotATerminal() throws IOException {
    // Under the test runner the JVM has no console: stderr is a pipe, like "2> err.txt" or a CI log.
    org.junit.jupiter.api.Assumptions.assumeTrue(System.console() == null);

    int exit = run("--config", config().toString(), "--dry-run", events().toString());

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void helpDocumentsTheExitCodes() throws IOException {
    StringWriter help = new StringWriter();
    CommandLine cli = OutlaneCli.newCommandLine(new ByteArrayInputStream(new byte[0]));
    cli.setOut(new PrintWriter(help, true));

    int exit = cli.execute("send", "--help");

    assertThat(exit).isZero();
    assertThat(help.toString()).endsWith(String.format(OutlaneCli.EXIT_CODES + "%n"));
    Objects.requireNonNull(cli.getSubcommands().get("send"));
  }
}
