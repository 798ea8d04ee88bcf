/** Per-destination rate limits (token bucket configuration). */
@NullMarked
package dev.outlane.ratelimit;

import org.jspecify.annotations.NullMarked;
