/** Implementation details of the delivery engine. Not an API: anything here may change in any release. */
@NullMarked
package dev.outlane.internal;

import org.jspecify.annotations.NullMarked;
