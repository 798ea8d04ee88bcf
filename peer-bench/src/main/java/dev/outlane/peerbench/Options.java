package dev.outlane.peerbench;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The command line: scenarios ({@code all} by default, or any of {@code segment faults hashing
 * twilio}) and sizes. Immutable.
 *
 * <pre>
 * --events N        Segment events per run (200000)
 * --pairs N         alternating rounds of the Segment and Twilio comparisons (3)
 * --warmup N        events per client before the measured rounds (events / 10)
 * --faults A,B      the fault plan: A requests answered 500, then B answered 429 Retry-After 1 (160,80)
 * --fault-events N  events in the fault-plan runs (--events)
 * --fault-bound S   seconds a fault-plan run may take (120)
 * --fault-pairs N   alternating rounds of the fault plan (1)
 * --hash-pairs N    email+phone pairs hashed per variant (1000000)
 * --sms N           SMS per Twilio run (5000)
 * </pre>
 */
record Options(
    Set<Scenario> scenarios,
    int events,
    int pairs,
    int warmup,
    FaultPlan faults,
    int faultEvents,
    int faultBoundSeconds,
    int faultPairs,
    int hashPairs,
    int sms) {

  /** The comparisons this harness knows. */
  enum Scenario { SEGMENT, FAULTS, HASHING, TWILIO }

  /**
   * Parses {@code args}.
   *
   * @throws IllegalArgumentException naming the argument and what was expected
   */
  static Options parse(String[] args) {
    Set<Scenario> scenarios = EnumSet.noneOf(Scenario.class);
    int events = 200_000;
    int pairs = 3;
    int warmup = -1;
    FaultPlan faults = FaultPlan.ISSUE_12;
    int faultEvents = -1;
    int faultBound = 120;
    int faultPairs = 1;
    int hashPairs = 1_000_000;
    int sms = 5_000;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        if (a.isBlank()) {
          continue;
        }
        if (a.equals("all")) {
          scenarios.addAll(EnumSet.allOf(Scenario.class));
        } else {
          try {
            scenarios.add(Scenario.valueOf(a.toUpperCase(Locale.ROOT)));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                "scenario: unknown \"" + a + "\" (known: all, segment, faults, hashing, twilio)");
          }
        }
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(a + ": needs a value");
      }
      String v = args[++i];
      switch (a) {
        case "--events" -> events = positive(a, v);
        case "--pairs" -> pairs = positive(a, v);
        case "--warmup" -> warmup = nonNegative(a, v);
        case "--faults" -> {
          String[] parts = v.split(",");
          if (parts.length != 2) {
            throw new IllegalArgumentException("--faults: expected A,B (A×500 then B×429), was \"" + v + "\"");
          }
          faults = new FaultPlan(nonNegative(a, parts[0]), nonNegative(a, parts[1]), 1);
        }
        case "--fault-events" -> faultEvents = positive(a, v);
        case "--fault-bound" -> faultBound = positive(a, v);
        case "--fault-pairs" -> faultPairs = positive(a, v);
        case "--hash-pairs" -> hashPairs = positive(a, v);
        case "--sms" -> sms = positive(a, v);
        default -> throw new IllegalArgumentException(
            "unknown option " + a + " (known: --events --pairs --warmup --faults --fault-events --fault-bound"
                + " --fault-pairs --hash-pairs --sms)");
      }
    }
    if (scenarios.isEmpty()) {
      scenarios.addAll(EnumSet.allOf(Scenario.class));
    }
    return new Options(scenarios, events, pairs, warmup < 0 ? Math.max(1, events / 10) : warmup, faults,
        faultEvents < 0 ? events : faultEvents, faultBound, faultPairs, hashPairs, sms);
  }

  private static int positive(String name, String value) {
    int n = nonNegative(name, value);
    if (n == 0) {
      throw new IllegalArgumentException(name + ": must be ≥ 1, was 0");
    }
    return n;
  }

  private static int nonNegative(String name, String value) {
    try {
      int n = Integer.parseInt(value.strip().replace("_", ""));
      if (n < 0) {
        throw new IllegalArgumentException(name + ": must be ≥ 0, was " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ": expected a number, was \"" + value + "\"");
    }
  }
}
