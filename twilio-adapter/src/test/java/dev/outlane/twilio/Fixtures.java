package dev.outlane.twilio;

import dev.outlane.contract.AudienceAction;
import dev.outlane.contract.Commerce;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.destination.DeliveryItem;
import dev.outlane.identity.Identity;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/** Events and items the tests share. */
public final class Fixtures {
  public static final Instant NOW = Instant.parse("2026-11-29T18:00:00Z");
  public static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  public static final String PHONE = "+14155550123";
  public static final String EMAIL = "ada@example.com";

  private Fixtures() {}

  public static RetentionEvent.Builder event(String customerId) {
    return RetentionEvent.builder()
        .eventId("evt-" + customerId)
        .eventName("cart_abandoned")
        .source("customerio")
        .customerId(customerId)
        .eventTime(Instant.parse("2026-11-29T17:45:30Z"))
        .email(EMAIL)
        .phone(PHONE)
        .commerce(new Commerce(new BigDecimal("129.90"), "EUR", List.of("SKU-1", "SKU-2"), null))
        .property("first_name", "Ada");
  }

  public static DeliveryItem item(String key, RetentionEvent event, Map<String, String> options) {
    return new DeliveryItem(
        key,
        event,
        new Identity(event.customerId(), EMAIL, PHONE),
        null,
        null,
        AudienceAction.Action.ADD,
        options,
        1);
  }

  public static DeliveryItem item(String key, RetentionEvent event) {
    return item(key, event, Map.of());
  }

  public static DeliveryItem withPhone(DeliveryItem item, String phone) {
    return new DeliveryItem(
        item.idempotencyKey(),
        item.event(),
        new Identity(item.identity().customerId(), item.identity().email(), phone),
        null,
        null,
        item.action(),
        item.options(),
        item.attempt());
  }
}
