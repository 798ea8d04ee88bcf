/** Per-destination normalization profiles and SHA-256 hashing of identifiers. */
@NullMarked
package dev.outlane.hashing;

import org.jspecify.annotations.NullMarked;
