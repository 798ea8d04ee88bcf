package dev.outlane.postgres.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * A fresh database of the run's {@link PostgresServer}, one per test class (see {@link
 * PostgresExtension}). {@link #dataSource()} is a pool shared by the class; {@link #newInstance}
 * gives another, separate pool, as a second Outlane process would have. Closed (its pools) after
 * the class. Thread-safe.
 */
public final class TestDatabase implements AutoCloseable {
  private final PostgresServer server;
  private final String name;
  private final List<TestPool> pools = new ArrayList<>();
  private final TestPool main;

  TestDatabase(PostgresServer server, String name) {
    this.server = server;
    this.name = name;
    this.main = newInstance(8);
  }

  /** The class's own pool. */
  public DataSource dataSource() {
    return main;
  }

  /** A separate pool of at most {@code connections} connections: one more "instance". */
  public synchronized TestPool newInstance(int connections) {
    TestPool pool = new TestPool(server.url(name), server.credentials(), connections);
    pools.add(pool);
    return pool;
  }

  /**
   * A pool on a new, empty schema {@code schema} of this database (its {@code search_path}), for
   * tests that each need a database of their own within one class.
   */
  public synchronized TestPool newSchema(String schema, int connections) throws SQLException {
    try (Connection c = connect(); java.sql.Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    }
    TestPool pool = new TestPool(server.url(name) + "?currentSchema=" + schema,
        server.credentials(), connections);
    pools.add(pool);
    return pool;
  }

  /** Another pool on schema {@code schema}, made by {@link #newSchema}: a second instance there. */
  public synchronized TestPool newInstanceOnSchema(String schema, int connections) {
    TestPool pool = new TestPool(server.url(name) + "?currentSchema=" + schema,
        server.credentials(), connections);
    pools.add(pool);
    return pool;
  }

  /** A connection outside any pool (closing it really closes it). */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(server.url(name), server.credentials());
  }

  /** The database's name. */
  public String name() {
    return name;
  }

  @Override
  public synchronized void close() {
    for (TestPool p : pools) {
      p.close();
    }
    pools.clear();
  }
}
