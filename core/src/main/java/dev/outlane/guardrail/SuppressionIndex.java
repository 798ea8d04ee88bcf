package dev.outlane.guardrail;

import dev.outlane.destination.Channel;
import dev.outlane.identity.Identity;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.commons.codec.digest.DigestUtils;
import org.jspecify.annotations.Nullable;

/**
 * The one place that decides how a person is keyed for suppression, and the in-memory index both
 * {@link InMemorySuppressionStore} and {@link FileSuppressionStore} keep.
 *
 * <p>A person has up to three keys: the SHA-256 of the customer id, of the normalized email and of
 * the E.164 phone, each tagged with what it is (so the same string as an email and as a customer
 * id are different keys). A person matches a suppression if any of their keys carries the channel.
 * Raw values are never kept: a key is 1 + 32 bytes.
 *
 * <p><b>Memory.</b> One entry per distinct key, never evicted: about 100 bytes on a 64-bit JVM
 * with compressed pointers (a {@link Key} object of 48 bytes, a {@link ConcurrentHashMap} node of
 * 32 bytes, its table slot; the channel mask is a cached {@link Integer}), so about 300 bytes per
 * person suppressed by customer id, email and phone: roughly 300 MB per million people.
 *
 * <p>Thread-safe (a {@link ConcurrentHashMap}; merging channels is atomic per key).
 */
final class SuppressionIndex {
  static final byte CUSTOMER = 'c';
  static final byte EMAIL = 'e';
  static final byte PHONE = 'p';
  /** Bytes of a key on disk: the kind, then the 32-byte SHA-256. */
  static final int KEY_BYTES = 1 + 32;

  /**
   * A hashed identifier. Its {@code toString()} shows only the kind and a digest prefix.
   *
   * @param kind {@link #CUSTOMER}, {@link #EMAIL} or {@link #PHONE}
   */
  record Key(byte kind, long h0, long h1, long h2, long h3) {
    static Key of(byte kind, String value) {
      ByteBuffer digest = ByteBuffer.wrap(DigestUtils.sha256(value.getBytes(StandardCharsets.UTF_8)));
      return new Key(kind, digest.getLong(), digest.getLong(), digest.getLong(), digest.getLong());
    }

    /** Reads a key written by {@link #writeTo}. */
    static Key readFrom(ByteBuffer in) {
      return new Key(in.get(), in.getLong(), in.getLong(), in.getLong(), in.getLong());
    }

    void writeTo(ByteBuffer out) {
      out.put(kind).putLong(h0).putLong(h1).putLong(h2).putLong(h3);
    }

    @Override
    public String toString() {
      return (char) kind + ":" + String.format("%016x", h0) + "…";
    }
  }

  private final ConcurrentHashMap<Key, Integer> masks = new ConcurrentHashMap<>();

  /** The keys of {@code identity}: customer id always, email and phone when present. */
  static List<Key> keysOf(Identity identity) {
    List<Key> keys = new ArrayList<>(3);
    keys.add(Key.of(CUSTOMER, identity.customerId())); // already trimmed by the normalizer
    String email = identity.email();
    if (email != null) {
      keys.add(Key.of(EMAIL, email));
    }
    String phone = identity.phoneE164();
    if (phone != null) {
      keys.add(Key.of(PHONE, phone));
    }
    return keys;
  }

  /** The key of a customer id given outside an {@link Identity} (a loaded list): stripped first. */
  static Key customerKey(String customerId) {
    return Key.of(CUSTOMER, customerId.strip());
  }

  static int mask(Set<Channel> channels) {
    int mask = 0;
    for (Channel c : channels) {
      mask |= 1 << c.ordinal();
    }
    return mask;
  }

  /** Whether any of {@code keys} carries {@code channel}. */
  boolean matches(List<Key> keys, Channel channel) {
    int bit = 1 << channel.ordinal();
    for (Key k : keys) {
      @Nullable Integer m = masks.get(k);
      if (m != null && (m & bit) != 0) {
        return true;
      }
    }
    return false;
  }

  /** Whether every one of {@code keys} already carries every channel of {@code mask}. */
  boolean covers(List<Key> keys, int mask) {
    for (Key k : keys) {
      @Nullable Integer m = masks.get(k);
      if (m == null || (m & mask) != mask) {
        return false;
      }
    }
    return true;
  }

  /** Adds the channels of {@code mask} to each of {@code keys}. */
  void add(List<Key> keys, int mask) {
    if (mask == 0) {
      return;
    }
    for (Key k : keys) {
      // Masks are below 2^Channel.values().length (16), so Integer.valueOf returns cached objects.
      masks.merge(k, mask, (old, add) -> old | add);
    }
  }

  int size() {
    return masks.size();
  }
}
