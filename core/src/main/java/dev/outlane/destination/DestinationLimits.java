package dev.outlane.destination;

/**
 * What one request to a destination may carry. The engine never hands a destination a batch over
 * these limits; an item larger than {@code maxBytesPerItem} is rejected before sending.
 *
 * @param maxItemsPerRequest at most this many items per {@link Destination#deliver} call (≥ 1)
 * @param maxBytesPerRequest at most this many bytes per request, as measured by {@link
 *     Destination#sizeOf}; {@link Long#MAX_VALUE} for no limit
 * @param maxBytesPerItem at most this many bytes per item; {@link Long#MAX_VALUE} for no limit
 */
public record DestinationLimits(int maxItemsPerRequest, long maxBytesPerRequest, long maxBytesPerItem) {
  public DestinationLimits {
    if (maxItemsPerRequest < 1) {
      throw new IllegalArgumentException("maxItemsPerRequest: must be ≥ 1, was " + maxItemsPerRequest);
    }
    if (maxBytesPerRequest < 1) {
      throw new IllegalArgumentException("maxBytesPerRequest: must be ≥ 1, was " + maxBytesPerRequest);
    }
    if (maxBytesPerItem < 1) {
      throw new IllegalArgumentException("maxBytesPerItem: must be ≥ 1, was " + maxBytesPerItem);
    }
  }

  /** One item per request, no byte limits: a destination such as SMS that sends one at a time. */
  public static DestinationLimits single() {
    return new DestinationLimits(1, Long.MAX_VALUE, Long.MAX_VALUE);
  }

  /** Up to {@code maxItems} per request, no byte limits. */
  public static DestinationLimits ofItems(int maxItems) {
    return new DestinationLimits(maxItems, Long.MAX_VALUE, Long.MAX_VALUE);
  }
}
