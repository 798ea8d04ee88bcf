package dev.outlane.audience.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.contract.AudienceAction.Action;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SendJournalTest {
  @TempDir Path dir;

  private Path file() {
    return dir.resolve("journal.log");
  }

  @Test
  void acceptedBatchesAreWrittenAsLinesEndingInOkAndReadBackWithTheirCounts() throws IOException {
    try (SendJournal j = SendJournal.open(file())) {
      j.accept(Action.REMOVE, 0, null, null);
      j.accept(Action.ADD, 0, 10L, 8L);
      j.accept(Action.ADD, 1, 5L, 1L);
    }
    assertThat(Files.readString(file())).isEqualTo("remove 0 ok\nadd 0 10 8 ok\nadd 1 5 1 ok\n");

    try (SendJournal j = SendJournal.open(file())) {
      assertThat(j.accepted(Action.REMOVE, 0)).isTrue();
      assertThat(j.accepted(Action.ADD, 1)).isTrue();
      assertThat(j.accepted(Action.ADD, 2)).isFalse();
      assertThat(j.accepted(Action.REMOVE, 1)).isFalse();
      assertThat(j.counted()).isTrue();
      assertThat(j.received()).isEqualTo(15);
      assertThat(j.matched()).isEqualTo(9);
    }
  }

  @Test
  void aLineTornByACrashDoesNotCountAndIsCutBeforeTheNextLine() throws IOException {
    Files.writeString(file(), "add 0 ok\nadd 1 10 8 o", StandardCharsets.UTF_8);

    try (SendJournal j = SendJournal.open(file())) {
      assertThat(j.accepted(Action.ADD, 0)).isTrue();
      assertThat(j.accepted(Action.ADD, 1)).isFalse();
      assertThat(j.counted()).isFalse();
      j.accept(Action.ADD, 1, null, null);
    }

    assertThat(Files.readString(file())).isEqualTo("add 0 ok\nadd 1 ok\n");
  }

  @Test
  void aCompleteLineWithoutOkDoesNotCount() throws IOException {
    Files.writeString(file(), "add 0 10 8\nadd 1 ok\n", StandardCharsets.UTF_8);

    try (SendJournal j = SendJournal.open(file())) {
      assertThat(j.accepted(Action.ADD, 0)).isFalse();
      assertThat(j.accepted(Action.ADD, 1)).isTrue();
    }
  }

  @Test
  void aMissingJournalMeansNothingWasAccepted() throws IOException {
    try (SendJournal j = SendJournal.open(file())) {
      assertThat(j.accepted(Action.ADD, 0)).isFalse();
      assertThat(j.counted()).isFalse();
    }
    assertThat(file()).exists().isEmptyFile();
  }
}
