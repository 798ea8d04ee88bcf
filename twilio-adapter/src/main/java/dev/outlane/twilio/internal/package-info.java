/** Implementation details of the Twilio and Segment adapters. Not an API: may change in any release. */
@NullMarked
package dev.outlane.twilio.internal;

import org.jspecify.annotations.NullMarked;
