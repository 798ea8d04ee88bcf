/**
 * {@code outlane demo}: a generated, deterministic set of Customer.io-style signals run through a real
 * {@link dev.outlane.Outlane} client into in-process destinations, with a per-destination report.
 */
@NullMarked
package dev.outlane.examples.demo;

import org.jspecify.annotations.NullMarked;
