package dev.outlane;

import dev.outlane.contract.RetentionEvent;
import java.time.Instant;

/** Events for engine tests: every person has a distinct, valid email and US phone. */
final class TestEvents {
  static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

  private TestEvents() {}

  /** A {@code cart_abandoned} event at {@link #T0} for customer {@code c<n>}. */
  static RetentionEvent.Builder cart(String eventId, int person) {
    return RetentionEvent.builder()
        .eventId(eventId)
        .eventName("cart_abandoned")
        .source("customerio")
        .customerId("c" + person)
        .eventTime(T0)
        .email(email(person))
        .phone(phone(person));
  }

  static String email(int person) {
    return "Person.Number" + person + "@Example.com";
  }

  /** A valid US number: 415-555-2xxx style numbers in the (assigned) 415 area. */
  static String phone(int person) {
    return "+1 (415) 555-" + (2000 + person);
  }
}
