package dev.outlane.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outlane.contract.AudienceAction;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.destination.Channel;
import dev.outlane.destination.DeliveryItem;
import dev.outlane.destination.DestinationLimits;
import dev.outlane.destination.Outcome;
import dev.outlane.identity.Identity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FakeDestinationTest {
  private static DeliveryItem item(String customer) {
    RetentionEvent e = RetentionEvent.builder().eventId("e-" + customer).eventName("cart_abandoned")
        .source("customerio").customerId(customer).eventTime(Instant.parse("2026-03-01T00:00:00Z")).build();
    return new DeliveryItem("key-" + customer, e, new Identity(customer, null, null), null, null,
        AudienceAction.Action.ADD, Map.of(), 1);
  }

  @Test
  void recordsEveryItemAndDeliversByDefault() {
    FakeDestination fake = FakeDestination.builder("events").build();

    List<Outcome> out = fake.deliver(List.of(item("c1"), item("c2")));

    assertThat(out).containsExactly(Outcome.delivered("events-1"), Outcome.delivered("events-2"));
    assertThat(fake.items()).extracting(DeliveryItem::idempotencyKey).containsExactly("key-c1", "key-c2");
    assertThat(fake.calls()).isEqualTo(1);
    assertThat(fake.deliveredItems()).hasSize(2);
  }

  @Test
  void scriptedFailuresApplyToTheNextCallsInOrder() {
    FakeDestination fake = FakeDestination.builder("sms").channel(Channel.SMS).build();
    fake.failNext(1, Outcome.unknown("timeout"))
        .rateLimitNext(1, Duration.ofSeconds(3))
        .failNext(1, Outcome.optedOut("21610", "STOP"));

    assertThat(fake.deliver(List.of(item("c1")))).containsExactly(Outcome.unknown("timeout"));
    assertThat(fake.deliver(List.of(item("c1"))))
        .containsExactly(new Outcome.Retryable("429 Too Many Requests", "429", Duration.ofSeconds(3)));
    assertThat(fake.deliver(List.of(item("c1")))).containsExactly(Outcome.optedOut("21610", "STOP"));
    assertThat(fake.deliver(List.of(item("c1")))).containsExactly(Outcome.delivered("sms-1"));
    assertThat(fake.deliveredItems()).hasSize(1);
  }

  @Test
  void aPerItemRuleAnswersWhenNothingIsScripted() {
    FakeDestination fake = FakeDestination.builder("sms")
        .rule(i -> i.event().customerId().equals("bad") ? Outcome.rejected("21211", "invalid To") : null)
        .build();

    assertThat(fake.deliver(List.of(item("ok"), item("bad"))))
        .containsExactly(Outcome.delivered("sms-1"), Outcome.rejected("21211", "invalid To"));
  }

  @Test
  void anOverSizeBatchIsATestFailureNotSilentlyAccepted() {
    FakeDestination fake = FakeDestination.builder("meta").limits(new DestinationLimits(2, 25, 10))
        .sizeOf(i -> i.event().customerId().equals("big") ? 11 : 10).build();

    assertThatThrownBy(() -> fake.deliver(List.of(item("a"), item("b"), item("c"))))
        .isInstanceOf(AssertionError.class)
        .hasMessage("meta: batch of 3 items exceeds maxItemsPerRequest 2");
    assertThatThrownBy(() -> fake.deliver(List.of(item("big"))))
        .hasMessage("meta: item key-big of 11 bytes exceeds maxBytesPerItem 10");
    FakeDestination bytes = FakeDestination.builder("b").limits(new DestinationLimits(5, 15, 10))
        .sizeOf(i -> 10).build();
    assertThatThrownBy(() -> bytes.deliver(List.of(item("a"), item("b"))))
        .hasMessage("b: batch of 20 bytes exceeds maxBytesPerRequest 15");
    assertThat(fake.limitViolations()).hasSize(2);
    assertThat(fake.calls()).isZero();
  }

  @Test
  void callTimesComeFromTheInjectedClock() {
    ManualScheduler time = new ManualScheduler(Instant.parse("2026-03-01T00:00:00Z"));
    FakeDestination fake = FakeDestination.builder("x").clock(time.clock()).build();
    fake.deliver(List.of(item("a")));
    time.advance(Duration.ofSeconds(2));
    fake.deliver(List.of(item("a")));

    assertThat(fake.callTimes()).containsExactly(Instant.parse("2026-03-01T00:00:00Z"),
        Instant.parse("2026-03-01T00:00:02Z"));
  }

  @Test
  void pairedWithTheClientsManualSchedulerARetryAfter3sIsExactly3sApartInCallTimes() {
    Instant t0 = Instant.parse("2026-03-01T12:00:00Z");
    ManualScheduler time = new ManualScheduler(t0);
    FakeDestination events = FakeDestination.builder("events").scheduler(time).build();
    events.rateLimitNext(1, Duration.ofSeconds(3));
    try (dev.outlane.Outlane outlane = dev.outlane.Outlane.builder().scheduler(time).clock(time.clock())
        .destination(events)
        .route(dev.outlane.routing.Route.builder().event("cart_abandoned").to("events").build())
        .build()) {
      outlane.submit(RetentionEvent.builder().eventId("e1").eventName("cart_abandoned").source("customerio")
          .customerId("c1").eventTime(t0).email("person.one@example.com").build());

      time.runUntilIdle(Duration.ofSeconds(10));

      assertThat(events.calls()).isEqualTo(2);
      assertThat(events.callTimes()).containsExactly(t0, t0.plusSeconds(3));
      assertThat(Duration.between(events.callTimes().get(0), events.callTimes().get(1))).isEqualTo(Duration.ofSeconds(3));
    }
  }

  @Test
  void aFakeWithoutAClockRefusesToInventCallTimes() {
    FakeDestination fake = FakeDestination.builder("x").build();
    fake.deliver(List.of(item("a")));

    assertThatThrownBy(fake::callTimes)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("callTimes: this fake has no clock; build it with scheduler(time) to pair it with a"
            + " ManualScheduler, or clock(Clock)");
  }

  @Test
  void theBuilderNamesABadSetting() {
    assertThatThrownBy(() -> FakeDestination.builder(null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("name: required, was null");
    assertThatThrownBy(() -> FakeDestination.builder(" ")).hasMessage("name: required, was blank");
    assertThatThrownBy(() -> FakeDestination.builder("x").scheduler(null)).hasMessage("scheduler: required, was null");
    assertThatThrownBy(() -> FakeDestination.builder("x").channel(null)).hasMessage("channel: required, was null");
  }

  @Test
  void theManualSchedulerRunsTasksInTimeOrderOnTheCallingThread() {
    ManualScheduler time = new ManualScheduler(Instant.parse("2026-03-01T00:00:00Z"));
    StringBuilder ran = new StringBuilder();
    time.schedule(() -> ran.append("b"), Duration.ofSeconds(2));
    time.schedule(() -> ran.append("a"), Duration.ofSeconds(1));
    time.execute(() -> time.schedule(() -> ran.append("c"), Duration.ofSeconds(5)));

    assertThat(time.advance(Duration.ofSeconds(2))).isEqualTo(3);
    assertThat(ran).hasToString("ab");
    assertThat(time.now()).isEqualTo(Instant.parse("2026-03-01T00:00:02Z"));
    time.advance(Duration.ofSeconds(3));
    assertThat(ran).hasToString("abc");
    assertThat(time.pendingTasks()).isZero();
  }
}
