package dev.outlane.guardrail;

import java.time.Duration;
import java.util.Objects;

/**
 * At most {@code maxActivations} activations of one person per {@code window}, counted per destination
 * or across all destinations ({@code acrossDestinations}). Counted right before delivery with the
 * client's clock; an activation that then fails gives its slot back. Removes emitted after an opt-out
 * are never capped. Immutable.
 *
 * @param maxActivations how many activations are allowed per window, ≥ 1
 * @param window the sliding window, positive
 * @param acrossDestinations true to count all destinations together, false to count each separately
 */
public record FrequencyCap(int maxActivations, Duration window, boolean acrossDestinations) {
  public FrequencyCap {
    Objects.requireNonNull(window, "window");
    if (maxActivations < 1) {
      throw new IllegalArgumentException("maxActivations: must be ≥ 1, was " + maxActivations);
    }
    if (window.isZero() || window.isNegative()) {
      throw new IllegalArgumentException("window: must be positive, was " + window);
    }
  }

  /** {@code max} activations per person per destination per {@code window}. */
  public static FrequencyCap perDestination(int max, Duration window) {
    return new FrequencyCap(max, window, false);
  }

  /** {@code max} activations per person across all destinations per {@code window}. */
  public static FrequencyCap acrossDestinations(int max, Duration window) {
    return new FrequencyCap(max, window, true);
  }
}
