package dev.outlane;

import dev.outlane.destination.Channel;
import java.util.EnumSet;
import java.util.Set;

/**
 * What the engine does when a destination reports that the recipient opted out ({@link
 * dev.outlane.destination.Outcome.OptedOut}, e.g. Twilio error 21610): the person is suppressed on
 * {@code suppressChannels}, and, if {@code removeFromAudiences}, an audience {@code remove} is sent to
 * every {@link Channel#ADS} destination target that has a route. Immutable.
 *
 * @param suppressChannels the channels to suppress the person on (may be empty)
 * @param removeFromAudiences whether to emit audience removes to every routed ads target
 */
public record OptOutPolicy(Set<Channel> suppressChannels, boolean removeFromAudiences) {
  public OptOutPolicy {
    suppressChannels = Set.copyOf(suppressChannels);
  }

  /**
   * The default: suppress SMS, email and ads (every channel that contacts or targets the person, but
   * not {@link Channel#EVENTS} analytics), and remove the person from every routed audience.
   */
  public static OptOutPolicy defaults() {
    return new OptOutPolicy(EnumSet.of(Channel.SMS, Channel.EMAIL, Channel.ADS), true);
  }

  /** Suppress on every channel, and remove from every routed audience. */
  public static OptOutPolicy everywhere() {
    return new OptOutPolicy(EnumSet.allOf(Channel.class), true);
  }

  /** Only the {@link FinalState#OPTED_OUT} result and its dead letter; nothing propagated. */
  public static OptOutPolicy none() {
    return new OptOutPolicy(Set.of(), false);
  }
}
