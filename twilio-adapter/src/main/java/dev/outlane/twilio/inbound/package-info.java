/**
 * Twilio's inbound webhooks: {@link dev.outlane.twilio.inbound.TwilioInbound} turns incoming STOP
 * and START messages and status callbacks into opt-outs on the client, verified by {@link
 * dev.outlane.twilio.inbound.TwilioSignature}.
 */
@NullMarked
package dev.outlane.twilio.inbound;

import org.jspecify.annotations.NullMarked;
