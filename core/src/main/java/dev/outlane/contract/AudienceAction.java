package dev.outlane.contract;

import java.util.Locale;
import java.util.Objects;

/**
 * The audience a signal enrols a person in, or removes them from ({@code audience} on the wire).
 * Suppression is a {@link Action#REMOVE}.
 *
 * @param name the audience name, as routes refer to it
 * @param action add or remove
 */
public record AudienceAction(String name, Action action) {
  public AudienceAction {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(action, "action");
  }

  /** Whether a person enters or leaves the audience. */
  public enum Action {
    ADD,
    REMOVE;

    /** The wire form: {@code "add"} or {@code "remove"}. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
