package dev.outlane;

import static dev.outlane.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.outlane.contract.Consent;
import dev.outlane.contract.ConsentStatus;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.deadletter.DeadLetterQuery;
import dev.outlane.deadletter.InMemoryDeadLetterStore;
import dev.outlane.destination.Channel;
import dev.outlane.destination.DestinationLimits;
import dev.outlane.destination.Outcome;
import dev.outlane.hashing.HashingProfile;
import dev.outlane.metrics.InMemoryMetrics;
import dev.outlane.retry.RetryPolicy;
import dev.outlane.routing.Route;
import dev.outlane.testing.FakeDestination;
import dev.outlane.testing.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Runs every engine path over PII-bearing inputs with DEBUG logging and checks that no raw email or
 * phone — in any of its forms — appears in a log line, an exception message or a {@code toString()}.
 */
class NoPiiTest {
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private Level previous;

  @BeforeEach
  void captureEverything() {
    previous = root.getLevel();
    root.setLevel(Level.DEBUG);
    appender.start();
    root.addAppender(appender);
  }

  @AfterEach
  void restore() {
    root.detachAppender(appender);
    root.setLevel(previous);
  }

  @Test
  void noRawEmailOrPhoneAppearsInLogsExceptionsOrToStrings() {
    ManualScheduler time = new ManualScheduler(T0);
    InMemoryDeadLetterStore deadLetters = new InMemoryDeadLetterStore();
    InMemoryMetrics metrics = new InMemoryMetrics();
    FakeDestination sms = FakeDestination.builder("sms").channel(Channel.SMS).idempotent(false)
        .limits(DestinationLimits.single()).clock(time.clock())
        .rule(item -> {
          String c = item.event().customerId();
          if (c.equals("c3")) {
            return Outcome.optedOut("21610", "recipient replied STOP");
          }
          if (c.equals("c4")) {
            return Outcome.rejected("21211", "invalid 'To' phone number");
          }
          if (c.equals("c5")) {
            return Outcome.unknown("timeout after send");
          }
          if (c.equals("c6")) {
            return Outcome.retryable("503", null);
          }
          return null;
        })
        .build();
    FakeDestination meta = FakeDestination.builder("meta").channel(Channel.ADS)
        .hashingProfile(HashingProfile.META).clock(time.clock()).build();
    meta.failNext(1, Outcome.unknown("502 Bad Gateway"));
    Outlane outlane = Outlane.builder()
        .scheduler(time).clock(time.clock()).metrics(metrics).deadLetterStore(deadLetters)
        .destination(sms).destination(meta)
        .route(Route.builder().event("cart_abandoned").to("sms").build())
        .route(Route.builder().event("cart_abandoned").window(java.time.Duration.ZERO, Duration.ofHours(24))
            .to("meta", "cart_recovery_0_24h").build())
        .preActivationCheck((e, id, d) -> id.customerId().equals("c7"))
        .retryPolicy(RetryPolicy.builder().maxAttempts(2).jitter(() -> 1.0).build())
        .queueCapacity(20)
        .build();

    List<String> seen = new ArrayList<>();
    List<CompletionStage<SubmitResult>> stages = new ArrayList<>();
    for (int p = 1; p <= 9; p++) {
      RetentionEvent.Builder e = TestEvents.cart("e" + p, p);
      if (p == 2) {
        e.consent(new Consent(ConsentStatus.DENIED, ConsentStatus.DENIED, ConsentStatus.DENIED));
      }
      if (p == 8) {
        e.eventTime(T0.minus(Duration.ofDays(5)));
      }
      RetentionEvent event = e.build();
      seen.add(event.toString());
      stages.add(outlane.submit(event));
      stages.add(outlane.submit(TestEvents.cart("dup" + p, p).build()));
    }
    // Invalid inputs: the messages must name the problem, not repeat the value.
    for (RetentionEvent bad : List.of(
        TestEvents.cart("bad1", 1).email("Person.Number1@@Example.com").build(),
        TestEvents.cart("bad2", 2).phone("+1 (415) 555-20").build(),
        TestEvents.cart("bad3", 3).email("Person.Number3 @Example.com").phone("415555200300000000").build())) {
      try {
        outlane.submit(bad);
      } catch (OutlaneException ex) {
        seen.add(ex.getMessage());
        seen.add(ex.toString());
      }
    }
    try {
      for (int i = 0; i < 30; i++) {
        outlane.submit(TestEvents.cart("flood" + i, 1).build());
      }
    } catch (QueueFullException ex) {
      seen.add(ex.getMessage());
    }
    time.advance(Duration.ofMinutes(5));
    outlane.close();

    for (CompletionStage<SubmitResult> s : stages) {
      SubmitResult r = s.toCompletableFuture().join();
      seen.add(r.toString());
    }
    sms.items().forEach(i -> seen.add(i.toString()));
    meta.items().forEach(i -> seen.add(i.toString()));
    meta.items().forEach(i -> seen.add(String.valueOf(i.identity())));
    deadLetters.list(DeadLetterQuery.unresolved()).forEach(d -> seen.add(d.toString()));
    seen.add(metrics.toString());
    seen.add(sms.toString());
    for (ILoggingEvent e : appender.list) {
      seen.add(e.getFormattedMessage());
      if (e.getThrowableProxy() != null) {
        seen.add(ThrowableProxyUtil.asString(e.getThrowableProxy()));
      }
    }

    // The run exercised the paths it claims to.
    assertThat(appender.list).hasSizeGreaterThan(40);
    assertThat(deadLetters.size()).isGreaterThanOrEqualTo(4);
    String all = String.join("\n", seen).toLowerCase(Locale.ROOT);
    assertThat(all).contains("customer_id=c1", "opted_out", "needs-reconciliation");
    for (int p = 1; p <= 9; p++) {
      String digits = "41555520" + String.format("%02d", p);
      assertThat(all).doesNotContain(TestEvents.email(p).toLowerCase(Locale.ROOT))
          .doesNotContain("person.number" + p + "@")
          .doesNotContain(digits)
          .doesNotContain("555-20" + String.format("%02d", p))
          .doesNotContain("(415) 555");
    }
  }
}
