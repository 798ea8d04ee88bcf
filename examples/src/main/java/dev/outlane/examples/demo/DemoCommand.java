package dev.outlane.examples.demo;

import dev.outlane.Outlane;
import dev.outlane.QueueFullException;
import dev.outlane.SubmitResult;
import dev.outlane.ValidationException;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.deadletter.DeadLetter;
import dev.outlane.deadletter.DeadLetterQuery;
import dev.outlane.deadletter.InMemoryDeadLetterStore;
import dev.outlane.guardrail.InMemorySuppressionStore;
import dev.outlane.metrics.InMemoryMetrics;
import dev.outlane.retry.RetryPolicy;
import dev.outlane.routing.Route;
import dev.outlane.testing.ManualScheduler;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code outlane demo}: generates a few thousand Customer.io-style signals (duplicates, suppressed and
 * opted-out people, stale events, invalid phones, purchases racing a cart recovery, transient
 * destination failures), runs them through a real {@link Outlane} client with its embedded defaults
 * — SMS, events and the cart-recovery audiences through the real Twilio, Segment and Meta adapters,
 * against fake servers it starts on 127.0.0.1 — and prints a per-destination report with the HTTP
 * requests each server received, the error codes it answered, and the audiences' final sizes.
 *
 * <p>Same seed, same report, except the last line ({@code took N ms}, wall-clock time). The client
 * runs on a {@link ManualScheduler}: virtual time, every delivery on the calling thread, in a fixed
 * order, and the retry jitter is drawn from a generator seeded with {@code --seed}. On a thread pool
 * with a real clock, how batches formed depended on which thread got there first and on how long a
 * linger of 50 ms really lasted, and the random jitter spread retried items over different batches:
 * the {@code requests} column and the retry count then varied between runs of the same seed. The
 * HTTP requests still go to real (fake) servers over 127.0.0.1; only waiting is virtual, so the
 * {@code Retry-After} pauses cost no wall time.
 *
 * <p>The progress bar goes to stderr (from a timer thread, every 100 ms), only on a terminal or with
 * {@code --progress}; the report goes to stdout.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    versionProvider = dev.outlane.examples.cli.OutlaneCli.Version.class,
    description = {
      "Runs generated Customer.io-style events through the engine and adapters, and reports.",
      "SMS, events and the two cart-recovery ad audiences go through the real Twilio, Segment and",
      "Meta adapters to fake servers started on 127.0.0.1: nothing leaves this machine.",
    },
    footer = dev.outlane.examples.cli.OutlaneCli.EXIT_CODES)
