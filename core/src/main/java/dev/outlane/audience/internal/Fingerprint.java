package dev.outlane.audience.internal;

import org.jspecify.annotations.Nullable;

/**
 * A cheap 64-bit fingerprint of a member's raw email and phone (FNV-1a over the UTF-16 chars, then
 * MurmurHash3's fmix64 finalizer). If it equals the one stored in the snapshot, the raw values are
 * (with overwhelming probability) unchanged and the stored hashes are reused without normalizing:
 * phone parsing costs microseconds, this costs nanoseconds. Not a security boundary. Stateless.
 */
public final class Fingerprint {
  private static final long OFFSET = 0xcbf29ce484222325L;
  private static final long PRIME = 0x100000001b3L;

  private Fingerprint() {}

  public static long of(@Nullable String email, @Nullable String phone) {
    long h = OFFSET;
    h = add(h, email);
    h = (h ^ 0x1F) * PRIME;
    h = add(h, phone);
    return fmix64(h);
  }

  /**
   * The same fingerprint as {@link #of(String, String)} for values held in a char array: the email
   * at {@code a[emailOff..emailOff+emailLen)}, the phone likewise; a length of -1 is an absent value.
   */
  public static long of(char[] a, int emailOff, int emailLen, int phoneOff, int phoneLen) {
    long h = OFFSET;
    h = add(h, a, emailOff, emailLen);
    h = (h ^ 0x1F) * PRIME;
    h = add(h, a, phoneOff, phoneLen);
    return fmix64(h);
  }

  private static long add(long h, char[] a, int off, int len) {
    if (len < 0) {
      return (h ^ 0x10000) * PRIME;
    }
    for (int i = off, end = off + len; i < end; i++) {
      h = (h ^ a[i]) * PRIME;
    }
    return h;
  }

  private static long add(long h, @Nullable String s) {
    if (s == null) {
      return (h ^ 0x10000) * PRIME; // distinct from "" and from any char
    }
    for (int i = 0; i < s.length(); i++) {
      h = (h ^ s.charAt(i)) * PRIME;
    }
    return h;
  }

  private static long fmix64(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }
}
