package dev.outlane.peerbench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/** The whole JVM's CPU time and heap after GC: what a user's process pays, collector included. */
final class JvmMeter {
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

  private JvmMeter() {}

  /** CPU time of every thread of this process (GC and JIT included), in nanoseconds. */
  static long processCpuNanos() {
    return OS.getProcessCpuTime();
  }

  /** Heap in use after asking for full collections; what stays reachable. */
  static long heapAfterGcBytes() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return MEMORY.getHeapMemoryUsage().getUsed();
  }
}
