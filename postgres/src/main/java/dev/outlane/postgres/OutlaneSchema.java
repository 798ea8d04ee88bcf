package dev.outlane.postgres;

import dev.outlane.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tables the PostgreSQL stores need, as versioned SQL migrations shipped in this jar under
 * {@value #LOCATION} ({@code V1__shared_state.sql}, …), named so Flyway runs them as they are; and a
 * tiny built-in migrator for applications without Flyway. Nothing is applied unless the application
 * asks: call {@link #migrate} on start, or point Flyway at {@code classpath:db/migration/outlane}.
 *
 * <pre>{@code
 * OutlaneSchema.migrate(dataSource); // applies what is missing; a no-op when up to date
 * }</pre>
 *
 * <h2>How {@link #migrate} works</h2>
 *
 * In one transaction: take the transaction-scoped advisory lock {@link #ADVISORY_LOCK} (so two
 * instances starting at once migrate one after the other; the second finds nothing to do), create
 * {@code outlane_schema_version} if missing, apply each migration this release ships that is not
 * recorded there, in version order, and record it (version, description, script, CRC32 of the
 * script's bytes). PostgreSQL's DDL is transactional: a failing migration leaves nothing behind. A
 * recorded migration whose checksum differs from the shipped script fails (someone edited a
 * released migration); versions recorded by a newer release are left alone, so an older instance
 * still starts during a rolling upgrade.
 *
 * <p>Stateless and thread-safe. Flyway keeps its own history table; use one mechanism per database.
 */
public final class OutlaneSchema {
  private static final Logger log = LoggerFactory.getLogger(OutlaneSchema.class);

  /** Where the migrations live in the jar (a Flyway {@code classpath:} location). */
  public static final String LOCATION = "db/migration/outlane";

  /** The migrations this release ships, oldest first (a jar cannot be listed reliably). */
  static final List<String> SCRIPTS = List.of("V1__shared_state.sql");

  /**
   * The advisory-lock key the migrator holds while it migrates: the ASCII bytes of {@code
   * "outlane1"} as a big-endian long, unlikely to collide with an application's own keys.
   */
  public static final long ADVISORY_LOCK = 0x6f75746c616e6531L;

  private OutlaneSchema() {}

  /**
   * Applies every migration of this release that {@code dataSource}'s database lacks.
   *
   * @return the scripts applied by this call, oldest first (empty if the schema was up to date)
   * @throws StorageException if a migration fails (nothing of it is kept), a recorded migration's
   *     checksum differs from this release's script, or the database cannot be reached
   */
  public static List<String> migrate(DataSource dataSource) {
    Objects.requireNonNull(dataSource, "dataSource");
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        List<String> applied = migrate(c);
        c.commit();
        if (!applied.isEmpty()) {
          log.info("outlane schema: applied {}", applied);
        }
        return applied;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      throw new StorageException("outlane schema: migration failed (SQLState " + e.getSQLState()
          + "); nothing of it was applied", e);
    }
  }

  /**
   * The schema version recorded by {@link #migrate} in {@code dataSource}'s database: the highest
   * applied version, or 0 if none (or if Flyway manages the schema instead).
   *
   * @throws StorageException if the database cannot be read
   */
  public static int currentVersion(DataSource dataSource) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT to_regclass('outlane_schema_version') IS NOT NULL")) {
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        if (!rs.getBoolean(1)) {
          return 0;
        }
      }
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT coalesce(max(version), 0) FROM outlane_schema_version")) {
        rs.next();
        return rs.getInt(1);
      }
    } catch (SQLException e) {
      throw new StorageException("outlane schema: could not read the schema version (SQLState "
          + e.getSQLState() + ")", e);
    }
  }

  private static List<String> migrate(Connection c) throws SQLException {
    try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
      lock.setLong(1, ADVISORY_LOCK);
      lock.execute();
    }
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS outlane_schema_version ("
          + " version integer PRIMARY KEY,"
          + " description text NOT NULL,"
          + " script text NOT NULL,"
          + " checksum bigint NOT NULL,"
          + " installed_at timestamptz NOT NULL DEFAULT now())");
    }
    Map<Integer, Long> recorded = new HashMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT version, checksum FROM outlane_schema_version")) {
      while (rs.next()) {
        recorded.put(rs.getInt(1), rs.getLong(2));
      }
    }
    List<String> applied = new ArrayList<>();
    for (String script : SCRIPTS) {
      Migration m = Migration.load(script);
      Long checksum = recorded.get(m.version);
      if (checksum != null) {
        if (checksum != m.checksum) {
          throw new StorageException("outlane schema: " + script + " was applied with checksum "
              + checksum + " but this release ships checksum " + m.checksum
              + "; a released migration must never change");
        }
        continue;
      }
      try (Statement s = c.createStatement()) {
        s.execute(m.sql);
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO outlane_schema_version"
          + " (version, description, script, checksum) VALUES (?, ?, ?, ?)")) {
        ps.setInt(1, m.version);
        ps.setString(2, m.description);
        ps.setString(3, script);
        ps.setLong(4, m.checksum);
        ps.executeUpdate();
      }
      applied.add(script);
    }
    return applied;
  }

  /** One shipped script: {@code V<version>__<description>.sql}. */
  private record Migration(int version, String description, String sql, long checksum) {
    static Migration load(String script) {
      int sep = script.indexOf("__");
      if (!script.startsWith("V") || sep < 2 || !script.endsWith(".sql")) {
        throw new IllegalStateException("not a migration name: " + script);
      }
      int version = Integer.parseInt(script.substring(1, sep));
      String description = script.substring(sep + 2, script.length() - 4).replace('_', ' ');
      byte[] bytes;
      try (InputStream in = OutlaneSchema.class.getClassLoader()
          .getResourceAsStream(LOCATION + "/" + script)) {
        if (in == null) {
          throw new IllegalStateException("migration " + LOCATION + "/" + script
              + " is missing from the jar");
        }
        bytes = in.readAllBytes();
      } catch (IOException e) {
        throw new StorageException("outlane schema: could not read " + script, e);
      }
      CRC32 crc = new CRC32();
      crc.update(bytes);
      return new Migration(version, description, new String(bytes, StandardCharsets.UTF_8),
          crc.getValue());
    }
  }
}
