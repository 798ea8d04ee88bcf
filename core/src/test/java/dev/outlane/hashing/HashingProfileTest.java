package dev.outlane.hashing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outlane.identity.Identity;
import dev.outlane.identity.IdentityNormalizer;
import org.junit.jupiter.api.Test;

/**
 * Every expected hash here was computed outside Java, with the shell command in the comment next to
 * it, so a bug shared by the code and the test cannot hide.
 */
class HashingProfileTest {
  // printf %s '16505551212' | sha256sum
  static final String SHA_16505551212 = "e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176";
  // printf %s '+16505551212' | sha256sum
  static final String SHA_PLUS_16505551212 = "1e231c66011e7a2d867a9cfae267a6aff103cf4913640b6e71a99850fc0ffbc8";
  // printf %s 'johnsmith@gmail.com' | sha256sum
  static final String SHA_JOHNSMITH_GMAIL = "3586de92bb3636d0885a12eff961429a32e4ebd764b96f50d85d016f9338d586";
  // printf %s 'john.smith+promo@gmail.com' | sha256sum
  static final String SHA_JOHN_SMITH_PROMO_GMAIL = "bf76de1a7b58966a1a636ee208f34a243f0f24c29b3d1163b6e0d14c0cfadfee";
  // printf %s 'johnsmith@googlemail.com' | sha256sum
  static final String SHA_JOHNSMITH_GOOGLEMAIL = "b1dd4aa5ffe1507d6883708fdf4f7a88d176b107097b541c6975a70e2b8ffbb8";
  // printf %s 'john.smith+promo@example.com' | sha256sum
  static final String SHA_JOHN_SMITH_PROMO_EXAMPLE = "cf991dc7a38547c40e823984e6dd72e2dfe151c5546ad4a135e193e898d7b613";
  // printf %s 'john.smith@example.com' | sha256sum
  static final String SHA_JOHN_SMITH_EXAMPLE = "8e621e3d0368631d263d07a351fa8d34fba0d17c15fbcdec11a5f58008d022a0";
  // printf %s '+447911123456' | sha256sum
  static final String SHA_PLUS_447911123456 = "20b18ac9de7b3aad174961827d8e451c410af9aedfd1d699927f4b29b81aa1fa";
  // printf %s '447911123456' | sha256sum
  static final String SHA_447911123456 = "40b5c38342a9c584ec707e8679b003f8c779c6aaa138c976ef94e049cc05208f";

  private final IdentityNormalizer normalizer = IdentityNormalizer.create();

  @Test
  void sha256HexMatchesTheShell() {
    assertThat(Sha256.hex("john.smith@example.com")).isEqualTo(SHA_JOHN_SMITH_EXAMPLE);
  }

  @Test
  void metaHashesThePhoneAsDigitsWithoutPlus() {
    String e164 = normalizer.normalizePhone("+1 (650) 555-1212");
    assertThat(e164).isEqualTo("+16505551212");
    assertThat(HashingProfile.META.formatPhone(e164)).isEqualTo("16505551212");
    assertThat(HashingProfile.META.hashPhone(e164)).isEqualTo(SHA_16505551212);
    assertThat(HashingProfile.META.hashPhone("+447911123456")).isEqualTo(SHA_447911123456);
  }

  @Test
  void metaStripsPunctuationAndLeadingZerosFromPhonesNotYetInE164() {
    assertThat(HashingProfile.META.formatPhone("+1 (650) 555-1212")).isEqualTo("16505551212");
    assertThat(HashingProfile.META.formatPhone("0016505551212")).isEqualTo("16505551212");
  }

  @Test
  void metaHashesTheEmailAsNormalized() {
    String email = normalizer.normalizeEmail(" John.Smith+promo@Example.com ");
    assertThat(HashingProfile.META.formatEmail(email)).isEqualTo("john.smith+promo@example.com");
    assertThat(HashingProfile.META.hashEmail(email)).isEqualTo(SHA_JOHN_SMITH_PROMO_EXAMPLE);
    // Gmail canonicalization is Google's rule only.
    assertThat(HashingProfile.META.hashEmail("john.smith+promo@gmail.com")).isEqualTo(SHA_JOHN_SMITH_PROMO_GMAIL);
  }

