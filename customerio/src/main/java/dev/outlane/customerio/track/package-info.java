/**
 * Writing opt-outs back to Customer.io, where the next journey decides who to message: {@link
 * dev.outlane.customerio.track.CustomerIoTrackDestination} turns the consent an event carries into
 * Customer.io subscription preferences through the Track API.
 */
@NullMarked
package dev.outlane.customerio.track;

import org.jspecify.annotations.NullMarked;
