package dev.outlane.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.destination.Channel;
import dev.outlane.guardrail.FileSuppressionStore;
import dev.outlane.guardrail.InMemorySuppressionStore;
import dev.outlane.guardrail.SuppressionSource;
import dev.outlane.identity.Identity;
import dev.outlane.identity.IdentityNormalizer;
import dev.outlane.postgres.testing.PostgresExtension;
import dev.outlane.postgres.testing.TestDatabase;
import dev.outlane.testing.DiskBytes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(PostgresExtension.class)
class PostgresSuppressionStoreTest {
  private static final IdentityNormalizer NORMALIZER = IdentityNormalizer.create();
  private static final Identity MAYA =
      NORMALIZER.normalize("cust-maya", "Maya.Lopez@Example.com", "+1 (415) 555-2671");

  private final TestDatabase db;
  private DataSource ds;

  PostgresSuppressionStoreTest(TestDatabase db) {
    this.db = db;
  }

  @BeforeEach
  void freshSchema() throws Exception {
    ds = db.newSchema("supp_" + System.nanoTime(), 4);
    OutlaneSchema.migrate(ds);
  }

  private PostgresSuppressionStore instance() {
    // Each instance its own pool, as separate processes would have.
    return PostgresSuppressionStore.builder().dataSource(ds).build();
  }

  @Test
  void aStopSeenByOneInstanceIsHonouredByAnotherOnThatChannelOnly() {
    PostgresSuppressionStore a = instance();
    PostgresSuppressionStore b = instance();

    a.suppress(MAYA, Set.of(Channel.SMS), SuppressionSource.TWILIO_STOP);

    assertThat(b.isSuppressed(MAYA, Channel.SMS)).isTrue();
    assertThat(b.isSuppressed(MAYA, Channel.EMAIL)).isFalse();
  }

  @Test
  void aPersonMatchesByAnyOfCustomerIdEmailOrPhone() {
    PostgresSuppressionStore store = instance();
    store.suppress(MAYA, Set.of(Channel.SMS), SuppressionSource.TWILIO_STOP);

    assertThat(store.isSuppressed(NORMALIZER.normalize("other-id", null, "+14155552671"), Channel.SMS))
        .isTrue();
    assertThat(store.isSuppressed(NORMALIZER.normalize("x", "maya.lopez@example.com", null), Channel.SMS))
        .isTrue();
    assertThat(store.isSuppressed(NORMALIZER.normalize("cust-maya", null, null), Channel.SMS)).isTrue();
    assertThat(store.isSuppressed(NORMALIZER.normalize("someone-else", null, null), Channel.SMS))
        .isFalse();
  }

  @Test
  void aLiftRemovesOnlyWhatItsOwnSourceCaused() {
    PostgresSuppressionStore a = instance();
    PostgresSuppressionStore b = instance();
    a.suppress(MAYA, Set.of(Channel.SMS), SuppressionSource.TWILIO_STOP);
    a.suppress(MAYA, Set.of(Channel.SMS, Channel.EMAIL), SuppressionSource.CUSTOMERIO);

    // A Customer.io re-subscribe never lifts a Twilio STOP.
    assertThat(b.lift(MAYA, Set.of(Channel.SMS, Channel.EMAIL), SuppressionSource.CUSTOMERIO))
        .containsExactlyInAnyOrder(Channel.SMS, Channel.EMAIL);
    assertThat(a.isSuppressed(MAYA, Channel.SMS)).isTrue();
    assertThat(a.isSuppressed(MAYA, Channel.EMAIL)).isFalse();

    assertThat(b.lift(MAYA, Set.of(Channel.SMS), SuppressionSource.CUSTOMERIO)).isEmpty();
    assertThat(b.lift(MAYA, Set.of(Channel.SMS), SuppressionSource.TWILIO_STOP))
        .containsExactly(Channel.SMS);
    assertThat(a.isSuppressed(MAYA, Channel.SMS)).isFalse();
  }

