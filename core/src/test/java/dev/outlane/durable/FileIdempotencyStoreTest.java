package dev.outlane.durable;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.guardrail.FileIdempotencyStore;
import dev.outlane.testing.ManualScheduler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileIdempotencyStoreTest {
  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
  private static final Duration TTL = Duration.ofHours(24);

  @TempDir Path dir;
  private final ManualScheduler time = new ManualScheduler(T0);

  private FileIdempotencyStore open() {
    return FileIdempotencyStore.builder().directory(dir).ttl(TTL).segmentSize(4096).fsync(false)
        .clock(time.clock()).open();
  }

  @Test
  void deliveredKeysUnknownOutcomesAndOpenAttemptsSurviveARestart() {
    try (FileIdempotencyStore store = open()) {
      store.markDone("k-done", T0);
      store.markUnknown("k-unknown", T0);
      store.recordAttempts(List.of("k-open", "k-cleared", "k-delivered"), T0);
      store.clearAttempt("k-cleared");
      store.markDone("k-delivered", T0);
    }
    try (FileIdempotencyStore store = open()) {
      assertThat(store.isDone("k-done", T0)).isTrue();
      assertThat(store.isDone("k-unknown", T0)).isTrue();
      assertThat(store.attemptUnresolved("k-open")).isTrue();
      assertThat(store.attemptUnresolved("k-cleared")).isFalse();
      assertThat(store.attemptUnresolved("k-delivered")).isFalse();
      assertThat(store.forgetUnknown("k-done")).as("a delivered key is never forgotten").isFalse();
      assertThat(store.forgetUnknown("k-unknown")).isTrue();
    }
    try (FileIdempotencyStore store = open()) {
      assertThat(store.isDone("k-unknown", T0)).as("the operator's decision is durable").isFalse();
      assertThat(store.isDone("k-done", T0.plus(TTL))).as("expired with the window").isFalse();
    }
  }

  @Test
  void segmentsAreDeletedOnceEverythingInThemExpiredSoDiskStaysBounded() throws IOException {
    try (FileIdempotencyStore store = open()) {
      for (int i = 0; i < 2_000; i++) {
        store.markDone("key-" + i, T0);
      }
    }
    assertThat(segments()).isGreaterThan(10);
    time.advance(TTL.plusSeconds(1));
    try (FileIdempotencyStore store = open()) {
      assertThat(store.size()).isZero();
      assertThat(store.isDone("key-1", time.now())).isFalse();
      store.markDone("fresh", time.now());
    }
    assertThat(segments()).isLessThanOrEqualTo(1);
  }

  private long segments() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".log")).count();
    }
  }
}
