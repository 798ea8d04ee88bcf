package dev.outlane.examples.cli;

import java.io.PrintWriter;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar redrawn on stderr every 100 ms by its own daemon thread ({@code
 * outlane-progress}), from two counters the caller updates from any thread: work done (e.g. bytes
 * read) out of a total known in advance (0 if unknown: then only the count is shown), and a count of
 * items to print ({@code 1234 events}). {@link #close()} draws the final state and ends the line.
 * Thread-safe. Does nothing if disabled.
 */
final class ProgressBar implements AutoCloseable {
  private static final int WIDTH = 40;

  private final PrintWriter err;
  private final LongSupplier done;
  private final long total;
  private final LongSupplier items;
  private final String unit;
  private final ScheduledExecutorService ticker;
  private final boolean enabled;

  ProgressBar(PrintWriter err, boolean enabled, LongSupplier done, long total, LongSupplier items, String unit) {
    this.err = err;
    this.enabled = enabled;
    this.done = done;
    this.total = total;
    this.items = items;
    this.unit = unit;
    this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "outlane-progress");
      t.setDaemon(true);
      return t;
    });
    if (enabled) {
      ticker.scheduleAtFixedRate(this::draw, 0, 100, TimeUnit.MILLISECONDS);
    }
  }

  private synchronized void draw() {
    long d = done.getAsLong();
    String count = items.getAsLong() + " " + unit;
    if (total > 0) {
      int filled = (int) Math.min(WIDTH, d * WIDTH / total);
      long percent = Math.min(100, d * 100 / total);
      err.print("\r[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + percent + "% " + count);
    } else {
      err.print("\r" + count);
    }
    err.flush();
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    try {
      ticker.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (enabled) {
      draw();
      synchronized (this) {
        err.println();
        err.flush();
      }
    }
  }
}
