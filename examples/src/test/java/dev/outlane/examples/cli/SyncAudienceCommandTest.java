package dev.outlane.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.ads.testing.FakeGoogleDataManagerServer;
import dev.outlane.ads.testing.FakeMetaServer;
import dev.outlane.ads.testing.FakeTikTokServer;
import dev.outlane.hashing.HashingProfile;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SyncAudienceCommandTest {
  private static final String TOKEN = "meta-token-s3cret";
  private static final String AUDIENCE = "23850000000000001";

  @TempDir Path dir;

  private final FakeMetaServer meta = FakeMetaServer.start(TOKEN);
  private final MockWebServer server = meta.mockWebServer();
  private final Map<String, String> env = new HashMap<>();
  private StringWriter out = new StringWriter();
  private StringWriter err = new StringWriter();

  @BeforeEach
  void start() throws IOException {
    env.put("META_ACCESS_TOKEN", TOKEN);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Path members(String name, String... rows) throws IOException {
    Path file = dir.resolve(name);
    Files.write(file, List.of(rows));
    return file;
  }

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    return new CommandLine(new SyncAudienceCommand(env::get))
        .setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
  }

  private String[] args(Path members, String... extra) {
    List<String> a = new java.util.ArrayList<>(List.of("--destination", "meta", "--audience", AUDIENCE,
        "--state-dir", dir.resolve("state").toString(), "--base-url", server.url("/").toString(), "--no-progress"));
    a.addAll(List.of(extra));
    a.add(members.toString());
    return a.toArray(new String[0]);
  }

  private static String emailHash(String email) {
    return HashingProfile.META.hashEmail(email);
  }

  @Test
  void consecutiveSyncsSendOnlyTheAddsAndRemovesAndTheAudienceMirrorsTheFile() throws IOException {
    Path first = members("monday.csv", "customer_id,email,phone",
        "c1,ada@example.com,", "c2,bob@example.com,+14155550123", "c3,cy@example.com,");

    assertThat(run(args(first))).isZero();
    assertThat(meta.audienceEmailHashes(AUDIENCE)).containsExactlyInAnyOrder(
        emailHash("ada@example.com"), emailHash("bob@example.com"), emailHash("cy@example.com"));
    assertThat(out.toString()).contains("  adds 3, removes 0, unchanged 0, changed 0\n");
    int requestsAfterFirst = server.getRequestCount();

    Path second = members("tuesday.ndjson",
        "{\"customer_id\":\"c1\",\"email\":\"ada@example.com\"}",
        "{\"customer_id\":\"c3\",\"email\":\"cy@example.com\"}",
        "{\"customer_id\":\"c4\",\"email\":\"dee@example.com\"}");

    assertThat(run(args(second))).isZero();
    assertThat(meta.audienceEmailHashes(AUDIENCE)).containsExactlyInAnyOrder(
        emailHash("ada@example.com"), emailHash("cy@example.com"), emailHash("dee@example.com"));
    assertThat(out.toString()).startsWith("synced audience " + AUDIENCE + " → meta-audience\n")
        .contains("  members 3 (normalized 1)\n", "  adds 1, removes 1, unchanged 2, changed 0\n",
            "  audience size 3 (previous 3, drift +0)\n");
    // One add request and one remove request: nothing unchanged was sent again.
    assertThat(server.getRequestCount() - requestsAfterFirst).isEqualTo(2);
    assertThat(out.toString() + err).doesNotContain(TOKEN, "ada@example.com");
  }

  @Test
  void aDryRunNeedsNoCredentialsAndSendsNothing() throws IOException {
    env.clear();
    Path file = members("m.csv", "customer_id,email,phone", "c1,ada@example.com,", "c2,not-an-email,");

    int exit = run(args(file, "--dry-run"));

    assertThat(exit).isEqualTo(1); // c2 is invalid: a dry run follows the one exit-code rule too
    assertThat(server.getRequestCount()).isZero();
    assertThat(out.toString()).startsWith("dry run audience " + AUDIENCE + " → meta-audience\n")
        .contains("  adds 1, removes 0, unchanged 0, changed 0\n", "invalid 1\n");
    assertThat(Files.exists(dir.resolve("state").resolve("snapshot.bin"))).isFalse();
  }

  @Test
  void aDryRunWithoutStateCreatesNoStateDirectoryAndACleanFileExitsZero() throws IOException {
    Path state = dir.resolve("never-synced");
    Path file = members("m.csv", "customer_id,email,phone", "c1,ada@example.com,", "c2,bob@example.com,");

    int exit = run("--destination", "meta", "--audience", AUDIENCE, "--state-dir", state.toString(),
        "--no-progress", "--dry-run", file.toString());

    assertThat(exit).isZero();
    assertThat(out.toString()).contains("  adds 2, removes 0, unchanged 0, changed 0\n");
    assertThat(state).doesNotExist(); // no lock, no scratch files: --help says it writes no state
  }

  @Test
  void anAudienceIdThatIsNotDigitsIsAUsageErrorNamingTheOption() throws IOException {
    Path file = members("m.csv", "customer_id,email,phone", "c1,ada@example.com,");

    int exit = run("--destination", "meta", "--audience", "2385…", "--no-progress", "--dry-run", file.toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("outlane sync-audience: --audience: a Meta custom audience id is 1 to"
        + " 20 digits (e.g. 23850000000000001), was \"2385…\"\n");
    assertThat(Path.of("outlane-state")).doesNotExist();
  }

  @Test
  void aMemberWithABadEmailAndABadPhoneReportsBoth() throws IOException {
    Path file = members("m.csv", "customer_id,email,phone", "c1,ada@example.com,", "c2,not-an-email,12");

    int exit = run(args(file, "--dry-run"));

    assertThat(exit).isEqualTo(1);
    assertThat(out.toString()).contains("invalid 1\n    1 × $.email: missing '@'; $.phone: ");
  }

  @Test
  void anUnsetTokenIsAUsageErrorNamingTheVariable() throws IOException {
    env.clear();

    int exit = run(args(members("m.csv", "customer_id,email,phone", "c1,ada@example.com,")));

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("outlane sync-audience: environment variable META_ACCESS_TOKEN is not set\n");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void aRejectedBatchLeavesTheSyncIncompleteAndRunningAgainFinishesIt() throws IOException {
    Path file = members("m.csv", "customer_id,email,phone", "c1,ada@example.com,", "c2,bob@example.com,");
    meta.failNextWithExpiredToken();

    assertThat(run(args(file))).isEqualTo(1);
    assertThat(out.toString()).startsWith("incomplete audience " + AUDIENCE)
        .contains("  the sync is incomplete: run the same command again to resume; accepted batches are not sent twice\n")
        .doesNotContain(TOKEN);
    assertThat(meta.audienceEmailHashes(AUDIENCE)).isEmpty();

    assertThat(run(args(file))).isZero();
    assertThat(meta.audienceEmailHashes(AUDIENCE)).hasSize(2);
    assertThat(meta.rowsAdded(AUDIENCE)).isEqualTo(2);
  }

  @Test
  void tiktokAudiencesAreSyncedWithTikToksHashingAndAdvertiser() throws IOException {
    try (FakeTikTokServer tiktok = FakeTikTokServer.start("tt-token")) {
      env.put("TIKTOK_ACCESS_TOKEN", "tt-token");
      Path file = members("m.csv", "customer_id,email,phone", "c1,ada@example.com,+14155550123");

      int exit = run("--destination", "tiktok", "--audience", "7001", "--advertiser-id", "6900",
          "--state-dir", dir.resolve("tt").toString(), "--base-url", tiktok.url().toString(), "--no-progress",
          file.toString());

      assertThat(exit).isZero();
      assertThat(tiktok.audience("7001")).contains(HashingProfile.TIKTOK.hashEmail("ada@example.com"));
    }
  }

  @Test
  void googleAudiencesNeedTheOperatingAccount() throws IOException {
    try (FakeGoogleDataManagerServer google = FakeGoogleDataManagerServer.start("g-token")) {
      env.put("GOOGLE_ACCESS_TOKEN", "g-token");
      Path file = members("m.csv", "customer_id,email,phone", "c1,ada@example.com,");
      String[] common = {"--destination", "google", "--audience", "555", "--state-dir", dir.resolve("g").toString(),
          "--base-url", google.url().toString(), "--no-progress"};

      List<String> withoutAccount = new java.util.ArrayList<>(List.of(common));
      withoutAccount.add(file.toString());
      assertThat(run(withoutAccount.toArray(new String[0]))).isEqualTo(2);
      assertThat(err.toString()).isEqualTo(
          "outlane sync-audience: --account: required for google, as TYPE:ID (e.g. GOOGLE_ADS:1234567890)\n");

      List<String> withAccount = new java.util.ArrayList<>(List.of(common));
      withAccount.addAll(List.of("--account", "GOOGLE_ADS:1234567890", file.toString()));
      assertThat(run(withAccount.toArray(new String[0]))).isZero();
      assertThat(google.audience("555")).containsExactly("email:" + HashingProfile.GOOGLE.hashEmail("ada@example.com"));
    }
  }

  @Test
  void anUnknownDestinationIsAUsageError() throws IOException {
    int exit = run("--destination", "snap", "--audience", "1", members("m.csv", "customer_id").toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).startsWith(
        "Invalid value for option '--destination': unknown destination \"snap\" (known: meta, tiktok, google)");
  }
}
