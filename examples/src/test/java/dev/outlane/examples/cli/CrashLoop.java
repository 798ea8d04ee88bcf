package dev.outlane.examples.cli;

import dev.outlane.DurableOptions;
import dev.outlane.contract.EventCodec;
import dev.outlane.deadletter.DeadLetter;
import dev.outlane.deadletter.DeadLetterQuery;
import dev.outlane.deadletter.DeadLetterReason;
import dev.outlane.deadletter.DeadLetterSnapshot;
import dev.outlane.deadletter.FileDeadLetterStore;
import dev.outlane.storage.EncryptionKey;
import dev.outlane.testing.DiskBytes;
import dev.outlane.journal.EventSerializer;
import dev.outlane.journal.FileEventJournal;
import dev.outlane.twilio.testing.FakeSegmentServer;
import dev.outlane.twilio.testing.FakeTwilioServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.jspecify.annotations.Nullable;

/**
 * Issue 10's crash loop: runs {@code outlane send --dir D} as a child JVM against a fake Twilio and
 * a fake Segment on 127.0.0.1, SIGKILLs it ({@link Process#destroyForcibly()}) at seeded random
 * points, restarts it on the same directory and the same input each time, and finally lets one run
 * finish. Then it counts what the fakes received and what the directory kept:
 *
 * <ul>
 *   <li>every event reached Segment (idempotent: resends after a kill are allowed and counted);
 *   <li>every event's SMS was sent once, or dead-lettered {@code needs-reconciliation} (its request
 *       may have reached Twilio before the kill, so it must not be sent again);
 *   <li>no SMS was sent twice: each body carries its event id ({@code {{event_id}}}) and each event
 *       its own phone number, and the fake records every message it accepted, including those
 *       whose answer the killed client never read.
 * </ul>
 *
 * <p>{@link Settings#encrypted()}: every run gets {@code OUTLANE_ENCRYPTION_KEY}, the loop reads
 * the dead letters and the journal back with that key, and counts the files that still hold a raw
 * email or phone (issue 10.7 under crashes, not only after a clean close).
 *
 * <p>A kill point is "after this run's k-th Twilio request", k drawn from the seed: the fake's
 * dispatcher counts requests and wakes the loop, so a kill lands while the CLI submits, delivers
 * and journals, not at a wall-clock guess. k is at most about {@code events / (kills + 1)} so that
 * the kills spread over the whole file. A run that finishes before its kill point is counted in
 * {@link Summary#runs()} but not as a kill.
 *
 * <p>Used by {@code CrashLoopTest} (3 kills, in {@code mvn verify}) and by the bench harness {@code
 * dev.outlane.examples.bench.CrashLoopHarness} (≥ 20 kills). Not thread-safe: one loop per instance.
 */
public final class CrashLoop {
  private static final Pattern BODY = Pattern.compile("Cart (e-\\d+) is waiting");

  /**
   * What to run.
   *
   * @param kills how many SIGKILLs to aim for before the final run
   * @param events events in the input file (each routed to SMS and Segment)
   * @param seed where the kill points come from
   * @param work an empty directory for the config, the input, the durable directory and logs
   * @param runTimeout how long one child run may take before the loop gives up
   * @param encrypted whether the runs encrypt the directory at rest ({@code OUTLANE_ENCRYPTION_KEY},
   *     a key drawn from the seed); the summary then counts files that still hold a raw email or
   *     phone
   */
  public record Settings(int kills, int events, long seed, Path work, Duration runTimeout, boolean encrypted) {
    public Settings {
      if (kills < 0 || events < 1 || events > 9_999) {
        throw new IllegalArgumentException("kills ≥ 0 and 1 ≤ events ≤ 9999, was " + kills + ", " + events);
      }
      Objects.requireNonNull(work, "work");
      Objects.requireNonNull(runTimeout, "runTimeout");
    }

    /** Without encryption at rest. */
    public Settings(int kills, int events, long seed, Path work, Duration runTimeout) {
      this(kills, events, seed, work, runTimeout, false);
    }
  }

