package dev.outlane.postgres.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The one PostgreSQL server of a test run, shared by every test class: either started here from the
 * machine's PostgreSQL binaries (Debian's {@code /usr/lib/postgresql/<version>/bin}, or {@code
 * OUTLANE_PG_BIN}) on a free port of 127.0.0.1, or an existing server named by {@code
 * OUTLANE_PG_URL} (with {@code OUTLANE_PG_USER} and {@code OUTLANE_PG_PASSWORD}). Each test class
 * gets a fresh database of its own ({@link #createDatabase}).
 *
 * <p>A started server runs in a temporary directory with {@code fsync}, {@code synchronous_commit}
 * and {@code full_page_writes} off: it is thrown away at the end of the run, and the tests check
 * what instances see of each other, not what survives a power cut. As root, {@code initdb} (which
 * refuses to run as root) and the server run as the {@code postgres} OS user via {@code runuser}.
 *
 * <p>Neither binaries nor a URL is a failure with instructions, never a skip: CI must not go green
 * without having run these tests. Thread-safe.
 */
public final class PostgresServer implements AutoCloseable {
  private static final String SUPERUSER = "outlane";
  private static @Nullable PostgresServer shared;

  private final String baseUrl; // jdbc:postgresql://host:port/
  private final String adminDatabase;
  private final Properties credentials;
  private final @Nullable Path directory; // only for a server started here
  private final @Nullable Path binaries;
  private final boolean asPostgresUser;
  private final List<String> created = new ArrayList<>();
  private final AtomicInteger databases = new AtomicInteger();
  private final String runId = Long.toString(ProcessHandle.current().pid());

  private PostgresServer(String baseUrl, String adminDatabase, Properties credentials,
      @Nullable Path directory, @Nullable Path binaries, boolean asPostgresUser) {
    this.baseUrl = baseUrl;
    this.adminDatabase = adminDatabase;
    this.credentials = credentials;
    this.directory = directory;
    this.binaries = binaries;
    this.asPostgresUser = asPostgresUser;
  }

  /** The run's server, started on first use. */
  public static synchronized PostgresServer shared() {
    if (shared == null) {
      shared = start();
      PostgresServer s = shared;
      // Also on an abrupt exit: pg_ctl daemonizes the server, which would outlive the test JVM.
      Runtime.getRuntime().addShutdownHook(new Thread(s::close, "outlane-pg-stop"));
    }
    return shared;
  }

  private static PostgresServer start() {
    String url = System.getenv("OUTLANE_PG_URL");
    if (url != null && !url.isBlank()) {
      return existing(url.strip());
    }
    Path bin = findBinaries();
    if (bin == null) {
      throw new IllegalStateException("PostgreSQL tests need a server, and none can be started: no"
          + " initdb/pg_ctl found (looked in $OUTLANE_PG_BIN and /usr/lib/postgresql/*/bin)."
          + " Install Debian's PostgreSQL (apt-get install postgresql; .ci/run does this on a clean"
          + " machine), set OUTLANE_PG_BIN to a directory holding initdb and pg_ctl, or point"
          + " OUTLANE_PG_URL (jdbc:postgresql://host:port/database, with OUTLANE_PG_USER and"
          + " OUTLANE_PG_PASSWORD) at a server whose user may CREATE DATABASE.");
    }
    try {
      return startLocal(bin);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start PostgreSQL from " + bin, e);
    }
  }

  private static PostgresServer existing(String url) {
    // jdbc:postgresql://host:port/database[?params]: keep everything up to the database as the base.
    int slash = url.indexOf('/', "jdbc:postgresql://".length());
    if (!url.startsWith("jdbc:postgresql://") || slash < 0) {
      throw new IllegalStateException(
          "OUTLANE_PG_URL must look like jdbc:postgresql://host:port/database");
    }
    String base = url.substring(0, slash + 1);
    String database = url.substring(slash + 1);
    int q = database.indexOf('?');
    if (q >= 0) {
      database = database.substring(0, q);
    }
    Properties p = new Properties();
    String user = System.getenv("OUTLANE_PG_USER");
    if (user != null) {
      p.setProperty("user", user);
    }
    String password = System.getenv("OUTLANE_PG_PASSWORD"); // never printed
    if (password != null) {
      p.setProperty("password", password);
    }
    return new PostgresServer(base, database.isEmpty() ? "postgres" : database, p, null, null, false);
  }

  private static @Nullable Path findBinaries() {
    String env = System.getenv("OUTLANE_PG_BIN");
    if (env != null && !env.isBlank()) {
      Path p = Path.of(env.strip());
      return Files.isExecutable(p.resolve("initdb")) ? p : null;
    }
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      return null;
    }
    try (Stream<Path> versions = Files.list(root)) {
      return versions.map(v -> v.resolve("bin"))
          .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
          .max(Comparator.comparing(PostgresServer::majorVersion))
          .orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  private static int majorVersion(Path bin) {
    try {
      return Integer.parseInt(bin.getParent().getFileName().toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static PostgresServer startLocal(Path bin) throws IOException {
    boolean root = "root".equals(System.getProperty("user.name"));
    Path dir = Files.createTempDirectory("outlane-pg-");
    Path data = dir.resolve("data");
    if (root) {
      run(List.of("chown", "postgres:", dir.toString()), false);
    }
    run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", SUPERUSER,
        "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"), root);
    int port = freePort();
    String options = "-p " + port + " -c listen_addresses=127.0.0.1 -k " + dir
        + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200";
    run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l",
        dir.resolve("server.log").toString(), "-o", options, "-w", "-t", "60", "start"), root);
    Properties p = new Properties();
    p.setProperty("user", SUPERUSER);
    return new PostgresServer("jdbc:postgresql://127.0.0.1:" + port + "/", "postgres", p, dir, bin,
        root);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void run(List<String> command, boolean asPostgres) throws IOException {
    List<String> full = new ArrayList<>();
    if (asPostgres) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(command);
    Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
    String output;
    try {
      output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", full) + " did not finish in 120 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted running " + command.get(0), e);
    }
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", full) + " exited " + p.exitValue() + ":\n" + output);
    }
  }

  /** A new, empty database on this server; dropped (if created on an existing server) at the end. */
  public synchronized String createDatabase(String hint) {
    String name = ("outlane_" + runId + "_" + databases.incrementAndGet() + "_"
        + hint.replaceAll("[^A-Za-z0-9]", "_")).toLowerCase(java.util.Locale.ROOT);
    if (name.length() > 63) { // PostgreSQL's NAMEDATALEN - 1
      name = name.substring(0, 63);
    }
    try (Connection c = DriverManager.getConnection(baseUrl + adminDatabase, credentials);
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create test database " + name + " (SQLState "
          + e.getSQLState() + ")", e);
    }
    created.add(name);
    return name;
  }

  /** The JDBC URL of {@code database} on this server. */
  public String url(String database) {
    return baseUrl + database;
  }

  /** User and password for {@link DriverManager#getConnection(String, Properties)}; never printed. */
  public Properties credentials() {
    Properties p = new Properties();
    p.putAll(credentials);
    return p;
  }

  /** Stops a server started here (and deletes its directory), or drops the databases created on an existing one. */
  @Override
  public synchronized void close() {
    if (directory == null) {
      dropCreatedDatabases();
      return;
    }
    if (!Files.exists(directory)) {
      return;
    }
    try {
      run(List.of(binaries.resolve("pg_ctl").toString(), "-D", directory.resolve("data").toString(),
          "-m", "immediate", "-w", "stop"), asPostgresUser);
    } catch (IOException e) {
      System.err.println("outlane-pg: could not stop the test server: " + e.getMessage());
    }
    try (Stream<Path> files = Files.walk(directory)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      System.err.println("outlane-pg: could not delete " + directory + ": " + e.getMessage());
    }
  }

  private void dropCreatedDatabases() {
    try (Connection c = DriverManager.getConnection(baseUrl + adminDatabase, credentials);
        Statement s = c.createStatement()) {
      for (String name : created) {
        s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      }
      created.clear();
    } catch (SQLException e) {
      System.err.println("outlane-pg: could not drop test databases (SQLState " + e.getSQLState() + ")");
    }
  }
}
