/**
 * Twilio Segment's HTTP Tracking API: {@link dev.outlane.twilio.segment.SegmentDestination} sends
 * {@code track} and {@code identify} calls through {@code POST /v1/batch}, deduplicated by Segment on
 * {@code messageId}.
 */
@NullMarked
package dev.outlane.twilio.segment;

import org.jspecify.annotations.NullMarked;
