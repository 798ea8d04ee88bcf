/** Google Customer Match audiences through the Data Manager API. */
@NullMarked
package dev.outlane.ads.google;

import org.jspecify.annotations.NullMarked;
