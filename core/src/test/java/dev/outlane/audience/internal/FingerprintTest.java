package dev.outlane.audience.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class FingerprintTest {

  private static long fromArray(String prefix, @Nullable String email, @Nullable String phone) {
    String e = email == null ? "" : email;
    String p = phone == null ? "" : phone;
    char[] a = (prefix + e + p + "tail").toCharArray();
    int eOff = prefix.length();
    return Fingerprint.of(a, eOff, email == null ? -1 : e.length(), eOff + e.length(), phone == null ? -1 : p.length());
  }

  @Test
  void theCharArrayFormGivesTheFingerprintStoredInExistingSnapshots() {
    String[][] cases = {
        {"user1@example.com", "(650) 253-0000"}, {null, "+16502530000"}, {"a@b.c", null}, {null, null},
        {"", ""}, {"", null}, {null, ""}, {"jürgen@exämple.de", "+49 30 123456"}, {"😀@x.io", "0"},
    };
    for (String[] c : cases) {
      assertThat(fromArray("customer-1", c[0], c[1])).isEqualTo(Fingerprint.of(c[0], c[1]));
    }
  }

  @Test
  void anAbsentValueDiffersFromAnEmptyOneAndEmailFromPhone() {
    assertThat(Fingerprint.of(null, "x")).isNotEqualTo(Fingerprint.of("", "x"));
    assertThat(Fingerprint.of("x", null)).isNotEqualTo(Fingerprint.of(null, "x"));
    // a value from before this release: fingerprints must never change, or every member is normalized again
    assertThat(Fingerprint.of("user1@example.com", "(650) 253-0000")).isEqualTo(fnvThenFmix("user1@example.com", "(650) 253-0000"));
  }

  /** The documented algorithm, written out: FNV-1a over UTF-16 chars, a separator, then fmix64. */
  private static long fnvThenFmix(String email, String phone) {
    long h = 0xcbf29ce484222325L;
    for (char ch : email.toCharArray()) {
      h = (h ^ ch) * 0x100000001b3L;
    }
    h = (h ^ 0x1F) * 0x100000001b3L;
    for (char ch : phone.toCharArray()) {
      h = (h ^ ch) * 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
