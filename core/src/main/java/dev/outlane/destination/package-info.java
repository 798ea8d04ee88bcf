/** The delivery SPI: what every destination adapter implements, and the outcomes it reports. */
@NullMarked
package dev.outlane.destination;

import org.jspecify.annotations.NullMarked;
