package dev.outlane.contract;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Commerce facts of a signal ({@code commerce} on the wire). Money is an exact {@link BigDecimal},
 * never a {@code double}.
 *
 * @param cartValue the cart value, exact; a negative scale ({@code 1E+3}) is stored as scale 0
 * @param currency ISO-4217 code; stored upper case
 * @param skus the SKUs in the cart, possibly empty
 * @param orderId the order id, if the signal is about an order
 */
public record Commerce(
    @Nullable BigDecimal cartValue,
    @Nullable String currency,
    List<String> skus,
    @Nullable String orderId) {
  public Commerce {
    skus = List.copyOf(skus);
    // ISO-4217 codes are upper case; accepting "usd" in code matches the JSON reader.
    if (currency != null) {
      currency = currency.toUpperCase(Locale.ROOT);
    }
    // 1E+3 and 1000 are the same amount; store the plain form so JSON round trips compare equal.
    // Bounded, so that a hostile 1E+999999999 is left for validation to reject, not expanded.
    if (cartValue != null && cartValue.scale() < 0 && cartValue.scale() >= -32) {
      cartValue = cartValue.setScale(0);
    }
  }
}
