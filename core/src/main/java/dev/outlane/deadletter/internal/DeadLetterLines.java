package dev.outlane.deadletter.internal;

import dev.outlane.deadletter.DeadLetter;
import dev.outlane.hashing.Sha256;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * One line per dead letter, for {@code outlane dead-letters list}: everything an operator needs to
 * pick records to replay, and no raw PII. The person appears as their {@code customer_id} plus the
 * first 8 hex digits of the SHA-256 of their trimmed, lower-cased email and phone, enough to match
 * a record against a hashed audience or a support ticket without printing either. Thread-safe.
 *
 * <pre>
 * dl-1764403200000-00002a twilio-sms rejected code=21211 attempts=3
 *   first=2026-11-29T18:00:00Z last=2026-11-29T18:01:30Z customer=cust-1 email#=3f2a9c1b phone#=-
 *   event=evt-1 cart_abandoned key=idem-1 resolved=no detail="HTTP 400 from twilio-sms"
 * </pre>
 * (on one line).
 */
public final class DeadLetterLines {
  private DeadLetterLines() {}

  /** The listing line for {@code d}. */
  public static String line(DeadLetter d) {
    return d.id()
        + " " + d.destination()
        + " " + d.reason().wireName()
        + " code=" + (d.errorCode() == null ? "-" : d.errorCode())
        + " attempts=" + d.attempts()
        + " first=" + d.firstAttempt()
        + " last=" + d.lastAttempt()
        + " customer=" + d.event().customerId()
        + " email#=" + hashPrefix(d.event().email())
        + " phone#=" + hashPrefix(d.event().phone())
        + " event=" + d.event().eventId() + " " + d.event().eventName()
        + " key=" + d.idempotencyKey()
        + " resolved=" + (d.resolved() ? "yes" : "no")
        + " detail=\"" + d.detail().replace("\"", "'").replace('\n', ' ') + "\"";
  }

  /** The first 8 hex digits of the SHA-256 of the trimmed, lower-cased value, or {@code -}. */
  static String hashPrefix(@Nullable String raw) {
    if (raw == null || raw.isBlank()) {
      return "-";
    }
    return Sha256.hex(raw.strip().toLowerCase(Locale.ROOT)).substring(0, 8);
  }
}
