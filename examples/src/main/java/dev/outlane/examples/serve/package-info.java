/**
 * {@code outlane serve}: the inbound lane as a long-running service. {@link
 * dev.outlane.examples.serve.ExchangeBridge} mounts any {@link dev.outlane.inbound.InboundHandler} on
 * the JDK's {@code com.sun.net.httpserver.HttpServer} (body limit, the URL as the sender saw it, 500
 * without detail for a handler that throws, a PII-free access log); {@link
 * dev.outlane.examples.serve.InboundServer} runs the server on a bounded pool; {@link
 * dev.outlane.examples.serve.Admission} answers 503 while the client recovers or drains; {@link
 * dev.outlane.examples.cli.ServeCommand} is the command.
 */
@NullMarked
package dev.outlane.examples.serve;

import org.jspecify.annotations.NullMarked;
