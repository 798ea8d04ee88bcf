package dev.outlane.bench.audience;

import dev.outlane.ads.meta.MetaCustomAudienceDestination;
import dev.outlane.ads.testing.FakeMetaServer;
import dev.outlane.audience.AudienceSync;
import dev.outlane.audience.DestinationAudienceSink;
import dev.outlane.audience.MemberSource;
import dev.outlane.audience.RawMember;
import dev.outlane.audience.SyncReport;
import dev.outlane.hashing.HashingProfile;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;

/**
 * Load harness for mirror-mode audience sync (not a JMH benchmark: one long run, wall time and peak
 * heap are the figures). Syncs a synthetic snapshot of N members to {@link FakeMetaServer} in
 * counting-only mode, then a second snapshot with 1 % churn, then a dry run of that churn (the diff
 * alone, no HTTP).
 *
 * <pre>
 * java -Xmx512m -cp … dev.outlane.bench.audience.AudienceSyncHarness [members=10000000] [stateDir] [dry [runs=3] | resync [runs=2] | source]
 * </pre>
 *
 * <p>Churn: every 200th member leaves, every 200th (offset 100) changes email, and N/200 new members
 * join, so 1 % of members change: adds ≈ removes ≈ 1 % of N. Phones are written in national format
 * with punctuation so that every new or changed member pays for real libphonenumber parsing.
 */
public final class AudienceSyncHarness {
  private AudienceSyncHarness() {}

