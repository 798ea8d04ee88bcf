/**
 * Customer.io in the inbound lane: the journey webhook action receiver (a Customer.io person and
 * event, rendered by the shipped Liquid template into a v1 retention event, submitted to the lane)
 * and the signed reporting-webhook receiver (unsubscribes and preference changes become typed
 * suppressions). Both are {@link dev.outlane.inbound.InboundHandler}s.
 */
@NullMarked
package dev.outlane.customerio;

import org.jspecify.annotations.NullMarked;
