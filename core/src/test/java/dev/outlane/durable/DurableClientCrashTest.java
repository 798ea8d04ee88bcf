package dev.outlane.durable;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.outlane.DurableOptions;
import dev.outlane.contract.EventCodec;
import dev.outlane.journal.ChildJvm;
import dev.outlane.journal.EventJournal;
import dev.outlane.journal.EventSerializer;
import dev.outlane.journal.FileEventJournal;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Kills a durable client ({@link DurableCrashClient}, in a child JVM) with SIGKILL while it submits
 * and delivers, restarts it on the same directory to recover, and checks what a loopback recorder
 * received: every acknowledged event reached both destinations (or, for SMS, a needs-reconciliation
 * dead letter), the non-idempotent SMS destination never got a key twice, and the idempotent one got
 * a key twice only for events the journal still held as unfinished at the kill.
 *
 * <p>{@value #EVENTS} events per run rather than the 20,000: the SMS destination takes one
 * request per message, and three kill points with two JVM starts each must stay within a few seconds
 * of the {@code mvn verify} budget on a shared two-core machine. The kill points still cover the
 * journal's first segment, mid-run rolls and the tail.
 */
class DurableClientCrashTest {
  static final int EVENTS = 2_000;

  @TempDir Path dir;
  private HttpServer recorder;
  private ExecutorService recorderThreads;
  private final ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();

  @BeforeEach
  void startRecorder() throws IOException {
    recorder = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    recorderThreads = Executors.newFixedThreadPool(12);
    recorder.setExecutor(recorderThreads);
    recorder.createContext("/", exchange -> {
      try (InputStream in = exchange.getRequestBody()) {
        String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        for (String line : body.split("\n")) {
          if (!line.isEmpty()) {
            received.add(line);
          }
        }
      }
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    recorder.start();
  }

  @AfterEach
  void stopRecorder() {
    recorder.stop(0);
    recorderThreads.shutdownNow();
  }

  @ParameterizedTest(name = "killed after {0}..{1} acknowledged submits")
  @CsvSource({"1, 150", "600, 1200", "1600, 1990"})
  void everyAcknowledgedEventIsDeliveredOnceAfterASigkillAndARestart(int from, int to) {
    long seed = System.nanoTime();
    int killAfter = from + new Random(seed).nextInt(to - from);
    String context = "kill after " + killAfter + " ACKs (seed " + seed + ")";
    String url = "http://127.0.0.1:" + recorder.getAddress().getPort() + "/";

    Set<String> acked = new HashSet<>();
    try (ChildJvm child = ChildJvm.start(DurableCrashClient.class, List.of("-Xmx256m"),
        dir.toString(), url, String.valueOf(EVENTS), "run")) {
      child.awaitLines(line -> line.startsWith("ACK "), killAfter, Duration.ofSeconds(60));
      child.kill();
      child.lines(l -> l.startsWith("ACK ")).forEach(l -> acked.add(l.substring(4)));
    }
    assertThat(acked).as(context).hasSizeGreaterThanOrEqualTo(killAfter);

    Set<String> pendingAtKill = pendingEventIds();

    List<String> recoveryOutput;
    try (ChildJvm child = ChildJvm.start(DurableCrashClient.class, List.of("-Xmx256m"),
        dir.toString(), url, "0", "recover")) {
      assertThat(child.waitFor(Duration.ofSeconds(120))).as(context).isZero();
      recoveryOutput = child.lines(l -> true);
    }
    assertThat(recoveryOutput).as(context).contains("END")
        .anyMatch(l -> l.startsWith("RECOVERY skipped=0 "))
        .contains("FLUSHED true outstanding=0");

    Map<String, Map<String, Integer>> keysSeen = new HashMap<>();
    Map<String, Set<String>> eventsSeen = new HashMap<>();
    Map<String, String> eventOfKey = new HashMap<>();
    for (String line : received) {
      String[] p = line.split(" ");
      keysSeen.computeIfAbsent(p[0], d -> new HashMap<>()).merge(p[1], 1, Integer::sum);
      eventsSeen.computeIfAbsent(p[0], d -> new HashSet<>()).add(p[2]);
      eventOfKey.put(p[1], p[2]);
    }
    Set<String> reconcile = new HashSet<>();
    for (String line : recoveryOutput) {
      if (line.startsWith("DL ")) {
        String[] p = line.split(" ");
        assertThat(p[1] + " " + p[2]).as(context + ": " + line).isEqualTo("needs-reconciliation sms");
        reconcile.add(p[4]);
      }
    }

    // Every acknowledged event reached the idempotent destination, and SMS or reconciliation.
    assertThat(eventsSeen.getOrDefault("events", Set.of())).as(context).containsAll(acked);
    for (String id : acked) {
      assertThat(eventsSeen.getOrDefault("sms", Set.of()).contains(id) || reconcile.contains(id))
          .as(context + ": " + id + " neither sent by SMS nor dead-lettered for reconciliation")
          .isTrue();
    }
    // SMS, not idempotent: never a key twice. Only events in flight at the kill need reconciling.
    Map<String, Integer> smsTwice = new HashMap<>(keysSeen.getOrDefault("sms", Map.of()));
    smsTwice.values().removeIf(count -> count == 1);
    assertThat(smsTwice).as(context + ": SMS keys sent twice").isEmpty();
    assertThat(pendingAtKill).as(context).containsAll(reconcile);
    // Events, idempotent: a resend is allowed only for an event still unfinished at the kill.
    Set<String> eventsTwice = new HashSet<>();
    keysSeen.getOrDefault("events", Map.of()).forEach((key, count) -> {
      if (count > 1) {
        eventsTwice.add(eventOfKey.get(key));
      }
    });
    assertThat(pendingAtKill).as(context + ": resent events").containsAll(eventsTwice);
    System.out.printf("%s: %d acked, %d pending at kill, %d SMS to reconcile, %d events resent%n",
        context, acked.size(), pendingAtKill.size(), reconcile.size(), eventsTwice.size());

    // The journal reopens clean and empty after the recovering client closed.
    assertThat(pendingEventIds()).as(context).isEmpty();
    try (Stream<Path> files = Files.walk(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as(context).noneMatch(name -> name.endsWith(".corrupt"));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private Set<String> pendingEventIds() {
    Set<String> ids = new HashSet<>();
    try (FileEventJournal journal = FileEventJournal.builder()
        .directory(DurableOptions.at(dir).journalDirectory())
        .serializer(EventSerializer.json(EventCodec.builder().build()))
        .open()) {
      assertThat(journal.recoveryReport().bytesSkipped()).isZero();
      for (EventJournal.Pending p : journal.pending()) {
        ids.add(p.event().eventId());
      }
    }
    return ids;
  }
}
