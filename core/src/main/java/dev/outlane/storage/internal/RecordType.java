package dev.outlane.storage.internal;

import org.jspecify.annotations.Nullable;

/**
 * Every record type any store writes into a {@link SegmentedLog}, with the byte that marks it on
 * disk: the one registry of record types, so that no store can give two of its records the same
 * byte by accident. {@link SegmentedLog#submit} accepts only the types of the log it writes (its
 * {@link Log}); a record whose byte is not listed for its log is kept as unreadable by the store
 * that reads it.
 *
 * <p>The bytes are on-disk format and never change: a new record type takes a byte no other type
 * <em>of the same log</em> uses ({@code RecordTypeTest} pins the table). Different logs live in
 * different directories, so their bytes may coincide, and do: the suppression store's {@link
 * #SUPPRESSION_SUPPRESS} is 1 like the journal's {@link #JOURNAL_EVENT}, and the idempotency
 * store's 5 and 6 are the journal's and the dead-letter store's sealed types. Byte 0 is reserved
 * (the log's own wake-up request, never written). The table with each payload's layout is in
 * {@code ARCHITECTURE.md}, "On-disk formats".
 *
 * <p>Immutable and thread-safe.
 */
public enum RecordType {
  /** An accepted event: the serializer's bytes (event payload v1 or v2). */
  JOURNAL_EVENT(Log.JOURNAL, 1),
  /** An event's delivery finished: its LSN, 8 bytes. */
  JOURNAL_COMPLETE(Log.JOURNAL, 2),
  /** A {@link #JOURNAL_EVENT}'s payload in the AES-GCM envelope ({@link PayloadCipher}). */
  JOURNAL_SEALED_EVENT(Log.JOURNAL, 5),
  /** A dead letter: the dead-letter codec's bytes. */
  DEAD_LETTER_ADD(Log.DEAD_LETTERS, 3),
  /** A dead letter was resolved by a replay: its id in UTF-8. */
  DEAD_LETTER_RESOLVE(Log.DEAD_LETTERS, 4),
  /** A {@link #DEAD_LETTER_ADD}'s payload in the AES-GCM envelope ({@link PayloadCipher}). */
  DEAD_LETTER_SEALED_ADD(Log.DEAD_LETTERS, 6),
  /** A key was delivered: expiry epoch millis (8) then the key in UTF-8. */
  IDEMPOTENCY_DONE(Log.IDEMPOTENCY, 5),
  /** A key's outcome is unknown (it may have acted): expiry (8) then the key. */
  IDEMPOTENCY_UNKNOWN(Log.IDEMPOTENCY, 6),
  /** A non-idempotent send is about to go out: expiry (8) then the key. */
  IDEMPOTENCY_ATTEMPT(Log.IDEMPOTENCY, 7),
  /** An attempt ended without acting: the key in UTF-8. */
  IDEMPOTENCY_CLEAR(Log.IDEMPOTENCY, 8),
  /** A key was forgotten: the key in UTF-8. */
  IDEMPOTENCY_FORGET(Log.IDEMPOTENCY, 9),
  /** Identities were suppressed: key count (1), keys, channel names and the source's code. */
  SUPPRESSION_SUPPRESS(Log.SUPPRESSION, 1),
  /** One source's suppressions were lifted: laid out as {@link #SUPPRESSION_SUPPRESS}. */
  SUPPRESSION_LIFT(Log.SUPPRESSION, 2);

  /**
   * The kinds of log, one per store; each lives in its own directory, and its name is what the
   * log is called in messages, log lines and its writer thread's name.
   */
  public enum Log {
    JOURNAL("journal"),
    DEAD_LETTERS("dead-letter store"),
    IDEMPOTENCY("idempotency store"),
    SUPPRESSION("suppression store");

    private final String label;

    Log(String label) {
      this.label = label;
    }

    /** What the log is called in messages ({@code journal}, {@code dead-letter store}). */
    public String label() {
      return label;
    }

    /** The type this log marks with {@code code}, or null if it has none (an unknown record). */
    public @Nullable RecordType typeOf(byte code) {
      for (RecordType t : VALUES) {
        if (t.log == this && t.code == code) {
          return t;
        }
      }
      return null;
    }
  }

  private static final RecordType[] VALUES = values();

  private final Log log;
  private final byte code;

  RecordType(Log log, int code) {
    this.log = log;
    this.code = (byte) code;
  }

  /** The log this type is written to. */
  public Log log() {
    return log;
  }

  /** The byte that marks this type on disk (the record frame's type field). */
  public byte code() {
    return code;
  }
}
