package dev.outlane.journal;

import dev.outlane.contract.AudienceAction;
import dev.outlane.contract.Commerce;
import dev.outlane.contract.Consent;
import dev.outlane.contract.ConsentStatus;
import dev.outlane.contract.RetentionEvent;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** Events for journal tests and benchmarks: {@code event(7)} has id {@code evt-7}. */
public final class TestEvents {
  private TestEvents() {}

  public static RetentionEvent event(long n) {
    return RetentionEvent.builder()
        .eventId("evt-" + n)
        .eventName("cart_abandoned")
        .source("customerio")
        .customerId("cust-" + (n % 1000))
        .eventTime(Instant.ofEpochSecond(1_764_400_000L + n, 123_000_000))
        .email("person" + n + "@example.com")
        .phone("+1415555" + String.format("%04d", n % 10_000))
        .audience("cart-abandoners", AudienceAction.Action.ADD)
        .commerce(new Commerce(new BigDecimal("49.90"), "USD", List.of("sku-1", "sku-2"), null))
        .consent(new Consent(ConsentStatus.GRANTED, ConsentStatus.UNKNOWN, ConsentStatus.DENIED))
        .property("campaign", "spring")
        .property("vip", Boolean.TRUE)
        .property("visits", 3L)
        .property("coupon", null)
        .build();
  }
}
