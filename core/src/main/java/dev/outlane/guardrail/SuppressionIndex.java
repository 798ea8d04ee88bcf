package dev.outlane.guardrail;

import dev.outlane.destination.Channel;
import dev.outlane.identity.Identity;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.apache.commons.codec.digest.DigestUtils;
import org.jspecify.annotations.Nullable;

/**
 * The one place that decides how a person is keyed for suppression, and the in-memory index both
 * {@link InMemorySuppressionStore} and {@link FileSuppressionStore} keep.
 *
 * <p>A person has up to three keys: the SHA-256 of the customer id, of the normalized email and of
 * the E.164 phone, each tagged with what it is (so the same string as an email and as a customer
 * id are different keys). An {@link Identity} whose customer id is empty stands for a person known
 * only by email or phone (a Twilio STOP names only a phone): it has no customer-id key. A person
 * matches a suppression if any of their keys carries the channel, from any source. Raw values are
 * never kept: a key is 1 + 32 bytes.
 *
 * <p><b>Typed.</b> Per key, one {@code int} packs which {@link SuppressionSource} suppressed which
 * {@link Channel}: bit {@code source.ordinal() * CHANNELS + channel.ordinal()} (6 sources × 4
 * channels = 24 bits; a static check refuses more than 31). {@link #lift} clears only one source's
 * bits, so a Customer.io re-subscribe never lifts a Twilio STOP on the same channel.
 *
 * <p><b>Memory.</b> One entry per distinct key that carries a suppression, never evicted: about
 * 116 bytes on a 64-bit JVM with compressed pointers (a {@link Key} object of 48 bytes, a {@link
 * ConcurrentHashMap} node of 32 bytes, its table slot, and the packed bits as an {@link Integer}
 * of 16 bytes, shared from the JDK's cache when below 128, i.e. for SMS-to-ADS suppressions by the
 * first source alone), so about 350 bytes per person suppressed by customer id, email and phone:
 * roughly 350 MB per million people. A key whose every bit is lifted is removed.
 *
 * <p>Thread-safe (a {@link ConcurrentHashMap}; adding and lifting bits is atomic per key).
 */
final class SuppressionIndex {
  /** Bits per source: one per channel. */
  static final int CHANNELS = Channel.values().length;

  static {
    if (CHANNELS * SuppressionSource.values().length > 31) {
      throw new ExceptionInInitializerError("SuppressionIndex packs source x channel into an int: "
          + SuppressionSource.values().length + " sources x " + CHANNELS + " channels do not fit");
    }
  }

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

  /**
   * The keys of {@code identity}: the customer id unless it is empty (a person known only by email
   * or phone), email and phone when present.
   */
  static List<Key> keysOf(Identity identity) {
    List<Key> keys = new ArrayList<>(3);
    if (!identity.customerId().isEmpty()) {
      keys.add(Key.of(CUSTOMER, identity.customerId())); // already trimmed by the normalizer
    }
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

  /** The bits of {@code source} on each of {@code channels}. */
  static int bits(Set<Channel> channels, SuppressionSource source) {
    int bits = 0;
    for (Channel c : channels) {
      bits |= bit(source, c);
    }
    return bits;
  }

  static int bit(SuppressionSource source, Channel channel) {
    return 1 << (source.ordinal() * CHANNELS + channel.ordinal());
  }

  /** The bits of every source on {@code channel}. */
  static int anySource(Channel channel) {
    int bits = 0;
    for (SuppressionSource s : SuppressionSource.values()) {
      bits |= bit(s, channel);
    }
    return bits;
  }

  /** The channels {@code bits} carry, whatever the source. */
  static Set<Channel> channelsOf(int bits) {
    EnumSet<Channel> channels = EnumSet.noneOf(Channel.class);
    for (Channel c : Channel.values()) {
      if ((bits & anySource(c)) != 0) {
        channels.add(c);
      }
    }
    return channels;
  }

  /** The channels {@code source} suppressed in {@code bits}. */
  static Set<Channel> channelsOf(int bits, SuppressionSource source) {
    EnumSet<Channel> channels = EnumSet.noneOf(Channel.class);
    for (Channel c : Channel.values()) {
      if ((bits & bit(source, c)) != 0) {
        channels.add(c);
      }
    }
    return channels;
  }

  /** The sources that set any bit of {@code bits}. */
  static Set<SuppressionSource> sourcesOf(int bits) {
    EnumSet<SuppressionSource> sources = EnumSet.noneOf(SuppressionSource.class);
    for (SuppressionSource s : SuppressionSource.values()) {
      int all = ((1 << CHANNELS) - 1) << (s.ordinal() * CHANNELS);
      if ((bits & all) != 0) {
        sources.add(s);
      }
    }
    return sources;
  }

  /** Whether any of {@code keys} carries {@code channel}, from any source. */
  boolean matches(List<Key> keys, Channel channel) {
    int any = anySource(channel);
    for (Key k : keys) {
      @Nullable Integer m = masks.get(k);
      if (m != null && (m & any) != 0) {
        return true;
      }
    }
    return false;
  }

  /** Whether every one of {@code keys} already carries every bit of {@code bits}. */
  boolean covers(List<Key> keys, int bits) {
    for (Key k : keys) {
      @Nullable Integer m = masks.get(k);
      if (m == null || (m & bits) != bits) {
        return false;
      }
    }
    return true;
  }

  /** Whether any of {@code keys} carries any bit of {@code bits}. */
  boolean intersects(List<Key> keys, int bits) {
    for (Key k : keys) {
      @Nullable Integer m = masks.get(k);
      if (m != null && (m & bits) != 0) {
        return true;
      }
    }
    return false;
  }

  /** Adds {@code bits} to each of {@code keys}. */
  void add(List<Key> keys, int bits) {
    if (bits == 0) {
      return;
    }
    for (Key k : keys) {
      masks.merge(k, bits, (old, add) -> old | add);
    }
  }

  /**
   * Clears {@code bits} on each of {@code keys}, removing keys left with none.
   *
   * @return the bits that were set on at least one key and are now cleared
   */
  int lift(List<Key> keys, int bits) {
    int[] lifted = {0};
    for (Key k : keys) {
      masks.computeIfPresent(k, (key, old) -> {
        lifted[0] |= old & bits;
        int left = old & ~bits;
        return left == 0 ? null : left;
      });
    }
    return lifted[0];
  }

  /** Calls {@code visitor} with every key and its bits; a weakly consistent snapshot. */
  void forEach(BiConsumer<Key, Integer> visitor) {
    masks.forEach(visitor);
  }

  int size() {
    return masks.size();
  }
}
