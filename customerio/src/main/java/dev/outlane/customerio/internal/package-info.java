/**
 * Implementation details of the Customer.io receivers: the bounded memory of recent deliveries and
 * signatures, the {@code event_id} rule and the dead-lettering of refused input. Not an API; other
 * modules must not import it.
 */
@NullMarked
package dev.outlane.customerio.internal;

import org.jspecify.annotations.NullMarked;
