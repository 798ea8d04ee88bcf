package dev.outlane.peerbench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The Segment comparison: analytics-java (defaults, then {@code TCP_NODELAY}) and Outlane (defaults)
 * send the same {@link Workload}, each run to a fresh {@link LoopbackCollector}, in alternating
 * rounds ({@code A B C}, then {@code C B A}, …) so drift and load from other processes hit all of
 * them; the medians per client are compared.
 */
final class SegmentScenario {
  private static final long THROUGHPUT_BOUND_NANOS = TimeUnit.MINUTES.toNanos(10);

  /** Median figures per client, in {@link #clients} order. */
  record Medians(String client, double eventsPerSecond, double cpuMicrosPerEvent, double clientCpuMicrosPerEvent,
                 double heapMegabytes, double requests, double refusals, double duplicates, double missing) {}

  private final AnalyticsJavaClient peerDefaults = new AnalyticsJavaClient(false);
  private final AnalyticsJavaClient peerNoDelay = new AnalyticsJavaClient(true);
  private final OutlaneSegmentClient outlane = new OutlaneSegmentClient();
  private final List<SegmentClient> clients = List.of(peerDefaults, peerNoDelay, outlane);

  /** The throughput rounds; returns the medians, analytics-java defaults, TCP_NODELAY, Outlane. */
  List<Medians> throughput(int events, int pairs, int warmup, PrintStream out) throws Exception {
    out.printf(Locale.ROOT, "%n== Segment throughput: %,d track events per run, submitted from one thread,"
        + " %d alternating rounds ==%n", events, pairs);
    if (warmup > 0) {
      for (SegmentClient c : clients) {
        try (LoopbackCollector collector = LoopbackCollector.start(warmup, FaultPlan.NONE)) {
          c.run(warmup, collector, THROUGHPUT_BOUND_NANOS);
        }
      }
      out.printf(Locale.ROOT, "(warm-up: %,d events per client, not reported)%n", warmup);
    }
    header(out);
    List<List<SegmentRun>> runs = new ArrayList<>();
    for (int c = 0; c < clients.size(); c++) {
      runs.add(new ArrayList<>());
    }
    for (int p = 0; p < pairs; p++) {
      for (int k = 0; k < clients.size(); k++) {
        int c = p % 2 == 0 ? k : clients.size() - 1 - k;
        try (LoopbackCollector collector = LoopbackCollector.start(events, FaultPlan.NONE)) {
          SegmentRun run = clients.get(c).run(events, collector, THROUGHPUT_BOUND_NANOS);
          runs.get(c).add(run);
          row(out, run, "#" + (p + 1));
        }
      }
    }
    List<Medians> medians = new ArrayList<>();
    for (int c = 0; c < clients.size(); c++) {
      List<SegmentRun> r = runs.get(c);
      medians.add(new Medians(clients.get(c).label(),
          median(r, SegmentRun::eventsPerSecond), median(r, SegmentRun::cpuMicrosPerEvent),
          median(r, SegmentRun::clientCpuMicrosPerEvent), median(r, SegmentRun::heapMegabytes),
          median(r, x -> x.requests()), median(r, x -> x.refusals()), median(r, x -> x.duplicates()),
          median(r, x -> x.missing())));
    }
    out.printf(Locale.ROOT, "%n%-36s %11s %9s %10s %8s %8s %9s %5s %7s%n", "median of " + pairs,
        "events/s", "CPU µs/ev", "client µs", "heap MB", "requests", "refusals", "dup", "missing");
    for (Medians m : medians) {
      out.printf(Locale.ROOT, "%-36s %,11.0f %9.1f %10.1f %8.1f %,8.0f %,9.0f %5.0f %7.0f%n", m.client(),
          m.eventsPerSecond(), m.cpuMicrosPerEvent(), m.clientCpuMicrosPerEvent(), m.heapMegabytes(),
          m.requests(), m.refusals(), m.duplicates(), m.missing());
    }
    return medians;
  }

  /** What the fault plan did to each client, per client the last round's result. */
  record FaultResult(SegmentRun peer, SegmentRun outlane, long[] outlaneGapsAfter500, long[] outlaneGapsAfter429,
                     String outlaneDeadLetters) {}

  /** The fault plan rounds: analytics-java (defaults) and Outlane alternate. */
  FaultResult faults(int events, FaultPlan plan, int boundSeconds, int pairs, PrintStream out) throws Exception {
    out.printf(Locale.ROOT, "%n== Fault plan: %s, then 200; %,d events; bound %d s; %d alternating rounds ==%n",
        plan, events, boundSeconds, pairs);
    out.printf(Locale.ROOT, "%-36s %10s %9s %12s %5s %9s %14s %16s %8s%n", "run", "delivered", "%",
        "dead-letter", "dup", "requests", "time to 100 %", "gap after 500", "429 gap");
    long bound = TimeUnit.SECONDS.toNanos(boundSeconds);
    SegmentRun peerRun = null;
    SegmentRun outlaneRun = null;
    long[] gaps500 = new long[0];
    long[] gaps429 = new long[0];
    for (int p = 0; p < pairs; p++) {
      for (int k = 0; k < 2; k++) {
        boolean peerTurn = (p % 2 == 0) == (k == 0);
        SegmentClient client = peerTurn ? peerDefaults : outlane;
        try (LoopbackCollector collector = LoopbackCollector.start(events, plan)) {
          SegmentRun run = client.run(events, collector, bound);
          long[] g500 = collector.gapsAfterMillis(500);
          long[] g429 = collector.gapsAfterMillis(429);
          if (peerTurn) {
            peerRun = run;
          } else {
            outlaneRun = run;
            gaps500 = g500;
            gaps429 = g429;
          }
          out.printf(Locale.ROOT, "%-36s %,10d %8.2f%% %,12d %5d %,9d %14s %16s %8s%n",
              client.label() + " #" + (p + 1), run.delivered(), 100.0 * run.delivered() / events, run.givenUp(),
              run.duplicates(), run.requests(),
              run.allDeliveredNanos() < 0 ? "not reached" : String.format(Locale.ROOT, "%.1f s", run.allDeliveredNanos() / 1e9),
              gaps(g500), gaps(g429));
        }
      }
    }
    String dead = outlane.lastDeadLetters().toString();
    out.println("Outlane dead letters by reason (last round): " + dead
        + "; analytics-java's are its failure callbacks (it gives a batch up after 3 retries)");
    return new FaultResult(peerRun, outlaneRun, gaps500, gaps429, dead);
  }

  /** {@code min/median ms} of the gaps, or {@code -}. */
  static String gaps(long[] sorted) {
    if (sorted.length == 0) {
      return "-";
    }
    return sorted[0] + "/" + sorted[sorted.length / 2] + " ms";
  }

  private static void header(PrintStream out) {
    out.printf(Locale.ROOT, "%-36s %11s %9s %10s %8s %8s %9s %5s %7s%n", "run", "events/s", "CPU µs/ev",
        "client µs", "heap MB", "requests", "refusals", "dup", "missing");
  }

  private static void row(PrintStream out, SegmentRun r, String round) {
    out.printf(Locale.ROOT, "%-36s %,11.0f %9.1f %10.1f %8.1f %,8d %,9d %5d %7d%n", r.client() + " " + round,
        r.eventsPerSecond(), r.cpuMicrosPerEvent(), r.clientCpuMicrosPerEvent(), r.heapMegabytes(), r.requests(),
        r.refusals(), r.duplicates(), r.missing());
  }

  private static double median(List<SegmentRun> runs, ToDoubleFunction<SegmentRun> f) {
    double[] v = runs.stream().mapToDouble(f).toArray();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
