package dev.outlane;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown when input does not satisfy the contract. Carries every {@link Problem} found in one pass;
 * the message lists them, one per line. Never contains raw PII.
 */
public class ValidationException extends OutlaneException {
  private static final long serialVersionUID = 1L;

  private final List<Problem> problems;

  public ValidationException(List<Problem> problems) {
    super(format(problems));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a ValidationException needs at least one problem");
    }
    this.problems = List.copyOf(problems);
  }

  public ValidationException(Problem problem) {
    this(List.of(problem));
  }

  /** The problems, in the order they were found. */
  public List<Problem> problems() {
    return problems;
  }

  private static String format(List<Problem> problems) {
    return problems.stream().map(Problem::toString).collect(Collectors.joining("\n"));
  }
}
