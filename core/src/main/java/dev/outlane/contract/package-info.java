/** The v1 retention-activation payload contract: the immutable event and its JSON codec. */
@NullMarked
package dev.outlane.contract;

import org.jspecify.annotations.NullMarked;
