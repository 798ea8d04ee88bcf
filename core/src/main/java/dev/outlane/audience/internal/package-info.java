/** Implementation of the audience sync: record files, external sort, snapshot index. Not an API. */
@NullMarked
package dev.outlane.audience.internal;

import org.jspecify.annotations.NullMarked;
