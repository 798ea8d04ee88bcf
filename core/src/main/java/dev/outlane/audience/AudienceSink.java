package dev.outlane.audience;

import dev.outlane.contract.AudienceAction;
import java.util.List;

/**
 * Where an {@link AudienceSync} sends its adds and removes: one method, one batch at a time.
 *
 * <p>{@link DestinationAudienceSink} adapts any {@link dev.outlane.destination.Destination}. The sync
 * calls {@link #send} from the thread that called {@link AudienceSync#run}, one batch at a time,
 * never concurrently. A batch is either accepted as a whole or not: the sync resends a batch that
 * was not accepted on the next run, so sending the same batch twice must be harmless (audience add
 * and remove are idempotent at every supported destination).
 */
@FunctionalInterface
public interface AudienceSink {
  /**
   * Sends one batch.
   *
   * @param members at most {@link AudienceSync.Builder#batchSize} members, all for the same action
   * @param action whether they join or leave the audience
   * @return whether the destination accepted the batch; implementations should not throw for
   *     failures they can classify (a thrown exception counts as a retryable failure)
   */
  SinkResult send(List<HashedMember> members, AudienceAction.Action action);
}
