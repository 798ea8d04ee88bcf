package dev.outlane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outlane.contract.EventCodec;
import dev.outlane.journal.EventSerializer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening the durable stores all or none. */
class DurableStoresTest {
  @TempDir Path dir;

  private DurableStores open() {
    return DurableStores.open(DurableOptions.at(dir), EventSerializer.json(EventCodec.create()), true,
        Duration.ofHours(24), Clock.systemUTC());
  }

  private static void close(DurableStores stores) {
    for (AutoCloseable c : stores.closedByClient()) {
      try {
        c.close();
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }
    stores.journal.close();
  }

  @Test
  void whenTheLastStoreCannotBeOpenedTheOnesOpenedBeforeAreClosedAgain() throws IOException {
    Files.writeString(dir.resolve("journal"), "not a directory");

    assertThatThrownBy(this::open).isInstanceOf(RuntimeException.class);

    // The suppression, idempotency and dead-letter stores released their locks: they open again.
    Files.delete(dir.resolve("journal"));
    DurableStores again = open();
    assertThat(again.suppression).isNotNull();
    close(again);
  }

  @Test
  void theClientClosesEveryStoreButTheJournalWhichTheEngineClosesLast() {
    DurableStores stores = open();

    assertThat(stores.closedByClient())
        .containsExactly(stores.suppression, stores.idempotency, stores.deadLetters);
    close(stores);
  }

  @Test
  void aSuppressionStoreOfTheUsersOwnIsNotOpened() {
    DurableStores stores = DurableStores.open(DurableOptions.at(dir),
        EventSerializer.json(EventCodec.create()), false, Duration.ofHours(24), Clock.systemUTC());

    assertThat(stores.suppression).isNull();
    assertThat(dir.resolve("suppression")).doesNotExist();
    close(stores);
  }
}
