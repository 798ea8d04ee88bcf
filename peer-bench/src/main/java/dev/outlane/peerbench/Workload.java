package dev.outlane.peerbench;

import dev.outlane.contract.Commerce;
import dev.outlane.contract.RetentionEvent;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Issue 12's Segment workload, the same for every client: event {@code N} is a {@code track} of
 * {@code cart_abandoned} by user {@code u-N} with three properties ({@code cart_value} 129.90,
 * {@code currency} EUR, {@code source} customerio) at a fixed time. Each client builds its own
 * message type on the submitting thread, and that cost is measured.
 */
final class Workload {
  static final String EVENT = "cart_abandoned";
  static final BigDecimal CART_VALUE = new BigDecimal("129.90");
  static final String CURRENCY = "EUR";
  static final String SOURCE = "customerio";
  static final Instant TIME = Instant.parse("2026-11-29T17:45:30Z");
  private static final Commerce COMMERCE = new Commerce(CART_VALUE, CURRENCY, List.of(), null);

  private Workload() {}

  static String userId(int n) {
    return "u-" + n;
  }

  /** Outlane's form: the properties are commerce's cart value and currency, and the source. */
  static RetentionEvent outlaneEvent(int n) {
    return RetentionEvent.builder()
        .eventId("evt-" + n)
        .eventName(EVENT)
        .source(SOURCE)
        .customerId(userId(n))
        .eventTime(TIME)
        .commerce(COMMERCE)
        .build();
  }

  /** analytics-java's form of the same three properties. */
  static Map<String, Object> peerProperties() {
    return Map.of("cart_value", CART_VALUE, "currency", CURRENCY, "source", SOURCE);
  }
}
