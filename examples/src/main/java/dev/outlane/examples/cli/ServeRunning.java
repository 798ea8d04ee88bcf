package dev.outlane.examples.cli;

import dev.outlane.Outlane;
import dev.outlane.OutlaneException;
import dev.outlane.examples.serve.Admission;
import dev.outlane.examples.serve.InboundServer;
import dev.outlane.examples.serve.LateHandler;
import dev.outlane.examples.serve.ServeDemo;
import dev.outlane.inbound.InboundHandler;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * {@code outlane serve} once listening ({@link ServeCommand#start}): {@link #recover} builds the
 * client (crash recovery), makes the receivers and admits requests; {@link #shutdown} is the
 * SIGTERM drain. Thread-safe; {@link #shutdown} runs once.
 */
final class ServeRunning {
  private final InboundServer server;
  private final Admission admission;
  private final AtomicReference<@Nullable Outlane> client;
  private final Map<LateHandler, Function<Outlane, InboundHandler>> receivers;
  private final Outlane.Builder builder;
  private final @Nullable ServeDemo fakes;
  private final @Nullable ConfiguredDestinations configured;
  private final @Nullable Path dir;
  private final Duration drainTimeout;
  private final String url;
  private boolean shutDown;
  private boolean recoveryOver;
  private int exitCode;

  ServeRunning(InboundServer server, Admission admission, AtomicReference<@Nullable Outlane> client,
      Map<LateHandler, Function<Outlane, InboundHandler>> receivers, Outlane.Builder builder,
      @Nullable ServeDemo fakes, @Nullable ConfiguredDestinations configured,
      @Nullable Path dir, Duration drainTimeout, String url) {
    this.server = server;
    this.admission = admission;
    this.client = client;
    this.receivers = Map.copyOf(receivers);
    this.builder = builder;
    this.fakes = fakes;
    this.configured = configured;
    this.dir = dir;
    this.drainTimeout = drainTimeout;
    this.url = url;
  }

  /**
   * A SIGTERM during crash recovery waits (up to the drain timeout) for the client to exist, so
   * that it is closed; past that, the journal keeps the pending events for the next start.
   */
  private synchronized void awaitRecovery(long started) {
    long deadline = started + drainTimeout.toNanos();
    while (!recoveryOver) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return;
      }
      try {
        java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** {@code http://HOST:PORT}. */
  String url() {
    return url;
  }

  Admission admission() {
    return admission;
  }

  /** The client once {@link #recover} built it, else null. */
  @Nullable Outlane client() {
    return client.get();
  }

  @Nullable ServeDemo fakes() {
    return fakes;
  }

  /**
   * Builds the client (durable: crash recovery re-submits the journal's pending events), then
   * admits requests. False (and everything stopped) if the directory could not be opened.
   */
  boolean recover(PrintWriter out, PrintWriter err) {
    Outlane built;
    try {
      built = builder.build();
    } catch (OutlaneException | IllegalStateException e) {
      err.println("outlane serve: --dir " + dir + ": " + SendCommand.causeOf(e));
      err.flush();
      admission.drain();
      server.stop(Duration.ZERO);
      if (configured != null) {
        configured.close();
      }
      if (fakes != null) {
        fakes.close();
      }
      synchronized (this) {
        recoveryOver = true;
        shutDown = true;
        exitCode = 2;
        notifyAll();
      }
      return false;
    }
    client.set(built);
    try {
      receivers.forEach((handler, factory) -> handler.set(factory.apply(built)));
    } catch (RuntimeException e) {
      // A receiver's builder refused its settings: say which, stop, exit 2.
      err.println("outlane serve: receivers: " + SendCommand.causeOf(e));
      err.flush();
      admission.drain();
      built.close();
      server.stop(Duration.ZERO);
      if (fakes != null) {
        fakes.close();
      }
      synchronized (this) {
        recoveryOver = true;
        shutDown = true;
        exitCode = 2;
        notifyAll();
      }
      return false;
    }
    boolean stopping;
    synchronized (this) {
      recoveryOver = true;
      stopping = shutDown;
      if (!stopping) {
        admission.ready();
      }
      notifyAll();
    }
    int recovered = built.recovery().recovered();
    if (recovered > 0) {
      out.println("recovered " + recovered + " pending event" + (recovered == 1 ? "" : "s")
          + " from the journal of " + dir);
    }
    if (!stopping) {
      out.println("ready");
    }
    out.flush();
    return true;
  }

  /**
   * Stops admitting, waits for requests in flight, flushes and closes the client, stops the
   * server and the fakes. Returns the exit code: 0, or 1 if something was still queued or in
   * flight at the drain timeout (dead-lettered, not lost).
   */
  int shutdown(PrintWriter out) {
    synchronized (this) {
      if (shutDown) {
        return exitCode;
      }
      shutDown = true;
    }
    long started = System.nanoTime();
    admission.drain();
    awaitRecovery(started);
    boolean idle;
    try {
      idle = admission.awaitIdle(drainTimeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      idle = false;
    }
    Outlane c = client.get();
    boolean flushed = true;
    if (c != null) {
      Duration left = drainTimeout.minusNanos(System.nanoTime() - started);
      flushed = c.flush(left.isNegative() ? Duration.ZERO : left);
      c.close();
    }
    server.stop(Duration.ZERO);
    if (fakes != null) {
      fakes.close();
    }
    int code = idle && flushed ? 0 : 1;
    out.println(code == 0
        ? "stopped: everything accepted was delivered or dead-lettered"
        : "stopped: the drain timed out; what was still queued is dead-lettered");
    out.flush();
    synchronized (this) {
      exitCode = code;
    }
    return code;
  }
}
