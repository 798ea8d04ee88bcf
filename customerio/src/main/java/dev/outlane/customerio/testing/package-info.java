/**
 * {@link dev.outlane.customerio.testing.FakeCustomerIoServer}, the Track API on loopback for users'
 * tests. Needs {@code com.squareup.okhttp3:mockwebserver3} on the classpath.
 */
@NullMarked
package dev.outlane.customerio.testing;

import org.jspecify.annotations.NullMarked;
