package dev.outlane.audience.internal;

import dev.outlane.audience.AudienceSink;
import dev.outlane.audience.HashedMember;
import dev.outlane.audience.SinkResult;
import dev.outlane.audience.SyncProgress;
import dev.outlane.contract.AudienceAction;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Sends the add and remove files of a pending sync in batches, removes first (a suppressed or
 * departed person leaves the audience as early as possible), skipping the batches its {@link
 * SendJournal} records as accepted and recording each newly accepted one before the next is sent.
 * Stops at the first batch the sink does not accept (a sink that throws counts as a retryable
 * failure).
 *
 * <p>Runs on the caller's thread and calls the sink and the progress listener on it. Not
 * thread-safe.
 */
public final class BatchSender {
  private final AudienceSink sink;
  private final SyncProgress progress;

  public BatchSender(AudienceSink sink, SyncProgress progress) {
    this.sink = sink;
    this.progress = progress;
  }

  /**
   * What one send pass did.
   *
   * @param sent batches accepted in this pass
   * @param skipped batches accepted earlier and not sent again
   * @param received summed over every accepted batch (earlier ones included), or null if none reported counts
   * @param matched likewise
   * @param failure why the pass stopped, or null if every batch is accepted
   */
  public record Result(long sent, long skipped, @Nullable Long received, @Nullable Long matched,
      @Nullable String failure) {}

  /** Sends what {@code state}'s pending sync, described by {@code manifest}, has not yet sent. */
  public Result send(SyncState state, Manifest manifest) throws IOException {
    int size = manifest.batchSize();
    DiffCounts c = manifest.counts();
    long total = (c.removes + size - 1) / size + (c.adds + size - 1) / size;
    long sent = 0;
    long skipped = 0;
    String failure = null;
    progress.progress(SyncProgress.Phase.SEND, 0, total);
    try (SendJournal journal = SendJournal.open(state.journal())) {
      for (AudienceAction.Action action : new AudienceAction.Action[] {AudienceAction.Action.REMOVE, AudienceAction.Action.ADD}) {
        Path file = action == AudienceAction.Action.ADD ? state.adds() : state.removes();
        try (Records.Reader reader = new Records.Reader(file, false)) {
          byte[] rec = new byte[Records.SIZE];
          List<HashedMember> batch = new ArrayList<>(Math.min(size, 10_000));
          long index = 0;
          boolean more = true;
          while (more && failure == null) {
            batch.clear();
            while (batch.size() < size && (more = reader.next(rec))) {
              batch.add(member(rec));
            }
            if (batch.isEmpty()) {
              break;
            }
            long at = index++;
            if (journal.accepted(action, at)) {
              skipped++;
              progress.progress(SyncProgress.Phase.SEND, sent + skipped, total);
              continue;
            }
            SinkResult result;
            try {
              result = sink.send(List.copyOf(batch), action);
            } catch (RuntimeException e) {
              result = SinkResult.failed("sink threw " + e.getClass().getSimpleName() + ": " + e.getMessage(), true, null);
            }
            if (result instanceof SinkResult.Accepted) {
              SinkResult.Accepted a = (SinkResult.Accepted) result;
              journal.accept(action, at, a.received(), a.matched());
              sent++;
              progress.progress(SyncProgress.Phase.SEND, sent + skipped, total);
            } else {
              SinkResult.Failed f = (SinkResult.Failed) result;
              failure = action.wireName() + " batch " + at + " not accepted ("
                  + (f.retryable() ? "retryable" : "needs a fix") + "): " + f.reason();
            }
          }
        }
      }
      boolean counted = journal.counted();
      return new Result(sent, skipped, counted ? journal.received() : null, counted ? journal.matched() : null, failure);
    }
  }

  private static HashedMember member(byte[] rec) {
    byte flags = rec[Records.FLAGS];
    return new HashedMember(
        Records.hex(rec, Records.KEY, 16),
        (flags & Records.HAS_EMAIL) != 0 ? Records.hex(rec, Records.EMAIL, Records.HASH_BYTES) : null,
        (flags & Records.HAS_PHONE) != 0 ? Records.hex(rec, Records.PHONE, Records.HASH_BYTES) : null);
  }
}
