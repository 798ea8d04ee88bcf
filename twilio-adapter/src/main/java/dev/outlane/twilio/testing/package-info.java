/**
 * In-process fakes of Twilio Messaging and Segment for your own tests: {@link
 * dev.outlane.twilio.testing.FakeTwilioServer} and {@link dev.outlane.twilio.testing.FakeSegmentServer}.
 * Both run on okhttp's {@code mockwebserver3}, an optional dependency of this module: add {@code
 * com.squareup.okhttp3:mockwebserver3} to your test classpath to use them.
 */
@NullMarked
package dev.outlane.twilio.testing;

import org.jspecify.annotations.NullMarked;
