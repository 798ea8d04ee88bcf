/**
 * A generic signed HTTP destination ({@link dev.outlane.webhook.WebhookDestination}) for what sits
 * behind the lane on the user's side — a Twilio Function, a serverless function, a warehouse
 * loader — and {@link dev.outlane.webhook.WebhookSignature}, the signing scheme its receivers
 * verify. {@code dev.outlane.webhook.testing} holds a fake receiver for users' tests.
 */
@NullMarked
package dev.outlane.webhook;

import org.jspecify.annotations.NullMarked;
