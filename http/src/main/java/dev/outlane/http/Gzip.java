package dev.outlane.http;

import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Gzip (RFC 1952) with a small pool of {@link Deflater}s. A {@code Deflater} holds a few hundred KB of
 * native zlib state; allocating one per request is what made gzip the bottleneck of batch uploads,
 * so they are reused. The pool is bounded: a burst of concurrent requests allocates extra deflaters
 * that are ended, not kept.
 *
 * <p>Thread-safe.
 */
public final class Gzip implements AutoCloseable {
  private static final int POOL_SIZE = 8;
  private static final byte[] HEADER = {
    0x1f, (byte) 0x8b, Deflater.DEFLATED, 0, 0, 0, 0, 0, 0, (byte) 0xff
  };

  private final int level;
  private final ArrayBlockingQueue<Deflater> pool = new ArrayBlockingQueue<>(POOL_SIZE);

  /** @param level a {@link Deflater} level; {@link Deflater#BEST_SPEED} suits JSON batches */
  public Gzip(int level) {
    this.level = level;
  }

  /** Returns {@code data[0..length)} gzipped. */
  public byte[] compress(byte[] data, int length) {
    Deflater deflater = pool.poll();
    if (deflater == null) {
      deflater = new Deflater(level, true);
    }
    try {
      byte[] out = new byte[Math.max(64, length / 4 + HEADER.length + 8)];
      System.arraycopy(HEADER, 0, out, 0, HEADER.length);
      int pos = HEADER.length;
      deflater.setInput(data, 0, length);
      deflater.finish();
      while (!deflater.finished()) {
        if (pos == out.length) {
          out = Arrays.copyOf(out, out.length * 2);
        }
        pos += deflater.deflate(out, pos, out.length - pos);
      }
      CRC32 crc = new CRC32();
      crc.update(data, 0, length);
      if (pos + 8 > out.length) {
        out = Arrays.copyOf(out, pos + 8);
      }
      pos = writeIntLe(out, pos, (int) crc.getValue());
      pos = writeIntLe(out, pos, length);
      return pos == out.length ? out : Arrays.copyOf(out, pos);
    } finally {
      deflater.reset();
      if (!pool.offer(deflater)) {
        deflater.end();
      }
    }
  }

  private static int writeIntLe(byte[] out, int pos, int v) {
    out[pos] = (byte) v;
    out[pos + 1] = (byte) (v >>> 8);
    out[pos + 2] = (byte) (v >>> 16);
    out[pos + 3] = (byte) (v >>> 24);
    return pos + 4;
  }

  /** Frees the pooled deflaters' native memory. */
  @Override
  public void close() {
    Deflater d;
    while ((d = pool.poll()) != null) {
      d.end();
    }
  }
}
