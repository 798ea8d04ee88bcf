package dev.outlane.audience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outlane.destination.Channel;
import dev.outlane.guardrail.SuppressionStore;
import dev.outlane.hashing.HashingProfile;
import dev.outlane.hashing.Sha256;
import dev.outlane.identity.Identity;
import dev.outlane.metrics.MetricsSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AudienceSyncTest {
  @TempDir Path dir;

  private AudienceSync.Builder builder() {
    return AudienceSync.builder().stateDirectory(dir).audience("cart-recovery").destination("meta-test")
        .hashingProfile(HashingProfile.META).batchSize(2).chunkSize(3);
  }

  private static RawMember member(int i) {
    return new RawMember("c" + i, "user" + i + "@example.com", null);
  }

  private static List<RawMember> members(int... ids) {
    List<RawMember> list = new ArrayList<>();
    for (int i : ids) {
      list.add(member(i));
    }
    return list;
  }

  private static String emailHash(int i) {
    return Sha256.hex("user" + i + "@example.com");
  }

  private static Set<String> emailHashes(int... ids) {
    Set<String> s = new HashSet<>();
    for (int i : ids) {
      s.add(emailHash(i));
    }
    return s;
  }

  @Test
  void threeConsecutiveSnapshotsSendOnlyWhatChanged() {
    AudienceSync sync = builder().build();
    RecordingSink sink = new RecordingSink();

    SyncReport first = sync.run(MemberSource.of(members(1, 2, 3, 4, 5)), sink);
    assertThat(first.complete()).isTrue();
    assertThat(first.adds()).isEqualTo(5);
    assertThat(first.removes()).isZero();
    assertThat(first.audienceSize()).isEqualTo(5);
    assertThat(sink.audienceEmails).isEqualTo(emailHashes(1, 2, 3, 4, 5));

    sink.sentMembers.clear();
    SyncReport second = sync.run(MemberSource.of(members(2, 3, 4, 5, 6, 7)), sink);
    assertThat(second.adds()).isEqualTo(2);
    assertThat(second.removes()).isEqualTo(1);
    assertThat(second.unchanged()).isEqualTo(4);
    assertThat(second.previousSize()).isEqualTo(5);
    assertThat(second.audienceSize()).isEqualTo(6);
    assertThat(second.drift()).isEqualTo(1);
    assertThat(sink.sentMembers).extracting(HashedMember::emailSha256)
        .containsExactlyInAnyOrder(emailHash(1), emailHash(6), emailHash(7));
    assertThat(sink.audienceEmails).isEqualTo(emailHashes(2, 3, 4, 5, 6, 7));

    sink.sentMembers.clear();
    SyncReport third = sync.run(MemberSource.of(members(3, 7)), sink);
    assertThat(third.adds()).isZero();
    assertThat(third.removes()).isEqualTo(4);
    assertThat(third.unchanged()).isEqualTo(2);
    assertThat(third.audienceSize()).isEqualTo(2);
    assertThat(third.drift()).isEqualTo(-4);
    assertThat(sink.audienceEmails).isEqualTo(emailHashes(3, 7));
    assertThat(sync.audienceSize()).isEqualTo(2);
  }

  @Test
  void unchangedRawValuesAreNotNormalizedAgain() {
    AudienceSync sync = builder().build();
    RecordingSink sink = new RecordingSink();
    sync.run(MemberSource.of(members(1, 2, 3, 4)), sink);

    List<RawMember> next = members(1, 2, 3);
    next.add(new RawMember("c4", "changed4@example.com", null));
    SyncReport report = sync.run(MemberSource.of(next), sink);

    assertThat(report.normalized()).isEqualTo(1);
    assertThat(report.changed()).isEqualTo(1);
    assertThat(report.adds()).isEqualTo(1);
    assertThat(report.removes()).isEqualTo(1);
    assertThat(report.unchanged()).isEqualTo(3);
    assertThat(sink.audienceEmails).contains(Sha256.hex("changed4@example.com")).doesNotContain(emailHash(4));
  }

  @Test
  void aRawValueThatNormalizesToTheSameHashIsUnchanged() {
    AudienceSync sync = builder().build();
    RecordingSink sink = new RecordingSink();
    sync.run(MemberSource.of(members(1)), sink);

    SyncReport report = sync.run(MemberSource.of(List.of(new RawMember("c1", "  USER1@Example.com ", null))), sink);

    assertThat(report.normalized()).isEqualTo(1);
    assertThat(report.unchanged()).isEqualTo(1);
    assertThat(report.adds()).isZero();
    assertThat(report.removes()).isZero();
  }

  @Test
  void resumeAfterAFailureMidwaySendsNothingTwice() {
    AudienceSync sync = builder().build();
    RecordingSink sink = new RecordingSink();
    sink.failOnCall = 3; // batches of 2: the third of five add batches fails

    SyncReport failed = sync.run(MemberSource.of(members(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)), sink);

    assertThat(failed.complete()).isFalse();
    assertThat(failed.failure()).isEqualTo("add batch 2 not accepted (retryable): rate limited");
    assertThat(failed.batchesSent()).isEqualTo(2);
    assertThat(failed.audienceSize()).isZero();
    assertThat(sync.hasPendingSync()).isTrue();
    assertThat(sync.audienceSize()).isZero();

    SyncReport resumed = sync.resume(sink);

    assertThat(resumed.complete()).isTrue();
    assertThat(resumed.batchesSkipped()).isEqualTo(2);
    assertThat(resumed.batchesSent()).isEqualTo(3);
    assertThat(resumed.received()).isEqualTo(10);
    assertThat(resumed.audienceSize()).isEqualTo(10);
    assertThat(sync.hasPendingSync()).isFalse();
    List<String> keys = sink.sentMembers.stream().map(HashedMember::key).collect(Collectors.toList());
    assertThat(keys).hasSize(10).doesNotHaveDuplicates();
    assertThat(sink.audienceEmails).isEqualTo(emailHashes(1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
  }

  @Test
  void aJournalLineTornByACrashDoesNotCountAsAccepted() throws IOException {
    AudienceSync sync = builder().build();
    RecordingSink sink = new RecordingSink();
    sink.failOnCall = 2;
    sync.run(MemberSource.of(members(1, 2, 3, 4)), sink);
    Files.writeString(dir.resolve("pending/journal.log"), "add 1 2 1", java.nio.file.StandardOpenOption.APPEND);

    SyncReport resumed = sync.resume(sink);

    assertThat(resumed.batchesSkipped()).isEqualTo(1);
    assertThat(resumed.batchesSent()).isEqualTo(1);
    assertThat(sink.audienceEmails).isEqualTo(emailHashes(1, 2, 3, 4));
  }

  @Test
  void theNextRunFinishesAPendingSyncBeforeComputingANewDiff() {
    AudienceSync sync = builder().build();
    RecordingSink sink = new RecordingSink();
    sink.failOnCall = 2;
    sync.run(MemberSource.of(members(1, 2, 3, 4)), sink);

    SyncReport next = sync.run(MemberSource.of(members(1, 2, 3, 4, 5)), sink);

    assertThat(next.complete()).isTrue();
    assertThat(next.adds()).isEqualTo(1);
    assertThat(next.previousSize()).isEqualTo(4);
    assertThat(sink.sentMembers.stream().map(HashedMember::key).collect(Collectors.toList()))
        .hasSize(5).doesNotHaveDuplicates();
  }

  @Test
  void aMemberSeenBeforeIsCheckedForSuppressionUnderTheSameEmailRuleAsTheNormalizer() {
    FakeSuppressionStore store = new FakeSuppressionStore();
    AudienceSync sync = builder().suppressionStore(store).build();
    RecordingSink sink = new RecordingSink();
    // Decomposed "é" (e + U+0301): the normalizer composes it to U+00E9.
    List<RawMember> members = List.of(new RawMember("c1", " Rene\u0301@Example.com", null), member(2));
    SyncReport first = sync.run(MemberSource.of(members), sink);
    assertThat(first.adds()).isEqualTo(2);

    // The opt-out arrives in its normalized form; the unchanged member takes the fast path.
    store.suppressedEmails.add("ren\u00e9@example.com");
    SyncReport second = sync.run(MemberSource.of(members), sink);
    assertThat(second.suppressed()).isEqualTo(1);
    assertThat(second.removes()).isEqualTo(1);
    assertThat(sink.audienceEmails).isEqualTo(emailHashes(2));
  }

  @Test
  void aSuppressedPersonIsNeverAddedAndIsRemovedIfPresent() {
    FakeSuppressionStore store = new FakeSuppressionStore();
    AudienceSync sync = builder().suppressionStore(store).build();
    RecordingSink sink = new RecordingSink();
    store.suppressedEmails.add("user2@example.com");

    SyncReport first = sync.run(MemberSource.of(members(1, 2, 3)), sink);
    assertThat(first.suppressed()).isEqualTo(1);
    assertThat(first.adds()).isEqualTo(2);
    assertThat(sink.audienceEmails).isEqualTo(emailHashes(1, 3));

    store.suppressedCustomerIds.add("c3");
    SyncReport second = sync.run(MemberSource.of(members(1, 2, 3)), sink);
    assertThat(second.suppressed()).isEqualTo(2);
    assertThat(second.removes()).isEqualTo(1);
    assertThat(sink.audienceEmails).isEqualTo(emailHashes(1));
  }

  @Test
  void aDryRunSendsNothingAndLeavesTheStateAlone() throws IOException {
    AudienceSync sync = builder().build();
    RecordingSink sink = new RecordingSink();
    sync.run(MemberSource.of(members(1, 2)), sink);
    sink.calls.clear();

    SyncReport dry = sync.dryRun(MemberSource.of(List.of(member(2), member(3), new RawMember("c9", "nope", null))));

    assertThat(dry.dryRun()).isTrue();
    assertThat(dry.complete()).isFalse();
    assertThat(dry.adds()).isEqualTo(1);
    assertThat(dry.removes()).isEqualTo(1);
    assertThat(dry.unchanged()).isEqualTo(1);
    assertThat(dry.invalid()).isEqualTo(1);
    assertThat(dry.invalidByReason()).containsExactly(Map.entry("$.email: missing '@'", 1L));
    assertThat(dry.targetSize()).isEqualTo(2);
    assertThat(sink.calls).isEmpty();
    assertThat(sync.audienceSize()).isEqualTo(2);
    assertThat(sync.hasPendingSync()).isFalse();
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("snapshot.bin", "lock");
    }
  }

  @Test
  void aDryRunWritesNothingToTheStateDirectoryNotEvenTheDirectory() throws IOException {
    Path state = dir.resolve("never-synced");
    Path scratch = Files.createDirectories(dir.resolve("scratch"));
    AudienceSync sync = AudienceSync.builder().stateDirectory(state).audience("cart-recovery")
        .scratchDirectory(scratch).chunkSize(2).build();

    SyncReport dry = sync.dryRun(MemberSource.of(members(1, 2, 3)));

    assertThat(dry.adds()).isEqualTo(3);
    assertThat(dry.targetSize()).isEqualTo(3);
    assertThat(state).doesNotExist();
    assertThat(scratch).isEmptyDirectory();
  }

  @Test
  void aDryRunFailsFastWhileASyncHoldsTheStateDirectory() {
    AudienceSync sync = builder().build();
    RecordingSink sink = new RecordingSink();
    sync.run(MemberSource.of(members(1)), sink);
    AudienceSync other = builder().build();
    List<Throwable> thrown = new ArrayList<>();
    AudienceSink nested = (batch, action) -> {
      try {
        other.dryRun(MemberSource.of(members(1, 2)));
      } catch (RuntimeException e) {
        thrown.add(e);
      }
      return SinkResult.accepted();
    };

    assertThat(sync.run(MemberSource.of(members(1, 2)), nested).complete()).isTrue();
    assertThat(thrown).hasSize(1);
    assertThat(thrown.get(0)).isInstanceOf(AudienceSyncException.class).hasMessage("state: " + dir + " is locked by another audience sync");
  }

  @Test
  void invalidMembersAreCountedWithTheirReasons() {
    AudienceSync sync = builder().build();
    SyncReport report = sync.run(MemberSource.of(List.of(
        new RawMember("c1", "no-at-sign", null),
        new RawMember("c2", null, "12"),
        new RawMember("c3", null, null),
        new RawMember("  ", "x@example.com", null),
        new RawMember("c5", "bad", "+14155550123"))), new RecordingSink());

    assertThat(report.invalid()).isEqualTo(4);
    assertThat(report.invalidByReason()).containsOnly(
        Map.entry("$.email: missing '@'", 1L),
        Map.entry("$.phone: not a valid phone number for its region", 1L),
        Map.entry("no email or phone", 1L),
        Map.entry("$.customer_id: must not be blank", 1L));
    assertThat(report.adds()).isEqualTo(1);
    assertThat(report.summary()).doesNotContain("no-at-sign").doesNotContain("x@example.com");
  }

  @Test
  void theLastRowOfARepeatedCustomerIdWinsAcrossChunks() {
    AudienceSync sync = builder().chunkSize(2).build();
    RecordingSink sink = new RecordingSink();
    SyncReport report = sync.run(MemberSource.of(List.of(
        new RawMember("c1", "old@example.com", null), member(2), member(3),
        new RawMember("c1", "new@example.com", null))), sink);

    assertThat(report.duplicates()).isEqualTo(1);
    assertThat(report.adds()).isEqualTo(3);
    assertThat(sink.audienceEmails).contains(Sha256.hex("new@example.com")).doesNotContain(Sha256.hex("old@example.com"));
  }

  @Test
  void theSnapshotHoldsNoRawIdentifiers() throws IOException {
    AudienceSync sync = builder().build();
    sync.run(MemberSource.of(List.of(new RawMember("customer-42", "ada@example.com", "+14155550123"))), new RecordingSink());

    String bytes = new String(Files.readAllBytes(dir.resolve("snapshot.bin")), java.nio.charset.StandardCharsets.ISO_8859_1);
    assertThat(bytes).doesNotContain("ada@example.com").doesNotContain("4155550123").doesNotContain("customer-42");
  }

  @Test
  void completedSyncsFeedAudienceSizeAndMatchCountsToMetrics() {
    List<String> seen = new ArrayList<>();
    MetricsSink metrics = new MetricsSink() {
      @Override
      public void count(String destination, String outcome, String reason, long amount) {}

      @Override
      public void latency(String destination, Duration latency) {}

      @Override
      public void queueDepth(String destination, long depth) {}

      @Override
      public void matchCounts(String destination, long received, long matched) {
        seen.add("match " + destination + " " + received + " " + matched);
      }

      @Override
      public void audienceSize(String destination, String audience, long size, long previous) {
        seen.add("size " + destination + " " + audience + " " + size + " " + previous);
      }
    };
    AudienceSync sync = builder().metrics(metrics).build();
    SyncReport report = sync.run(MemberSource.of(members(1, 2, 3)), new RecordingSink());

    // RecordingSink reports received = n, matched = n - 1 per batch: batches of 2 and 1.
    assertThat(report.received()).isEqualTo(3);
    assertThat(report.matched()).isEqualTo(1);
    assertThat(report.matchRate()).isEqualTo(1.0 / 3);
    assertThat(seen).containsExactly("size meta-test cart-recovery 3 0", "match meta-test 3 1");
  }

  @Test
  void progressReportsReadingAndEverySentBatch() {
    List<String> events = new ArrayList<>();
    AudienceSync sync = builder().progress((phase, done, total) -> events.add(phase + " " + done + "/" + total)).build();

    sync.run(MemberSource.of(members(1, 2, 3)), new RecordingSink());

    assertThat(events).containsExactly("READ 3/-1", "READ 3/3", "DIFF 0/1", "DIFF 1/1", "SEND 0/2", "SEND 1/2", "SEND 2/2");
  }

  @Test
  void thousandsOfMembersOverSeveralChunksAndThreadsDiffExactly() {
    AudienceSync sync = builder().chunkSize(3_000).batchSize(10_000).threads(2).build();
    RecordingSink sink = new RecordingSink();
    List<RawMember> first = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      first.add(member(i));
    }
    assertThat(sync.run(MemberSource.of(first), sink).adds()).isEqualTo(10_000);

    // every 10th leaves, every 10th (offset 5) changes email, 500 join, and one id is listed twice
    List<RawMember> second = new ArrayList<>();
    Set<String> expected = new HashSet<>();
    for (int i = 0; i < 10_500; i++) {
      if (i < 10_000 && i % 10 == 0) {
        continue;
      }
      String email = i % 10 == 5 && i < 10_000 ? "changed" + i + "@example.com" : "user" + i + "@example.com";
      second.add(new RawMember("c" + i, email, null));
      expected.add(Sha256.hex(email));
    }
    second.add(2, new RawMember("c9999", "stale@example.com", null)); // the later row (user9999) wins
    SyncReport report = sync.run(MemberSource.of(second), sink);

    assertThat(report.members()).isEqualTo(9_501);
    assertThat(report.duplicates()).isEqualTo(1);
    assertThat(report.unchanged()).isEqualTo(8_000);
    assertThat(report.changed()).isEqualTo(1_000);
    assertThat(report.adds()).isEqualTo(1_500);
    assertThat(report.removes()).isEqualTo(2_000);
    // the changed and new members, and the stale row: it is in another chunk than the row that wins
    assertThat(report.normalized()).isEqualTo(1_501);
    assertThat(report.targetSize()).isEqualTo(9_500);
    assertThat(sink.audienceEmails).isEqualTo(expected);
  }

  @Test
  void aCustomerIdThatIsNotAsciiIsKeyedByTheSha256OfItsUtf8Bytes() {
    AudienceSync sync = builder().build();
    RecordingSink sink = new RecordingSink();
    sync.run(MemberSource.of(List.of(new RawMember("kunde-jürgen-😀", "j@example.com", null),
        new RawMember(" c1 ", "user1@example.com", null))), sink);

    assertThat(sink.sentMembers).extracting(HashedMember::key).containsExactlyInAnyOrder(
        Sha256.hex("kunde-jürgen-😀").substring(0, 32), Sha256.hex("c1").substring(0, 32));
  }

  @Test
  void theBuilderNamesTheFieldAndTheReason() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> AudienceSync.builder().batchSize(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("batchSize: must be 1–100000, was 0");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> AudienceSync.builder().audience(" "))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("audience: must not be blank");
  }

  static final class FakeSuppressionStore implements SuppressionStore {
    final Set<String> suppressedEmails = new HashSet<>();
    final Set<String> suppressedCustomerIds = new HashSet<>();

    @Override
    public boolean isSuppressed(Identity identity, Channel channel) {
      return channel == Channel.ADS
          && (suppressedCustomerIds.contains(identity.customerId())
              || (identity.email() != null && suppressedEmails.contains(identity.email())));
    }

    @Override
    public void suppress(Identity identity, Set<Channel> channels, String reason) {
      suppressedCustomerIds.add(identity.customerId());
    }
  }
}