  @Test
  void googleDropsDotsAndPlusSuffixForGmail() {
    String email = normalizer.normalizeEmail("John.Smith+promo@Gmail.com");
    assertThat(HashingProfile.GOOGLE.formatEmail(email)).isEqualTo("johnsmith@gmail.com");
    assertThat(HashingProfile.GOOGLE.hashEmail(email)).isEqualTo(SHA_JOHNSMITH_GMAIL);
  }

  @Test
  void googleDropsDotsAndPlusSuffixForGooglemailToo() {
    String email = normalizer.normalizeEmail("J.o.h.n.Smith+a+b@GoogleMail.com");
    assertThat(HashingProfile.GOOGLE.formatEmail(email)).isEqualTo("johnsmith@googlemail.com");
    assertThat(HashingProfile.GOOGLE.hashEmail(email)).isEqualTo(SHA_JOHNSMITH_GOOGLEMAIL);
  }

  @Test
  void googleKeepsDotsAndPlusForOtherDomains() {
    assertThat(HashingProfile.GOOGLE.formatEmail("john.smith+promo@example.com"))
        .isEqualTo("john.smith+promo@example.com");
    assertThat(HashingProfile.GOOGLE.hashEmail("john.smith+promo@example.com"))
        .isEqualTo(SHA_JOHN_SMITH_PROMO_EXAMPLE);
    // A look-alike domain is not gmail.
    assertThat(HashingProfile.GOOGLE.formatEmail("john.smith@gmail.com.evil.io"))
        .isEqualTo("john.smith@gmail.com.evil.io");
  }

  @Test
  void googleRemovesAllWhitespace() {
    assertThat(HashingProfile.GOOGLE.formatEmail(" john.smith @ gmail.com\t")).isEqualTo("johnsmith@gmail.com");
  }

  @Test
  void googleHashesThePhoneInE164WithPlus() {
    assertThat(HashingProfile.GOOGLE.formatPhone("+16505551212")).isEqualTo("+16505551212");
    assertThat(HashingProfile.GOOGLE.hashPhone("+16505551212")).isEqualTo(SHA_PLUS_16505551212);
  }

  @Test
  void tiktokKeepsThePlusByDefault() {
    assertThat(HashingProfile.TIKTOK.phoneKeepsPlus()).isTrue();
    assertThat(HashingProfile.tiktok(true)).isSameAs(HashingProfile.TIKTOK);
    assertThat(HashingProfile.TIKTOK.hashPhone("+447911123456")).isEqualTo(SHA_PLUS_447911123456);
    assertThat(HashingProfile.TIKTOK.hashEmail("john.smith@example.com")).isEqualTo(SHA_JOHN_SMITH_EXAMPLE);
  }

  @Test
  void tiktokCanDropThePlus() {
    HashingProfile noPlus = HashingProfile.tiktok(false);
    assertThat(noPlus.phoneKeepsPlus()).isFalse();
    assertThat(noPlus.name()).isEqualTo("tiktok");
    assertThat(noPlus.hashPhone("+447911123456")).isEqualTo(SHA_447911123456);
    assertThat(noPlus).isNotEqualTo(HashingProfile.TIKTOK);
  }

  @Test
  void anAlreadyHashedValueIsPassedThroughLowerCased() {
    String upper = SHA_JOHN_SMITH_EXAMPLE.toUpperCase();
    for (HashingProfile profile : new HashingProfile[] {HashingProfile.META, HashingProfile.GOOGLE, HashingProfile.TIKTOK}) {
      assertThat(profile.passThroughHashed()).isTrue();
      assertThat(profile.hashEmail(upper)).isEqualTo(SHA_JOHN_SMITH_EXAMPLE);
      assertThat(profile.hashPhone(SHA_16505551212)).isEqualTo(SHA_16505551212);
    }
  }

