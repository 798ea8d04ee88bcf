package dev.outlane.internal;

import dev.outlane.Scheduler;
import dev.outlane.destination.DestinationLimits;
import dev.outlane.metrics.MetricsSink;
import dev.outlane.ratelimit.RateLimit;
import dev.outlane.retry.RetryPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One destination's queue and the pump that turns it into batches: at most {@code concurrency}
 * batches in flight, each within the destination's {@link DestinationLimits} (items and bytes),
 * held back by the linger (unless the batch is already full or {@code hurry} says a flush or close
 * wants partial batches now), the token bucket and a pause (a {@code Retry-After}). Halves of a
 * split batch go out before anything queued. Items waiting out a retry delay are held here too, so
 * {@link #drain} finds them.
 *
 * <p>A {@link LaneBreaker} pauses the whole lane once a batch fails as a whole (the handler reports
 * each batch's verdict through {@link #batchDone}) and lets one probe batch out after the pause;
 * when a batch reaches the destination again, the items waiting out their own retry delays are
 * queued at once (their delays were spacing out a failure of the lane, which is over).
 *
 * <p>All timing goes through the injected {@link Scheduler} and {@link Clock}, so it runs in virtual
 * time under {@code ManualScheduler}. Thread-safe: one lock guards the state; the batch handler runs
 * on a scheduler thread without it (the pump's own thread delivers the first batch it forms), and a
 * batch counts as in flight until the handler returns or throws.
 *
 * @param <T> the queued item
 */
final class Dispatcher<T extends Dispatcher.Item> {
  private static final Logger log = LoggerFactory.getLogger("dev.outlane.engine");

  /** What the dispatcher needs to know about a queued item. */
  interface Item {
    /** Its size in bytes as the destination measures it; fixed while queued. */
    long size();

    /** Records when it was (re)queued; the linger counts from the first queued item's time. */
    void queuedAt(Instant at);

    /** The instant last given to {@link #queuedAt}. */
    Instant queuedAt();
  }

  private final String name;
  private final DestinationLimits limits;
  private final int concurrency;
  private final Duration linger;
  private final @Nullable TokenBucket bucket;
  private final Clock clock;
  private final Scheduler scheduler;
  private final MetricsSink metrics;
  private final BooleanSupplier hurry;
  private final Consumer<List<T>> handler;
  // All guarded by this.
  private final ArrayDeque<T> queue = new ArrayDeque<>();
  private final ArrayDeque<List<T>> splitBatches = new ArrayDeque<>();
  // In backoff, in the order they failed. Items do not override equals: this is by identity.
  private final Map<T, Boolean> waiting = new LinkedHashMap<>();
  private final LaneBreaker breaker;
  private long queuedBytes;
  private int inFlight;
  private Instant pausedUntil = Instant.MIN;
  private @Nullable Instant wakeupAt;
  private boolean pumpScheduled;

  /**
   * @param name the destination's name (for the queue-depth metric)
   * @param rateLimit requests per second, or null for no limit
   * @param retry the pauses of the lane's circuit breaker ({@link RetryPolicy#probeDelay})
   * @param hurry true while partial batches should go out at once (a flush or close is waiting)
   * @param handler delivers one batch; runs on a scheduler thread
   */
  Dispatcher(String name, DestinationLimits limits, int concurrency, Duration linger,
      @Nullable RateLimit rateLimit, RetryPolicy retry, Clock clock, Scheduler scheduler,
      MetricsSink metrics, BooleanSupplier hurry, Consumer<List<T>> handler) {
    this.name = name;
    this.limits = limits;
    this.concurrency = concurrency;
    this.linger = linger;
    this.clock = clock;
    this.scheduler = scheduler;
    this.metrics = metrics;
    this.hurry = hurry;
    this.handler = handler;
    this.bucket = rateLimit == null ? null : new TokenBucket(rateLimit, clock.instant());
    this.breaker = new LaneBreaker(retry);
  }

  /**
   * The verdict on a batch, from the handler before it returns: {@code reached} if any item was
   * delivered, rejected or opted out (the destination is up); else {@code failed} if any item came
   * back retryable or unknown (the destination is taken to be down: the lane pauses as a whole).
   *
   * @param retryAfter the capped {@code Retry-After} the destination gave, or null
   */
  void batchDone(boolean reached, boolean failed, @Nullable Duration retryAfter) {
    synchronized (this) {
      if (reached) {
        if (breaker.state() != LaneBreaker.State.CLOSED) {
          log.info("{}: the destination answers again after {} failed request(s); lane resumed",
              name, breaker.failures());
          breaker.reached();
          releaseWaiting();
        } else {
          breaker.reached();
        }
      } else if (failed) {
        Instant now = clock.instant();
        if (breaker.failed(now, retryAfter)) {
          metrics.count(name, "lane_paused", "", 1);
          log.debug("{}: request failed as a whole ({} in a row); lane paused until {}, then one"
              + " probe", name, breaker.failures(), breaker.openUntil());
        }
      }
    }
    schedulePump();
  }

  /** The breaker's state; for tests. */
  synchronized LaneBreaker.State breakerState() {
    return breaker.state();
  }

  private void releaseWaiting() {
    // Caller holds the lock. Their scheduled retries find them gone and do nothing.
    List<T> items = new ArrayList<>(waiting.keySet());
    waiting.clear();
    Instant now = clock.instant();
    for (int i = items.size() - 1; i >= 0; i--) {
      T item = items.get(i);
      item.queuedAt(now);
      queue.addFirst(item);
      queuedBytes += item.size();
    }
  }

  /** Queues {@code item} at the back. */
  void enqueue(T item) {
    synchronized (this) {
      item.queuedAt(clock.instant());
      queue.addLast(item);
      queuedBytes += item.size();
      metrics.queueDepth(name, queue.size());
      if (inFlight >= concurrency) {
        // Every slot is busy: the first batch to return pumps (deliver's finally), and sees this
        // item. Not handing a pump to a scheduler thread per submitted event is most of the
        // submitting thread's hand-off cost (issue 12's profile).
        return;
      }
    }
    schedulePump();
  }

  /** Sends {@code first}, then {@code second}, as batches of their own before anything queued. */
  void enqueueSplit(List<T> first, List<T> second) {
    synchronized (this) {
      splitBatches.addFirst(second);
      splitBatches.addFirst(first);
    }
    schedulePump();
  }

  /** Holds {@code item} for {@code delay}, then queues it at the front (unless drained first). */
  void retryAfter(T item, Duration delay) {
    synchronized (this) {
      waiting.put(item, Boolean.TRUE);
    }
    scheduler.schedule(() -> {
      synchronized (this) {
        if (waiting.remove(item) == null) {
          return; // drained by close
        }
        item.queuedAt(clock.instant());
        queue.addFirst(item);
        queuedBytes += item.size();
      }
      schedulePump();
    }, delay);
  }

  /**
   * Sends nothing before {@code until} (a later pause already in force stays) and queues {@code
   * requeue} at the front, in its order.
   */
  void pause(Instant until, List<T> requeue) {
    synchronized (this) {
      if (until.isAfter(pausedUntil)) {
        pausedUntil = until;
      }
      for (int i = requeue.size() - 1; i >= 0; i--) {
        T item = requeue.get(i);
        item.queuedAt(clock.instant());
        queue.addFirst(item);
        queuedBytes += item.size();
      }
    }
    schedulePump();
  }

  /** Removes and returns everything not in flight: queued, split and waiting out a retry delay. */
  List<T> drain() {
    synchronized (this) {
      List<T> out = new ArrayList<>(queue);
      for (List<T> b : splitBatches) {
        out.addAll(b);
      }
      out.addAll(waiting.keySet());
      queue.clear();
      splitBatches.clear();
      waiting.clear();
      queuedBytes = 0;
      return out;
    }
  }

  /** Asks for a pump on a scheduler thread (at most one is pending at a time). */
  void schedulePump() {
    synchronized (this) {
      if (pumpScheduled) {
        return;
      }
      pumpScheduled = true;
    }
    scheduler.execute(this::pump);
  }

  private void wakeAt(Instant now, Instant at) {
    // Caller holds the lock.
    if (wakeupAt != null && !wakeupAt.isAfter(at) && wakeupAt.isAfter(now)) {
      return; // an earlier or equal wake-up is already scheduled
    }
    wakeupAt = at;
    scheduler.schedule(() -> {
      synchronized (this) {
        if (at.equals(wakeupAt)) {
          wakeupAt = null;
        }
      }
      pump();
    }, Duration.between(now, at));
  }

  private void pump() {
    List<List<T>> batches = null;
    boolean probe = false;
    synchronized (this) {
      pumpScheduled = false;
      while (inFlight < concurrency) {
        Instant now = clock.instant();
        if (queue.isEmpty() && splitBatches.isEmpty()) {
          break;
        }
        if (now.isBefore(pausedUntil)) {
          wakeAt(now, pausedUntil);
          break;
        }
        Instant blocked = breaker.admit(now, inFlight);
        if (blocked != null) {
          if (blocked != LaneBreaker.UNTIL_A_BATCH_RETURNS) {
            wakeAt(now, blocked);
          }
          break;
        }
        boolean full = !splitBatches.isEmpty() || queue.size() >= limits.maxItemsPerRequest()
            || queuedBytes >= limits.maxBytesPerRequest();
        if (!full && !linger.isZero() && !hurry.getAsBoolean()) {
          Instant due = queue.peekFirst().queuedAt().plus(linger);
          if (now.isBefore(due)) {
            wakeAt(now, due);
            break;
          }
        }
        if (bucket != null) {
          Duration wait = bucket.tryAcquire(now);
          if (!wait.isZero()) {
            wakeAt(now, now.plus(wait));
            break;
          }
        }
        // The probe is a request of one item: it costs the failing destination (and us: serializing,
        // gzip) next to nothing, so the lane can probe often.
        boolean probing = breaker.state() == LaneBreaker.State.HALF_OPEN;
        List<T> batch = splitBatches.isEmpty() ? takeBatch(probing ? 1 : limits.maxItemsPerRequest())
            : splitBatches.pollFirst();
        probe = breaker.sent(); // only ever the first batch of a pump: the breaker admits one probe
        inFlight++;
        if (batches == null) {
          batches = new ArrayList<>(1);
        }
        batches.add(batch);
      }
      metrics.queueDepth(name, queue.size());
    }
    if (batches == null) {
      return;
    }
    for (int i = 1; i < batches.size(); i++) {
      List<T> b = batches.get(i);
      scheduler.execute(() -> deliver(b, false));
    }
    deliver(batches.get(0), probe);
  }

  private void deliver(List<T> batch, boolean probe) {
    try {
      handler.accept(batch);
    } finally {
      synchronized (this) {
        inFlight--;
        if (probe) {
          breaker.probeReturned();
        }
      }
      schedulePump();
    }
  }

  private List<T> takeBatch(int max) {
    // Caller holds the lock.
    long maxBytes = limits.maxBytesPerRequest();
    List<T> batch = new ArrayList<>(Math.min(max, queue.size()));
    long bytes = 0;
    while (!queue.isEmpty() && batch.size() < max) {
      T item = queue.peekFirst();
      if (!batch.isEmpty() && bytes + item.size() > maxBytes) {
        break;
      }
      queue.pollFirst();
      queuedBytes -= item.size();
      bytes += item.size();
      batch.add(item);
    }
    return batch;
  }
}
