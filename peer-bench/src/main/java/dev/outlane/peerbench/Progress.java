package dev.outlane.peerbench;

/** Counts final outcomes reported by a client's callbacks and lets the harness wait for a total. */
final class Progress {
  private long succeeded;
  private long failed;

  synchronized void succeeded() {
    succeeded++;
    notifyAll();
  }

  synchronized void failed() {
    failed++;
    notifyAll();
  }

  synchronized long failedCount() {
    return failed;
  }

  /**
   * Waits until {@code total} outcomes were reported or {@code deadlineNanos} passed.
   *
   * @return whether all were reported
   * @throws InterruptedException if interrupted while waiting
   */
  synchronized boolean awaitTotal(long total, long deadlineNanos) throws InterruptedException {
    while (succeeded + failed < total) {
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }
}
