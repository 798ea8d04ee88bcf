/**
 * The segmented, checksummed, group-committed log behind {@link
 * dev.outlane.journal.FileEventJournal}, {@link dev.outlane.deadletter.FileDeadLetterStore} and the
 * file-backed guardrail stores, and the {@link dev.outlane.journal.internal.LogSettings} their
 * builders share. Not a public API: types here may change in any release.
 */
@NullMarked
package dev.outlane.journal.internal;

import org.jspecify.annotations.NullMarked;
