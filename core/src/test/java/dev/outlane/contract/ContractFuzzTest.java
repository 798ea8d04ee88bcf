package dev.outlane.contract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The bounded, seeded version of the contract fuzz (issue 10, "keep the attacks"); the million-case
 * version is {@code dev.outlane.bench.contract.ContractFuzzHarness} in the bench profile.
 */
class ContractFuzzTest {
  /** Fixed, so a failure here is reproduced by running {@link ContractFuzzer} with the same seed. */
  private static final long SEED = 20_261_129L;

  @Test
  void fiftyThousandHostileInputsNeverThrowNeverLeakPiiAndAlwaysRoundTrip() {
    ContractFuzzer.Report report = new ContractFuzzer(SEED).run(50_000);
    assertThat(report.failures()).as(report.toString()).isEmpty();
    assertThat(report.cases()).isEqualTo(50_000);
    // The generator must reach both sides: enough valid events to test round trips, and problems.
    assertThat(report.valid()).isGreaterThan(8_000);
    assertThat(report.problems()).isGreaterThan(35_000);
    assertThat(report.identityChecks()).isGreaterThan(2_500);
  }
}
