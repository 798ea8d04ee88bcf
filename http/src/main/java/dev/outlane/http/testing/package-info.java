/**
 * Test support shared by the HTTP fakes every adapter ships: {@link
 * dev.outlane.http.testing.FaultInjectingServer}, the loopback MockWebServer that applies core's
 * {@link dev.outlane.testing.Fault}s. Needs {@code com.squareup.okhttp3:mockwebserver3} on the
 * classpath (an optional dependency: add it to your test scope).
 */
@NullMarked
package dev.outlane.http.testing;

import org.jspecify.annotations.NullMarked;
