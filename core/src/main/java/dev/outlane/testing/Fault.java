package dev.outlane.testing;

import java.time.Duration;
import java.util.Objects;

/**
 * A failure a fake server answers one request with, instead of its normal answer: one vocabulary for
 * every fake Outlane ships ({@code FakeTwilioServer}, {@code FakeSegmentServer}, {@code
 * FakeMetaServer}, {@code FakeTikTokServer}, {@code FakeGoogleDataManagerServer}). Script them with
 * the fake's {@code enqueueFault}; each fault is used by exactly one request, in arrival order, before
 * the fake looks at the request. What a fault means at the socket is applied by each fake; this type
 * only describes it, so it lives in core and has no dependencies.
 *
 * <p>Immutable.
 */
public sealed interface Fault
    permits Fault.Status, Fault.TooManyRequests, Fault.DropAfterRequest, Fault.Slow, Fault.Stall {

  /** Answer with {@code status} (e.g. 500, 503) and the API's error body. The request is not processed. */
  static Fault status(int status) {
    return new Status(status);
  }

  /** Answer 429 with {@code Retry-After: seconds}. The request is not processed. */
  static Fault tooManyRequests(long retryAfterSeconds) {
    return new TooManyRequests(Long.toString(retryAfterSeconds));
  }

  /** Answer 429 with this exact {@code Retry-After} value (e.g. an HTTP-date). */
  static Fault tooManyRequests(String retryAfter) {
    return new TooManyRequests(retryAfter);
  }

  /**
   * Read the whole request, <b>process it</b> (a Twilio message is created, Segment events are
   * counted, audience members are added), then close the connection without answering: the client sees an unexpected end of
   * stream, the case where a resend duplicates.
   */
  static Fault dropAfterRequest() {
    return new DropAfterRequest();
  }

  /** Process the request normally but hold the response headers back for {@code delay}. */
  static Fault slow(Duration delay) {
    return new Slow(delay);
  }

  /**
   * Read the whole request, process it, and never answer (until the fake closes): for client read
   * timeouts, without a wall-clock delay in the fake.
   */
  static Fault stall() {
    return new Stall();
  }

  /** @param status the HTTP status to answer */
  record Status(int status) implements Fault {
    public Status {
      if (status < 400 || status > 599) {
        throw new IllegalArgumentException("status: must be 400–599, was " + status);
      }
    }
  }

  /** @param retryAfter the {@code Retry-After} header value */
  record TooManyRequests(String retryAfter) implements Fault {
    public TooManyRequests {
      Objects.requireNonNull(retryAfter, "retryAfter");
    }
  }

  /** See {@link Fault#dropAfterRequest()}. */
  record DropAfterRequest() implements Fault {}

  /** @param delay how long the response headers are held back */
  record Slow(Duration delay) implements Fault {
    public Slow {
      if (delay.isNegative()) {
        throw new IllegalArgumentException("delay: must not be negative, was " + delay);
      }
    }
  }

  /** See {@link Fault#stall()}. */
  record Stall() implements Fault {}
}
