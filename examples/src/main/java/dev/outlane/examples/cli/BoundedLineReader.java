package dev.outlane.examples.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Reads lines of raw bytes ({@code \n}, {@code \r\n} or {@code \r}) keeping at most {@code
 * maxBytes} bytes of any one line in memory. A longer line's bytes are dropped and only its size is
 * counted, so one huge line cannot exhaust the heap. A leading UTF-8 byte-order mark is skipped.
 *
 * <p>Lines stay bytes on purpose: decoding is the codec's ({@code EventCodec#parse(byte[])}), which
 * refuses malformed UTF-8 with the line's own problem instead of silently turning it into U+FFFD
 * (which would let {@code maya\xff\xfe@example.com} through as another address). Splitting on
 * {@code \n} and {@code \r} bytes is safe in UTF-8: those bytes never occur inside a multi-byte
 * sequence. Not thread-safe.
 */
final class BoundedLineReader {
  /** One line: its 1-based number, its bytes (null if it was too long to keep) and its size. */
  record Line(int number, byte @Nullable [] bytes, long size) {
    /** Whether the line holds only ASCII white space (such lines are skipped, not counted). */
    boolean blank() {
      if (bytes == null) {
        return false;
      }
      for (byte b : bytes) {
        if (b != ' ' && b != '\t') {
          return false;
        }
      }
      return true;
    }
  }

  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  private final InputStream in;
  private final long maxBytes;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
  private int number;
  private boolean pendingCr;
  private boolean eof;

  /**
   * @param in the input, read through a buffer of its own
   * @param maxBytes the longest line kept (longer ones are reported by size only)
   */
  BoundedLineReader(InputStream in, long maxBytes) {
    this.in = in.markSupported() ? in : new java.io.BufferedInputStream(in, 1 << 16);
    this.maxBytes = maxBytes;
  }

  /** The next line, or null at the end of input. */
  @Nullable Line next() throws IOException {
    if (eof) {
      return null;
    }
    buffer.reset();
    long size = 0;
    boolean overflow = false;
    boolean any = false;
    while (true) {
      int c = in.read();
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
      size++;
      if (!overflow) {
        if (buffer.size() < maxBytes) {
          buffer.write(c);
        } else {
          overflow = true;
          buffer.reset();
        }
      }
    }
    number++;
    if (overflow) {
      return new Line(number, null, size);
    }
    byte[] bytes = buffer.toByteArray();
    if (number == 1 && bytes.length >= 3 && Arrays.equals(bytes, 0, 3, BOM, 0, 3)) {
      bytes = Arrays.copyOfRange(bytes, 3, bytes.length);
      size -= 3;
    }
    return new Line(number, bytes, size);
  }
}
