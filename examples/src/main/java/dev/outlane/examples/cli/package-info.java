/**
 * The {@code outlane} command-line tool. {@link dev.outlane.examples.cli.OutlaneCli} is the entry
 * point and lists every subcommand in one place.
 */
@NullMarked
package dev.outlane.examples.cli;

import org.jspecify.annotations.NullMarked;
