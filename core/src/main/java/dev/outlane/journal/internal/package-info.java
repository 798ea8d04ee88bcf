/**
 * The segmented, checksummed, group-committed log behind {@link
 * dev.outlane.journal.FileEventJournal} and {@link dev.outlane.deadletter.FileDeadLetterStore}. Not
 * a public API: types here may change in any release.
 */
@NullMarked
package dev.outlane.journal.internal;

import org.jspecify.annotations.NullMarked;
