package dev.outlane.ads;

import dev.outlane.contract.AudienceAction;
import dev.outlane.contract.Commerce;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.destination.DeliveryItem;
import dev.outlane.hashing.HashedIdentity;
import dev.outlane.hashing.HashingProfile;
import dev.outlane.identity.Identity;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Builds delivery items the way the engine does. */
public final class TestItems {
  public static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

  private TestItems() {}

  public static DeliveryItem item(HashingProfile profile, String customerId, @Nullable String email,
      @Nullable String phone, @Nullable String target, AudienceAction.Action action) {
    return item(profile, customerId, email, phone, target, action, NOW, Map.of());
  }

  public static DeliveryItem item(HashingProfile profile, String customerId, @Nullable String email,
      @Nullable String phone, @Nullable String target, AudienceAction.Action action, Instant eventTime,
      Map<String, String> options) {
    RetentionEvent event = RetentionEvent.builder()
        .eventId("evt-" + customerId)
        .eventName("cart_abandoned")
        .source("customerio")
        .customerId(customerId)
        .eventTime(eventTime)
        .email(email)
        .phone(phone)
        .commerce(new Commerce(new BigDecimal("249.90"), "USD", List.of("sku-1"), null))
        .build();
    Identity identity = new Identity(customerId, email, phone);
    HashedIdentity hashed = profile.hash(identity);
    return new DeliveryItem("key-" + customerId, event, identity, hashed, target, action, options, 1);
  }

  /** {@code n} distinct people for {@code target}. */
  public static List<DeliveryItem> people(HashingProfile profile, int n, String target, AudienceAction.Action action) {
    List<DeliveryItem> items = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      items.add(item(profile, "c" + i, "user" + i + "@example.com", null, target, action));
    }
    return items;
  }
}
