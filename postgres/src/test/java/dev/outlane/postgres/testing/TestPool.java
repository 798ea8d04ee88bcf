package dev.outlane.postgres.testing;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Semaphore;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A small, real connection pool for tests: at most {@code size} physical connections to one
 * database, handed out as wrappers whose {@code close()} rolls back anything left open, restores
 * auto-commit and returns the connection. Outlane keeps no pool of its own (the application's
 * choice, e.g. HikariCP); opening a PostgreSQL connection per statement would make the
 * many-instance tests slow, so each simulated instance gets one of these. Thread-safe.
 */
public final class TestPool implements DataSource, AutoCloseable {
  private final String url;
  private final Properties credentials;
  private final Semaphore permits;
  private final ArrayDeque<Connection> idle = new ArrayDeque<>();
  private final List<Connection> all = new ArrayList<>();

  public TestPool(String url, Properties credentials, int size) {
    this.url = url;
    this.credentials = credentials;
    this.permits = new Semaphore(size);
  }

  @Override
  public Connection getConnection() throws SQLException {
    try {
      permits.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted waiting for a connection", e);
    }
    Connection physical;
    try {
      physical = take();
    } catch (SQLException | RuntimeException e) {
      permits.release();
      throw e;
    }
    return wrap(physical);
  }

  private Connection take() throws SQLException {
    synchronized (this) {
      Connection c = idle.pollFirst();
      if (c != null) {
        return c;
      }
    }
    Connection c = DriverManager.getConnection(url, credentials);
    synchronized (this) {
      all.add(c);
    }
    return c;
  }

  private Connection wrap(Connection physical) {
    boolean[] closed = {false};
    return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
        new Class<?>[] {Connection.class}, (proxy, method, args) -> {
          switch (method.getName()) {
            case "close" -> {
              if (!closed[0]) {
                closed[0] = true;
                giveBack(physical);
              }
              return null;
            }
            case "isClosed" -> {
              return closed[0] || physical.isClosed();
            }
            default -> {
              if (closed[0]) {
                throw new SQLException("connection already returned to the pool");
              }
              try {
                return method.invoke(physical, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            }
          }
        });
  }

  private void giveBack(Connection physical) {
    try {
      if (!physical.getAutoCommit()) {
        physical.rollback();
        physical.setAutoCommit(true);
      }
      synchronized (this) {
        idle.addFirst(physical);
      }
    } catch (SQLException e) {
      synchronized (this) {
        all.remove(physical);
      }
      try {
        physical.close();
      } catch (SQLException ignored) {
        // already broken
      }
    } finally {
      permits.release();
    }
  }

  @Override
  public synchronized void close() {
    for (Connection c : all) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // closing anyway
      }
    }
    all.clear();
    idle.clear();
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException("the test pool has fixed credentials");
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {}

  @Override
  public void setLoginTimeout(int seconds) {}

  @Override
  public int getLoginTimeout() {
    return 0;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    throw new SQLException("not a wrapper");
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return false;
  }
}
