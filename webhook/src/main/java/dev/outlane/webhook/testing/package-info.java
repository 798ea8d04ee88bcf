/**
 * {@link dev.outlane.webhook.testing.FakeWebhookServer}, a receiver for users' tests that checks
 * the signature as a real receiver should. Needs {@code com.squareup.okhttp3:mockwebserver3}.
 */
@NullMarked
package dev.outlane.webhook.testing;

import org.jspecify.annotations.NullMarked;
