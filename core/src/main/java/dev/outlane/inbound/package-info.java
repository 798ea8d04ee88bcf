/**
 * Receiving signals over HTTP without tying Outlane to a server: a request as the caller saw it
 * ({@link dev.outlane.inbound.InboundRequest}), the answer ({@link dev.outlane.inbound.InboundResponse})
 * and the one-method {@link dev.outlane.inbound.InboundHandler} every receiver implements (Customer.io
 * webhook actions and reporting webhooks, Twilio inbound messages and status callbacks). A user
 * mounts a handler in a servlet, a Spring controller, Netty or the JDK {@code HttpServer} by copying
 * method, URL, headers and body in, and status, headers and body out.
 */
@NullMarked
package dev.outlane.inbound;

import org.jspecify.annotations.NullMarked;
