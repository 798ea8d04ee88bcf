package dev.outlane.examples.cli;

import java.io.IOException;
import java.io.Reader;
import org.jspecify.annotations.Nullable;

/**
 * Reads lines ({@code \n}, {@code \r\n} or {@code \r}) keeping at most {@code maxBytes} characters
 * of any one line in memory. A longer line cannot fit a {@code maxBytes} UTF-8 limit (every
 * character is at least one byte), so its text is dropped and only its UTF-8 size is counted. A
 * leading byte-order mark is skipped. Not thread-safe.
 */
final class BoundedLineReader {
  /** One line: its 1-based number, its text (null if it was too long to keep) and UTF-8 size. */
  record Line(int number, @Nullable String text, long utf8Bytes) {}

  private final Reader reader;
  private final int maxChars;
  private final StringBuilder buffer = new StringBuilder();
  private int number;
  private boolean pendingCr;
  private boolean eof;

  BoundedLineReader(Reader reader, int maxBytes) {
    this.reader = reader;
    this.maxChars = maxBytes;
  }

  /** The next line, or null at the end of input. */
  @Nullable Line next() throws IOException {
    if (eof) {
      return null;
    }
    buffer.setLength(0);
    long bytes = 0;
    boolean overflow = false;
    boolean any = false;
    char previous = 0;
    while (true) {
      int c = reader.read();
      if (c == -1) {
        eof = true;
        if (!any) {
          return null;
        }
        break;
      }
      if (pendingCr) {
        pendingCr = false;
        if (c == '\n') {
          continue; // the \n of a \r\n
        }
      }
      if (c == '\n') {
        break;
      }
      if (c == '\r') {
        pendingCr = true;
        break;
      }
      any = true;
      if (number == 0 && bytes == 0 && c == '\uFEFF') {
        continue;
      }
      char ch = (char) c;
      bytes += utf8Bytes(previous, ch);
      previous = ch;
      if (!overflow) {
        if (buffer.length() < maxChars) {
          buffer.append(ch);
        } else {
          overflow = true;
          buffer.setLength(0);
        }
      }
    }
    number++;
    return new Line(number, overflow ? null : buffer.toString(), bytes);
  }

  /** UTF-8 bytes added by {@code c}; a low surrogate after a high one completes a 4-byte pair. */
  private static int utf8Bytes(char previous, char c) {
    if (c < 0x80) {
      return 1;
    }
    if (c < 0x800) {
      return 2;
    }
    if (Character.isLowSurrogate(c) && Character.isHighSurrogate(previous)) {
      return 1; // 3 counted for the high surrogate + 1 = 4
    }
    return 3;
  }
}