  @Test
  void anAlreadyHashedValueIsHashedAgainWhenPassThroughIsOff() {
    HashingProfile strict = HashingProfile.META.withPassThroughHashed(false);
    assertThat(strict.passThroughHashed()).isFalse();
    // printf %s '8e621e3d0368631d263d07a351fa8d34fba0d17c15fbcdec11a5f58008d022a0' | sha256sum
    assertThat(strict.hashEmail(SHA_JOHN_SMITH_EXAMPLE))
        .isEqualTo("b6c5636426aba211fb96534131504222694576f2339125156c4f63d799d20501");
    assertThat(strict).isNotEqualTo(HashingProfile.META);
    assertThat(strict.withPassThroughHashed(true)).isEqualTo(HashingProfile.META);
  }

  @Test
  void looksHashedNeedsExactly64HexDigits() {
    assertThat(Sha256.looksHashed(SHA_16505551212)).isTrue();
    assertThat(Sha256.looksHashed(SHA_16505551212.toUpperCase())).isTrue();
    assertThat(Sha256.looksHashed(SHA_16505551212.substring(1))).isFalse();
    assertThat(Sha256.looksHashed(SHA_16505551212 + "0")).isFalse();
    assertThat(Sha256.looksHashed(SHA_16505551212.substring(1) + "g")).isFalse();
  }

  @Test
  void hashesAWholeIdentityAndKeepsTheCustomerIdAsExternalId() {
    Identity identity = normalizer.normalize("cust-7", "John.Smith+promo@Gmail.com", "+1 (650) 555-1212");
    assertThat(HashingProfile.META.hash(identity))
        .isEqualTo(new HashedIdentity("meta", "cust-7", SHA_JOHN_SMITH_PROMO_GMAIL, SHA_16505551212));
    assertThat(HashingProfile.GOOGLE.hash(identity))
        .isEqualTo(new HashedIdentity("google", "cust-7", SHA_JOHNSMITH_GMAIL, SHA_PLUS_16505551212));
    assertThat(HashingProfile.TIKTOK.hash(identity))
        .isEqualTo(new HashedIdentity("tiktok", "cust-7", SHA_JOHN_SMITH_PROMO_GMAIL, SHA_PLUS_16505551212));
  }

  @Test
  void hashesOnlyTheIdentifiersPresent() {
    assertThat(HashingProfile.META.hash(new Identity("cust-7", null, null)))
        .isEqualTo(new HashedIdentity("meta", "cust-7", null, null));
  }

  @Test
  void hashedIdentityToStringHoldsNoRawEmailOrPhone() {
    Identity identity = normalizer.normalize("cust-7", "john.smith@example.com", "+1 (650) 555-1212");
    assertThat(HashingProfile.META.hash(identity).toString())
        .doesNotContain("john")
        .doesNotContain("6505551212");
  }

  @Test
  void namedFindsEachBuiltInProfile() {
    assertThat(HashingProfile.named("meta")).isSameAs(HashingProfile.META);
    assertThat(HashingProfile.named("Google")).isSameAs(HashingProfile.GOOGLE);
    assertThat(HashingProfile.named(" TIKTOK ")).isSameAs(HashingProfile.TIKTOK);
  }

  @Test
  void namedRejectsAnUnknownProfileListingTheKnownOnes() {
    assertThatThrownBy(() -> HashingProfile.named("linkedin"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("profile: unknown hashing profile \"linkedin\" (known: meta, google, tiktok)");
    assertThatThrownBy(() -> HashingProfile.named(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("profile: unknown hashing profile \"\" (known: meta, google, tiktok)");
  }

  @Test
  void profileToStringNamesItsRules() {
    assertThat(HashingProfile.GOOGLE)
        .hasToString("HashingProfile{google, phone=E164_WITH_PLUS, gmail=true, passThroughHashed=true}");
  }
}
