package dev.outlane.ads.meta;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.ads.testing.FakeMetaServer;
import dev.outlane.audience.AudienceSync;
import dev.outlane.audience.DestinationAudienceSink;
import dev.outlane.audience.MemberSource;
import dev.outlane.audience.RawMember;
import dev.outlane.audience.SyncReport;
import dev.outlane.hashing.HashingProfile;
import dev.outlane.hashing.Sha256;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mirror-mode sync end to end: core's diff engine, the Meta destination, the fake Graph API. */
class MetaAudienceSyncTest {
  private static final String TOKEN = "EAAB-sync-token";
  @TempDir Path state;
  private final FakeMetaServer meta = FakeMetaServer.start(TOKEN);
  private final MockWebServer server = meta.mockWebServer();
  private AudienceSync sync;
  private DestinationAudienceSink sink;

  @BeforeEach
  void start() throws Exception {
    MetaCustomAudienceDestination destination = MetaCustomAudienceDestination.builder().accessToken(TOKEN)
        .baseUrl(meta.url()).maxRowsPerRequest(3).build();
    sink = DestinationAudienceSink.of(destination, "2385");
    sync = AudienceSync.builder().stateDirectory(state).audience("cart-recovery").destination(destination.name())
        .hashingProfile(HashingProfile.META).batchSize(4).build();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static List<RawMember> members(int from, int to) {
    List<RawMember> list = new ArrayList<>();
    for (int i = from; i < to; i++) {
      list.add(new RawMember("c" + i, "User" + i + "@Example.com ", "+1 650 555 " + (1000 + i)));
    }
    return list;
  }

  private static Set<String> emails(int from, int to) {
    Set<String> set = new HashSet<>();
    for (int i = from; i < to; i++) {
      set.add(Sha256.hex("user" + i + "@example.com"));
    }
    return set;
  }

  @Test
  void theFakeAudienceMirrorsEachSnapshot() {
    SyncReport first = sync.run(MemberSource.of(members(0, 10)), sink);
    assertThat(first.complete()).isTrue();
    assertThat(first.received()).isEqualTo(10);
    assertThat(first.matched()).isEqualTo(10);
    assertThat(meta.audienceEmailHashes("2385")).isEqualTo(emails(0, 10));
    assertThat(meta.audience("2385")).allSatisfy(row -> assertThat(row.get(2)).isEmpty());

    SyncReport second = sync.run(MemberSource.of(members(5, 15)), sink);
    assertThat(second.adds()).isEqualTo(5);
    assertThat(second.removes()).isEqualTo(5);
    assertThat(second.normalized()).isEqualTo(5);
    assertThat(meta.audienceEmailHashes("2385")).isEqualTo(emails(5, 15));

    SyncReport third = sync.run(MemberSource.of(members(14, 16)), sink);
    assertThat(third.adds()).isEqualTo(1);
    assertThat(third.removes()).isEqualTo(9);
    assertThat(third.audienceSize()).isEqualTo(2);
    assertThat(third.drift()).isEqualTo(-8);
    assertThat(meta.audienceEmailHashes("2385")).isEqualTo(emails(14, 16));
  }

  @Test
  void aRateLimitStopsTheSyncAndTheResumeSendsOnlyWhatMetaHadNotAccepted() {
    meta.failNextWithRateLimit(17, null); // first request of the first batch
    SyncReport failed = sync.run(MemberSource.of(members(0, 10)), sink);
    assertThat(failed.complete()).isFalse();
    assertThat(failed.failure()).startsWith("add batch 0 not accepted (retryable): Meta rate limit (code 17)");
    assertThat(meta.rowsAdded("2385")).isZero();

    SyncReport resumed = sync.resume(sink);

    assertThat(resumed.complete()).isTrue();
    assertThat(meta.rowsAdded("2385")).isEqualTo(10);
    assertThat(meta.audienceEmailHashes("2385")).isEqualTo(emails(0, 10));
  }

  @Test
  void anExpiredTokenIsAFailureThatNeedsAFix() {
    meta.failNextWithExpiredToken();

    SyncReport report = sync.run(MemberSource.of(members(0, 2)), sink);

    assertThat(report.failure()).startsWith("add batch 0 not accepted (needs a fix): Meta rejected the access token");
    assertThat(report.failure()).doesNotContain(TOKEN);
    assertThat(sync.hasPendingSync()).isTrue();
  }
}
