package dev.outlane.durable;

import dev.outlane.testing.DiskBytes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.DurableOptions;
import dev.outlane.FinalState;
import dev.outlane.Outlane;
import dev.outlane.SubmitResult;
import dev.outlane.contract.Consent;
import dev.outlane.contract.ConsentStatus;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.destination.Channel;
import dev.outlane.destination.DestinationLimits;
import dev.outlane.destination.Outcome;
import dev.outlane.guardrail.InMemorySuppressionStore;
import dev.outlane.identity.Identity;
import dev.outlane.retry.RetryPolicy;
import dev.outlane.routing.Route;
import dev.outlane.testing.FakeDestination;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Durable mode keeps opt-outs and denied consent across restarts. */
class DurableSuppressionTest {
  private static final String EMAIL = "Jane.Doe@Example.com";
  private static final String PHONE = "+1 (415) 555-2077";

  @TempDir Path dir;

  private DurableOptions options() {
    return DurableOptions.at(dir).withFsync(false);
  }

  private static FakeDestination sms() {
    return FakeDestination.builder("sms").channel(Channel.SMS).idempotent(false)
        .limits(DestinationLimits.single()).build();
  }

  private static Outlane.Builder client(FakeDestination sms) {
    return Outlane.builder().retryPolicy(RetryPolicy.noRetries()).destination(sms)
        .route(Route.builder().event("sms_nudge").to("sms").build());
  }

  private static RetentionEvent.Builder nudge(String eventId, String customerId) {
    return RetentionEvent.builder().eventId(eventId).eventName("sms_nudge").source("customerio")
        .customerId(customerId).eventTime(Instant.now()).email(EMAIL).phone(PHONE);
  }

  private static SubmitResult send(Outlane outlane, RetentionEvent event) throws Exception {
    return outlane.submit(event).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aPersonWhoRepliedStopIsStillSuppressedAfterARestart() throws Exception {
    FakeDestination firstRun = sms();
    firstRun.failNext(1, Outcome.optedOut("21610", "recipient replied STOP"));
    try (Outlane outlane = client(firstRun).durable(options()).build()) {
      assertThat(send(outlane, nudge("e-1", "c-1").build()).state("sms"))
          .isEqualTo(FinalState.OPTED_OUT);
    }
    assertThat(firstRun.calls()).isEqualTo(1);

    FakeDestination secondRun = sms();
    try (Outlane outlane = client(secondRun).durable(options()).build()) {
      assertThat(send(outlane, nudge("e-2", "c-1").build()).state("sms"))
          .isEqualTo(FinalState.SUPPRESSED);
      // The same phone under another customer id (and without the email) is suppressed too.
      assertThat(send(outlane, nudge("e-3", "c-other").email(null).build()).state("sms"))
          .isEqualTo(FinalState.SUPPRESSED);
      // Someone else is still texted.
      assertThat(send(outlane, RetentionEvent.builder().eventId("e-4").eventName("sms_nudge")
          .source("customerio").customerId("c-2").eventTime(Instant.now())
          .phone("+1 (415) 555-2078").build()).state("sms")).isEqualTo(FinalState.DELIVERED);
    }
    assertThat(secondRun.calls()).isEqualTo(1);
    assertThat(secondRun.items()).extracting(i -> i.event().eventId()).containsExactly("e-4");
  }

  @Test
  void deniedSmsConsentIsStillHonouredAfterARestartWhenLaterEventsSayNothing() throws Exception {
    FakeDestination firstRun = sms();
    try (Outlane outlane = client(firstRun).durable(options()).build()) {
      RetentionEvent denied = nudge("e-1", "c-1")
          .consent(new Consent(ConsentStatus.DENIED, ConsentStatus.UNKNOWN, ConsentStatus.UNKNOWN))
          .build();
      assertThat(send(outlane, denied).state("sms")).isEqualTo(FinalState.SUPPRESSED);
    }
    FakeDestination secondRun = sms();
    try (Outlane outlane = client(secondRun).durable(options()).build()) {
      assertThat(send(outlane, nudge("e-2", "c-1").build()).state("sms"))
          .isEqualTo(FinalState.SUPPRESSED);
    }
    assertThat(firstRun.calls()).isZero();
    assertThat(secondRun.calls()).isZero();
  }

  @Test
  void theSuppressionDirectoryHoldsNoRawEmailOrPhone() throws Exception {
    FakeDestination sms = sms();
    sms.failNext(1, Outcome.optedOut("21610", "recipient replied STOP"));
    try (Outlane outlane = client(sms).durable(options()).build()) {
      send(outlane, nudge("e-1", "c-1").build());
    }
    Path suppression = options().suppressionDirectory();
    assertThat(suppression).isEqualTo(dir.resolve("suppression"));
    String bytes = DiskBytes.of(suppression);
    assertThat(bytes).contains("opted-out");
    for (String raw : new String[] {EMAIL, EMAIL.toLowerCase(java.util.Locale.ROOT), "jane.doe",
        "+14155552077", "4155552077", "555-2077"}) {
      assertThat(bytes).as("raw value in the suppression files").doesNotContain(raw);
    }
  }

  @Test
  void aSuppressionStoreOfYourOwnIsUsedInDurableModeAndNoSuppressionDirectoryIsOpened()
      throws Exception {
    InMemorySuppressionStore own = new InMemorySuppressionStore();
    FakeDestination sms = sms();
    sms.failNext(1, Outcome.optedOut("21610", "recipient replied STOP"));
    try (Outlane outlane = client(sms).durable(options()).suppressionStore(own).build()) {
      assertThat(send(outlane, nudge("e-1", "c-1").build()).state("sms"))
          .isEqualTo(FinalState.OPTED_OUT);
    }
    assertThat(own.isSuppressed(new Identity("c-1", null, null), Channel.SMS)).isTrue();
    assertThat(dir.resolve("suppression")).doesNotExist();
    assertThat(dir.resolve("journal")).isDirectory();
  }

  @Test
  void theClientReleasesTheSuppressionDirectoryWhenItCloses() throws Exception {
    try (Outlane outlane = client(sms()).durable(options()).build()) {
      send(outlane, nudge("e-1", "c-1").consent(
          new Consent(ConsentStatus.DENIED, ConsentStatus.UNKNOWN, ConsentStatus.UNKNOWN)).build());
    }
    try (dev.outlane.guardrail.FileSuppressionStore store = dev.outlane.guardrail.FileSuppressionStore
        .builder().directory(options().suppressionDirectory()).fsync(false).open()) {
      assertThat(store.size()).isEqualTo(3);
      assertThat(store.isSuppressed(new Identity("c-1", null, null), Channel.SMS)).isTrue();
    }
  }
}
