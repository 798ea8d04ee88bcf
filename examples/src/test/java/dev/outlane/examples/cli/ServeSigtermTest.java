package dev.outlane.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.DurableOptions;
import dev.outlane.contract.EventCodec;
import dev.outlane.deadletter.DeadLetter;
import dev.outlane.deadletter.DeadLetterQuery;
import dev.outlane.deadletter.FileDeadLetterStore;
import dev.outlane.journal.EventSerializer;
import dev.outlane.twilio.testing.FakeTwilioServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM {@code outlane serve --dir D} (a child JVM) while eight keep-alive clients post events,
 * restart it on D, SIGTERM it again, then count: every event answered 202 has its SMS at the fake
 * Twilio (running in this JVM, so it outlives the children) or a dead letter in D; no SMS went out
 * twice; nothing answered otherwise was sent.
 */
class ServeSigtermTest {
  private static final String TOKEN = "sigterm-test-token";
  private static final Pattern BODY = Pattern.compile("Cart (e-\\d+) is waiting");
  private static final Pattern LISTENING = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+) .*");
  private static final Duration STEP = Duration.ofSeconds(60);
  /** SIGTERM once the fake Twilio answered this many requests: mid-load, not at a wall-clock guess. */
  private static final int TERM_AFTER_SMS = 40;
  private static final int MAX_EVENTS = 4000;
  private static final int CLIENTS = 8;

  @TempDir Path work;

  private final Object progress = new Object();
  private int twilioRequests;

  @Test
  void sigtermUnderLoadDeliversOrDeadLettersEveryAcceptedEventAndSendsNoSmsTwice() throws Exception {
    Path data = work.resolve("data");
    Map<String, String> answers = new ConcurrentHashMap<>();
    try (FakeTwilioServer twilio = FakeTwilioServer.start()) {
      countRequests(twilio);
      Path config = writeConfig(twilio);

      Child first = Child.start(config, data, work.resolve("run-1.log"));
      List<Thread> clients = load(first.url, answers);
      awaitTwilioRequests(TERM_AFTER_SMS, first);
      first.process.destroy(); // SIGTERM
      assertThat(first.awaitExit()).as("exit code of the SIGTERMed run; see run-1.log").isZero();
      for (Thread t : clients) {
        t.join(STEP.toMillis());
        assertThat(t.isAlive()).as("a load client still running").isFalse();
      }

      Child second = Child.start(config, data, work.resolve("run-2.log"));
      second.process.destroy();
      assertThat(second.awaitExit()).as("exit code of the restarted run; see run-2.log").isZero();

      Map<String, Integer> smsPerEvent = new HashMap<>();
      for (FakeTwilioServer.SentMessage m : twilio.messages()) {
        Matcher matcher = BODY.matcher(Objects.requireNonNull(m.body()));
        assertThat(matcher.matches()).as("SMS body shape").isTrue();
        smsPerEvent.merge(matcher.group(1), 1, Integer::sum);
      }
      Set<String> deadLettered = new HashSet<>();
      for (DeadLetter d : FileDeadLetterStore.readSnapshot(DurableOptions.at(data).deadLetterDirectory(),
          EventSerializer.json(EventCodec.builder().build()), null, new DeadLetterQuery(null, null, true)).records()) {
        deadLettered.add(d.event().eventId());
      }
      Set<String> accepted = new HashSet<>();
      Set<String> refused = new HashSet<>();
      answers.forEach((id, answer) -> (answer.equals("202") ? accepted : refused).add(id));

      System.out.printf(Locale.ROOT, "serve SIGTERM: %d answered 202, %d refused or cut off %s, %d SMS,"
          + " %d dead letters%n", accepted.size(), refused.size(), countsOf(answers), smsPerEvent.size(),
          deadLettered.size());
      assertThat(accepted.size()).as("events answered 202").isGreaterThanOrEqualTo(TERM_AFTER_SMS);
      assertThat(refused).as("some requests were refused (503) or cut off by the stop").isNotEmpty();
      List<String> lost = new ArrayList<>();
      for (String id : accepted) {
        if (!smsPerEvent.containsKey(id) && !deadLettered.contains(id)) {
          lost.add(id);
        }
      }
      assertThat(lost).as("answered 202 but neither sent nor dead-lettered").isEmpty();
      assertThat(smsPerEvent.values()).as("SMS per event").allMatch(n -> n == 1);
      Set<String> sentButNotAccepted = new HashSet<>(smsPerEvent.keySet());
      sentButNotAccepted.removeAll(accepted);
      // A request cut off by the stop may have been accepted just before; a 503 never was.
      sentButNotAccepted.removeIf(id -> !answers.get(id).equals("503"));
      assertThat(sentButNotAccepted).as("sent although answered 503").isEmpty();
    }
  }

  private static Map<String, Integer> countsOf(Map<String, String> answers) {
    Map<String, Integer> counts = new java.util.TreeMap<>();
    answers.values().forEach(a -> counts.merge(a, 1, Integer::sum));
    return counts;
  }

  /** Eight clients posting events e-0000… (each its own phone) until refused or cut off. */
  private static List<Thread> load(String url, Map<String, String> answers) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    AtomicInteger next = new AtomicInteger();
    String time = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60).toString();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      Thread t = new Thread(() -> {
        while (true) {
          int i = next.getAndIncrement();
          if (i >= MAX_EVENTS) {
            return;
          }
          String id = String.format(Locale.ROOT, "e-%04d", i);
          String body = String.format(Locale.ROOT, "{\"schema_version\":\"1.0\",\"event_id\":\"%s\","
              + "\"event_name\":\"cart_abandoned\",\"source\":\"customerio\",\"customer_id\":\"c-%04d\","
              + "\"event_time\":\"%s\",\"phone\":\"+1415555%04d\"}", id, i, time, i);
          String answer;
          try {
            answer = Integer.toString(http.send(HttpRequest.newBuilder(URI.create(url + "/v1/events"))
                .header("Authorization", "Bearer " + TOKEN).timeout(STEP)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode());
          } catch (IOException e) {
            answer = "io";
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
          answers.put(id, answer);
          if (!answer.equals("202")) {
            return;
          }
        }
      }, "load-" + c);
      t.start();
      threads.add(t);
    }
    return threads;
  }

  private void awaitTwilioRequests(int n, Child child) throws InterruptedException {
    long deadline = System.nanoTime() + STEP.toNanos();
    synchronized (progress) {
      while (twilioRequests < n) {
        long left = deadline - System.nanoTime();
        assertThat(left).as("fake Twilio reached " + n + " requests; see run-1.log").isPositive();
        assertThat(child.process.isAlive()).as("serve still running; see run-1.log").isTrue();
        TimeUnit.NANOSECONDS.timedWait(progress, Math.min(left, TimeUnit.SECONDS.toNanos(1)));
      }
    }
  }

  private void countRequests(FakeTwilioServer twilio) {
    Dispatcher inner = twilio.mockWebServer().getDispatcher();
    twilio.mockWebServer().setDispatcher(new Dispatcher() {
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
      public void close() {
        inner.close();
      }
    });
  }

  private Path writeConfig(FakeTwilioServer twilio) throws IOException {
    Path config = work.resolve("serve.properties");
    Files.writeString(config, String.join("\n",
        "destinations = sms",
        "destination.sms.type = twilio-sms",
        "destination.sms.account-sid = ${TWILIO_ACCOUNT_SID}",
        "destination.sms.auth-token = ${TWILIO_AUTH_TOKEN}",
        "destination.sms.from = +14155550000",
        "destination.sms.base-url = " + twilio.url(),
        "route.1.event = cart_abandoned",
        "route.1.to = sms",
        "route.1.option.template = Cart {{event_id}} is waiting",
        ""), StandardCharsets.UTF_8);
    return config;
  }

  /** One {@code outlane serve} child JVM; its stdout read line by line, stderr to a log file. */
  private static final class Child {
    final Process process;
    final String url;

    private Child(Process process, String url) {
      this.process = process;
      this.url = url;
    }

    static Child start(Path config, Path data, Path log) throws Exception {
      ProcessBuilder pb = new ProcessBuilder(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
          "-cp", System.getProperty("java.class.path"),
          OutlaneCli.class.getName(), "serve", "--config", config.toString(), "--dir", data.toString(),
          "--listen", "127.0.0.1:0", "--threads", "16", "--drain-timeout", "PT30S")
          .redirectError(log.toFile());
      pb.environment().put("TWILIO_ACCOUNT_SID", FakeTwilioServer.ACCOUNT_SID);
      pb.environment().put("TWILIO_AUTH_TOKEN", FakeTwilioServer.AUTH_TOKEN);
      pb.environment().put("OUTLANE_INTAKE_TOKEN", TOKEN);
      pb.environment().remove(EncryptionKeyOption.DEFAULT_VARIABLE);
      Process p = pb.start();
      BlockingQueue<String> lines = new LinkedBlockingQueue<>();
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            lines.add(line);
          }
        } catch (IOException e) {
          // The child is gone; its exit code tells.
        }
      }, "serve-stdout");
      reader.setDaemon(true);
      reader.start();
      String url = null;
      long deadline = System.nanoTime() + STEP.toNanos();
      while (true) {
        String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        assertThat(line).as("serve printed 'ready' in time; see " + log).isNotNull();
        Matcher m = LISTENING.matcher(line);
        if (m.matches()) {
          url = m.group(1);
        }
        if (line.equals("ready")) {
          break;
        }
      }
      assertThat(url).as("serve printed its address").isNotNull();
      return new Child(p, url);
    }

    int awaitExit() throws InterruptedException {
      if (!process.waitFor(STEP.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("serve did not exit within " + STEP + " of SIGTERM");
      }
      return process.exitValue();
    }
  }
}
