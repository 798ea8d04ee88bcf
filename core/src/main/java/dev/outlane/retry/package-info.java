/** The retry policy: capped exponential backoff with full jitter, and {@code Retry-After} parsing. */
@NullMarked
package dev.outlane.retry;

import org.jspecify.annotations.NullMarked;
