package dev.outlane.audience.internal;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

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

  static final int MAGIC = 0x4F4C4153; // "OLAS"
  static final int VERSION = 1;
  private static final int BUFFER = 1 << 16;

  private Records() {}

  public static long getLong(byte[] b, int off) {
    return ((long) (b[off] & 0xff) << 56) | ((long) (b[off + 1] & 0xff) << 48)
        | ((long) (b[off + 2] & 0xff) << 40) | ((long) (b[off + 3] & 0xff) << 32)
        | ((long) (b[off + 4] & 0xff) << 24) | ((long) (b[off + 5] & 0xff) << 16)
        | ((long) (b[off + 6] & 0xff) << 8) | ((long) (b[off + 7] & 0xff));
  }

  public static void putLong(byte[] b, int off, long v) {
    for (int i = 7; i >= 0; i--) {
      b[off + i] = (byte) v;
      v >>>= 8;
    }
  }

  /** Compares the keys of two records at the given offsets, unsigned. */
  public static int compareKeys(byte[] a, int aOff, byte[] b, int bOff) {
    int c = Long.compareUnsigned(getLong(a, aOff + KEY), getLong(b, bOff + KEY));
    return c != 0 ? c : Long.compareUnsigned(getLong(a, aOff + KEY + 8), getLong(b, bOff + KEY + 8));
  }

  /** Whether two records carry the same identifiers (flags and both hashes). */
  public static boolean sameIdentifiers(byte[] a, byte[] b) {
    return java.util.Arrays.equals(a, FLAGS, SIZE, b, FLAGS, SIZE);
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

  /** Writes records, with or without a snapshot header. Not thread-safe. */
  public static final class Writer implements Closeable {
    private final Path file;
    private final java.io.FileOutputStream raw;
    private final DataOutputStream out;
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
      this.raw = new java.io.FileOutputStream(file.toFile());
      this.out = new DataOutputStream(new BufferedOutputStream(raw, BUFFER));
      if (header) {
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeLong(0);
        out.writeUTF(config);
      }
    }

    public void write(byte[] rec, int off) throws IOException {
      out.write(rec, off, SIZE);
      count++;
    }

    public long count() {
      return count;
    }

    @Override
    public void close() throws IOException {
      out.flush();
      if (durable && !header) {
        raw.getFD().sync();
      }
      out.close();
      if (header) {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
          raf.seek(8);
          raf.writeLong(count);
          if (durable) {
            raf.getFD().sync(); // syncs the whole file, records included
          }
        }
      }
    }
  }

  /** Reads records sequentially. Not thread-safe. */
  public static final class Reader implements Closeable {
    private final DataInputStream in;
    private final long count;
    private final String config;

    public Reader(Path file, boolean header) throws IOException {
      InputStream raw = Files.newInputStream(file);
      this.in = new DataInputStream(new BufferedInputStream(raw, BUFFER));
      if (header) {
        Header h = readHeader(in, file);
        this.count = h.count;
        this.config = h.config;
      } else {
        this.count = -1;
        this.config = "";
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
      int n = in.readNBytes(rec, 0, SIZE);
      if (n == 0) {
        return false;
      }
      if (n != SIZE) {
        throw new EOFException("truncated record file");
      }
      return true;
    }

    @Override
    public void close() throws IOException {
      in.close();
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
