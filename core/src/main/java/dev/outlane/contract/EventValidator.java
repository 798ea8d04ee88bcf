package dev.outlane.contract;

import dev.outlane.Problem;
import java.util.List;

/**
 * Checks events built in code against the v1 rules that {@link EventCodec#parse(String)} applies to
 * JSON: formats, lengths, identity validity and the 32 KB limit. Stateless and thread-safe.
 *
 * <p>Uses the defaults of {@link EventCodec#create()} (phone region US, strict, 32 KB). For another
 * configuration call {@link EventCodec#validate(RetentionEvent)} on a configured codec.
 */
public final class EventValidator {
  private static final EventCodec DEFAULTS = EventCodec.create();

  private EventValidator() {}

  /**
   * Every problem of {@code event}, in field order; empty if it is valid. Never throws.
   *
   * @see EventCodec#validate(RetentionEvent)
   */
  public static List<Problem> validate(RetentionEvent event) {
    return DEFAULTS.validate(event);
  }
}
