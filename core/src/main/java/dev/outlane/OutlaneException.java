package dev.outlane;

/**
 * The root of every exception Outlane throws. Catch this to handle any Outlane failure.
 *
 * <p>Messages never contain raw email addresses or phone numbers.
 */
public class OutlaneException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public OutlaneException(String message) {
    super(message);
  }

  public OutlaneException(String message, Throwable cause) {
    super(message, cause);
  }
}
