package dev.outlane.audience.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Random access by key into a sorted snapshot file, memory-mapped: a sparse in-heap index of every
 * {@value #STRIDE}th key (10 M records → 78 k longs, 0.6 MB) narrows a lookup to one block, which is
 * binary-searched in the mapping. The heap cost is independent of the snapshot's size beyond that
 * index; the OS page cache holds the file. Lookups ({@link #find}, {@link #fingerprint}, {@link
 * #read}) use absolute reads only and may run on several threads at once; {@link #close} may not.
 */
public final class SnapshotIndex implements Closeable {
  static final int STRIDE = 128;
  /**
   * Records per mapped segment: 2^23 records (747 MB) stays under the 2 GiB limit of one mapping,
   * and a power of two turns the record → segment arithmetic of every probe into a shift and a mask
   * instead of two long divisions.
   */
  private static final int SEGMENT_SHIFT = 23;
  private static final long SEGMENT_RECORDS = 1L << SEGMENT_SHIFT;
  private static final long SEGMENT_MASK = SEGMENT_RECORDS - 1;

  private final FileChannel channel;
  private final MappedByteBuffer[] segments;
  private final long count;
  private final String config;
  private final long[] sparseHi;
  private final long[] sparseLo;

  private SnapshotIndex(Path file) throws IOException {
    Records.Header header = Records.header(file);
    this.count = header.count();
    this.config = header.config();
    this.channel = FileChannel.open(file, StandardOpenOption.READ);
    int n = (int) ((count + SEGMENT_RECORDS - 1) / SEGMENT_RECORDS);
    this.segments = new MappedByteBuffer[n];
    for (int i = 0; i < n; i++) {
      long first = i * SEGMENT_RECORDS;
      long records = Math.min(SEGMENT_RECORDS, count - first);
      segments[i] = channel.map(FileChannel.MapMode.READ_ONLY, header.length() + first * Records.SIZE, records * Records.SIZE);
    }
    int sparse = (int) ((count + STRIDE - 1) / STRIDE);
    sparseHi = new long[sparse];
    sparseLo = new long[sparse];
    for (int i = 0; i < sparse; i++) {
      sparseHi[i] = hi(i * (long) STRIDE);
      sparseLo[i] = lo(i * (long) STRIDE);
    }
  }

  public static SnapshotIndex open(Path file) throws IOException {
    return new SnapshotIndex(file);
  }

  public long count() {
    return count;
  }

  public String config() {
    return config;
  }

  private MappedByteBuffer segment(long record) {
    return segments[(int) (record >>> SEGMENT_SHIFT)];
  }

  private int offset(long record) {
    return (int) (record & SEGMENT_MASK) * Records.SIZE;
  }

  private long hi(long record) {
    return segment(record).getLong(offset(record) + Records.KEY);
  }

  private long lo(long record) {
    return segment(record).getLong(offset(record) + Records.KEY + 8);
  }

  public long fingerprint(long record) {
    return segment(record).getLong(offset(record) + Records.FP);
  }

  /** Copies record {@code record} into {@code rec[0..SIZE)}. */
  public void read(long record, byte[] rec) {
    segment(record).get(offset(record), rec, 0, Records.SIZE);
  }

  /** The index of the record with this key, or -1. */
  public long find(long keyHi, long keyLo) {
    int lowB = 0;
    int highB = sparseHi.length - 1;
    int block = -1;
    while (lowB <= highB) {
      int mid = (lowB + highB) >>> 1;
      int c = compare(sparseHi[mid], sparseLo[mid], keyHi, keyLo);
      if (c <= 0) {
        block = mid;
        lowB = mid + 1;
      } else {
        highB = mid - 1;
      }
    }
    if (block < 0) {
      return -1;
    }
    long low = (long) block * STRIDE;
    long high = Math.min(count, low + STRIDE) - 1;
    while (low <= high) {
      long mid = (low + high) >>> 1;
      int c = compare(hi(mid), lo(mid), keyHi, keyLo);
      if (c == 0) {
        return mid;
      } else if (c < 0) {
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return -1;
  }

  /**
   * Finds a key at or after record {@code from}, for callers that look up keys in ascending order.
   * The in-heap sparse index is searched forward from {@code from}'s block (galloping, then
   * binary), so the mapping is touched only inside the one block that can hold the key. There the
   * position is interpolated from the block's bounding keys (the keys are SHA-256 prefixes, so
   * uniform) and the records next to the estimate are scanned: a few adjacent records instead of a
   * binary search's seven far-apart probes, each of which may miss the TLB and the cache in a
   * snapshot of hundreds of megabytes.
   *
   * @param from a record index such that every record before it has a smaller key
   * @return the record's index, or {@code -(insertion point) - 1} if no record has this key; the
   *     next, larger key of the batch may start from the index (+1) or the insertion point
   */
  public long findFrom(long from, long keyHi, long keyLo) {
    if (from >= count) {
      return -count - 1;
    }
    int len = sparseHi.length;
    int lowB = (int) (from / STRIDE);
    if (compare(sparseHi[lowB], sparseLo[lowB], keyHi, keyLo) > 0) {
      return -from - 1; // smaller than the record at from (its block's first), larger than all before
    }
    int highB;
    int step = 1;
    while (true) {
      int probe = lowB + step;
      if (probe >= len) {
        highB = len - 1;
        break;
      }
      if (compare(sparseHi[probe], sparseLo[probe], keyHi, keyLo) <= 0) {
        lowB = probe;
        step <<= 1;
      } else {
        highB = probe - 1;
        break;
      }
    }
    while (lowB < highB) {
      int mid = (lowB + highB + 1) >>> 1;
      if (compare(sparseHi[mid], sparseLo[mid], keyHi, keyLo) <= 0) {
        lowB = mid;
      } else {
        highB = mid - 1;
      }
    }
    long blockStart = (long) lowB * STRIDE;
    long first = Math.max(from, blockStart);
    long last = Math.min(count, blockStart + STRIDE) - 1;
    long est = (first + last) >>> 1;
    if (lowB + 1 < len) {
      double span = (double) ((sparseHi[lowB + 1] - sparseHi[lowB]) >>> 11);
      if (span > 0) {
        double at = (double) ((keyHi - sparseHi[lowB]) >>> 11) / span;
        est = Math.max(first, Math.min(last, blockStart + (long) (at * STRIDE)));
      }
    }
    int c = compare(hi(est), lo(est), keyHi, keyLo);
    if (c == 0) {
      return est;
    }
    if (c < 0) {
      for (long i = est + 1; i <= last; i++) {
        c = compare(hi(i), lo(i), keyHi, keyLo);
        if (c >= 0) {
          return c == 0 ? i : -i - 1;
        }
      }
      return -(last + 1) - 1;
    }
    for (long i = est - 1; i >= first; i--) {
      c = compare(hi(i), lo(i), keyHi, keyLo);
      if (c <= 0) {
        return c == 0 ? i : -(i + 1) - 1;
      }
    }
    return -first - 1;
  }

  static int compare(long aHi, long aLo, long bHi, long bLo) {
    int c = Long.compareUnsigned(aHi, bHi);
    return c != 0 ? c : Long.compareUnsigned(aLo, bLo);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
