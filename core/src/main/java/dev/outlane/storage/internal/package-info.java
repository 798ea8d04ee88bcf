/**
 * The storage engine behind every file-backed store: the segmented, checksummed, group-committed
 * {@link dev.outlane.storage.internal.SegmentedLog}, the {@link
 * dev.outlane.storage.internal.RecordType} registry of every record type any store writes, the
 * {@link dev.outlane.storage.internal.LogSettings} their builders share, the AES-GCM envelope, the
 * quarantine file and owner-only permissions. Used by {@link dev.outlane.journal.FileEventJournal},
 * {@link dev.outlane.deadletter.FileDeadLetterStore} and the file-backed guardrail stores. Not a
 * public API: types here may change in any release. Formats: {@code ARCHITECTURE.md}, "On-disk
 * formats".
 */
@NullMarked
package dev.outlane.storage.internal;

import org.jspecify.annotations.NullMarked;
