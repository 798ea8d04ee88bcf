package dev.outlane.hashing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.ValidationException;
import dev.outlane.identity.IdentityNormalizer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** normalize → hash is a function of the person, not of the spelling or of how often it runs. */
class NormalizeHashStabilityTest {
  private static final HashingProfile[] PROFILES = {
    HashingProfile.META, HashingProfile.GOOGLE, HashingProfile.TIKTOK, HashingProfile.tiktok(false)
  };

  private final IdentityNormalizer normalizer = IdentityNormalizer.create();

  @Provide
  Arbitrary<String> emails() {
    Arbitrary<String> local = Arbitraries.strings().withChars("abcXYZ.+_-019é\u0301").ofMinLength(1).ofMaxLength(20);
    Arbitrary<String> domain =
        Arbitraries.of("gmail.com", "GoogleMail.com", "example.com", "Ex-ample.co.uk", "exämple.de");
    Arbitrary<String> padding = Arbitraries.of("", " ", "\t", "  ");
    return Combinators.combine(padding, local, domain, padding).as((a, l, d, b) -> a + l + "@" + d + b);
  }

  @Provide
  Arbitrary<String> phones() {
    Arbitrary<String> us = Arbitraries.strings().numeric().ofLength(7).map(s -> "(650) " + s.substring(0, 3) + "-" + s.substring(3));
    Arbitrary<String> gb = Arbitraries.strings().numeric().ofLength(6).map(s -> "+44 7911 " + s);
    Arbitrary<String> any = Arbitraries.strings().withChars("0123456789+-() ").ofMaxLength(18);
    return Arbitraries.oneOf(us, gb, any);
  }

  @Property(tries = 300)
  void hashingAnEmailTwiceGivesTheSameHashAndRenormalizingChangesNothing(@ForAll("emails") String raw) {
    String normalized;
    try {
      normalized = normalizer.normalizeEmail(raw);
    } catch (ValidationException e) {
      return; // Rejections are covered by the example tests.
    }
    assertThat(normalizer.normalizeEmail(normalized)).isEqualTo(normalized);
    for (HashingProfile profile : PROFILES) {
      String hash = profile.hashEmail(normalized);
      assertThat(hash).hasSize(64).matches("[0-9a-f]{64}");
      assertThat(profile.hashEmail(normalizer.normalizeEmail(raw))).isEqualTo(hash);
      assertThat(profile.hashEmail(normalizer.normalizeEmail(normalized))).isEqualTo(hash);
      // An already hashed value passes through unchanged.
      assertThat(profile.hashEmail(hash)).isEqualTo(hash);
    }
  }

  @Property(tries = 300)
  void hashingAPhoneTwiceGivesTheSameHashAndRenormalizingChangesNothing(@ForAll("phones") String raw) {
    String e164;
    try {
      e164 = normalizer.normalizePhone(raw);
    } catch (ValidationException e) {
      return;
    }
    assertThat(e164).matches("\\+[1-9][0-9]{6,14}");
    assertThat(normalizer.normalizePhone(e164)).isEqualTo(e164);
    for (HashingProfile profile : PROFILES) {
      String hash = profile.hashPhone(e164);
      assertThat(profile.hashPhone(normalizer.normalizePhone(raw))).isEqualTo(hash);
      assertThat(profile.hashPhone(normalizer.normalizePhone(e164))).isEqualTo(hash);
      assertThat(hash).isEqualTo(Sha256.hex(profile.phoneKeepsPlus() ? e164 : e164.substring(1)));
    }
  }

  @Property(tries = 200)
  void cachedAndUncachedNormalizersAgree(@ForAll("phones") String raw) {
    IdentityNormalizer cached = IdentityNormalizer.builder().phoneCacheSize(8).build();
    String plain = outcome(normalizer, raw);
    assertThat(outcome(cached, raw)).isEqualTo(plain);
    assertThat(outcome(cached, raw)).isEqualTo(plain);
  }

  private static String outcome(IdentityNormalizer n, String raw) {
    try {
      return n.normalizePhone(raw);
    } catch (ValidationException e) {
      return "rejected: " + e.getMessage();
    }
  }
}
