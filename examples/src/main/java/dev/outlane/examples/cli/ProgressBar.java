package dev.outlane.examples.cli;

import java.io.PrintWriter;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A one-line progress bar redrawn on stderr every 100 ms by its own daemon thread ({@code
 * outlane-progress}), from counters the caller updates from any thread: work done (e.g. bytes read)
 * out of a total known in advance (0 if unknown: then only the count is shown), and a count of items
 * to print ({@code 1234 events}); or from any line the caller computes. {@link #close()} draws the
 * final state and ends the line. Thread-safe. Does nothing if disabled.
 */
final class ProgressBar implements AutoCloseable {
  private static final int WIDTH = 40;

  private final PrintWriter err;
  private final Supplier<String> line;
  private final ScheduledExecutorService ticker;
  private final boolean enabled;
  private int lastLength;

  ProgressBar(PrintWriter err, boolean enabled, LongSupplier done, long total, LongSupplier items, String unit) {
    this(err, enabled, () -> bar(done.getAsLong(), total) + items.getAsLong() + " " + unit);
  }

  /** Redraws {@code line()} (called on the progress thread) every 100 ms. */
  ProgressBar(PrintWriter err, boolean enabled, Supplier<String> line) {
    this.err = err;
    this.enabled = enabled;
    this.line = line;
    this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "outlane-progress");
      t.setDaemon(true);
      return t;
    });
    if (enabled) {
      ticker.scheduleAtFixedRate(this::draw, 0, 100, TimeUnit.MILLISECONDS);
    }
  }

  /** {@code [####....] 45% } for {@code done} of {@code total}, or nothing if the total is unknown. */
  static String bar(long done, long total) {
    if (total <= 0) {
      return "";
    }
    int filled = (int) Math.max(0, Math.min(WIDTH, done * WIDTH / total));
    long percent = Math.max(0, Math.min(100, done * 100 / total));
    return "[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + percent + "% ";
  }

  private synchronized void draw() {
    String text = line.get();
    // Pad over the previous line's tail when the new one is shorter.
    err.print("\r" + text + " ".repeat(Math.max(0, lastLength - text.length())));
    lastLength = text.length();
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
