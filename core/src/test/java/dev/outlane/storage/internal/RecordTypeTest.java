package dev.outlane.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RecordTypeTest {
  @Test
  void everyRecordTypeKeepsTheByteItWasReleasedWith() {
    // On-disk compatibility: a segment written by an earlier release must mean the same thing.
    Map<RecordType, Integer> pinned = new LinkedHashMap<>();
    pinned.put(RecordType.JOURNAL_EVENT, 1);
    pinned.put(RecordType.JOURNAL_COMPLETE, 2);
    pinned.put(RecordType.JOURNAL_SEALED_EVENT, 5);
    pinned.put(RecordType.DEAD_LETTER_ADD, 3);
    pinned.put(RecordType.DEAD_LETTER_RESOLVE, 4);
    pinned.put(RecordType.DEAD_LETTER_SEALED_ADD, 6);
    pinned.put(RecordType.IDEMPOTENCY_DONE, 5);
    pinned.put(RecordType.IDEMPOTENCY_UNKNOWN, 6);
    pinned.put(RecordType.IDEMPOTENCY_ATTEMPT, 7);
    pinned.put(RecordType.IDEMPOTENCY_CLEAR, 8);
    pinned.put(RecordType.IDEMPOTENCY_FORGET, 9);
    pinned.put(RecordType.SUPPRESSION_SUPPRESS, 1);
    pinned.put(RecordType.SUPPRESSION_LIFT, 2);

    Map<RecordType, Integer> actual = new LinkedHashMap<>();
    for (RecordType t : RecordType.values()) {
      actual.put(t, (int) t.code());
    }
    assertThat(actual).containsExactlyEntriesOf(pinned);
  }

  @Test
  void noTwoRecordTypesOfOneLogShareAByte() {
    Map<RecordType.Log, Set<Byte>> seen = new EnumMap<>(RecordType.Log.class);
    for (RecordType t : RecordType.values()) {
      assertThat(seen.computeIfAbsent(t.log(), l -> new HashSet<>()).add(t.code()))
          .as("byte %d of %s is already taken in the %s", t.code(), t, t.log().label())
          .isTrue();
    }
  }

  @Test
  void byteZeroIsReservedForTheLogsOwnWakeUp() {
    for (RecordType t : RecordType.values()) {
      assertThat(t.code()).as(t.name()).isNotZero();
    }
  }

  @Test
  void aLogFindsItsOwnTypesByByteAndNoOtherLogs() {
    assertThat(RecordType.Log.JOURNAL.typeOf((byte) 1)).isEqualTo(RecordType.JOURNAL_EVENT);
    assertThat(RecordType.Log.SUPPRESSION.typeOf((byte) 1))
        .isEqualTo(RecordType.SUPPRESSION_SUPPRESS);
    assertThat(RecordType.Log.IDEMPOTENCY.typeOf((byte) 5)).isEqualTo(RecordType.IDEMPOTENCY_DONE);
    assertThat(RecordType.Log.JOURNAL.typeOf((byte) 3)).isNull();
    assertThat(RecordType.Log.DEAD_LETTERS.typeOf((byte) 42)).isNull();
  }

  @Test
  void eachLogIsCalledWhatItsMessagesHaveAlwaysCalledIt() {
    assertThat(RecordType.Log.JOURNAL.label()).isEqualTo("journal");
    assertThat(RecordType.Log.DEAD_LETTERS.label()).isEqualTo("dead-letter store");
    assertThat(RecordType.Log.IDEMPOTENCY.label()).isEqualTo("idempotency store");
    assertThat(RecordType.Log.SUPPRESSION.label()).isEqualTo("suppression store");
  }
}
