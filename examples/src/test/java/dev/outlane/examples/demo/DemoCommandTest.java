package dev.outlane.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.FinalState;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DemoCommandTest {
  @Test
  void theDemoPrintsTheSameReportForTheFixedSeedAndExitsZero() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int exit = new CommandLine(new DemoCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
        .execute("--seed", "42", "--events", "3000", "--progress");

    // The generated world holds invalid events and dead letters on purpose: the scenario, not errors.
    assertThat(exit).isZero();
    List<String> lines = Arrays.asList(out.toString().split("\n"));
    assertThat(lines.subList(0, 2)).containsExactly(
        "destination            delivered  deduplicated    suppressed         stale      rejected     opted-out       skipped dead-lettered   removes  requests",
        // 849 requests: 847 sends (771 + 49 + 21 + 6), each exactly once, and 2 answered 429 then retried.
        "twilio-sms                   771           514           115           554            49            21            71             6         0       849");
    // Virtual time on one thread: batches form the same way on every run, so the batching
    // destinations' request counts are exact too (each includes its scripted failures' retries).
    assertThat(lines.subList(2, 5)).containsExactly(
        // Each batching lane's count includes one one-item probe after its scripted failure.
        "segment-events              1842           904            58             0             0             0             0             0         0         6",
        // 9, not 12, since issue 12's lane breaker: after a failed request the lane pauses, one
        // item probes it, and on recovery the items waiting out their backoff go out together
        // instead of one by one; the 24-72h lane's 10 (was 9) is its one-item probe.
        "meta-cart-0-24h              833           543            69           554             0             0            80             0       106         9",
        "meta-cart-24-72h             462           153            34           554             0             0            54             0       106        10");
    assertThat(lines.subList(5, 15)).containsExactly(
        "",
        "error codes:",
        "  twilio-sms        21211 ×18, 21610 ×21, 21614 ×31",
        "  segment-events    none",
        "  meta-cart-0-24h   none",
        "  meta-cart-24-72h  none",
        // Abandoners joined, buyers and opted-out people left: what the fake Meta audiences hold at the end.
        "final audience sizes: meta-cart-0-24h 525, meta-cart-24-72h 328",
        "",
        "events generated: 3000, accepted: 2912, refused as invalid: 88, queue-full retries: 0",
        "dead-letter store: needs-reconciliation 6, opted-out 21, rejected 49");
    assertThat(lines.get(15)).isEqualTo("transient failures retried: 36");
    assertThat(lines.get(16)).matches("took \\d+ ms \\(wall clock\\)");
    assertThat(lines).hasSize(17);
    assertThat(err.toString()).contains("[########################################] 3000/3000 events");
  }

  @Test
  void twoRunsWithTheSameSeedPrintTheSameReportButForTheWallClockLine() {
    String first = report("--seed", "7", "--events", "1500");
    String second = report("--seed", "7", "--events", "1500");

    assertThat(first.lines().toList()).last().asString().matches("took \\d+ ms \\(wall clock\\)");
    assertThat(withoutLastLine(second)).isEqualTo(withoutLastLine(first));
    assertThat(withoutLastLine(report("--seed", "8", "--events", "1500"))).isNotEqualTo(withoutLastLine(first));
  }

  private static String report(String... args) {
    StringWriter out = new StringWriter();
    int exit = new CommandLine(new DemoCommand()).setOut(new PrintWriter(out))
        .setErr(new PrintWriter(new StringWriter())).execute(args);
    assertThat(exit).isZero();
    return out.toString();
  }

  private static String withoutLastLine(String report) {
    return report.substring(0, report.lastIndexOf("took "));
  }

  @Test
  void outOfRangeEventCountsAreAUsageError() {
    StringWriter err = new StringWriter();

    int exit = new CommandLine(new DemoCommand()).setOut(new PrintWriter(new StringWriter()))
        .setErr(new PrintWriter(err)).execute("--events", "99");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).startsWith("--events: must be 100–30000, was 99");
  }

  @Test
  void noProgressBarIsDrawnWhenStderrIsNotATerminal() {
    org.junit.jupiter.api.Assumptions.assumeTrue(System.console() == null);
    StringWriter err = new StringWriter();

    int exit = new CommandLine(new DemoCommand()).setOut(new PrintWriter(new StringWriter()))
        .setErr(new PrintWriter(err)).execute("--events", "100");

    assertThat(exit).isZero();
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void theInProcessFakesGiveTheSameFinalStatesAsTheAdaptersAgainstFakeServers() throws Exception {
    DemoCommand adapters = new DemoCommand();
    DemoCommand fakes = new DemoCommand(DemoDestinations.fakes(),
        java.time.Clock.offset(java.time.Clock.systemUTC(),
            java.time.Duration.between(java.time.Instant.now(), DemoCommand.DEMO_START)));
    for (DemoCommand demo : List.of(adapters, fakes)) {
      demo.events = 1000;
      demo.seed = 7;
      demo.noProgress = true;
    }

    DemoReport real = adapters.run(new PrintWriter(new StringWriter()));
    DemoReport inProcess = fakes.run(new PrintWriter(new StringWriter()));

    for (String d : List.of(DemoDestinations.SMS, DemoDestinations.EVENTS, DemoDestinations.AUDIENCE_0_24H,
        DemoDestinations.AUDIENCE_24_72H)) {
      for (FinalState s : DemoReport.COLUMNS) {
        assertThat(real.count(d, s)).as(d + " " + s).isEqualTo(inProcess.count(d, s));
      }
    }
    assertThat(real.errorCodes(DemoDestinations.SMS)).isEqualTo(inProcess.errorCodes(DemoDestinations.SMS));
    assertThat(inProcess.requests(DemoDestinations.SMS)).isEqualTo(-1);
  }

  @Test
  void everyAcceptedActivationIsAccountedForAndEveryUndeliverableOneIsDeadLettered() throws Exception {
    DemoCommand demo = new DemoCommand();
    demo.events = 1000;
    demo.seed = 7;
    demo.noProgress = true;

    DemoReport report = demo.run(new PrintWriter(new StringWriter()));

    assertThat(report.generated()).isEqualTo(1000);
    assertThat(report.accepted() + report.invalid()).isEqualTo(1000);
    // The same stale cart events are stale on every windowed destination.
    int stale = report.count(DemoDestinations.SMS, FinalState.STALE);
    assertThat(stale).isPositive();
    assertThat(report.count(DemoDestinations.AUDIENCE_0_24H, FinalState.STALE)).isEqualTo(stale);
    assertThat(report.count(DemoDestinations.AUDIENCE_24_72H, FinalState.STALE)).isEqualTo(stale);
    assertThat(report.count(DemoDestinations.EVENTS, FinalState.STALE)).isZero();
    Map<String, Integer> dl = report.deadLettersByReason();
    assertThat(dl.getOrDefault("rejected", 0)).isEqualTo(report.count(DemoDestinations.SMS, FinalState.REJECTED));
    assertThat(dl.getOrDefault("opted-out", 0)).isEqualTo(report.count(DemoDestinations.SMS, FinalState.OPTED_OUT));
    assertThat(dl.getOrDefault("needs-reconciliation", 0))
        .isEqualTo(report.count(DemoDestinations.SMS, FinalState.DEAD_LETTERED));
    // Both audiences lose every opted-out person and every late buyer.
    assertThat(report.removes(DemoDestinations.AUDIENCE_0_24H))
        .isGreaterThan(report.count(DemoDestinations.SMS, FinalState.OPTED_OUT))
        .isEqualTo(report.removes(DemoDestinations.AUDIENCE_24_72H));
    assertThat(report.audienceSize(DemoDestinations.AUDIENCE_0_24H))
        .isPositive().isLessThan(report.count(DemoDestinations.AUDIENCE_0_24H, FinalState.DELIVERED));
    // Every SMS attempt is one request to the fake Twilio: nothing sent twice, plus the two 429s.
    int smsSends = report.count(DemoDestinations.SMS, FinalState.DELIVERED)
        + report.count(DemoDestinations.SMS, FinalState.REJECTED)
        + report.count(DemoDestinations.SMS, FinalState.OPTED_OUT)
        + report.count(DemoDestinations.SMS, FinalState.DEAD_LETTERED);
    assertThat(report.requests(DemoDestinations.SMS)).isEqualTo(smsSends + AdapterDemoSetup.TWILIO_RATE_LIMITED);
    assertThat(report.errorCodes(DemoDestinations.SMS)).containsOnlyKeys("21211", "21610", "21614");
    assertThat(report.requests(DemoDestinations.EVENTS)).isPositive();
  }
}
