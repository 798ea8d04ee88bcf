package dev.outlane.audience.internal;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.jspecify.annotations.Nullable;

/**
 * The fixed-size member record every sync file uses, and readers/writers for it.
 *
 * <p>Layout ({@value #SIZE} bytes): key (16 bytes: the first 16 bytes of SHA-256 of the customer
 * id, big-endian so that unsigned comparison of the two longs is byte order), raw fingerprint (8),
 * flags (1: bit 0 email present, bit 1 phone present), email SHA-256 (32, zero if absent), phone
 * SHA-256 (32, zero if absent). Hashes only: no raw email, phone or customer id is ever written.
 *
 * <p>Snapshot files start with a header: magic {@code OLAS}, format version, record count (patched
 * when the file is closed) and the configuration string the hashes were made with.
 */
public final class Records {
  public static final int SIZE = 89;
  public static final int KEY = 0;
  public static final int FP = 16;
  public static final int FLAGS = 24;
  public static final int EMAIL = 25;
  public static final int PHONE = 57;
  public static final int HASH_BYTES = 32;
  public static final byte HAS_EMAIL = 1;
  public static final byte HAS_PHONE = 2;
  /**
   * In sorted run files only, never in a snapshot or an add/remove file: the member's raw values are
   * unchanged, and the merge copies its record from the previous snapshot (hashes left zero here).
   */
  public static final byte REUSE = (byte) 0x80;

  static final int MAGIC = 0x4F4C4153; // "OLAS"
  static final int VERSION = 1;
  /**
   * 256 KiB per open file: reads and writes are few and large, and the buffer stays under half a
   * G1 region (1 MiB at small heaps), so it is not a "humongous" allocation, each of which can
   * start a concurrent marking cycle (one per run file was hundreds per 10 M-member sync).
   */
  public static final int BUFFER = 1 << 18;

  private Records() {}

  /** Big-endian longs straight from a byte array: one bounds check and one load, not eight. */
  private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  public static long getLong(byte[] b, int off) {
    return (long) LONG_BE.get(b, off);
  }

  public static void putLong(byte[] b, int off, long v) {
    LONG_BE.set(b, off, v);
  }

  /** Compares the keys of two records at the given offsets, unsigned. */
  public static int compareKeys(byte[] a, int aOff, byte[] b, int bOff) {
    int c = Long.compareUnsigned(getLong(a, aOff + KEY), getLong(b, bOff + KEY));
    return c != 0 ? c : Long.compareUnsigned(getLong(a, aOff + KEY + 8), getLong(b, bOff + KEY + 8));
  }

  /** Whether two records carry the same identifiers (flags and both hashes). */
  public static boolean sameIdentifiers(byte[] a, byte[] b) {
    return sameIdentifiers(a, 0, b, 0);
  }

  /** Whether the records at {@code a[aOff..]} and {@code b[bOff..]} carry the same identifiers. */
  public static boolean sameIdentifiers(byte[] a, int aOff, byte[] b, int bOff) {
    return java.util.Arrays.equals(a, aOff + FLAGS, aOff + SIZE, b, bOff + FLAGS, bOff + SIZE);
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  public static String hex(byte[] b, int off, int len) {
    char[] out = new char[len * 2];
    for (int i = 0; i < len; i++) {
      int v = b[off + i] & 0xff;
      out[2 * i] = HEX[v >>> 4];
      out[2 * i + 1] = HEX[v & 0xf];
    }
    return new String(out);
  }

  /** Decodes 64 hex chars into {@code out[off..off+32)}. */
  public static void unhex(String hex, byte[] out, int off) {
    for (int i = 0; i < HASH_BYTES; i++) {
      out[off + i] = (byte) ((Character.digit(hex.charAt(2 * i), 16) << 4) | Character.digit(hex.charAt(2 * i + 1), 16));
    }
  }

  /**
   * Writes records, with or without a snapshot header, through one large buffer straight to the
   * file (no stream stack: a record costs one array copy). Not thread-safe.
   */
  public static final class Writer implements Closeable {
    private final @Nullable Path file;
    private final @Nullable FileChannel channel;
    private final ByteBuffer buffer;
    private final boolean header;
    private final boolean durable;
    private long count;

    /**
     * @param durable whether {@link #close()} forces the data to disk (fsync) before returning
     */
    public Writer(Path file, boolean header, String config, boolean durable) throws IOException {
      this.file = file;
      this.header = header;
      this.durable = durable;
      this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING);
      this.buffer = ByteBuffer.allocate(BUFFER);
      if (header) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeLong(0);
        out.writeUTF(config);
        out.flush();
        buffer.put(bytes.toByteArray());
      }
    }

