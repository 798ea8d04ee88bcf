package dev.outlane.peerbench;

/**
 * What the loopback collector answers before it starts accepting: the first {@code fail500}
 * requests get {@code 500}, the next {@code fail429} get {@code 429} with {@code Retry-After:
 * retryAfterSeconds}, every later one {@code 200}. Immutable.
 *
 * @param fail500 how many requests are answered 500 first (≥ 0)
 * @param fail429 how many requests after those are answered 429 (≥ 0)
 * @param retryAfterSeconds the {@code Retry-After} value sent with each 429 (≥ 0)
 */
public record FaultPlan(int fail500, int fail429, int retryAfterSeconds) {
  /** Every request is accepted. */
  public static final FaultPlan NONE = new FaultPlan(0, 0, 0);

  /** Issue 12's burst: 160 × 500, then 80 × 429 with {@code Retry-After: 1}. */
  public static final FaultPlan ISSUE_12 = new FaultPlan(160, 80, 1);

  /** Checks the counts. */
  public FaultPlan {
    if (fail500 < 0 || fail429 < 0 || retryAfterSeconds < 0) {
      throw new IllegalArgumentException(
          "fault plan: counts must be ≥ 0, was " + fail500 + "×500, " + fail429 + "×429, Retry-After " + retryAfterSeconds);
    }
  }

  /** The answer to the {@code n}-th request (1-based): 500, 429 or 200. */
  int statusOf(int n) {
    if (n <= fail500) {
      return 500;
    }
    return n <= fail500 + fail429 ? 429 : 200;
  }

  @Override
  public String toString() {
    return fail500 + "×500, " + fail429 + "×429 Retry-After " + retryAfterSeconds;
  }
}
