package dev.outlane.inbound;

/**
 * One HTTP endpoint of the inbound lane: turns a request into an answer. The library's receivers
 * (Customer.io webhook actions and reporting webhooks, Twilio inbound messages and status callbacks)
 * implement it; a user mounts one in whatever server they run:
 *
 * <pre>{@code
 * InboundResponse answer = handler.handle(InboundRequest.builder("POST", publicUrl)
 *     .headers(headersOfTheRequest)
 *     .remoteAddress(peerIp)
 *     .body(bodyBytes)
 *     .build());
 * // copy answer.status(), answer.headers() and answer.body() to the server's response
 * }</pre>
 *
 * <p>Implementations are thread-safe: a server calls {@link #handle} from many threads at once. They
 * answer every failure they can classify with a status (401 for a bad credential or signature, 413
 * for a body over the limit, 400 for a body that does not fit the contract, 429 or 503 with {@code
 * Retry-After} when the lane cannot take it now) and never put a stack trace, a secret or personal
 * data in a response. A handler that throws has a defect; the server bridge answers 500 with no
 * detail.
 */
@FunctionalInterface
public interface InboundHandler {
  /**
   * Answers {@code request}. Blocks at most as long as the handler documents (the durable ones
   * return once what they accepted is stored).
   */
  InboundResponse handle(InboundRequest request);
}
