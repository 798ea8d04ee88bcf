package dev.outlane.deadletter;

import dev.outlane.OutlaneException;
import java.util.ArrayList;
import java.util.List;

/**
 * The in-memory {@link DeadLetterStore}: keeps every record until the JVM exits (listing does not
 * remove anything). Bounded by {@code capacity}: when full, {@link #add} throws rather than drop a
 * record, and the engine then leaves the event pending in its journal. Thread-safe.
 */
public final class InMemoryDeadLetterStore implements DeadLetterStore {
  /** Default bound: far above what an in-memory deployment should accumulate before an operator looks. */
  public static final int DEFAULT_CAPACITY = 1_000_000;

  private final int capacity;
  private final List<DeadLetter> records = new ArrayList<>();

  public InMemoryDeadLetterStore() {
    this(DEFAULT_CAPACITY);
  }

  /** @throws IllegalArgumentException if {@code capacity < 1} */
  public InMemoryDeadLetterStore(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity: must be ≥ 1, was " + capacity);
    }
    this.capacity = capacity;
  }

  /** @throws OutlaneException if the store holds {@code capacity} records already */
  @Override
  public synchronized void add(DeadLetter deadLetter) {
    if (records.size() >= capacity) {
      throw new OutlaneException("dead-letter store full: " + capacity + " records (capacity="
          + capacity + "); record " + deadLetter.id() + " for " + deadLetter.destination() + " not stored");
    }
    records.add(deadLetter);
  }

  @Override
  public synchronized List<DeadLetter> list(DeadLetterQuery query) {
    List<DeadLetter> out = new ArrayList<>();
    for (DeadLetter d : records) {
      if (query.matches(d)) {
        out.add(d);
      }
    }
    return out;
  }

  @Override
  public synchronized boolean markResolved(String id) {
    for (int i = 0; i < records.size(); i++) {
      if (records.get(i).id().equals(id)) {
        records.set(i, records.get(i).asResolved());
        return true;
      }
    }
    return false;
  }

  /** How many records are held, resolved or not. */
  public synchronized int size() {
    return records.size();
  }
}
