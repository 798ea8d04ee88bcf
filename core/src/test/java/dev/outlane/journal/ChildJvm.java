package dev.outlane.journal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Runs a {@code main} class in a child JVM on this JVM's classpath, reads its stdout line by line,
 * and can kill it with SIGKILL ({@link Process#destroyForcibly()}) at a chosen point: what a crash
 * test needs to prove that what was acknowledged before the kill survives it.
 *
 * <pre>{@code
 * try (ChildJvm child = ChildJvm.start(CrashingAppender.class, dir.toString())) {
 *   child.awaitLines(line -> line.startsWith("ACK "), 500, Duration.ofSeconds(30));
 *   child.kill();
 *   List<String> acked = child.lines(line -> line.startsWith("ACK "));
 * }
 * }</pre>
 *
 * <p>Lines are read by a daemon thread into an unbounded queue (a child's output in a test is
 * small); stderr goes to this JVM's stderr. Not thread-safe: one test thread drives it.
 */
public final class ChildJvm implements AutoCloseable {
  /** Marks the end of the child's stdout in the queue. */
  private static final String EOF = new String("<eof>");

  private final Process process;
  private final BlockingQueue<String> incoming = new LinkedBlockingQueue<>();
  private final List<String> seen = new ArrayList<>();
  private boolean ended;

  private ChildJvm(Process process) {
    this.process = process;
    Thread reader = new Thread(this::pump, "child-jvm-stdout-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code java -cp <this JVM's classpath> <main> args…}.
   *
   * @param jvmOptions options placed before the class name, e.g. {@code -Xmx64m}
   */
  public static ChildJvm start(Class<?> main, List<String> jvmOptions, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command)
          .redirectError(ProcessBuilder.Redirect.INHERIT)
          .start();
      return new ChildJvm(p);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + main.getName(), e);
    }
  }

  /** Starts {@code main} with no JVM options. */
  public static ChildJvm start(Class<?> main, String... args) {
    return start(main, List.of(), args);
  }

  /**
   * The next stdout line, waiting at most {@code timeout}; empty once the child's stdout ended.
   *
   * @throws AssertionError if no line came in time
   */
  public Optional<String> nextLine(Duration timeout) {
    if (ended) {
      return Optional.empty();
    }
    String line;
    try {
      line = incoming.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for the child", e);
    }
    if (line == null) {
      throw new AssertionError("child " + process.pid() + " printed nothing for " + timeout
          + "; last lines: " + tail());
    }
    if (line == EOF) {
      ended = true;
      return Optional.empty();
    }
    seen.add(line);
    return Optional.of(line);
  }

  /**
   * Reads lines until {@code count} of them matched in total, waiting at most {@code timeout} for
   * each.
   *
   * @throws AssertionError if the child ends or stalls first
   */
  public void awaitLines(Predicate<String> matching, int count, Duration timeout) {
    long matched = seen.stream().filter(matching).count();
    while (matched < count) {
      Optional<String> line = nextLine(timeout);
      if (line.isEmpty()) {
        throw new AssertionError("child " + process.pid() + " ended (exit "
            + exitCode() + ") after " + matched + " of " + count + " lines; last: " + tail());
      }
      if (matching.test(line.get())) {
        matched++;
      }
    }
  }

  /** Kills the child with SIGKILL and waits for it to die, then reads what it printed before. */
  public void kill() {
    process.destroyForcibly();
    waitFor(Duration.ofSeconds(30));
    drain();
  }

  /**
   * Waits for the child to exit on its own, then reads the rest of its output.
   *
   * @return its exit code
   * @throws AssertionError if it did not exit in time
   */
  public int waitFor(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        throw new AssertionError("child " + process.pid() + " still running after " + timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for the child", e);
    }
    drain();
    return process.exitValue();
  }

  /** Every line read so far that matches. */
  public List<String> lines(Predicate<String> matching) {
    return seen.stream().filter(matching).toList();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }

  private void drain() {
    while (!ended) {
      nextLine(Duration.ofSeconds(30));
    }
  }

  private String exitCode() {
    return process.isAlive() ? "none yet" : String.valueOf(process.exitValue());
  }

  private List<String> tail() {
    return seen.subList(Math.max(0, seen.size() - 5), seen.size());
  }

  private void pump() {
    try (BufferedReader in = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        incoming.add(line);
      }
    } catch (IOException e) {
      // The pipe closes when the child is killed; what was read so far is all there is.
    } finally {
      incoming.add(EOF);
    }
  }
}