  /**
   * What the loop observed.
   *
   * @param kills SIGKILLs delivered
   * @param runs child runs started, the final one included
   * @param events events in the input
   * @param smsSent distinct events the fake Twilio accepted an SMS for
   * @param doubleSms events the fake Twilio accepted more than one SMS for (must be 0)
   * @param needsReconciliation events whose SMS is dead-lettered {@code needs-reconciliation}
   * @param segmentDelivered distinct events Segment received
   * @param segmentResent Segment events received again after a kill (allowed: idempotent)
   * @param lost events missing from Segment, or neither texted nor dead-lettered for
   *     reconciliation (must be 0)
   * @param otherDeadLetters dead letters of any other reason (must be 0: nothing else failed)
   * @param pendingAfter events the journal still holds after the final run (must be 0)
   * @param finalExit the final run's exit code
   * @param encrypted whether the directory was encrypted at rest
   * @param filesWithRawPii files in the durable directory holding a generated email or phone in
   *     the clear (must be 0 when encrypted; dead letters hold them when not)
   * @param took wall time of the whole loop
   */
  public record Summary(int kills, int runs, int events, int smsSent, int doubleSms,
      int needsReconciliation, int segmentDelivered, long segmentResent, int lost,
      int otherDeadLetters, int pendingAfter, int finalExit, boolean encrypted, int filesWithRawPii,
      Duration took) {
    /** The one summary line issue 10 asks for. */
    public String line() {
      return String.format(Locale.ROOT, "crash loop: %d kills, %d runs, %d events, %d SMS sent, %d double SMS,"
          + " %d lost, %d needs-reconciliation, %d segment delivered (%d resent), %d other dead"
          + " letters, %d pending after, final exit %d, %s, %.1f s", kills, runs, events, smsSent,
          doubleSms, lost, needsReconciliation, segmentDelivered, segmentResent, otherDeadLetters,
          pendingAfter, finalExit,
          encrypted ? "encrypted (" + filesWithRawPii + " files with raw PII)" : "not encrypted",
          took.toMillis() / 1000.0);
    }

    /** No double SMS, nothing lost, nothing else dead-lettered, nothing pending, no raw PII if encrypted. */
    public boolean clean() {
      return doubleSms == 0 && lost == 0 && otherDeadLetters == 0 && pendingAfter == 0
          && (!encrypted || filesWithRawPii == 0);
    }
  }

  private final Settings settings;
  private final Path data;
  private final Path config;
  private final Path input;
  private final Object progress = new Object();
  private final @Nullable EncryptionKey key;
  private final @Nullable String keyBase64;
  private int twilioRequests;

  private CrashLoop(Settings settings) {
    this.settings = settings;
    if (settings.encrypted()) {
      byte[] bytes = new byte[EncryptionKey.LENGTH];
      new SplittableRandom(~settings.seed()).nextBytes(bytes);
      this.keyBase64 = Base64.getEncoder().encodeToString(bytes);
      this.key = EncryptionKey.of(bytes);
    } else {
      this.keyBase64 = null;
      this.key = null;
    }
    this.data = settings.work().resolve("outlane-data");
    this.config = settings.work().resolve("send.properties");
    this.input = settings.work().resolve("events.ndjson");
  }

  /** Runs the loop and returns what it observed; the caller asserts on it. */
  public static Summary run(Settings settings) {
    return new CrashLoop(settings).loop();
  }

  private Summary loop() {
    long started = System.nanoTime();
    try (FakeTwilioServer twilio = FakeTwilioServer.start();
        FakeSegmentServer segment = FakeSegmentServer.builder("crash-loop-write-key")
            .maxRecordedEvents(4 * settings.events()).start()) {
      countRequests(twilio.mockWebServer());
      writeConfig(twilio, segment);
      writeInput();
      SplittableRandom random = new SplittableRandom(settings.seed());
      int span = Math.max(1, settings.events() / (settings.kills() + 1));
      int kills = 0;
      int runs = 0;
      // A run that ends before its kill point does not count; give up after that many in a row.
      int finishedInARow = 0;
      while (kills < settings.kills() && finishedInARow < 3) {
        int killAfter = 1 + random.nextInt(span);
        runs++;
        if (runKilledAfter(killAfter, runs)) {
          kills++;
          finishedInARow = 0;
        } else {
          finishedInARow++;
        }
      }
      runs++;
      Process last = start(runs);
      int finalExit = waitFor(last, runs);
      return count(twilio, segment, kills, runs, finalExit, Duration.ofNanos(System.nanoTime() - started));
    }
  }

  /** Starts a run; true if it was killed after {@code killAfter} Twilio requests, false if it ended first. */
  private boolean runKilledAfter(int killAfter, int run) {
    int before;
    synchronized (progress) {
      before = twilioRequests;
    }
    Process child = start(run);
    child.onExit().thenRun(() -> {
      synchronized (progress) {
        progress.notifyAll();
      }
    });
    long deadline = System.nanoTime() + settings.runTimeout().toNanos();
    synchronized (progress) {
      while (twilioRequests - before < killAfter && child.isAlive()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          child.destroyForcibly();
          throw new AssertionError("run " + run + " neither ended nor reached " + killAfter
              + " Twilio requests in " + settings.runTimeout() + "; see " + log(run));
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(progress, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          child.destroyForcibly();
          throw new AssertionError("interrupted", e);
        }
      }
    }
    if (!child.isAlive()) {
      return false;
    }
    child.destroyForcibly();
    waitFor(child, run);
    return true;
  }