    private Writer() {
      this.file = null;
      this.channel = null;
      this.buffer = ByteBuffer.allocate(0);
      this.header = false;
      this.durable = false;
    }

    /** A writer that only counts: what a dry run uses for files nobody will read. */
    public static Writer counting() {
      return new Writer();
    }

    public void write(byte[] rec, int off) throws IOException {
      count++;
      if (channel == null) {
        return;
      }
      if (buffer.remaining() < SIZE) {
        flush();
      }
      buffer.put(rec, off, SIZE);
    }

    private void flush() throws IOException {
      buffer.flip();
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      buffer.clear();
    }

    public long count() {
      return count;
    }

    @Override
    public void close() throws IOException {
      if (channel == null) {
        return;
      }
      try (FileChannel ch = channel) {
        flush();
        if (header) {
          ByteBuffer n = ByteBuffer.allocate(8).putLong(0, count);
          while (n.hasRemaining()) {
            ch.write(n, 8 + n.position());
          }
        }
        if (durable) {
          ch.force(true); // the whole file, records and header count
        }
      }
    }
  }

  /**
   * Reads records sequentially through one large buffer; {@link #next()} returns the buffer and the
   * record's offset in it, so merging copies nothing. Not thread-safe.
   */
  public static final class Reader implements Closeable {
    private final FileChannel channel;
    private final ByteBuffer buffer;
    private final byte[] bytes;
    private final long count;
    private final String config;
    private int pos;
    private int limit;
    private boolean eof;

    public Reader(Path file, boolean header) throws IOException {
      this(file, header, BUFFER);
    }

    /** @param bufferSize bytes read from the file at once; rounded up to at least one record */
    public Reader(Path file, boolean header, int bufferSize) throws IOException {
      this.channel = FileChannel.open(file, StandardOpenOption.READ);
      this.bytes = new byte[Math.max(bufferSize, 2 * SIZE)];
      this.buffer = ByteBuffer.wrap(bytes);
      try {
        if (header) {
          Header h = header(file);
          channel.position(h.length());
          this.count = h.count;
          this.config = h.config;
        } else {
          this.count = -1;
          this.config = "";
        }
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    }

    public long count() {
      return count;
    }

    public String config() {
      return config;
    }

    /** Reads the next record into {@code rec}; false at the end. */
    public boolean next(byte[] rec) throws IOException {
      int off = next();
      if (off < 0) {
        return false;
      }
      System.arraycopy(bytes, off, rec, 0, SIZE);
      return true;
    }

    /**
     * Advances to the next record: its offset in {@link #buffer()}, valid until the next call, or -1
     * at the end.
     */
    public int next() throws IOException {
      if (limit - pos < SIZE && !fill()) {
        return -1;
      }
      int off = pos;
      pos += SIZE;
      return off;
    }

    /** The array {@link #next()} offsets point into. */
    public byte[] buffer() {
      return bytes;
    }

    private boolean fill() throws IOException {
      int rest = limit - pos;
      System.arraycopy(bytes, pos, bytes, 0, rest);
      pos = 0;
      limit = rest;
      buffer.clear().position(rest);
      while (!eof && limit < SIZE) {
        int n = channel.read(buffer);
        if (n < 0) {
          eof = true;
        } else {
          limit += n;
          // keep reading until the buffer is full or the file ends: fewer, larger reads
          while (buffer.hasRemaining() && (n = channel.read(buffer)) > 0) {
            limit += n;
          }
          if (n < 0) {
            eof = true;
          }
        }
      }
      if (limit == 0) {
        return false;
      }
      if (limit < SIZE) {
        throw new EOFException("truncated record file");
      }
      return true;
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  /** A snapshot header. */
  public record Header(long count, String config, int length) {}

  static Header readHeader(DataInputStream in, Path file) throws IOException {
    if (in.readInt() != MAGIC) {
      throw new IOException(file.getFileName() + " is not an Outlane audience snapshot");
    }
    int version = in.readInt();
    if (version != VERSION) {
      throw new IOException(file.getFileName() + " has snapshot format " + version + ", this release reads " + VERSION);
    }
    long count = in.readLong();
    String config = in.readUTF();
    int length = 4 + 4 + 8 + 2 + config.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    return new Header(count, config, length);
  }

  /** Reads just the header of a snapshot file. */
  public static Header header(Path file) throws IOException {
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 4096))) {
      return readHeader(in, file);
    }
  }
}
