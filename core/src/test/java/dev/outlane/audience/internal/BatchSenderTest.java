package dev.outlane.audience.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.audience.AudienceSink;
import dev.outlane.audience.HashedMember;
import dev.outlane.audience.SinkResult;
import dev.outlane.audience.SyncProgress;
import dev.outlane.contract.AudienceAction.Action;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchSenderTest {
  @TempDir Path dir;

  /** Records every call as "action first-key-byte…"; fails the call numbered {@code failOn} (from 1). */
  private static final class RecordingSink implements AudienceSink {
    final List<String> calls = new ArrayList<>();
    int failOn = -1;

    @Override
    public SinkResult send(List<HashedMember> members, Action action) {
      StringBuilder b = new StringBuilder(action.wireName());
      members.forEach(m -> b.append(' ').append(m.key().substring(30)));
      calls.add(b.toString());
      if (calls.size() == failOn) {
        return SinkResult.failed("rate limited", true, null);
      }
      return SinkResult.accepted(members.size(), 1);
    }
  }

  private SyncState pending(int adds, int removes) throws IOException {
    SyncState state = new SyncState(dir);
    state.startPending();
    write(state.adds(), 1, adds);
    write(state.removes(), 0x21, removes);
    DiffCounts c = new DiffCounts();
    c.adds = adds;
    c.removes = removes;
    state.writeManifest(new Manifest(c, 2), "test");
    return state;
  }

  /** Records whose keys end in the bytes from, from + 1, …: keys read back as hex ending in "01", "02", …. */
  private static void write(Path file, int from, int n) throws IOException {
    try (Records.Writer w = new Records.Writer(file, false, "cfg", false)) {
      byte[] rec = new byte[Records.SIZE];
      for (int i = 0; i < n; i++) {
        rec[Records.KEY + 15] = (byte) (from + i);
        rec[Records.FLAGS] = Records.HAS_EMAIL;
        w.write(rec, 0);
      }
    }
  }

  @Test
  void removesGoFirstInBatchesOfTheManifestsSize() throws IOException {
    SyncState state = pending(3, 2);
    RecordingSink sink = new RecordingSink();

    BatchSender.Result r = new BatchSender(sink, SyncProgress.none()).send(state, state.readManifest());

    assertThat(sink.calls).containsExactly("remove 21 22", "add 01 02", "add 03");
    assertThat(r).isEqualTo(new BatchSender.Result(3, 0, 5L, 3L, null));
    assertThat(Files.readString(state.journal())).isEqualTo("remove 0 2 1 ok\nadd 0 2 1 ok\nadd 1 1 1 ok\n");
  }

  @Test
  void aResumedSendSkipsTheBatchesItsJournalRecordsAsAcceptedAndKeepsTheirCounts() throws IOException {
    SyncState state = pending(5, 0);
    Files.writeString(state.journal(), "add 0 2 2 ok\nadd 1 2 0 ok\n");
    RecordingSink sink = new RecordingSink();

    BatchSender.Result r = new BatchSender(sink, SyncProgress.none()).send(state, state.readManifest());

    assertThat(sink.calls).containsExactly("add 05");
    assertThat(r).isEqualTo(new BatchSender.Result(1, 2, 5L, 3L, null));
  }

  @Test
  void theFirstBatchNotAcceptedStopsTheSendAndNamesItself() throws IOException {
    SyncState state = pending(5, 0);
    RecordingSink sink = new RecordingSink();
    sink.failOn = 2;

    BatchSender.Result r = new BatchSender(sink, SyncProgress.none()).send(state, state.readManifest());

    assertThat(sink.calls).containsExactly("add 01 02", "add 03 04");
    assertThat(r.sent()).isEqualTo(1);
    assertThat(r.failure()).isEqualTo("add batch 1 not accepted (retryable): rate limited");
    assertThat(Files.readString(state.journal())).isEqualTo("add 0 2 1 ok\n");
  }

  @Test
  void aSinkThatThrowsIsARetryableFailure() throws IOException {
    SyncState state = pending(1, 0);
    AudienceSink sink = (members, action) -> {
      throw new IllegalStateException("boom");
    };

    BatchSender.Result r = new BatchSender(sink, SyncProgress.none()).send(state, state.readManifest());

    assertThat(r.failure()).isEqualTo("add batch 0 not accepted (retryable): sink threw IllegalStateException: boom");
    assertThat(r.received()).isNull();
  }
}
