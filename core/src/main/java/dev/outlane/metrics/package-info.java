/** The metrics sink the engine reports to, with a no-op default. */
@NullMarked
package dev.outlane.metrics;

import org.jspecify.annotations.NullMarked;
