/**
 * Side-by-side benchmarks of Outlane against its peers (segmentio analytics-java, twilio-java, the
 * Meta Business SDK), run by {@link dev.outlane.peerbench.PeerBench}. Not part of the default build:
 * the module exists only under the parent's {@code bench} profile, so the peers never reach a user's
 * dependency tree.
 */
@NullMarked
package dev.outlane.peerbench;

import org.jspecify.annotations.NullMarked;
