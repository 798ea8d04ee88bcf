/** Encoding and ids behind {@link dev.outlane.deadletter.FileDeadLetterStore}. Not a public API. */
@NullMarked
package dev.outlane.deadletter.internal;

import org.jspecify.annotations.NullMarked;
