/**
 * Twilio Messaging: {@link dev.outlane.twilio.sms.TwilioSmsDestination} sends one SMS per activation
 * without ever sending it twice, {@link dev.outlane.twilio.sms.SmsTemplate} renders bodies from a tiny
 * placeholder syntax, and {@link dev.outlane.twilio.sms.TwilioSignatureValidator} checks status
 * callbacks and turns them into {@link dev.outlane.twilio.sms.DeliveryStatusUpdate}s.
 */
@NullMarked
package dev.outlane.twilio.sms;

import org.jspecify.annotations.NullMarked;
