package dev.outlane.contract;

import java.math.BigDecimal;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Commerce facts of a signal ({@code commerce} on the wire). Money is an exact {@link BigDecimal},
 * never a {@code double}.
 *
 * @param cartValue the cart value, exact
 * @param currency ISO-4217 code, upper case
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
  }
}
