package dev.outlane.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The bytes a durable directory holds, for tests that assert what is (or is not) on disk: "no raw
 * email or phone in the journal once it is encrypted", "delivered PII is gone after the segment
 * rolled". Every byte maps to one char (ISO-8859-1), so {@code contains("maya@example.com")} finds
 * an ASCII value wherever it sits, binary framing or not.
 *
 * <p>Reads the files as they are at the call; stateless and thread-safe.
 */
public final class DiskBytes {
  private DiskBytes() {}

  /**
   * Every regular file under {@code directory} (recursively, in path order), concatenated, one char
   * per byte.
   *
   * @throws UncheckedIOException if the directory or a file cannot be read
   */
  public static String of(Path directory) {
    StringBuilder all = new StringBuilder();
    for (Path file : files(directory)) {
      all.append(read(file));
    }
    return all.toString();
  }

  /**
   * The regular files under {@code directory} (recursively, in path order) whose bytes contain any
   * of {@code needles}.
   *
   * @throws UncheckedIOException if the directory or a file cannot be read
   */
  public static List<Path> filesContaining(Path directory, String... needles) {
    List<Path> found = new ArrayList<>();
    for (Path file : files(directory)) {
      String bytes = read(file);
      for (String needle : needles) {
        if (bytes.contains(needle)) {
          found.add(file);
          break;
        }
      }
    }
    return found;
  }

  private static List<Path> files(Path directory) {
    try (Stream<Path> files = Files.walk(directory)) {
      return files.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + directory, e);
    }
  }

  private static String read(Path file) {
    try {
      return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
