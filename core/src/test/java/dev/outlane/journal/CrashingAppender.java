package dev.outlane.journal;

import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The child side of {@link JournalCrashTest}: opens a {@link FileEventJournal} on {@code args[0]}
 * and, from {@code args[1]} threads, appends events forever, printing {@code ACK <n> <seq>} once
 * event {@code evt-<n>} is appended (durable), and completing every even {@code n} right after.
 * Runs until killed. Prints {@code OPEN <pending>} first.
 */
public final class CrashingAppender {
  private CrashingAppender() {}

  public static void main(String[] args) throws Exception {
    PrintStream out =
        new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    FileEventJournal journal = FileEventJournal.builder()
        .directory(Path.of(args[0]))
        .serializer(TestEventSerializer.INSTANCE)
        .segmentSize(64 * 1024)
        .open();
    out.println("OPEN " + journal.pending().size());
    AtomicLong next = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < Integer.parseInt(args[1]); t++) {
      Thread thread = new Thread(() -> {
        while (true) {
          long n = next.getAndIncrement();
          long seq = journal.append(TestEvents.event(n));
          out.println("ACK " + n + " " + seq);
          if (n % 2 == 0) {
            journal.complete(seq);
          }
        }
      });
      thread.start();
      threads.add(thread);
    }
    for (Thread t : threads) {
      t.join();
    }
  }
}
