package dev.outlane.deadletter.internal;

import dev.outlane.deadletter.DeadLetter;
import dev.outlane.deadletter.DeadLetterReason;
import dev.outlane.journal.EventSerializer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The binary form of a {@link DeadLetter} in the dead-letter log (big-endian):
 *
 * <pre>
 * version = 1 (1) | id | destination | idempotencyKey | reason wire name | detail
 * | has error code (1) [ errorCode ] | attempts (4)
 * | first attempt: epoch second (8), nano (4) | last attempt: epoch second (8), nano (4)
 * | resolved (1) | event length (4) | event bytes, as the {@link EventSerializer} wrote them
 * </pre>
 *
 * where each string is its UTF-8 length (4) and bytes. The reason is kept by wire name so that
 * reordering the enum never changes what an old file means. Stateless and thread-safe.
 *
 * <p>This format is indexed, with every other on-disk format and its version, in {@code
 * ARCHITECTURE.md}, section "On-disk formats"; keep the two in step.
 */
public final class DeadLetterCodec {
  private static final byte VERSION = 1;

  private final EventSerializer serializer;

  public DeadLetterCodec(EventSerializer serializer) {
    this.serializer = serializer;
  }

  /** The bytes for {@code d}. */
  public byte[] write(DeadLetter d) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      writeString(out, d.id());
      writeString(out, d.destination());
      writeString(out, d.idempotencyKey());
      writeString(out, d.reason().wireName());
      writeString(out, d.detail());
      @Nullable String code = d.errorCode();
      out.writeBoolean(code != null);
      if (code != null) {
        writeString(out, code);
      }
      out.writeInt(d.attempts());
      writeInstant(out, d.firstAttempt());
      writeInstant(out, d.lastAttempt());
      out.writeBoolean(d.resolved());
      byte[] event = serializer.write(d.event());
      out.writeInt(event.length);
      out.write(event);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return bytes.toByteArray();
  }

  /**
   * The dead letter in {@code bytes}.
   *
   * @throws IllegalArgumentException if the bytes are not a version-1 dead letter
   */
  public DeadLetter read(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      byte version = in.readByte();
      if (version != VERSION) {
        throw new IllegalArgumentException("unknown dead-letter encoding version " + version);
      }
      String id = readString(in);
      String destination = readString(in);
      String idempotencyKey = readString(in);
      DeadLetterReason reason = DeadLetterReason.fromWireName(readString(in));
      String detail = readString(in);
      String errorCode = in.readBoolean() ? readString(in) : null;
      int attempts = in.readInt();
      Instant first = readInstant(in);
      Instant last = readInstant(in);
      boolean resolved = in.readBoolean();
      byte[] event = readBytes(in);
      return DeadLetter.builder().id(id).event(serializer.read(event)).destination(destination)
          .idempotencyKey(idempotencyKey).reason(reason).detail(detail).errorCode(errorCode)
          .attempts(attempts).firstAttempt(first).lastAttempt(last).resolved(resolved).build();
    } catch (IOException e) {
      throw new IllegalArgumentException("dead-letter record cut short", e);
    }
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readString(DataInputStream in) throws IOException {
    return new String(readBytes(in), StandardCharsets.UTF_8);
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > in.available()) {
      throw new IOException("implausible length " + length);
    }
    return in.readNBytes(length);
  }

  private static void writeInstant(DataOutputStream out, Instant t) throws IOException {
    out.writeLong(t.getEpochSecond());
    out.writeInt(t.getNano());
  }

  private static Instant readInstant(DataInputStream in) throws IOException {
    return Instant.ofEpochSecond(in.readLong(), in.readInt());
  }
}
