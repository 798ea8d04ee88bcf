/**
 * Fakes of the ad APIs for your own tests: MockWebServer {@link mockwebserver3.Dispatcher}s that
 * validate requests like the real APIs and remember audience membership. Needs {@code
 * com.squareup.okhttp3:mockwebserver3} on the test classpath (an optional dependency of this
 * artifact).
 */
@NullMarked
package dev.outlane.ads.testing;

import org.jspecify.annotations.NullMarked;
