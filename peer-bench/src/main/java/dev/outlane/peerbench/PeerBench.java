package dev.outlane.peerbench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Outlane and its peers side by side in one JVM, alternating, on the same loopback collector and
 * fault plan (issue 12). Prints a table per scenario, then one line starting {@code PEER-BENCH
 * SUMMARY} with the ratios (Outlane ÷ peer; the goals issue 12 sets are in brackets).
 *
 * <p>Run from the repository root (not part of {@code mvn verify}):
 *
 * <pre>
 * mvn -B -P bench -pl peer-bench -am verify -Dbench.skip=true -Dpeer.args="all"
 * </pre>
 *
 * <p>Arguments: see {@link Options}. The figures include everything in the JVM (the collector and
 * fakes, GC, JIT); on a shared machine they move with its load, which the alternation spreads over
 * all clients but does not remove.
 */
public final class PeerBench {
  static final String WRITE_KEY = "peer-bench-write-key";

  private PeerBench() {}

  /**
   * Runs the scenarios {@code args} select.
   *
   * @param args scenarios and sizes, see {@link Options}
   * @throws Exception if a scenario could not run
   */
  public static void main(String[] args) throws Exception {
    // Before any server or logger class loads: the JDK server answers on TCP_NODELAY sockets, so
    // only the client's Nagle setting differs between runs; and no INFO lines from the libraries.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    Options o = Options.parse(args);
    PrintStream out = System.out;
    out.printf(Locale.ROOT, "peer-bench: java %s, %d cpus, max heap %d MB, args %s%n", Runtime.version(),
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20, String.join(" ", args));
    List<String> summary = new ArrayList<>();
    if (o.scenarios().contains(Options.Scenario.SEGMENT)) {
      List<SegmentScenario.Medians> m = new SegmentScenario().throughput(o.events(), o.pairs(), o.warmup(), out);
      SegmentScenario.Medians defaults = m.get(0);
      SegmentScenario.Medians best = m.get(1);
      SegmentScenario.Medians outlane = m.get(2);
      summary.add(String.format(Locale.ROOT,
          "segment: events/s %.2fx analytics-java TCP_NODELAY [goal >= 2] (%.1fx its defaults), CPU/event %.2fx"
              + " [goal <= 0.5], heap %.2fx [goal <= 1], Outlane refusals %.0f [goal 0], dup %.0f, missing %.0f",
          outlane.eventsPerSecond() / best.eventsPerSecond(), outlane.eventsPerSecond() / defaults.eventsPerSecond(),
          outlane.cpuMicrosPerEvent() / best.cpuMicrosPerEvent(), outlane.heapMegabytes() / best.heapMegabytes(),
          outlane.refusals(), outlane.duplicates(), outlane.missing()));
    }
    if (o.scenarios().contains(Options.Scenario.FAULTS)) {
      SegmentScenario.FaultResult f =
          new SegmentScenario().faults(o.faultEvents(), o.faults(), o.faultBoundSeconds(), o.faultPairs(), out);
      summary.add(String.format(Locale.ROOT,
          "faults: Outlane delivered %.1f%% [goal 100] dead-lettered %d [goal 0] dup %d, 100%% %s;"
              + " analytics-java delivered %.1f%%",
          100.0 * f.outlane().delivered() / f.outlane().events(), f.outlane().givenUp(), f.outlane().duplicates(),
          f.outlane().allDeliveredNanos() < 0 ? "not reached" : String.format(Locale.ROOT, "after %.0f s",
              f.outlane().allDeliveredNanos() / 1e9),
          100.0 * f.peer().delivered() / f.peer().events()));
    }
    if (o.scenarios().contains(Options.Scenario.HASHING)) {
      HashingScenario.Result h = new HashingScenario().run(o.hashPairs(), out);
      summary.add(String.format(Locale.ROOT,
          "hashing speed: %.2fx Meta SDK (which does not parse phones), %.2fx libphonenumber+SHA-256 floor",
          h.outlaneVsMeta(), h.outlaneVsFloor()));
    }
    if (o.scenarios().contains(Options.Scenario.TWILIO)) {
      TwilioScenario.Result t = new TwilioScenario().run(o.sms(), o.pairs(), out);
      summary.add(String.format(Locale.ROOT, "twilio: msgs/s %.2fx twilio-java direct, CPU/msg %.2fx",
          t.outlanePerSecond() / t.directPerSecond(), t.outlaneCpuMicros() / t.directCpuMicros()));
    }
    out.println();
    out.println("PEER-BENCH SUMMARY (Outlane / peer, medians; issue 12's goals in brackets): "
        + String.join("; ", summary));
    // analytics-java leaves non-daemon threads behind (flush scheduler, a backing-off upload).
    System.exit(0);
  }
}
