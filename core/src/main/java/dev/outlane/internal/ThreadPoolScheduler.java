package dev.outlane.internal;

import dev.outlane.Scheduler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link Scheduler}: a {@link ScheduledThreadPoolExecutor} of daemon threads. Its work
 * queue is unbounded by the JDK's design, but the engine bounds what it schedules (one pump and at most
 * one wake-up per destination, one task per in-flight batch and per item in backoff, all of which are
 * bounded by the client's queue capacity).
 */
public final class ThreadPoolScheduler implements Scheduler {
  private static final Logger log = LoggerFactory.getLogger(ThreadPoolScheduler.class);

  private final ScheduledThreadPoolExecutor executor;

  public ThreadPoolScheduler(int threads, String name) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads: must be ≥ 1, was " + threads);
    }
    AtomicInteger n = new AtomicInteger();
    this.executor = new ScheduledThreadPoolExecutor(threads, r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    executor.setRemoveOnCancelPolicy(true);
  }

  @Override
  public void execute(Runnable task) {
    schedule(task, Duration.ZERO);
  }

  @Override
  public void schedule(Runnable task, Duration delay) {
    Runnable guarded = () -> {
      try {
        task.run();
      } catch (Throwable e) {
        // The executor would keep an Error in the task's future, where nobody looks: log it.
        log.error("outlane task failed", e);
      }
    };
    try {
      if (delay.isZero() || delay.isNegative()) {
        executor.execute(guarded);
      } else {
        executor.schedule(guarded, delay.toNanos(), TimeUnit.NANOSECONDS);
      }
    } catch (RejectedExecutionException e) {
      log.debug("scheduler closed; task discarded");
    }
  }

  @Override
  public boolean await(CompletableFuture<?> future, Duration timeout) throws InterruptedException {
    try {
      future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (ExecutionException e) {
      return true;
    } catch (TimeoutException e) {
      return future.isDone();
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
