package dev.outlane.postgres;

import dev.outlane.storage.StorageException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import javax.sql.DataSource;

/**
 * How the stores talk to the database: one borrowed connection per operation, returned at once;
 * every {@link SQLException} becomes a {@link StorageException} naming the operation and the
 * SQLState, never a value (keys are hashes, but the driver's own message may quote row contents).
 */
final class Jdbc {
  /** PostgreSQL's undefined_table: the schema was not migrated. */
  private static final String UNDEFINED_TABLE = "42P01";

  /** Work on a borrowed connection. */
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private Jdbc() {}

  /** Runs {@code work} on a connection in auto-commit mode (each statement its own transaction). */
  static <T> T run(DataSource ds, String what, Work<T> work) {
    try (Connection c = ds.getConnection()) {
      if (!c.getAutoCommit()) {
        c.setAutoCommit(true);
      }
      return work.run(c);
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  /** Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. */
  static <T> T inTransaction(DataSource ds, String what, Work<T> work) {
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  static StorageException failure(String what, SQLException e) {
    String hint = UNDEFINED_TABLE.equals(e.getSQLState())
        ? "; outlane's tables are missing: run OutlaneSchema.migrate(dataSource) or Flyway with"
            + " classpath:" + OutlaneSchema.LOCATION
        : "";
    return new StorageException("postgres: could not " + what + " (SQLState " + e.getSQLState()
        + ")" + hint, e);
  }

  static OffsetDateTime at(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
