package dev.outlane.audience.internal;

import dev.outlane.contract.AudienceAction;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The batches of a pending sync that the sink accepted ({@code pending/journal.log}), so that a
 * resumed sync never sends one twice.
 *
 * <p>Format (version 1, unmarked): UTF-8 text, one line per accepted batch, {@code <action>
 * <index> [<received> <matched>] ok\n}, e.g. {@code add 3 10000 8123 ok}: the action's wire name
 * ({@code add} or {@code remove}), the batch's index within that action's file (batches are cut at
 * the manifest's batch size), and the destination's counts if it reported both. Each line is
 * written and forced before the next batch is sent. A line that does not end in {@code ok} was torn
 * by a crash: it does not count (a torn tail is cut when the journal is opened), and that batch is
 * sent again (it may have been accepted twice;
 * adds and removes of hashed members are idempotent at every supported destination).
 *
 * <p>Why text and not the shared segmented log: one short record per 10,000 members, read once per
 * resume, lives only as long as one pending sync, and is deleted with it; a line a person can read
 * in an incident is worth more here than the log's checksums and segments.
 *
 * <p>Not thread-safe: the send loop of one sync owns it.
 */
public final class SendJournal implements Closeable {
  /** Ends every line: a line without it was torn by a crash and does not count. */
  static final String END = "ok";

  private final Set<String> accepted;
  private final FileChannel out;
  private long received;
  private long matched;
  private boolean counted;

  private SendJournal(Set<String> accepted, FileChannel out, long received, long matched, boolean counted) {
    this.accepted = accepted;
    this.out = out;
    this.received = received;
    this.matched = matched;
    this.counted = counted;
  }

  /** Reads the batches already accepted, if the file exists, and opens it for appending. */
  public static SendJournal open(Path file) throws IOException {
    Set<String> accepted = new HashSet<>();
    long received = 0;
    long matched = 0;
    boolean counted = false;
    int keep = 0;
    if (Files.exists(file)) {
      byte[] bytes = Files.readAllBytes(file);
      keep = lastLineEnd(bytes);
      for (String line : new String(bytes, 0, keep, StandardCharsets.UTF_8).split("\n")) {
        String[] parts = line.split(" ");
        if (parts.length < 3 || !parts[parts.length - 1].equals(END)) {
          continue; // a torn last line: that batch was not durably recorded, send it again
        }
        accepted.add(parts[0] + " " + parts[1]);
        if (parts.length == 5) {
          received += Long.parseLong(parts[2]);
          matched += Long.parseLong(parts[3]);
          counted = true;
        }
      }
    }
    FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      // Cut a torn last line, so that the next line is not glued to it.
      out.truncate(keep);
      out.position(keep);
    } catch (IOException | RuntimeException e) {
      out.close();
      throw e;
    }
    return new SendJournal(accepted, out, received, matched, counted);
  }

  /** The length of the complete lines of {@code bytes}: up to and including the last newline. */
  private static int lastLineEnd(byte[] bytes) {
    for (int i = bytes.length - 1; i >= 0; i--) {
      if (bytes[i] == '\n') {
        return i + 1;
      }
    }
    return 0;
  }

  private static String id(AudienceAction.Action action, long index) {
    return action.wireName() + " " + index;
  }

  /** Whether batch {@code index} of {@code action} was accepted (by this or an earlier call). */
  public boolean accepted(AudienceAction.Action action, long index) {
    return accepted.contains(id(action, index));
  }

  /**
   * Records batch {@code index} of {@code action} as accepted, durably, before returning.
   *
   * @param received the destination's received count, or null (then {@code matched} is ignored)
   * @param matched the destination's matched count, or null (then {@code received} is ignored)
   */
  public void accept(AudienceAction.Action action, long index, @Nullable Long received, @Nullable Long matched)
      throws IOException {
    String id = id(action, index);
    String line = id;
    if (received != null && matched != null) {
      this.received += received;
      this.matched += matched;
      counted = true;
      line += " " + received + " " + matched;
    }
    out.write(ByteBuffer.wrap((line + " " + END + "\n").getBytes(StandardCharsets.UTF_8)));
    out.force(false); // durable before the next batch: a crash never resends it
    accepted.add(id);
  }

  /** Received counts summed over every accepted batch that reported them. */
  public long received() {
    return received;
  }

  /** Matched counts summed likewise. */
  public long matched() {
    return matched;
  }

  /** Whether any accepted batch reported counts. */
  public boolean counted() {
    return counted;
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
