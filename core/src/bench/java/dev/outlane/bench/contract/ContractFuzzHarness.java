package dev.outlane.bench.contract;

import dev.outlane.contract.ContractFuzzer;

/**
 * The long contract fuzz: a million seeded cases (by default) of {@link ContractFuzzer}, the same
 * invariants {@code ContractFuzzTest} checks on 50,000 in {@code mvn verify}. Prints the figures
 * and the first failures; exits 1 if any invariant broke.
 *
 * <p>Run with the bench profile (compiles {@code src/bench/java} with the test sources):
 *
 * <pre>
 * mvn -o -B -q -pl core -P bench -Dbench.skip=true test-compile exec:exec \
 *     -Dexec.executable=java -Dexec.classpathScope=test \
 *     -Dexec.args="-cp %classpath dev.outlane.bench.contract.ContractFuzzHarness 1000000 42"
 * </pre>
 *
 * Arguments: cases (default 1,000,000), seed (default 42).
 */
public final class ContractFuzzHarness {
  private ContractFuzzHarness() {}

  public static void main(String[] args) {
    long cases = args.length > 0 ? Long.parseLong(args[0].replace("_", "")) : 1_000_000L;
    long seed = args.length > 1 ? Long.parseLong(args[1]) : 42L;
    ContractFuzzer.Report report = new ContractFuzzer(seed).run(cases);
    System.out.println("contract fuzz, seed " + seed + ": " + report);
    report.failures().forEach(f -> System.out.println("  " + f));
    if (report.failureCount() > 0) {
      System.exit(1);
    }
  }
}
