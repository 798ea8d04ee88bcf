package dev.outlane.audience;

import dev.outlane.OutlaneException;

/**
 * The audience sync could not read its state or its input, or could not write its state (an I/O
 * error, a state directory written by another profile or version, another sync holding the lock).
 * Nothing was committed by the failed call. Messages never contain raw email addresses or phones.
 */
public class AudienceSyncException extends OutlaneException {
  private static final long serialVersionUID = 1L;

  public AudienceSyncException(String message) {
    super(message);
  }

  public AudienceSyncException(String message, Throwable cause) {
    super(message, cause);
  }
}
