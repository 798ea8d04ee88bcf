package dev.outlane.audience.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The k-way merge of a sync's sorted runs with the previous snapshot, in one sequential pass that
 * writes the next snapshot and the add and remove files and returns the diff's counts.
 *
 * <p>Among equal keys (one customer id in two chunks) the latest run, i.e. the later row, wins; the
 * others count as duplicates. A run record flagged {@link Records#REUSE} takes its hashes from the
 * previous snapshot's record with the same key as the merge streams past it. A member whose
 * hashed identifiers differ from the snapshot's is counted as changed and written to both the
 * remove file (old identifiers) and the add file (new ones).
 *
 * <p>Not thread-safe; one call at a time, on the caller's thread.
 */
public final class RunMerger {
  /** Read buffers of all runs together stay near this size, so many small chunks fit the heap. */
  private static final int MERGE_BUFFERS = 32 << 20;

  private RunMerger() {}

  /**
   * What a merge found.
   *
   * @param adds records written to the add file
   * @param removes records written to the remove file
   * @param unchanged members with the same identifiers as in the previous snapshot
   * @param changed members whose identifiers changed (in both adds and removes)
   * @param duplicates run records overridden by a later run's record with the same key
   * @param targetSize records written to the next snapshot
   */
  public record Result(long adds, long removes, long unchanged, long changed, long duplicates, long targetSize) {}

  /**
   * Merges {@code runs} (sorted run files, no header, in source order) with {@code previous} (the
   * previous snapshot positioned at its first record, or null for the first sync).
   *
   * @throws IOException if a file cannot be read or written, or if a {@link Records#REUSE} record
   *     has no counterpart in {@code previous} (the snapshot changed under the sync)
   */
  public static Result merge(List<Path> runs, Records.@Nullable Reader previous, Records.Writer next,
      Records.Writer adds, Records.Writer removes) throws IOException {
    CursorHeap heap = new CursorHeap(runs.size());
    List<Records.Reader> readers = new ArrayList<>();
    long unchanged = 0;
    long changed = 0;
    long duplicates = 0;
    int bufferSize = Math.max(1 << 16, Math.min(Records.BUFFER, MERGE_BUFFERS / Math.max(1, runs.size())));
    try {
      for (int i = 0; i < runs.size(); i++) {
        Records.Reader r = new Records.Reader(runs.get(i), false, bufferSize);
        readers.add(r);
        Cursor cursor = new Cursor(r, i);
        if (cursor.advance()) {
          heap.add(cursor);
        }
      }
      Records.Reader old = previous;
      byte[] oldBuf = old == null ? new byte[0] : old.buffer();
      int oldOff = old == null ? -1 : old.next();
      byte[] cur = new byte[Records.SIZE];
      while (true) {
        boolean hasNew = false;
        if (heap.size > 0) {
          // Take the smallest key; among equal keys the latest run, i.e. the later row, wins.
          Cursor c = heap.heap[0];
          long curHi = c.hi;
          long curLo = c.lo;
          System.arraycopy(c.buf, c.off, cur, 0, Records.SIZE);
          heap.advanceTop();
          while (heap.size > 0 && heap.heap[0].hi == curHi && heap.heap[0].lo == curLo) {
            Cursor d = heap.heap[0];
            System.arraycopy(d.buf, d.off, cur, 0, Records.SIZE);
            duplicates++;
            heap.advanceTop();
          }
          hasNew = true;
        }
        // Emit every old record with a smaller key: gone from the segment.
        while (oldOff >= 0 && (!hasNew || Records.compareKeys(oldBuf, oldOff, cur, 0) < 0)) {
          removes.write(oldBuf, oldOff);
          oldOff = old.next();
        }
        if (!hasNew) {
          break;
        }
        boolean reuse = (cur[Records.FLAGS] & Records.REUSE) != 0;
        if (oldOff >= 0 && Records.compareKeys(oldBuf, oldOff, cur, 0) == 0) {
          if (reuse) {
            System.arraycopy(oldBuf, oldOff, cur, 0, Records.SIZE);
          }
          if (Records.sameIdentifiers(oldBuf, oldOff, cur, 0)) {
            unchanged++;
          } else {
            changed++;
            removes.write(oldBuf, oldOff);
            adds.write(cur, 0);
          }
          oldOff = old.next();
        } else if (reuse) {
          // found in the snapshot when the run was written; the lock keeps other writers out
          throw new IOException(SyncState.SNAPSHOT + " changed while this sync was reading it");
        } else {
          adds.write(cur, 0);
        }
        next.write(cur, 0);
      }
      return new Result(adds.count(), removes.count(), unchanged, changed, duplicates, next.count());
    } finally {
      for (Records.Reader r : readers) {
        r.close();
      }
    }
  }

  /** One sorted run being merged: the current record is {@code buf[off..off+SIZE)}. */
  private static final class Cursor {
    final Records.Reader reader;
    final int run;
    final byte[] buf;
    int off;
    long hi;
    long lo;

    Cursor(Records.Reader reader, int run) {
      this.reader = reader;
      this.run = run;
      this.buf = reader.buffer();
    }

    boolean advance() throws IOException {
      off = reader.next();
      if (off < 0) {
        return false;
      }
      hi = Records.getLong(buf, off + Records.KEY);
      lo = Records.getLong(buf, off + Records.KEY + 8);
      return true;
    }

    /** Key order; among equal keys (one customer id in two chunks) the earlier run first. */
    boolean before(Cursor o) {
      if (hi != o.hi) {
        return Long.compareUnsigned(hi, o.hi) < 0;
      }
      if (lo != o.lo) {
        return Long.compareUnsigned(lo, o.lo) < 0;
      }
      return run < o.run;
    }
  }

  /** A binary min-heap of cursors that replaces its top in place: one sift per merged record. */
  private static final class CursorHeap {
    final Cursor[] heap;
    int size;

    CursorHeap(int capacity) {
      heap = new Cursor[Math.max(1, capacity)];
    }

    void add(Cursor c) {
      int i = size++;
      heap[i] = c;
      while (i > 0) {
        int parent = (i - 1) >>> 1;
        if (!heap[i].before(heap[parent])) {
          break;
        }
        Cursor t = heap[i];
        heap[i] = heap[parent];
        heap[parent] = t;
        i = parent;
      }
    }

    /** Advances the top cursor, dropping it when its run ends, and restores the heap order. */
    void advanceTop() throws IOException {
      if (!heap[0].advance()) {
        heap[0] = heap[--size];
        heap[size] = null;
      }
      int i = 0;
      while (true) {
        int l = 2 * i + 1;
        if (l >= size) {
          return;
        }
        int m = l + 1 < size && heap[l + 1].before(heap[l]) ? l + 1 : l;
        if (!heap[m].before(heap[i])) {
          return;
        }
        Cursor t = heap[i];
        heap[i] = heap[m];
        heap[m] = t;
        i = m;
      }
    }
  }
}