public final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--events", defaultValue = "3000", description = "How many events to generate (default ${DEFAULT-VALUE}).")
  int events;

  @Option(names = "--seed", defaultValue = "42", description = "Random seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--no-progress", description = "Do not draw the progress bar.")
  boolean noProgress;

  @Option(names = "--progress", description = "Draw the progress bar on stderr even when it is not a terminal.")
  boolean forceProgress;

  private final DemoDestinations destinations;
  private final Clock clock;

  /**
   * The moment the demo's world is generated around. The demo's virtual clock starts here and moves
   * only as the client's timers need: idempotency-key buckets are aligned to UTC days, so a fixed
   * start keeps every run's duplicates, windows and report identical.
   */
  public static final Instant DEMO_START = Instant.parse("2026-03-02T09:00:00Z");

  /** The demo on the real Twilio and Segment adapters against in-process fake servers, on the demo clock. */
  public DemoCommand() {
    this(DemoDestinations.adapters(), Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), DEMO_START)));
  }

  /**
   * The demo on other destinations (e.g. {@link DemoDestinations#fakes()}, in-process only); {@code
   * clock} gives the instant the demo's world and virtual time start at.
   */
  public DemoCommand(DemoDestinations destinations, Clock clock) {
    this.destinations = destinations;
    this.clock = clock;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (events < 100 || events > 30_000) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--events: must be 100–30000, was " + events);
    }
    DemoReport report;
    try {
      report = run(err);
    } catch (IllegalStateException e) {
      err.println();
      err.println("outlane demo: " + e.getMessage());
      err.flush();
      return 1;
    }
    out.print(report.render());
    out.flush();
    // The one exit-code rule, read for a demo: its invalid events and dead letters are the scenario
    // it plants (and reports), not something for the user to fix. Every wave settled: 0. A wave that
    // did not settle returned 1 above. The README's main command must succeed on a healthy build.
    return 0;
  }

  /** Runs the demo and returns its report; the progress bar goes to {@code err}. */
  DemoReport run(PrintWriter err) throws InterruptedException {
    long started = System.nanoTime();
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    DemoData data = DemoData.generate(seed, events, now);
    // Virtual time on this thread: batches form and retries fall the same way on every run.
    ManualScheduler time = new ManualScheduler(now);
    SplittableRandom jitter = new SplittableRandom(seed);

    InMemorySuppressionStore suppression = new InMemorySuppressionStore();
    for (String customer : data.suppressedCustomers()) {
      suppression.suppressCustomer(customer, EnumSet.allOf(dev.outlane.destination.Channel.class));
    }
    InMemoryDeadLetterStore deadLetters = new InMemoryDeadLetterStore();
    InMemoryMetrics metrics = new InMemoryMetrics();
    Outlane.Builder builder = Outlane.builder()
        .scheduler(time)
        .clock(time.clock())
        .metrics(metrics)
        .suppressionStore(suppression)
        .deadLetterStore(deadLetters)
        .retryPolicy(RetryPolicy.builder().maxAttempts(6).initialBackoff(Duration.ofMillis(50))
            .maxBackoff(Duration.ofSeconds(1)).jitter(jitter::nextDouble).build())
        .preActivationCheck((event, identity, destination) -> {
          // Analytics should still see the abandoned cart; activations should not chase a buyer.
          if (destination.equals(DemoDestinations.EVENTS)) {
            return false;
          }
          Instant bought = data.purchases().get(identity.customerId());
          return bought != null && bought.isAfter(event.eventTime());
        })
        .route(Route.builder().event(DemoData.CART_ABANDONED).window(Duration.ZERO, Duration.ofHours(24))
            .to(DemoDestinations.SMS, null, Map.of("template", AdapterDemoSetup.CART_TEMPLATE))
            .to(DemoDestinations.AUDIENCE_0_24H, DemoDestinations.AUDIENCE_0_24H_ID).build())
        .route(Route.builder().event(DemoData.CART_ABANDONED).window(Duration.ofHours(24), Duration.ofHours(72))
            .to(DemoDestinations.AUDIENCE_24_72H, DemoDestinations.AUDIENCE_24_72H_ID).build())
        // A purchase carries audience cart_recovery / remove: the buyer leaves both recovery audiences.
        .route(Route.builder().event(DemoData.ORDER_COMPLETED)
            .to(DemoDestinations.AUDIENCE_0_24H, DemoDestinations.AUDIENCE_0_24H_ID)
            .to(DemoDestinations.AUDIENCE_24_72H, DemoDestinations.AUDIENCE_24_72H_ID).build())
        .route(Route.builder().event(DemoData.CART_ABANDONED).to(DemoDestinations.EVENTS).build())
        .route(Route.builder().event(DemoData.BACK_IN_STOCK)
            .to(DemoDestinations.SMS, null, Map.of("template", AdapterDemoSetup.STOCK_TEMPLATE)).build())
        .route(Route.builder().event(DemoData.PREFERENCES_UPDATED).to(DemoDestinations.EVENTS).build());
    List<String> names = new ArrayList<>();
    try (ManualScheduler scheduler = time; DemoDestinations.Setup setup = destinations.create(data)) {
      for (DemoDestinations.Registration reg : setup.registrations()) {
        builder.destination(reg.destination(), reg.options());
        names.add(reg.destination().name());
      }
      DemoReport report = new DemoReport(names);
      deliver(builder, data, err, report);
      report.requests(setup.requestCounts());
      report.audienceSizes(setup.audienceSizes());
      report.duration(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      Map<String, Integer> byReason = new TreeMap<>();
      for (DeadLetter d : deadLetters.list(DeadLetterQuery.unresolved())) {
        byReason.merge(d.reason().wireName(), 1, Integer::sum);
      }
      report.deadLetters(byReason);
      report.retried(metrics.total("retried"));
      return report;
    }
  }

  /** Submits both waves through a client built from {@code builder}, closes it, and fills {@code report}. */
  private void deliver(Outlane.Builder builder, DemoData data, PrintWriter err, DemoReport report)
      throws InterruptedException {
    AtomicInteger done = new AtomicInteger();
    int total = data.size();
    boolean drawProgress = dev.outlane.examples.cli.Terminal.progressWanted(forceProgress, noProgress);
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "outlane-demo-progress");
      t.setDaemon(true);
      return t;
    });
    if (drawProgress) {
      ticker.scheduleAtFixedRate(() -> progress(err, done.get(), total), 0, 100, TimeUnit.MILLISECONDS);
    }
    List<CompletableFuture<SubmitResult>> stages = new ArrayList<>(total);
    int[] refused = new int[2]; // invalid, queue-full retries
    try (Outlane outlane = builder.build()) {
      for (List<RetentionEvent> wave : List.of(data.wave1(), data.wave2(), data.wave3())) {
        for (RetentionEvent e : wave) {
          submit(outlane, e, stages, done, refused);
        }
        // Let a wave settle, so the next one sees its opt-outs and consent changes.
        if (!outlane.flush(Duration.ofMinutes(2))) {
          throw new IllegalStateException("demo: a wave did not finish within 2 minutes");
        }
      }
    } finally {
      ticker.shutdownNow();
      ticker.awaitTermination(1, TimeUnit.SECONDS);
    }
    if (drawProgress) {
      progress(err, total, total);
      err.println();
      err.flush();
    }

    for (CompletableFuture<SubmitResult> s : stages) {
      report.add(s.join());
    }
    report.totals(total, stages.size(), refused[0], refused[1]);
  }

  private static void submit(Outlane outlane, RetentionEvent e, List<CompletableFuture<SubmitResult>> stages,
      AtomicInteger done, int[] refused) {
    while (true) {
      try {
        CompletableFuture<SubmitResult> f = outlane.submit(e).toCompletableFuture();
        f.whenComplete((r, t) -> done.incrementAndGet());
        stages.add(f);
        return;
      } catch (ValidationException invalid) {
        refused[0]++;
        done.incrementAndGet();
        return;
      } catch (QueueFullException full) {
        // Backpressure: let deliveries catch up, then submit the same event again.
        refused[1]++;
        outlane.flush(Duration.ofSeconds(1));
      }
    }
  }

  private static void progress(PrintWriter err, int done, int total) {
    int width = 40;
    int filled = total == 0 ? width : (int) ((long) done * width / total);
    err.print("\r[" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + done + "/" + total + " events");
    err.flush();
  }
}
