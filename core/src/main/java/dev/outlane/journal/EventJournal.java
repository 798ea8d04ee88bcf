package dev.outlane.journal;

import dev.outlane.contract.RetentionEvent;
import dev.outlane.identity.Identity;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The write-ahead journal that makes "accepted" mean "will be delivered or dead-lettered, even if the
 * JVM dies". The client appends each event before acknowledging it, completes it once every routed
 * destination reached a final state, and on start re-delivers what was appended but not completed.
 *
 * <p>Implementations are thread-safe; {@link #append} may block the calling thread until the record is
 * durable (implementations group concurrent appends into one disk flush).
 */
public interface EventJournal extends AutoCloseable {
  /**
   * Durably records an accepted event.
   *
   * @return the record's sequence number, for {@link #complete}
   * @throws dev.outlane.OutlaneException if the record could not be made durable; the caller must
   *     then treat the event as not accepted
   */
  long append(RetentionEvent event);

  /** Records that the event with this sequence number reached a final state everywhere. */
  void complete(long sequence);

  /** Events appended but never completed, oldest first, as found when the journal was opened. */
  List<Pending> pending();

  @Override
  void close();

  /** A journal that keeps nothing: the in-memory default, where a crash loses queued events. */
  static EventJournal none() {
    return NoJournal.INSTANCE;
  }

  /**
   * An event found in the journal without its completion record.
   *
   * @param sequence its sequence number
   * @param event the event
   * @param identity its email and phone normalized under the identity rules it was accepted with,
   *     if the journal recorded them (see {@link EventSerializer#identityRules}); {@code null}
   *     means the caller normalizes with its own rules
   */
  record Pending(long sequence, RetentionEvent event, @Nullable Identity identity) {
    /** A pending event whose identity the caller normalizes. */
    public Pending(long sequence, RetentionEvent event) {
      this(sequence, event, null);
    }
  }
}
