package dev.outlane.journal;

import dev.outlane.contract.RetentionEvent;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** The journal behind {@link EventJournal#none()}. */
final class NoJournal implements EventJournal {
  static final NoJournal INSTANCE = new NoJournal();

  private final AtomicLong sequence = new AtomicLong();

  @Override
  public long append(RetentionEvent event) {
    return sequence.incrementAndGet();
  }

  @Override
  public void complete(long sequence) {}

  @Override
  public List<Pending> pending() {
    return List.of();
  }

  @Override
  public void close() {}
}
