package dev.outlane.durable;

import dev.outlane.DurableOptions;
import dev.outlane.Outlane;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.deadletter.DeadLetter;
import dev.outlane.deadletter.DeadLetterQuery;
import dev.outlane.destination.Channel;
import dev.outlane.destination.DeliveryItem;
import dev.outlane.destination.Destination;
import dev.outlane.destination.DestinationLimits;
import dev.outlane.destination.Outcome;
import dev.outlane.routing.Route;
import dev.outlane.storage.RecoveryReport;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;

/**
 * The child JVM of {@link DurableClientCrashTest}: a durable {@link Outlane} on a directory whose two
 * destinations POST every batch to the parent's loopback recorder — {@code sms} (non-idempotent, one
 * message per request, like Twilio) and {@code events} (idempotent, batches of up to 200, like
 * Segment). Every event is routed to both.
 *
 * <pre>
 * DurableCrashClient &lt;dir&gt; &lt;recorder url&gt; &lt;events&gt; run      # prints ACK &lt;event_id&gt; after each submit
 * DurableCrashClient &lt;dir&gt; &lt;recorder url&gt; 0 recover            # recovers, flushes, lists dead letters
 * </pre>
 */
public final class DurableCrashClient {
  private DurableCrashClient() {}

  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    URI url = URI.create(args[1]);
    int n = Integer.parseInt(args[2]);
    boolean run = args[3].equals("run");
    PrintStream out =
        new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    // fsync off: SIGKILL keeps the page cache, so flushing to the device changes nothing this test
    // can observe, and it keeps the run within the verify budget on a shared disk.
    Outlane outlane = Outlane.builder()
        .durable(DurableOptions.at(dir).withFsync(false).withJournalSegmentSize(256 * 1024))
        .destination(new Posting("sms", false, Channel.SMS, DestinationLimits.single(), http, url),
            Outlane.DestinationOptions.defaults().withConcurrency(8))
        .destination(new Posting("events", true, Channel.EVENTS, DestinationLimits.ofItems(200), http,
            url), Outlane.DestinationOptions.defaults().withConcurrency(2))
        .route(Route.builder().event("cart_abandoned").to("sms").to("events").build())
        .queueCapacity(Math.max(1, n) + 1_000)
        .closeTimeout(Duration.ofSeconds(60))
        .build();
    RecoveryReport report = outlane.journalRecovery().orElseThrow();
    out.println("RECOVERY skipped=" + report.bytesSkipped() + " truncated=" + report.bytesTruncated()
        + " problems=" + report.problems().size());
    if (run) {
      for (int i = 0; i < n; i++) {
        RetentionEvent e = event(i);
        outlane.submit(e);
        out.println("ACK " + e.eventId());
      }
    }
    boolean flushed = outlane.flush(Duration.ofSeconds(90));
    out.println("FLUSHED " + flushed + " outstanding=" + outlane.outstanding());
    for (DeadLetter d : outlane.deadLetters().list(DeadLetterQuery.unresolved())) {
      out.println("DL " + d.reason().wireName() + " " + d.destination() + " " + d.idempotencyKey()
          + " " + d.event().eventId());
    }
    outlane.close();
    out.println("END");
  }

  static RetentionEvent event(int i) {
    return RetentionEvent.builder()
        .eventId("e-" + i)
        .eventName("cart_abandoned")
        .source("customerio")
        .customerId("c-" + i)
        .eventTime(Instant.now())
        .email("person" + i + "@example.com")
        .phone("+1 (415) 555-" + (2000 + i % 7000))
        .build();
  }

  /** POSTs a batch as lines {@code <destination> <key> <event_id>}; 200 delivers every item. */
  private record Posting(String name, boolean idempotent, Channel channel, DestinationLimits limits,
      HttpClient http, URI url) implements Destination {
    @Override
    public List<Outcome> deliver(List<DeliveryItem> batch) {
      StringBuilder body = new StringBuilder();
      for (DeliveryItem item : batch) {
        body.append(name).append(' ').append(item.idempotencyKey()).append(' ')
            .append(item.event().eventId()).append('\n');
      }
      HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
          .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
      Outcome outcome;
      try {
        int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        outcome = status == 200 ? Outcome.delivered(null)
            : Outcome.retryable("HTTP " + status, null);
      } catch (IOException e) {
        outcome = Outcome.unknown("request failed after it may have been sent");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        outcome = Outcome.unknown("interrupted while sending");
      }
      return Collections.nCopies(batch.size(), outcome);
    }
  }
}
