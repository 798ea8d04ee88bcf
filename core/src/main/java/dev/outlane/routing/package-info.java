/** Routes: which event goes to which destination and target, within which event-age window. */
@NullMarked
package dev.outlane.routing;

import org.jspecify.annotations.NullMarked;
