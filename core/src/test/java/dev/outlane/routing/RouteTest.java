package dev.outlane.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outlane.contract.AudienceAction;
import dev.outlane.contract.RetentionEvent;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RouteTest {
  private static RetentionEvent.Builder event(String name) {
    return RetentionEvent.builder().eventId("e1").eventName(name).source("customerio").customerId("c1")
        .eventTime(Instant.parse("2026-03-01T00:00:00Z"));
  }

  @Test
  void matchesByEventNameAndOptionallyAudience() {
    Route any = Route.builder().event("cart_abandoned").to("meta").build();
    Route vip = Route.builder().event("cart_abandoned").audience("vip").to("meta").build();

    assertThat(any.matches(event("cart_abandoned").build())).isTrue();
    assertThat(any.matches(event("page_viewed").build())).isFalse();
    assertThat(vip.matches(event("cart_abandoned").build())).isFalse();
    assertThat(vip.matches(event("cart_abandoned").audience("vip", AudienceAction.Action.ADD).build())).isTrue();
    assertThat(vip.matches(event("cart_abandoned").audience("other", AudienceAction.Action.ADD).build())).isFalse();
  }

  @Test
  void aWindowIsHalfOpen() {
    Route r = Route.builder().event("cart_abandoned").window(Duration.ofHours(24), Duration.ofHours(72))
        .to("meta").build();

    assertThat(r.inWindow(Duration.ofHours(24).minusNanos(1))).isFalse();
    assertThat(r.inWindow(Duration.ofHours(24))).isTrue();
    assertThat(r.inWindow(Duration.ofHours(72).minusNanos(1))).isTrue();
    assertThat(r.inWindow(Duration.ofHours(72))).isFalse();
    assertThat(Route.builder().event("x").to("a").build().inWindow(Duration.ofDays(999))).isTrue();
  }

  @Test
  void theBuilderNamesTheFieldOfEveryBadValue() {
    assertThatThrownBy(() -> Route.builder().event("Cart"))
        .hasMessage("event: must match [a-z][a-z0-9_]{0,63}, was \"Cart\"");
    assertThatThrownBy(() -> Route.builder().window(Duration.ofHours(2), Duration.ofHours(1)))
        .hasMessage("window: to must be after from, was [PT2H, PT1H)");
    assertThatThrownBy(() -> Route.builder().window(Duration.ofHours(-1), Duration.ofHours(1)))
        .hasMessage("window: from must not be negative, was PT-1H");
    assertThatThrownBy(() -> Route.builder().audience(" "))
        .hasMessage("audience: must not be blank");
    assertThatThrownBy(() -> Route.builder().event("x").to("a", "t").to("a", "t"))
        .hasMessage("to: destination \"a\" with target \"t\" is already a target of this route");
    assertThatThrownBy(() -> Route.builder().to("a").build())
        .hasMessage("event: a route needs an event name");
    assertThatThrownBy(() -> Route.builder().event("x").build())
        .hasMessage("to: route for \"x\" has no destination");
  }
}
