/** The write-ahead journal SPI: what makes an accepted event survive a crash. */
@NullMarked
package dev.outlane.journal;

import org.jspecify.annotations.NullMarked;
