package dev.outlane.audience;

import dev.outlane.audience.internal.CsvMembers;
import dev.outlane.audience.internal.NdjsonMembers;
import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;

/**
 * A segment's current membership, read one member at a time so that millions never sit in memory.
 *
 * <p>Read CSV ({@code customer_id,email,phone} header, RFC 4180 quoting, empty cells are absent
 * values) or NDJSON (one {@code {"customer_id":…,"email":…,"phone":…}} object per line) with {@link
 * #open}, {@link #csv} or {@link #ndjson}, or wrap your own iterator with {@link #of}. Not
 * thread-safe. {@link #next()} throws {@link AudienceSyncException} naming the line for a malformed
 * row (never its content).
 */
public interface MemberSource extends Iterator<RawMember>, Closeable {

  /**
   * Opens a {@code .csv} or {@code .ndjson}/{@code .jsonl} file, by its extension.
   *
   * @throws AudienceSyncException if the file cannot be opened or its extension is unknown
   */
  static MemberSource open(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    boolean csv = name.endsWith(".csv");
    boolean ndjson = name.endsWith(".ndjson") || name.endsWith(".jsonl");
    if (!csv && !ndjson) {
      throw new AudienceSyncException(
          "members: unknown file type \"" + file.getFileName() + "\" (known: .csv, .ndjson, .jsonl)");
    }
    Reader reader;
    try {
      reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AudienceSyncException("members: cannot open " + file + ": " + e.getMessage(), e);
    }
    return csv ? csv(reader) : ndjson(reader);
  }

  /** Reads CSV with a header naming {@code customer_id}, {@code email} and/or {@code phone}. */
  static MemberSource csv(Reader reader) {
    return new CsvMembers(reader);
  }

  /** Reads NDJSON: one JSON object per line with {@code customer_id}, {@code email}, {@code phone}. */
  static MemberSource ndjson(Reader reader) {
    return new NdjsonMembers(reader);
  }

  /** Wraps an iterator (e.g. a database cursor); {@link #close()} does nothing. */
  static MemberSource of(Iterator<RawMember> members) {
    return new MemberSource() {
      @Override
      public boolean hasNext() {
        return members.hasNext();
      }

      @Override
      public RawMember next() {
        return members.next();
      }

      @Override
      public void close() {}
    };
  }

  /** Wraps an iterable. */
  static MemberSource of(Iterable<RawMember> members) {
    return of(members.iterator());
  }
}
