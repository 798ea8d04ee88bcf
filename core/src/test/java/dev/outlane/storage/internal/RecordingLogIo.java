package dev.outlane.storage.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link LogIo} for tests: counts flushes, can hold the next flush until released, and can run
 * out of space after a chosen number of bytes (writing what fits, as a full disk does).
 */
public final class RecordingLogIo implements LogIo {
  public final AtomicInteger forces = new AtomicInteger();
  public final AtomicLong bytesWritten = new AtomicLong();
  private volatile long spaceLeft = Long.MAX_VALUE;
  private volatile boolean failForce;
  private volatile CountDownLatch forceEntered = new CountDownLatch(0);
  private volatile CountDownLatch forceGate = new CountDownLatch(0);

  @Override
  public void write(FileChannel channel, ByteBuffer buffer) throws IOException {
    long left = spaceLeft;
    if (buffer.remaining() > left) {
      ByteBuffer fits = buffer.duplicate();
      fits.limit(fits.position() + (int) left);
      LogIo.super.write(channel, fits);
      bytesWritten.addAndGet(left);
      spaceLeft = 0;
      throw new IOException("No space left on device");
    }
    int n = buffer.remaining();
    LogIo.super.write(channel, buffer);
    bytesWritten.addAndGet(n);
    if (left != Long.MAX_VALUE) {
      spaceLeft = left - n;
    }
  }

  @Override
  public void force(FileChannel channel) throws IOException {
    forceEntered.countDown();
    try {
      forceGate.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
    if (failForce) {
      throw new IOException("Input/output error");
    }
    forces.incrementAndGet();
    LogIo.super.force(channel);
  }

  /** From now on, only {@code bytes} more bytes fit. */
  public void spaceLeft(long bytes) {
    spaceLeft = bytes;
  }

  /** Space is plentiful again. */
  public void heal() {
    spaceLeft = Long.MAX_VALUE;
    failForce = false;
  }

  /** Every flush fails with an I/O error until {@link #heal()}. */
  public void failFlushes() {
    failForce = true;
  }

  /** The next flush blocks until {@link #releaseFlush()}; returns a latch counted down on entry. */
  public CountDownLatch holdNextFlush() {
    forceGate = new CountDownLatch(1);
    forceEntered = new CountDownLatch(1);
    return forceEntered;
  }

  public void releaseFlush() {
    forceGate.countDown();
  }
}
