/**
 * Outlane: the controlled export lane from Customer.io retention decisions to SMS, events and ad
 * audiences. Shared types that every module uses live here: the exception root
 * {@link dev.outlane.OutlaneException} and validation {@link dev.outlane.Problem}s.
 */
@NullMarked
package dev.outlane;

import org.jspecify.annotations.NullMarked;
