package dev.outlane.twilio.inbound;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code I-Twilio-Idempotency-Token}s of requests already acted on, so a retry of one acts
 * once. Bounded: the oldest token is forgotten when {@code capacity} is reached (Twilio retries
 * within seconds to minutes; a retry arriving after {@code capacity} newer requests acts again,
 * which for an opt-out is harmless: the suppression is already there and the removes are keyed by
 * {@code MessageSid}). In memory only: a restart forgets them, with the same harmless effect.
 * Thread-safe (synchronized; a few map operations per request).
 */
final class RecentTokens {
  private final Map<String, Boolean> seen;

  RecentTokens(int capacity) {
    this.seen = new LinkedHashMap<>(16, 0.75f, false) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
        return size() > capacity;
      }
    };
  }

  synchronized boolean contains(String token) {
    return seen.containsKey(token);
  }

  synchronized void add(String token) {
    seen.put(token, Boolean.TRUE);
  }
}
