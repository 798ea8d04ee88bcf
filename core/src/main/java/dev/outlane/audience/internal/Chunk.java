package dev.outlane.audience.internal;

import dev.outlane.audience.AudienceSyncException;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Raw members of one chunk, in parallel arrays. The raw values are copied into one reused char
 * arena instead of keeping the source's strings: those then die young, and the garbage collector
 * never copies millions of live strings from chunk to chunk (it did, at about a third of the CPU
 * time of a re-sync). Strings are made again only for the few members that are normalized.
 *
 * <p>Also holds the per-member scratch arrays of the passes of {@link RunWriter} (keys, sort order,
 * fingerprints, lookups), reused from chunk to chunk. Not thread-safe: filled on the reading thread,
 * then handed whole to the run writer (a {@code Future} orders the two).
 */
public final class Chunk {
  /** Member i: id at {@code start[i]}, then email, then phone; a length of -1 is an absent value. */
  char[] chars;
  int used;
  final int[] start;
  final int[] idLen;
  final int[] emailLen;
  final int[] phoneLen;
  final long[] hi;
  final long[] lo;
  final int[] ord;
  final long[] fps;
  final long[] fpIn;
  final long[] found;
  final int[] todo;
  final KeySort sort;
  final Object[] results;
  int n;

  /** @param size members per chunk */
  public Chunk(int size) {
    // ~32 chars per member to start with (an id, a short email and a phone); grows as needed
    chars = new char[(int) Math.min(1L << 28, Math.max(1024L, 32L * size))];
    start = new int[size];
    idLen = new int[size];
    emailLen = new int[size];
    phoneLen = new int[size];
    fps = new long[size];
    fpIn = new long[size];
    sort = new KeySort(size);
    found = new long[size];
    todo = new int[size];
    results = new Object[size];
    hi = new long[size];
    lo = new long[size];
    ord = new int[size];
  }

  /** The number of members this chunk holds when full. */
  int capacity() {
    return start.length;
  }

  /** The number of members in this chunk. */
  public int size() {
    return n;
  }

  void clear() {
    n = 0;
    used = 0;
  }

  void add(String id, @Nullable String email, @Nullable String phone) {
    int need = id.length() + (email == null ? 0 : email.length()) + (phone == null ? 0 : phone.length());
    if (chars.length - used < need) {
      long grown = Math.max((long) used + need, chars.length + (chars.length >> 1));
      if (grown > Integer.MAX_VALUE - 16) {
        throw new AudienceSyncException("members: a chunk's raw values exceed 2^31 chars; use a smaller chunkSize");
      }
      chars = java.util.Arrays.copyOf(chars, (int) grown);
    }
    start[n] = used;
    idLen[n] = put(id);
    emailLen[n] = put(email);
    phoneLen[n] = put(phone);
    ord[n] = n;
    n++;
  }

  private int put(@Nullable String s) {
    if (s == null) {
      return -1;
    }
    int len = s.length();
    s.getChars(0, len, chars, used);
    used += len;
    return len;
  }

  int emailStart(int i) {
    return start[i] + idLen[i];
  }

  int phoneStart(int i) {
    return emailStart(i) + Math.max(0, emailLen[i]);
  }

  String id(int i) {
    return new String(chars, start[i], idLen[i]);
  }

  @Nullable String email(int i) {
    return emailLen[i] < 0 ? null : new String(chars, emailStart(i), emailLen[i]);
  }

  @Nullable String phone(int i) {
    return phoneLen[i] < 0 ? null : new String(chars, phoneStart(i), phoneLen[i]);
  }

  long fingerprint(int i) {
    return Fingerprint.of(chars, emailStart(i), emailLen[i], phoneStart(i), phoneLen[i]);
  }

  /**
   * Writes the UTF-8 bytes of member i's id into {@code buf} (grown if too small) and returns
   * their count; ids that are not ASCII go through {@link String#getBytes} so that the bytes, and
   * so the key, are exactly what they always were.
   */
  byte[] idBytes(int i, byte[][] buf, int[] len) {
    int from = start[i];
    int n = idLen[i];
    byte[] b = buf[0];
    if (b.length < n) {
      b = buf[0] = new byte[Math.max(n, 2 * b.length)];
    }
    for (int k = 0; k < n; k++) {
      char ch = chars[from + k];
      if (ch >= 0x80) {
        byte[] utf8 = id(i).getBytes(StandardCharsets.UTF_8);
        len[0] = utf8.length;
        return utf8;
      }
      b[k] = (byte) ch;
    }
    len[0] = n;
    return b;
  }
}

