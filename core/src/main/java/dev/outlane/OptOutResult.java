package dev.outlane;

import dev.outlane.destination.Channel;
import java.util.List;
import java.util.Set;

/**
 * What {@link Outlane#optOut} did: the channels the person is now suppressed on by the opt-out's
 * source, and the final state of each audience remove it queued (one per routed {@link
 * Channel#ADS} destination target, none if {@link OptOutPolicy#removeFromAudiences()} is off).
 *
 * <p>Immutable and thread-safe.
 */
public final class OptOutResult {
  private final Set<Channel> suppressed;
  private final List<DestinationResult> removes;

  OptOutResult(Set<Channel> suppressed, List<DestinationResult> removes) {
    this.suppressed = Set.copyOf(suppressed);
    this.removes = List.copyOf(removes);
  }

  /** The channels suppressed (the opt-out's channels). */
  public Set<Channel> suppressed() {
    return suppressed;
  }

  /** Each audience remove's final state (delivered, rejected, dead-lettered…). */
  public List<DestinationResult> audienceRemoves() {
    return removes;
  }

  @Override
  public String toString() {
    return "OptOutResult{suppressed=" + suppressed + ", audienceRemoves=" + removes + "}";
  }
}
