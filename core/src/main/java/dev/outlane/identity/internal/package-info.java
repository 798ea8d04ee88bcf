/** Implementation details of identity normalization. Not a public API: may change in any release. */
@NullMarked
package dev.outlane.identity.internal;

import org.jspecify.annotations.NullMarked;
