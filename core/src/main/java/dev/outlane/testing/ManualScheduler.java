package dev.outlane.testing;

import dev.outlane.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Scheduler} in virtual time, for deterministic tests: nothing runs until the test calls
 * {@link #advance} (or {@link #runDue}), and then due tasks run on the <em>test's</em> thread, in time
 * order. Its {@link #clock()} reads the same virtual time, so pass both to the client:
 *
 * <pre>{@code
 * ManualScheduler time = new ManualScheduler(Instant.parse("2026-01-01T00:00:00Z"));
 * Outlane outlane = Outlane.builder().scheduler(time).clock(time.clock())...build();
 * outlane.submit(event);
 * time.runDue();                      // the first attempt: 429, Retry-After 3
 * time.advance(Duration.ofMillis(2999)); // still paused
 * time.advance(Duration.ofMillis(1));    // the retry runs now
 * }</pre>
 *
 * <p>{@link #await} (used by {@code flush} and {@code close}) drives time forward itself, task by
 * task, up to its timeout in virtual time. Thread-safe: tasks may be scheduled from any thread.
 */
public final class ManualScheduler implements Scheduler {
  private final PriorityQueue<Task> tasks = new PriorityQueue<>();
  private Instant now;
  private long sequence;
  private boolean closed;

  public ManualScheduler(Instant start) {
    this.now = Objects.requireNonNull(start, "start");
  }

  /** A UTC clock that reads this scheduler's virtual time. */
  public Clock clock() {
    return new VirtualClock();
  }

  /** The current virtual time. */
  public synchronized Instant now() {
    return now;
  }

  @Override
  public synchronized void schedule(Runnable task, Duration delay) {
    if (closed) {
      return;
    }
    Instant at = delay.isNegative() ? now : now.plus(delay);
    tasks.add(new Task(at, sequence++, task));
  }

  /** Runs every task due now (including tasks those tasks schedule for now). Returns how many ran. */
  public int runDue() {
    return advance(Duration.ZERO);
  }

  /**
   * Moves virtual time forward by {@code duration}, running each task when its time comes. Returns how
   * many tasks ran.
   *
   * @throws IllegalArgumentException if {@code duration} is negative
   */
  public int advance(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration: must not be negative, was " + duration);
    }
    Instant target;
    synchronized (this) {
      target = now.plus(duration);
    }
    int ran = 0;
    while (true) {
      Task t;
      synchronized (this) {
        Task head = tasks.peek();
        if (head == null || head.at.isAfter(target)) {
          now = target;
          return ran;
        }
        tasks.poll();
        if (head.at.isAfter(now)) {
          now = head.at;
        }
        t = head;
      }
      t.task.run();
      ran++;
    }
  }

  /** Runs tasks, advancing virtual time to each next task, until none is left or time passed {@code max}. */
  public void runUntilIdle(Duration max) {
    Instant deadline = now().plus(max);
    while (true) {
      @Nullable Instant next = nextTaskTime();
      if (next == null || next.isAfter(deadline)) {
        return;
      }
      advance(Duration.between(now(), next));
    }
  }

  /** When the next task is due, or null if none is scheduled. */
  public synchronized @Nullable Instant nextTaskTime() {
    Task head = tasks.peek();
    return head == null ? null : head.at;
  }

  /** How many tasks are scheduled. */
  public synchronized int pendingTasks() {
    return tasks.size();
  }

  /** Runs due tasks and advances virtual time until {@code future} is done or {@code timeout} passed. */
  @Override
  public boolean await(CompletableFuture<?> future, Duration timeout) {
    Instant deadline = now().plus(timeout);
    while (true) {
      runDue();
      if (future.isDone()) {
        return true;
      }
      @Nullable Instant next = nextTaskTime();
      if (next == null || next.isAfter(deadline)) {
        return future.isDone();
      }
      advance(Duration.between(now(), next));
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    tasks.clear();
  }

  private static final class Task implements Comparable<Task> {
    final Instant at;
    final long seq;
    final Runnable task;

    Task(Instant at, long seq, Runnable task) {
      this.at = at;
      this.seq = seq;
      this.task = task;
    }

    @Override
    public int compareTo(Task o) {
      int c = at.compareTo(o.at);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  private final class VirtualClock extends Clock {
    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      if (zone.equals(ZoneOffset.UTC)) {
        return this;
      }
      throw new UnsupportedOperationException("the virtual clock is UTC only");
    }

    @Override
    public Instant instant() {
      return now();
    }
  }
}
