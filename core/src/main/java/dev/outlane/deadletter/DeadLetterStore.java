package dev.outlane.deadletter;

import java.util.List;

/**
 * Where deliveries that could not be completed are kept until read, replayed or resolved. Nothing
 * added is ever dropped by the store itself.
 *
 * <p>Implementations are thread-safe: the engine adds from its delivery threads while operators list.
 */
public interface DeadLetterStore extends AutoCloseable {
  /**
   * Stores a record. Returns only once the record is kept (durably, for a durable store).
   *
   * @throws dev.outlane.OutlaneException if it could not be stored
   */
  void add(DeadLetter deadLetter);

  /** The records matching {@code query}, oldest first. */
  List<DeadLetter> list(DeadLetterQuery query);

  /**
   * Marks a record resolved (a replay delivered it), so it is not replayed again.
   *
   * @return false if no record has that id
   */
  boolean markResolved(String id);

  @Override
  default void close() {}
}
