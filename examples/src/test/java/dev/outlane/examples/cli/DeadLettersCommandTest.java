package dev.outlane.examples.cli;

import static dev.outlane.examples.cli.OutlaneCliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.DurableOptions;
import dev.outlane.Outlane;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.destination.Channel;
import dev.outlane.destination.DestinationLimits;
import dev.outlane.destination.Outcome;
import dev.outlane.examples.cli.OutlaneCliTest.Run;
import dev.outlane.retry.RetryPolicy;
import dev.outlane.routing.Route;
import dev.outlane.testing.FakeDestination;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeadLettersCommandTest {
  @TempDir Path dir;

  /** Three SMS dead letters in a durable directory: two rejected, then one unknown outcome. */
  @BeforeEach
  void threeDeadLetters() {
    FakeDestination sms = FakeDestination.builder("twilio-sms").channel(Channel.SMS)
        .idempotent(false).limits(DestinationLimits.single()).build();
    sms.failNext(2, Outcome.rejected("21211", "'To' number is not valid"));
    sms.failNext(1, Outcome.unknown("read timeout after the request was sent"));
    try (Outlane outlane = Outlane.builder()
        .durable(DurableOptions.at(dir).withFsync(false))
        .retryPolicy(RetryPolicy.noRetries())
        .destination(sms)
        .route(Route.builder().event("cart_abandoned").to("twilio-sms").build())
        .build()) {
      for (int i = 0; i < 3; i++) {
        outlane.submit(RetentionEvent.builder().eventId("e-" + i).eventName("cart_abandoned")
            .source("customerio").customerId("c-" + i).eventTime(Instant.now())
            .email("person" + i + "@example.com").phone("+1 (415) 555-20" + i + "0").build());
        assertThat(outlane.flush(Duration.ofSeconds(10))).isTrue();
      }
    }
  }

  @Test
  void listPrintsOneLinePerUnresolvedRecordWithoutRawEmailOrPhone() {
    Run r = run("dead-letters", "list", "--dir", dir.toString());
    assertThat(r.exitCode()).isZero();
    assertThat(r.out().lines()).hasSize(3)
        .allMatch(l -> l.contains(" twilio-sms ") && l.contains(" resolved=no "))
        .noneMatch(l -> l.contains("@example.com") || l.contains("+1415"));
    assertThat(r.out().lines().filter(l -> l.contains(" rejected code=21211 "))).hasSize(2);
    assertThat(r.err()).isEqualTo("3 records, 3 unresolved\n");
  }

  @Test
  void listWorksWhileARunningClientHoldsTheStoreButReplayRefusesClearly() {
    try (Outlane running = Outlane.builder().durable(DurableOptions.at(dir).withFsync(false))
        .destination(FakeDestination.builder("twilio-sms").build()).build()) {
      Run list = run("dead-letters", "list", "--dir", dir.toString());
      assertThat(list.exitCode()).isZero();
      assertThat(list.out().lines()).hasSize(3);

      Run replay = run("dead-letters", "replay", "--dir", dir.toString(), "--dry-run");
      assertThat(replay.exitCode()).isEqualTo(2);
      assertThat(replay.err()).startsWith("dead-letters replay: dead-letter store directory ")
          .contains(" is already in use");
      assertThat(running.outstanding()).isZero();
    }
  }

  @Test
  void listFiltersByReasonAndDestination() {
    Run r = run("dead-letters", "list", "--dir", dir.toString(), "--reason", "needs-reconciliation");
    assertThat(r.out().lines()).singleElement().asString()
        .contains(" twilio-sms needs-reconciliation code=- attempts=1 ", " customer=c-2 ");
    assertThat(run("dead-letters", "list", "--dir", dir.toString(), "--destination", "other").out())
        .isEmpty();
  }

  @Test
  void anUnknownReasonIsAUsageErrorListingTheKnownOnes() {
    Run r = run("dead-letters", "list", "--dir", dir.toString(), "--reason", "lost");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("reason: unknown dead-letter reason \"lost\" (known:"
        + " needs-reconciliation, retries-exhausted, rejected, opted-out, undeliverable)");
  }

  @Test
  void aDirectoryWithoutAStoreExitsTwo() {
    Run r = run("dead-letters", "list", "--dir", dir.resolve("nope").toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("dead-letters list: no dead-letter store in " + dir.resolve("nope")
        + " (expected " + dir.resolve("nope").resolve("dead-letters") + ")\n");
  }

  @Test
  void replayWithoutConfigDryRunOrFakesIsAUsageErrorNamingConfig() {
    Run r = run("dead-letters", "replay", "--dir", dir.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).startsWith("replay: say where to replay: --config FILE (the destinations"
        + " 'outlane send --config FILE' uses), --dry-run to see what would be sent, or"
        + " --fake-destinations to replay into in-process fakes");
    assertThat(run("dead-letters", "list", "--dir", dir.toString()).err())
        .isEqualTo("3 records, 3 unresolved\n");
  }

  @Test
  void configAndFakeDestinationsTogetherIsAUsageError() {
    Run r = run("dead-letters", "replay", "--dir", dir.toString(), "--config", "send.properties",
        "--fake-destinations");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).startsWith("replay: --config and --fake-destinations exclude each other");
  }

  @Test
  void aDryRunPrintsWhatWouldBeSentAndChangesNothing() {
    Run dry = run("dead-letters", "replay", "--dir", dir.toString(), "--reason", "rejected",
        "--dry-run");
    assertThat(dry.exitCode()).isZero();
    assertThat(dry.out().lines()).hasSize(2).allMatch(l -> l.startsWith("would-replay "));
    assertThat(dry.err()).isEqualTo("dry run: 2 matched, 0 already resolved, 0 skipped, 2 would be"
        + " replayed\n");
    assertThat(run("dead-letters", "list", "--dir", dir.toString()).err())
        .isEqualTo("3 records, 3 unresolved\n");
  }

  @Test
  void replayResolvesOnceAndASecondRunReplaysNothing() {
    Run first = run("dead-letters", "replay", "--dir", dir.toString(), "--reason", "rejected",
        "--fake-destinations");
    assertThat(first.exitCode()).isZero();
    assertThat(first.out().lines()).hasSize(2).allMatch(l -> l.startsWith("resolved: delivered "));

    Run second = run("dead-letters", "replay", "--dir", dir.toString(), "--reason", "rejected",
        "--fake-destinations");
    assertThat(second.exitCode()).isZero();
    assertThat(second.out()).isEmpty();
    assertThat(second.err()).isEqualTo("2 matched, 2 already resolved, 0 skipped, 0 replayed,"
        + " 0 resolved, 0 still failing\n");
  }

  @Test
  void needsReconciliationIsSkippedUnlessResendIsExplicit() {
    Run skipped = run("dead-letters", "replay", "--dir", dir.toString(), "--reason",
        "needs-reconciliation", "--fake-destinations");
    assertThat(skipped.exitCode()).isEqualTo(1);
    assertThat(skipped.out()).startsWith("skipped: needs-reconciliation (it may have been sent;");

    Run resent = run("dead-letters", "replay", "--dir", dir.toString(), "--reason",
        "needs-reconciliation", "--fake-destinations", "--resend-unknown");
    assertThat(resent.exitCode()).isZero();
    assertThat(resent.out()).startsWith("resolved: delivered ");
  }

  @Test
  void deadLettersWithoutASubcommandIsAUsageErrorAndHelpWorksOnEach() {
    assertThat(run("dead-letters").exitCode()).isEqualTo(2);
    for (String sub : new String[] {"list", "replay"}) {
      Run help = run("dead-letters", sub, "--help");
      assertThat(help.exitCode()).isZero();
      assertThat(help.out()).contains("--dir=DIR", "--destination=NAME", "--reason=REASON");
    }
    assertThat(run("dead-letters", "replay", "--help").out())
        .contains("--config=FILE", "--fake-destinations", "--resend-unknown", "--timeout=DURATION");
  }

  /** A dead letter written under region GB: its local phone cannot be re-read under the CLI's US rules. */
  private void aDeadLetterWrittenUnderRegionGb() {
    dev.outlane.contract.EventCodec gb = dev.outlane.contract.EventCodec.builder()
        .identityNormalizer(dev.outlane.identity.IdentityNormalizer.builder().defaultRegion("GB").build()).build();
    RetentionEvent e = RetentionEvent.builder().eventId("e-gb").eventName("cart_abandoned").source("customerio")
        .customerId("c-gb").eventTime(Instant.now()).phone("020 7946 0018").build();
    try (dev.outlane.deadletter.FileDeadLetterStore store = dev.outlane.deadletter.FileDeadLetterStore.builder()
        .directory(DurableOptions.at(dir).deadLetterDirectory())
        .serializer(bareJson(gb)).fsync(false).open()) {
      store.add(new dev.outlane.deadletter.DeadLetter("dl-gb", e, "twilio-sms", "key-gb",
          dev.outlane.deadletter.DeadLetterReason.REJECTED, "refused", null, 1, Instant.now(), Instant.now(), false));
    }
  }

  @Test
  void listWarnsOnStderrAboutRecordsItCannotReadAndExitsOne() {
    aDeadLetterWrittenUnderRegionGb();

    Run r = run("dead-letters", "list", "--dir", dir.toString());

    assertThat(r.out().lines()).hasSize(3);
    assertThat(r.err()).isEqualTo("3 records, 3 unresolved\n"
        + "warning: 1 unreadable record kept in " + dir + " (not delivered, listed or replayed; was it"
        + " written under another configuration, e.g. another region? see the WARN log)\n");
    assertThat(r.err()).doesNotContain("7946");
    assertThat(r.exitCode()).isEqualTo(1);
  }

  @Test
  void replayWarnsAboutRecordsItCannotReadToo() {
    aDeadLetterWrittenUnderRegionGb();

    Run r = run("dead-letters", "replay", "--dir", dir.toString(), "--dry-run");

    assertThat(r.err()).startsWith("warning: 1 unreadable record kept in " + dir + " (");
    assertThat(r.exitCode()).isEqualTo(1);
  }

  /**
   * The payload form of releases before the identity rules were recorded with each event (bare
   * contract JSON, re-read with the current configuration's codec): such a GB record stays
   * unreadable under US rules.
   */
  private static dev.outlane.journal.EventSerializer bareJson(dev.outlane.contract.EventCodec codec) {
    return new dev.outlane.journal.EventSerializer() {
      @Override
      public byte[] write(RetentionEvent event) {
        return codec.toJson(event).getBytes(java.nio.charset.StandardCharsets.UTF_8);
      }

      @Override
      public RetentionEvent read(byte[] bytes) {
        return codec.read(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
      }
    };
  }
}
