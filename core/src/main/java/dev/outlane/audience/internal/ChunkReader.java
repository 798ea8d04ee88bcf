package dev.outlane.audience.internal;

import dev.outlane.audience.MemberSource;
import dev.outlane.audience.RawMember;

/**
 * Reads a {@link MemberSource} into {@link Chunk}s, counting the rows read and the rows without a
 * customer id (those are left out of the chunk). Runs on the caller's thread. Not thread-safe.
 */
public final class ChunkReader {
  private final MemberSource source;
  private long members;
  private long blankIds;

  public ChunkReader(MemberSource source) {
    this.source = source;
  }

  /**
   * Clears {@code chunk} and fills it with up to {@code chunk.capacity()} members.
   *
   * @return whether this was the last chunk (the source ran out before the chunk was full); an empty
   *     chunk is always the last
   */
  public boolean fill(Chunk chunk) {
    chunk.clear();
    int capacity = chunk.capacity();
    while (chunk.n < capacity && source.hasNext()) {
      RawMember m = source.next();
      members++;
      String id = strip(m.customerId());
      if (id.isEmpty()) {
        blankIds++;
        continue;
      }
      chunk.add(id, m.email(), m.phone());
    }
    return chunk.n < capacity;
  }

  /** Rows read so far. */
  public long members() {
    return members;
  }

  /** Rows read so far whose customer id is blank. */
  public long blankIds() {
    return blankIds;
  }

  /** {@link String#strip()} without scanning when neither end is white space (the usual id). */
  private static String strip(String s) {
    int n = s.length();
    if (n > 0 && !Character.isWhitespace(s.charAt(0)) && !Character.isWhitespace(s.charAt(n - 1))) {
      return s;
    }
    return s.strip();
  }
}
