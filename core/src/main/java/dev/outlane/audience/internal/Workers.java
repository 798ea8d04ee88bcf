package dev.outlane.audience.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;

/**
 * The threads of one diff: a pool for the parallel passes over a chunk and one thread that writes
 * the sorted runs while the caller's thread reads the next chunk. With one thread there are none,
 * and everything runs on the caller's thread. The threads are daemons, live for one call, and are
 * stopped by {@link #close}.
 *
 * <p>Not thread-safe: {@link #submitRun}, {@link #await} and {@link #close} are called by the
 * caller's thread; {@link #runAll} by the run writer's.
 */
public final class Workers implements AutoCloseable {
  /** Below this many members a pass runs inline: splitting would cost more than it saves. */
  private static final int PARALLEL_MIN = 2_048;
  private static final int SLICES = 16;

  private final @Nullable ExecutorService pool;
  private final @Nullable ExecutorService runner;

  /** @param threads 1 for none, else the size of the pool */
  public Workers(int threads, String name) {
    this.pool = threads > 1 ? Executors.newFixedThreadPool(threads, r -> daemon(r, "outlane-audience-sync-" + name)) : null;
    this.runner = pool == null ? null
        : Executors.newSingleThreadExecutor(r -> daemon(r, "outlane-audience-sync-" + name + "-runs"));
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Whether runs are written on their own thread (so two chunks are in memory). */
  public boolean overlapped() {
    return runner != null;
  }

  /** A unit of work that may fail with an {@link IOException}. */
  public interface IoTask {
    void run() throws IOException;
  }

  /** Runs {@code task} on the run writer's thread, or inline without one (then returns null). */
  public @Nullable Future<?> submitRun(IoTask task) throws IOException {
    if (runner == null) {
      task.run();
      return null;
    }
    return runner.submit(() -> {
      task.run();
      return null;
    });
  }

  /** Waits for a chunk's run to be written, rethrowing its failure as it was thrown. */
  public static void await(@Nullable Future<?> run) throws IOException {
    if (run == null) {
      return;
    }
    try {
      run.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while writing a sorted run");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException) {
        throw (IOException) cause;
      }
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw new IllegalStateException(cause);
    }
  }

  /** Waits for {@code run} to end, ignoring its failure: another one is being reported. */
  public static void awaitQuietly(@Nullable Future<?> run) {
    if (run == null) {
      return;
    }
    try {
      run.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      // the failure that brought the caller here is the one to report
    }
  }

  /** A range task over [from, to). */
  public interface RangeTask {
    void run(int from, int to);
  }

  /** Runs {@code task} over [0, n) split across the pool, or inline without one. */
  public void runAll(int n, RangeTask task) throws IOException {
    if (pool == null || n < PARALLEL_MIN) {
      task.run(0, n);
      return;
    }
    List<Future<?>> futures = new ArrayList<>(SLICES);
    for (int s = 0; s < SLICES; s++) {
      int from = (int) ((long) n * s / SLICES);
      int to = (int) ((long) n * (s + 1) / SLICES);
      futures.add(pool.submit(() -> task.run(from, to)));
    }
    try {
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while normalizing members");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      throw new IllegalStateException(cause);
    }
  }

  @Override
  public void close() {
    if (runner != null) {
      runner.shutdownNow();
    }
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
