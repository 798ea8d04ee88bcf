package dev.outlane.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outlane.postgres.testing.PostgresExtension;
import dev.outlane.postgres.testing.TestDatabase;
import dev.outlane.storage.StorageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class OutlaneSchemaTest {
  private final TestDatabase db;

  OutlaneSchemaTest(TestDatabase db) {
    this.db = db;
  }

  @Test
  void migrateCreatesEveryTableAndRecordsItsVersion() throws Exception {
    DataSource ds = db.newSchema("created", 2);

    assertThat(OutlaneSchema.currentVersion(ds)).isZero();
    assertThat(OutlaneSchema.migrate(ds)).containsExactly("V1__shared_state.sql");

    assertThat(OutlaneSchema.currentVersion(ds)).isEqualTo(1);
    assertThat(tables(ds)).containsExactlyInAnyOrder("outlane_schema_version",
        "outlane_idempotency", "outlane_suppression", "outlane_dead_letter");
  }

  @Test
  void aSecondMigrateFindsNothingToDo() throws Exception {
    DataSource ds = db.newSchema("twice", 2);
    OutlaneSchema.migrate(ds);

    assertThat(OutlaneSchema.migrate(ds)).isEmpty();
    assertThat(OutlaneSchema.currentVersion(ds)).isEqualTo(1);
  }

  @Test
  void twoInstancesMigratingAtOnceApplyEachMigrationExactlyOnce() throws Exception {
    // Two pools are two processes starting together; the advisory lock serializes them.
    DataSource a = db.newSchema("racing", 1);
    DataSource b = db.newInstanceOnSchema("racing", 1);
    CyclicBarrier start = new CyclicBarrier(2);
    CompletableFuture<List<String>> first = CompletableFuture.supplyAsync(() -> {
      await(start);
      return OutlaneSchema.migrate(a);
    });
    CompletableFuture<List<String>> second = CompletableFuture.supplyAsync(() -> {
      await(start);
      return OutlaneSchema.migrate(b);
    });

    List<String> all = new ArrayList<>(first.join());
    all.addAll(second.join());
    assertThat(all).containsExactly("V1__shared_state.sql");
    try (Connection c = a.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM outlane_schema_version")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(1);
    }
  }

  @Test
  void aReleasedMigrationThatChangedFailsNamingBothChecksums() throws Exception {
    DataSource ds = db.newSchema("edited", 2);
    OutlaneSchema.migrate(ds);
    long shipped;
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT checksum FROM outlane_schema_version")) {
        rs.next();
        shipped = rs.getLong(1);
      }
      s.executeUpdate("UPDATE outlane_schema_version SET checksum = 42");
    }

    assertThatThrownBy(() -> OutlaneSchema.migrate(ds))
        .isInstanceOf(StorageException.class)
        .hasMessage("outlane schema: V1__shared_state.sql was applied with checksum 42 but this"
            + " release ships checksum " + shipped + "; a released migration must never change");
  }

  @Test
  void aVersionRecordedByANewerReleaseIsLeftAlone() throws Exception {
    DataSource ds = db.newSchema("newer", 2);
    OutlaneSchema.migrate(ds);
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO outlane_schema_version (version, description, script, checksum)"
          + " VALUES (2, 'future', 'V2__future.sql', 7)");
    }

    assertThat(OutlaneSchema.migrate(ds)).isEmpty();
    assertThat(OutlaneSchema.currentVersion(ds)).isEqualTo(2);
  }

  @Test
  void theMigratorKnowsEveryScriptInTheMigrationDirectoryInVersionOrder() throws Exception {
    Path dir = Path.of(OutlaneSchema.class.getClassLoader().getResource(OutlaneSchema.LOCATION).toURI());
    List<String> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.map(p -> p.getFileName().toString()).sorted(
          (x, y) -> Integer.compare(version(x), version(y))).toList();
    }
    assertThat(OutlaneSchema.SCRIPTS).isEqualTo(files);
    assertThat(files).allMatch(f -> f.matches("V[1-9][0-9]*__[a-z0-9_]+\\.sql"));
  }

  private static int version(String script) {
    return Integer.parseInt(script.substring(1, script.indexOf("__")));
  }

  private static List<String> tables(DataSource ds) throws Exception {
    List<String> names = new ArrayList<>();
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
