/** The dead-letter store: deliveries that could not be completed, kept until replayed or resolved. */
@NullMarked
package dev.outlane.deadletter;

import org.jspecify.annotations.NullMarked;
