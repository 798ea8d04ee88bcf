/**
 * Durable storage as one concept: what every file-backed store (the event journal, the dead-letter
 * store, the idempotency and suppression stores) shares with the others. {@link
 * dev.outlane.storage.StorageException} is what they throw, {@link
 * dev.outlane.storage.RecoveryReport} what opening one found, and {@link
 * dev.outlane.storage.EncryptionKey} what encrypts their records at rest. The engine itself (the
 * segmented log, its record-type registry, quarantine and file permissions) lives in {@code
 * dev.outlane.storage.internal}; every on-disk format is specified in {@code ARCHITECTURE.md},
 * section "On-disk formats".
 */
@NullMarked
package dev.outlane.storage;

import org.jspecify.annotations.NullMarked;
