package dev.outlane.examples.bench;

import dev.outlane.examples.cli.CrashLoop;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Harness (not a unit test): the long crash loop of issue 10. {@code outlane send --dir} runs as a
 * child JVM against a fake Twilio and a fake Segment on 127.0.0.1 and is SIGKILLed at seeded
 * random points, restarted on the same directory each time, then run to completion ({@link
 * CrashLoop} has the details). Prints one summary line:
 *
 * <pre>
 * crash loop: 25 kills, 26 runs, 2000 events, 1972 SMS sent, 0 double SMS, 0 lost, 91 needs-reconciliation, …
 * </pre>
 *
 * <p>Exits 1 if fewer kills landed than asked for, an SMS was sent twice, an event was lost,
 * anything else was dead-lettered, the journal still holds events at the end, or (encrypted) a
 * file in the directory holds a raw email or phone.
 *
 * <p>Arguments: {@code [kills (25)] [events (2000)] [seed (42)] [work directory (a new temp dir)]
 * [encrypted]}; {@code encrypted} runs every child with {@code OUTLANE_ENCRYPTION_KEY} set.
 * Run (from the repository root; the bench profile compiles {@code src/bench/java} with the tests):
 *
 * <pre>
 * mvn -o -B -q -pl examples -am -P bench -Dbench.skip=true -Dcrashloop.skip=false \
 *     -Dcrashloop.args="25 2000 42" -Dmaven.javadoc.skip=true -Dinvoker.skip=true verify
 * </pre>
 */
public final class CrashLoopHarness {
  private CrashLoopHarness() {}

  public static void main(String[] args) throws IOException {
    int kills = args.length > 0 ? Integer.parseInt(args[0]) : 25;
    int events = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
    long seed = args.length > 2 ? Long.parseLong(args[2]) : 42L;
    Path work = args.length > 3 ? Files.createDirectories(Path.of(args[3]))
        : Files.createTempDirectory("outlane-crash-loop");
    boolean encrypted = args.length > 4 && args[4].equals("encrypted");
    System.out.println("crash loop: " + kills + " kills of outlane send --dir over " + events
        + " events, seed " + seed + (encrypted ? ", encrypted" : "") + ", in " + work);
    CrashLoop.Summary s = CrashLoop.run(
        new CrashLoop.Settings(kills, events, seed, work, Duration.ofMinutes(3), encrypted));
    System.out.println(s.line());
    if (s.kills() < kills || !s.clean()) {
      System.out.println("FAILED: see the run-N.log files in " + work);
      System.exit(1);
    }
  }
}