  private Process start(int run) {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"),
        OutlaneCli.class.getName(), "send", "--config", config.toString(), "--dir", data.toString(),
        "--no-progress", "--timeout", "PT2M", input.toString()));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log(run).toFile());
    pb.environment().put("TWILIO_ACCOUNT_SID", FakeTwilioServer.ACCOUNT_SID);
    pb.environment().put("TWILIO_AUTH_TOKEN", FakeTwilioServer.AUTH_TOKEN);
    pb.environment().put("SEGMENT_WRITE_KEY", "crash-loop-write-key");
    pb.environment().remove(EncryptionKeyOption.DEFAULT_VARIABLE);
    if (keyBase64 != null) {
      pb.environment().put(EncryptionKeyOption.DEFAULT_VARIABLE, keyBase64);
    }
    try {
      return pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start run " + run, e);
    }
  }

  private int waitFor(Process child, int run) {
    try {
      if (!child.waitFor(settings.runTimeout().toNanos(), TimeUnit.NANOSECONDS)) {
        child.destroyForcibly();
        throw new AssertionError("run " + run + " still running after " + settings.runTimeout()
            + "; see " + log(run));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      child.destroyForcibly();
      throw new AssertionError("interrupted", e);
    }
    return child.exitValue();
  }

  /** The combined stdout and stderr of run {@code run}. */
  Path log(int run) {
    return settings.work().resolve("run-" + run + ".log");
  }

  /** Wraps the fake's dispatcher so that every request it answers wakes the loop. */
  private void countRequests(MockWebServer server) {
    Dispatcher inner = server.getDispatcher();
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
        try {
          return inner.dispatch(request);
        } finally {
          synchronized (progress) {
            twilioRequests++;
            progress.notifyAll();
          }
        }
      }

      @Override
      public MockResponse peek() {
        return inner.peek();
      }

      @Override
      public void close() {
        inner.close();
      }
    });
  }

  private void writeConfig(FakeTwilioServer twilio, FakeSegmentServer segment) {
    write(config, String.join("\n",
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
        "route.1.option.template = Cart {{event_id}} is waiting",
        "route.2.event = cart_abandoned",
        "route.2.to = segment",
        ""));
  }

  /** Events e-0000…: each its own customer and phone, so no guardrail merges two of them. */
  private void writeInput() {
    String time = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60).toString();
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < settings.events(); i++) {
      b.append(String.format(Locale.ROOT, "{\"schema_version\":\"1.0\",\"event_id\":\"%s\","
          + "\"event_name\":\"cart_abandoned\",\"source\":\"customerio\",\"customer_id\":\"c-%04d\","
          + "\"event_time\":\"%s\",\"phone\":\"+1415555%04d\",\"email\":\"person%04d@example.com\"}%n",
          eventId(i), i, time, i, i));
    }
    write(input, b.toString());
  }

  private static String eventId(int i) {
    return String.format(Locale.ROOT, "e-%04d", i);
  }

  private Summary count(FakeTwilioServer twilio, FakeSegmentServer segment, int kills, int runs,
      int finalExit, Duration took) {
    Map<String, Integer> smsPerEvent = new HashMap<>();
    for (FakeTwilioServer.SentMessage m : twilio.messages()) {
      Matcher matcher = BODY.matcher(Objects.requireNonNull(m.body()));
      if (!matcher.matches()) {
        throw new AssertionError("unexpected SMS body shape");
      }
      smsPerEvent.merge(matcher.group(1), 1, Integer::sum);
    }
    int doubles = (int) smsPerEvent.values().stream().filter(n -> n > 1).count();

    Set<String> segmentCustomers = new HashSet<>();
    for (Map<String, ?> e : segment.events()) {
      segmentCustomers.add(String.valueOf(e.get("userId")));
    }

    DurableOptions options = DurableOptions.at(data);
    EventSerializer serializer = EventSerializer.json(EventCodec.builder().build());
    DeadLetterSnapshot snapshot = FileDeadLetterStore.readSnapshot(options.deadLetterDirectory(),
        serializer, key, new DeadLetterQuery(null, null, true));
    Set<String> reconcile = new HashSet<>();
    Map<String, Integer> others = new TreeMap<>();
    for (DeadLetter d : snapshot.records()) {
      if (d.destination().equals("sms") && d.reason() == DeadLetterReason.NEEDS_RECONCILIATION) {
        reconcile.add(d.event().eventId());
      } else {
        others.merge(d.destination() + " " + d.reason().wireName(), 1, Integer::sum);
      }
    }
    int lost = 0;
    for (int i = 0; i < settings.events(); i++) {
      String id = eventId(i);
      boolean sms = smsPerEvent.containsKey(id) || reconcile.contains(id);
      boolean seg = segmentCustomers.contains(String.format(Locale.ROOT, "c-%04d", i));
      if (!sms || !seg) {
        lost++;
      }
    }
    int pending;
    try (FileEventJournal journal = FileEventJournal.builder().directory(options.journalDirectory())
        .serializer(serializer).encryptionKey(key).open()) {
      pending = journal.pending().size();
    }
    return new Summary(kills, runs, settings.events(), smsPerEvent.size(), doubles, reconcile.size(),
        segmentCustomers.size(), segment.duplicateCount(), lost,
        others.values().stream().mapToInt(Integer::intValue).sum(), pending, finalExit,
        settings.encrypted(), filesWithRawPii(), took);
  }

  /** Files under the durable directory holding a generated email or phone (either form) in the clear. */
  private int filesWithRawPii() {
    return DiskBytes.filesContaining(data, "@example.com", "+1415555", "1415555").size();
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
