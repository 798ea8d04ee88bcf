/**
 * Mirror-mode audience sync: compares a segment's current membership with the last synced snapshot
 * and sends only the adds and removes, in bounded memory, resumably.
 *
 * <p>Start with {@link dev.outlane.audience.AudienceSync}.
 */
@NullMarked
package dev.outlane.audience;

import org.jspecify.annotations.NullMarked;