  @Test
  void aFreeFormReasonIsTypedByItsCodeAndAnUnknownOneIsAnOperators() throws Exception {
    PostgresSuppressionStore store = instance();
    store.suppress(MAYA, Set.of(Channel.SMS), "consent-denied");
    store.suppress(MAYA, Set.of(Channel.EMAIL), "list from the CRM export");

    assertThat(rows("SELECT DISTINCT channel || ' ' || source || ' ' || reason FROM outlane_suppression"))
        .containsExactlyInAnyOrder("sms consent-denied consent-denied",
            "email operator list from the CRM export");
    assertThat(store.lift(MAYA, Set.of(Channel.EMAIL), SuppressionSource.OPERATOR))
        .containsExactly(Channel.EMAIL);
  }

  @Test
  void onlyHashesReachTheDatabaseTaggedWithTheirKind() throws Exception {
    instance().suppress(MAYA, Set.of(Channel.SMS), SuppressionSource.TWILIO_STOP);

    assertThat(rows("SELECT key_kind || ':' || encode(key_hash, 'hex') FROM outlane_suppression"))
        .containsExactlyInAnyOrder("c:" + sha256Hex("cust-maya"),
            "e:" + sha256Hex("maya.lopez@example.com"), "p:" + sha256Hex("+14155552671"));
    String everything = String.join("\n", rows("SELECT t::text FROM outlane_suppression t"));
    assertThat(everything).doesNotContain("maya", "Maya", "5552671", "cust-maya");
  }

  @Test
  void theKeysAreTheSameBytesCoresFileStoreWrites(@TempDir Path dir) throws Exception {
    try (FileSuppressionStore file = FileSuppressionStore.builder().directory(dir).open()) {
      file.suppress(MAYA, Set.of(Channel.SMS), "opted-out");
    }
    instance().suppress(MAYA, Set.of(Channel.SMS), SuppressionSource.DESTINATION_OPT_OUT);

    String onDisk = DiskBytes.of(dir);
    List<String> keys = new ArrayList<>();
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT key_kind, key_hash FROM outlane_suppression")) {
      while (rs.next()) {
        byte[] key = new byte[33];
        key[0] = (byte) rs.getString(1).charAt(0);
        System.arraycopy(rs.getBytes(2), 0, key, 1, 32);
        keys.add(new String(key, StandardCharsets.ISO_8859_1));
      }
    }
    assertThat(keys).hasSize(3).allSatisfy(k -> assertThat(onDisk).contains(k));
  }

  @Test
  void answersExactlyAsCoresInMemoryStoreForTheSameSuppressions() {
    PostgresSuppressionStore pg = instance();
    InMemorySuppressionStore memory = new InMemorySuppressionStore();
    Random random = new Random(3);
    List<Identity> people = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      // Few distinct emails and phones, so people share identifiers across customer ids.
      people.add(NORMALIZER.normalize(" c" + (i % 25) + " ",
          random.nextBoolean() ? "P" + (i % 7) + "@Example.com" : null,
          random.nextBoolean() ? "+1415555" + (2000 + i % 9) : null));
    }
    for (int i = 0; i < 15; i++) {
      Identity who = people.get(random.nextInt(people.size()));
      Set<Channel> channels = EnumSet.noneOf(Channel.class);
      for (Channel ch : Channel.values()) {
        if (random.nextInt(3) == 0) {
          channels.add(ch);
        }
      }
      pg.suppress(who, channels, "opted-out");
      memory.suppress(who, channels, "opted-out");
    }
    pg.suppressCustomer(" c3 ", Set.of(Channel.ADS), SuppressionSource.OPERATOR);
    memory.suppressCustomer(" c3 ", Set.of(Channel.ADS));

    for (Identity who : people) {
      for (Channel ch : Channel.values()) {
        assertThat(pg.isSuppressed(who, ch)).as("%s on %s", who, ch)
            .isEqualTo(memory.isSuppressed(who, ch));
      }
    }
  }

  private List<String> rows(String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static String sha256Hex(String value) throws Exception {
    byte[] d = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    StringBuilder b = new StringBuilder();
    for (byte x : d) {
      b.append(String.format("%02x", x));
    }
    return b.toString();
  }
}
