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
        .execute("--seed", "42", "--events", "3000");

    assertThat(exit).isZero();
    List<String> lines = Arrays.asList(out.toString().split("\n"));
    assertThat(lines.subList(0, 8)).containsExactly(
        "destination            delivered  deduplicated    suppressed         stale      rejected     opted-out       skipped dead-lettered   removes",
        "twilio-sms                   764           517           116           566            31            21           141             6         0",
        "segment-events              1883           947            58             0             0             0             0             0         0",
        "meta-cart-0-24h              814           538            69           566             0             0           153             0        21",
        "meta-cart-24-72h             430           142            34           566             0             0           120             0        21",
        "",
        "events generated: 3000, accepted: 2910, refused as invalid: 90, queue-full retries: 0",
        "dead-letter store: needs-reconciliation 6, opted-out 21, rejected 31");
    assertThat(lines.get(8)).startsWith("transient failures retried: ");
    assertThat(lines.get(9)).matches("took \\d+ ms");
    assertThat(err.toString()).contains("[########################################] 3000/3000 events");
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
    assertThat(report.removes(DemoDestinations.AUDIENCE_0_24H))
        .isEqualTo(report.count(DemoDestinations.SMS, FinalState.OPTED_OUT));
    assertThat(report.removes(DemoDestinations.AUDIENCE_24_72H))
        .isEqualTo(report.count(DemoDestinations.SMS, FinalState.OPTED_OUT));
  }
}
