package dev.outlane.customerio.internal;

import dev.outlane.contract.RetentionEvent;
import dev.outlane.deadletter.DeadLetter;
import dev.outlane.deadletter.DeadLetterReason;
import dev.outlane.deadletter.DeadLetterStore;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keeps input a receiver could not act on in the client's dead-letter store, so an operator can fix
 * it and send it again. The store holds events, so the input travels inside a placeholder event:
 * {@code event_name} {@code refused_input}, {@code source} {@code customerio}, {@code customer_id}
 * {@code unknown}, no email or phone, and the raw body in property {@code refused_body} (UTF-8
 * text; {@code refused_body_base64} when it is not valid UTF-8; cut at 16 KiB with {@code
 * refused_body_truncated: true}, so the placeholder stays inside the 32 KB event limit the store
 * reads back). The dead letter's destination names the endpoint, its reason is {@code rejected},
 * its error code says why and its detail holds only field paths and reasons.
 *
 * <p><b>PII.</b> The body may hold a person's email or phone; it is kept exactly like every other
 * dead-lettered event (owner-only files, sealed when the store has an {@code EncryptionKey}), and
 * nothing of it reaches the detail, the listing line ({@code DeadLetterListing} shows the placeholder
 * customer id {@code unknown}), a {@code toString} or a log. Stateless and thread-safe.
 */
public final class RefusedInput {
  /** Leaves room for escapes and the placeholder's own fields inside the 32 KB event limit. */
  static final int MAX_KEPT_BYTES = 16 * 1024;

  private static final SecureRandom RANDOM = new SecureRandom();

  private RefusedInput() {}

  /**
   * Adds a dead letter for {@code body}.
   *
   * @param endpoint the receiver's endpoint name, used as the dead letter's destination
   * @param key the delivery's dedupe key, or null (then the body's SHA-256 names it)
   * @param errorCode a short code, e.g. {@code invalid_event}
   * @param detail field paths and reasons only, never values
   * @return the dead letter's id
   * @throws RuntimeException whatever the store throws (the caller answers without acting)
   */
  public static String deadLetter(DeadLetterStore store, Clock clock, String endpoint,
      @org.jspecify.annotations.Nullable String key, String errorCode, String detail, byte[] body) {
    Instant now = clock.instant();
    String digest = sha256Hex(body);
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("endpoint", endpoint);
    byte[] kept = body;
    if (body.length > MAX_KEPT_BYTES) {
      int cut = MAX_KEPT_BYTES;
      // Never cut inside a UTF-8 sequence: step back over continuation bytes (10xxxxxx).
      while (cut > 0 && (body[cut] & 0xC0) == 0x80) {
        cut--;
      }
      kept = java.util.Arrays.copyOf(body, cut);
      props.put("refused_body_truncated", true);
      props.put("refused_body_bytes", (long) body.length);
    }
    String text = strictUtf8(kept);
    if (text != null) {
      props.put("refused_body", text);
    } else {
      props.put("refused_body_base64", Base64.getEncoder().encodeToString(kept));
    }
    RetentionEvent placeholder = RetentionEvent.builder()
        .eventId("refused-" + digest.substring(0, 32))
        .eventName("refused_input")
        .source("customerio")
        .customerId("unknown")
        .eventTime(now)
        .properties(props)
        .build();
    // Same form as the store's own ids (dl-<13-digit epoch millis>-<6 hex digits>).
    String id = String.format("dl-%013d-%06x", now.toEpochMilli(), RANDOM.nextInt(1 << 24));
    String d = detail.length() > 1000 ? detail.substring(0, 997) + "..." : detail;
    store.add(DeadLetter.builder()
        .id(id)
        .event(placeholder)
        .destination(endpoint)
        .idempotencyKey(key != null ? key : "sha256-" + digest)
        .reason(DeadLetterReason.REJECTED)
        .errorCode(errorCode)
        .detail(d)
        .attempts(1)
        .firstAttempt(now)
        .lastAttempt(now)
        .build());
    return id;
  }

  private static @org.jspecify.annotations.Nullable String strictUtf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("SHA-256 is required of every JDK", e);
    }
  }
}
