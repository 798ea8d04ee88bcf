package dev.outlane.journal;

import dev.outlane.OutlaneException;

/**
 * A journal or durable store could not do what was asked: the disk is full, the directory cannot be
 * created or written, another process holds it, or it was closed. When {@link EventJournal#append}
 * throws this, the event was <em>not</em> accepted: the caller must not acknowledge it. Messages
 * name the directory and the operating system's reason, never an event's contents.
 */
public class JournalException extends OutlaneException {
  private static final long serialVersionUID = 1L;

  public JournalException(String message) {
    super(message);
  }

  public JournalException(String message, Throwable cause) {
    super(message, cause);
  }
}
