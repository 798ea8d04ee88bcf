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
    assertThat(lines.subList(0, 2)).containsExactly(
        "destination            delivered  deduplicated    suppressed         stale      rejected     opted-out       skipped dead-lettered   removes  requests",
        // 832 requests: 830 sends (753 + 50 + 21 + 6), each exactly once, and 2 answered 429 then retried.
        "twilio-sms                   753           509           116           566            50            21           141             6         0       832");
    // Segment's request count depends on how batches formed while requests were in flight.
    assertThat(lines.get(2)).matches(
        "segment-events              1883           947            58             0             0             0             0             0         0 +\\d+");
    assertThat(lines.subList(3, 14)).containsExactly(
        "meta-cart-0-24h              814           538            69           566             0             0           153             0        21         -",
        "meta-cart-24-72h             430           142            34           566             0             0           120             0        21         -",
        "",
        "error codes:",
        "  twilio-sms        21211 ×19, 21610 ×21, 21614 ×31",
        "  segment-events    none",
        "  meta-cart-0-24h   none",
        "  meta-cart-24-72h  none",
        "",
        "events generated: 3000, accepted: 2910, refused as invalid: 90, queue-full retries: 0",
        "dead-letter store: needs-reconciliation 6, opted-out 21, rejected 50");
    assertThat(lines.get(14)).startsWith("transient failures retried: ");
    assertThat(lines.get(15)).matches("took \\d+ ms");
    assertThat(lines).hasSize(16);
    assertThat(err.toString()).contains("[########################################] 3000/3000 events");
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
    assertThat(report.removes(DemoDestinations.AUDIENCE_0_24H))
        .isEqualTo(report.count(DemoDestinations.SMS, FinalState.OPTED_OUT));
    assertThat(report.removes(DemoDestinations.AUDIENCE_24_72H))
        .isEqualTo(report.count(DemoDestinations.SMS, FinalState.OPTED_OUT));
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
