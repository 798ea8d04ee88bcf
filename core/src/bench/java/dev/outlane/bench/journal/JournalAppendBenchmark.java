package dev.outlane.bench.journal;

import dev.outlane.contract.RetentionEvent;
import dev.outlane.journal.FileEventJournal;
import dev.outlane.journal.TestEventSerializer;
import dev.outlane.journal.TestEvents;
import dev.outlane.storage.EncryptionKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Accepted appends per second into a {@link FileEventJournal}, each followed by its completion (as
 * the engine does once an event is delivered, which also keeps the directory small), at 1, 8 and 64
 * concurrent appenders, in three durability modes:
 *
 * <ul>
 *   <li>{@code group-commit}: the default, one {@code fsync} shared by every append in a batch;
 *   <li>{@code fsync-per-append}: {@code groupCommitMaxBatch(1)}, one {@code fsync} per append, the
 *       baseline group commit improves on;
 *   <li>{@code no-fsync}: records reach the page cache only; what durability costs;
 *   <li>{@code encrypted}: group commit with every event sealed with AES-256-GCM.
 * </ul>
 *
 * The journal lives under {@code target/} (a real disk; {@code /tmp} may be tmpfs, where a flush
 * costs nothing). Run: {@code mvn -B -o -pl core -am -P bench verify
 * -Dbench.args="JournalAppend -f 1 -wi 2 -i 3 -w 2s -r 2s"}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class JournalAppendBenchmark {
  @Param({"group-commit", "fsync-per-append", "no-fsync", "encrypted"})
  public String mode;

  private Path directory;
  private FileEventJournal journal;
  private final RetentionEvent event = TestEvents.event(42);

  @Setup(Level.Trial)
  public void open() throws IOException {
    Path target = Path.of("target", "bench-journal");
    Files.createDirectories(target);
    directory = Files.createTempDirectory(target, mode + "-");
    FileEventJournal.Builder b = FileEventJournal.builder()
        .directory(directory)
        .serializer(TestEventSerializer.INSTANCE)
        .groupCommitMaxWait(Duration.ofMillis(2));
    switch (mode) {
      case "group-commit" -> { }
      case "fsync-per-append" -> b.groupCommitMaxBatch(1);
      case "no-fsync" -> b.fsync(false);
      case "encrypted" -> b.encryptionKey(EncryptionKey.of(new byte[EncryptionKey.LENGTH]));
      default -> throw new IllegalArgumentException("mode: unknown " + mode);
    }
    journal = b.open();
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    journal.close();
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private long appendAndComplete() {
    long seq = journal.append(event);
    journal.complete(seq);
    return seq;
  }

  @Benchmark
  @Threads(1)
  public long appenders01() {
    return appendAndComplete();
  }

  @Benchmark
  @Threads(8)
  public long appenders08() {
    return appendAndComplete();
  }

  @Benchmark
  @Threads(64)
  public long appenders64() {
    return appendAndComplete();
  }
}