  public static void main(String[] args) throws Exception {
    int members = args.length > 0 ? Integer.parseInt(args[0]) : 10_000_000;
    Path state = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("outlane-sync-harness-");
    System.out.printf(Locale.ROOT, "members=%,d maxHeap=%,d MB state=%s cores=%d%n", members,
        Runtime.getRuntime().maxMemory() >> 20, state, Runtime.getRuntime().availableProcessors());

    try (FakeMetaServer meta = FakeMetaServer.builder("harness-token").countingOnly().start()) {
      MockWebServer server = meta.mockWebServer();
      // MockWebServer keeps every recorded request for takeRequest(); drain them so that the
      // harness measures the sync's memory, not the test server's.
      Thread drain = new Thread(() -> {
        try {
          while (!Thread.currentThread().isInterrupted()) {
            server.takeRequest(1, TimeUnit.SECONDS);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "drain-recorded-requests");
      drain.setDaemon(true);
      drain.start();

      MetaCustomAudienceDestination destination = MetaCustomAudienceDestination.builder()
          .accessToken("harness-token")
          .baseUrl(meta.url())
          .okHttpClient(new OkHttpClient.Builder().readTimeout(2, TimeUnit.MINUTES).build())
          .build();
      DestinationAudienceSink sink = DestinationAudienceSink.of(destination, "harness-audience");
      AudienceSync sync = AudienceSync.builder().stateDirectory(state).audience("harness")
          .destination(destination.name()).hashingProfile(HashingProfile.META).build();

      if (args.length > 2 && args[2].equals("source")) {
        // The synthetic source alone (string building, no sync): subtract it from the figures above
        // to get the sync's own cost per member.
        for (int k = 0; k < 3; k++) {
          com.sun.management.OperatingSystemMXBean os =
              (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
          long cpu = os.getProcessCpuTime();
          long start = System.nanoTime();
          long chars = 0;
          RawMember[] ring = new RawMember[4096]; // the members escape, so the JIT cannot skip building them
          int i = 0;
          for (Synthetic s = new Synthetic(members, true); s.hasNext(); i++) {
            RawMember m = s.next();
            ring[i & (ring.length - 1)] = m;
            chars += m.customerId().charAt(m.customerId().length() - 1) + m.email().length() + m.phone().length();
          }
          double seconds = (System.nanoTime() - start) / 1e9;
          System.out.printf(Locale.ROOT, "source only %d: %.2f s wall, %.3f µs CPU per member (%,d chars)%n", k + 1,
              seconds, (os.getProcessCpuTime() - cpu) / 1e3 / members, chars);
        }
        return;
      }
      if (args.length > 2 && args[2].equals("resync")) {
        // Real 1 %-churn syncs against an existing state (left by a full run, i.e. the churned
        // snapshot): back to the base snapshot, then to the churned one again.
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        for (int k = 0; k < runs; k++) {
          boolean churn = k % 2 == 1;
          SyncReport r = measure("1%% churn, sync " + (k + 1), () -> sync.run(MemberSource.of(new Synthetic(members, churn)), sink));
          if (!r.complete()) {
            throw new IllegalStateException("harness sync did not complete");
          }
        }
        System.out.printf(Locale.ROOT, "  fake received: %,d rows added, %,d removed in total%n",
            meta.rowsAdded("harness-audience"), meta.rowsRemoved("harness-audience"));
        return;
      }
      if (args.length > 2 && args[2].equals("dry")) {
        // Diff-only mode against an existing state directory: repeated dry runs (JIT warm after the first).
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        for (int k = 0; k < runs; k++) {
          boolean churn = k % 2 == 0;
          measure("dry run " + (k + 1) + " (diff only)", () -> sync.dryRun(MemberSource.of(new Synthetic(members, churn))));
        }
        return;
      }
      SyncReport first = measure("initial sync", () -> sync.run(MemberSource.of(new Synthetic(members, false)), sink));
      System.out.printf(Locale.ROOT, "  fake received: %,d rows added%n", meta.rowsAdded("harness-audience"));
      SyncReport dry = measure("1%% churn, dry run (diff only)", () -> sync.dryRun(MemberSource.of(new Synthetic(members, true))));
      SyncReport second = measure("1%% churn, sync", () -> sync.run(MemberSource.of(new Synthetic(members, true)), sink));
      System.out.printf(Locale.ROOT, "  fake received: %,d rows added, %,d removed in total%n",
          meta.rowsAdded("harness-audience"), meta.rowsRemoved("harness-audience"));
      if (!first.complete() || !second.complete() || dry.adds() != second.adds()) {
        throw new IllegalStateException("harness sync did not complete as expected");
      }
      drain.interrupt();
    }
  }

  private interface Run {
    SyncReport run();
  }

  private static SyncReport measure(String label, Run run) {
    System.gc();
    long[] peakUsed = new long[1];
    long[] peakAfterGc = new long[1];
    Thread sampler = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        peakUsed[0] = Math.max(peakUsed[0], ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        long afterGc = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
          if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null) {
            afterGc += pool.getCollectionUsage().getUsed();
          }
        }
        peakAfterGc[0] = Math.max(peakAfterGc[0], afterGc);
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "heap-sampler");
    sampler.setDaemon(true);
    sampler.start();
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpuStart = os.getProcessCpuTime();
    long start = System.nanoTime();
    SyncReport report = run.run();
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpuSeconds = (os.getProcessCpuTime() - cpuStart) / 1e9;
    sampler.interrupt();
    System.out.printf(Locale.ROOT, "%s: %.1f s wall, %.1f s CPU (all threads, incl. the fake server), %,.0f members/s,"
        + " %.2f µs CPU/member, peak heap used %,d MB (max after a GC %,d MB), load average %.1f%n",
        String.format(Locale.ROOT, label), seconds, cpuSeconds, report.members() / seconds,
        cpuSeconds * 1e6 / report.members(), peakUsed[0] >> 20, peakAfterGc[0] >> 20, os.getSystemLoadAverage());
    System.out.printf(Locale.ROOT, "  members %,d normalized %,d adds %,d removes %,d unchanged %,d changed %,d invalid %,d size %,d → %,d%n",
        report.members(), report.normalized(), report.adds(), report.removes(), report.unchanged(), report.changed(),
        report.invalid(), report.previousSize(), report.targetSize());
    return report;
  }

  /** Deterministic synthetic members; with churn, 1 % differ from the base snapshot. */
  static final class Synthetic implements Iterator<RawMember> {
    private final int members;
    private final boolean churn;
    private final int total;
    private int i;

    Synthetic(int members, boolean churn) {
      this.members = members;
      this.churn = churn;
      this.total = churn ? members + members / 200 : members;
    }

    @Override
    public boolean hasNext() {
      if (churn) {
        while (i < members && i % 200 == 0) {
          i++; // left the segment
        }
      }
      return i < total;
    }

    @Override
    public RawMember next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      int n = i++;
      String email = churn && n < members && n % 200 == 100 ? "changed" + n + "@example.org" : "user" + n + "@example.com";
      // (650) 2xx-xxxx … (650) 9xx-xxxx: valid US numbers, punctuated so parsing is real work.
      int local = 2_000_000 + (n % 8_000_000);
      int exchange = local / 10_000;
      int line = local % 10_000;
      String phone = "(650) " + exchange + "-" + (line < 10 ? "000" : line < 100 ? "00" : line < 1000 ? "0" : "") + line;
      return new RawMember("customer-" + n, email, phone);
    }
  }
}
