package dev.outlane.contract;

import dev.outlane.Problem;
import dev.outlane.ValidationException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What {@link EventCodec#parse(String)} found: either a valid event and no problems, or no event
 * and every problem found, in the order found. Immutable and thread-safe.
 *
 * @param event the event, or null if the input is invalid
 * @param problems the problems, each a JSON path and a reason; empty exactly when valid
 */
public record ParseResult(@Nullable RetentionEvent event, List<Problem> problems) {
  public ParseResult {
    problems = List.copyOf(problems);
    if ((event == null) == problems.isEmpty()) {
      throw new IllegalArgumentException(
          "a ParseResult has either an event or at least one problem, not both or neither");
    }
  }

  /** A valid result. */
  public static ParseResult valid(RetentionEvent event) {
    return new ParseResult(event, List.of());
  }

  /**
   * An invalid result.
   *
   * @throws IllegalArgumentException if {@code problems} is empty
   */
  public static ParseResult invalid(List<Problem> problems) {
    return new ParseResult(null, problems);
  }

  /** Whether the input was a valid v1 event. */
  public boolean isValid() {
    return event != null;
  }

  /**
   * The event.
   *
   * @throws ValidationException listing every problem, if the input was invalid
   */
  public RetentionEvent orThrow() {
    if (event == null) {
      throw new ValidationException(problems);
    }
    return event;
  }
}
