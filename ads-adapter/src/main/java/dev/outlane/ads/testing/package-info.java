/**
 * Fakes of the ad APIs for your own tests, each running on its own loopback MockWebServer with the
 * shape every Outlane fake has: {@code start(...)}, {@code url()} for the destination's {@code
 * baseUrl}, {@code close()}. They validate requests like the real APIs and remember audience
 * membership. Needs {@code
 * com.squareup.okhttp3:mockwebserver3} on the test classpath (an optional dependency of this
 * artifact).
 */
@NullMarked
package dev.outlane.ads.testing;

import org.jspecify.annotations.NullMarked;
