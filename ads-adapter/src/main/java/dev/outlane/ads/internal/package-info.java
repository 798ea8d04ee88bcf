/** HTTP and JSON plumbing shared by the ad destinations. Not an API. */
@NullMarked
package dev.outlane.ads.internal;

import org.jspecify.annotations.NullMarked;
