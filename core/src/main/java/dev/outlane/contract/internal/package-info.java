/**
 * Implementation details of the v1 contract: the streaming reader and writer behind {@link
 * dev.outlane.contract.EventCodec} and the field rules shared with {@link
 * dev.outlane.contract.EventValidator}. Not an API: these types may change in any release.
 */
@NullMarked
package dev.outlane.contract.internal;

import org.jspecify.annotations.NullMarked;
