package dev.outlane;

import dev.outlane.internal.ThreadPoolScheduler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Runs the engine's work: delivery batches, linger timers, retry backoffs and rate-limit pauses. The
 * default is a small pool of daemon threads ({@link #threads}); tests inject {@link
 * dev.outlane.testing.ManualScheduler}, which runs everything on the test thread in virtual time, so
 * "a 3 s pause" is asserted without sleeping.
 *
 * <p>Implementations are thread-safe: the engine schedules from {@code submit} callers and from tasks.
 */
public interface Scheduler extends AutoCloseable {
  /** Runs {@code task} as soon as possible. */
  default void execute(Runnable task) {
    schedule(task, Duration.ZERO);
  }

  /** Runs {@code task} once, after {@code delay} ({@link Duration#ZERO}: as soon as possible). */
  void schedule(Runnable task, Duration delay);

  /**
   * Waits until {@code future} is done or {@code timeout} passed, whichever is first.
   *
   * <p>The thread-pool scheduler blocks the caller in real time; {@link
   * dev.outlane.testing.ManualScheduler} instead runs due tasks on the caller's thread and advances
   * virtual time up to {@code timeout}.
   *
   * @return true if the future is done
   * @throws InterruptedException if the waiting thread was interrupted
   */
  boolean await(CompletableFuture<?> future, Duration timeout) throws InterruptedException;

  /** Stops running tasks; tasks not yet run are discarded. Idempotent. */
  @Override
  void close();

  /**
   * A scheduler backed by a {@link java.util.concurrent.ScheduledThreadPoolExecutor} of {@code threads}
   * daemon threads named {@code <name>-<n>}.
   *
   * @throws IllegalArgumentException if {@code threads < 1}
   */
  static Scheduler threads(int threads, String name) {
    return new ThreadPoolScheduler(threads, name);
  }
}
