/** Deterministic idempotency keys: the same signal yields the same key across JVMs and releases. */
@NullMarked
package dev.outlane.idempotency;

import org.jspecify.annotations.NullMarked;
