package dev.outlane.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.outlane.Problem;
import dev.outlane.ValidationException;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IdentityNormalizerTest {
  private final IdentityNormalizer normalizer = IdentityNormalizer.create();

  private static ValidationException rejection(Runnable call) {
    ValidationException e = catchThrowableOfType(ValidationException.class, call::run);
    assertThat(e).as("expected a ValidationException").isNotNull();
    return e;
  }

  @Nested
  class Email {
    @Test
    void isTrimmedAndLowerCased() {
      assertThat(normalizer.normalizeEmail("  John.Smith@Example.COM \t")).isEqualTo("john.smith@example.com");
    }

    @Test
    void isComposedToNfc() {
      // "e" + COMBINING ACUTE ACCENT (NFD) becomes the single code point U+00E9.
      assertThat(normalizer.normalizeEmail("Rene\u0301@example.com")).isEqualTo("ren\u00e9@example.com");
    }

    @Test
    void decomposedAndComposedSpellingsNormalizeToTheSameValue() {
      assertThat(normalizer.normalizeEmail("JOS\u0045\u0301@example.com"))
          .isEqualTo(normalizer.normalizeEmail("jos\u00e9@EXAMPLE.com"));
    }

    @Test
    void isLowerCasedWithTheRootLocaleEvenInATurkishDefaultLocale() {
      Locale saved = Locale.getDefault();
      try {
        Locale.setDefault(Locale.forLanguageTag("tr-TR"));
        // In Turkish, "I".toLowerCase() is a dotless "ı", which would change the hash.
        assertThat(normalizer.normalizeEmail("JIM.SMITH@EXAMPLE.IO")).isEqualTo("jim.smith@example.io");
      } finally {
        Locale.setDefault(saved);
      }
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(
        delimiter = '|',
        value = {
          "''                         | must not be blank",
          "'   '                      | must not be blank",
          "john.smith.example.com     | missing '@'",
          "john@smith@example.com     | more than one '@'",
          "@example.com               | empty local part",
          "john.smith@                | empty domain",
          "john.smith@localhost       | domain has no '.'",
          "john.smith@.example.com    | domain has an empty label",
          "john.smith@example.com.    | domain has an empty label",
          "john.smith@example..com    | domain has an empty label",
          "'john smith@example.com'   | contains whitespace",
          "'john@exa\tmple.com'       | contains whitespace",
          "'john\u00a0smith@example.com' | contains whitespace",
          "'john\u2003smith@example.com' | contains whitespace",
        })
    void isRejectedWithAnExactReason(String raw, String reason) {
      ValidationException e = rejection(() -> normalizer.normalizeEmail(raw));
      assertThat(e.problems()).containsExactly(new Problem("$.email", reason));
      assertThat(e).hasMessage("$.email: " + reason);
      if (!raw.isBlank()) {
        assertThat(e.getMessage()).doesNotContain(raw.strip());
      }
    }

    @Test
    void ofExactly254CharactersIsAccepted() {
      String email = "a".repeat(254 - "@example.com".length()) + "@example.com";
      assertThat(normalizer.normalizeEmail(email)).hasSize(254);
    }

    @Test
    void longerThan254CharactersIsRejected() {
      String email = "a".repeat(255 - "@example.com".length()) + "@example.com";
      ValidationException e = rejection(() -> normalizer.normalizeEmail(email));
      assertThat(e).hasMessage("$.email: longer than 254 characters");
    }

    @Test
    void lengthIsCheckedAfterTrimming() {
      String email = "a".repeat(254 - "@example.com".length()) + "@example.com";
      assertThat(normalizer.normalizeEmail("   " + email + "   ")).isEqualTo(email);
    }
  }

  @Nested
  class Phone {
    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(
        delimiter = '|',
        value = {
          "(650) 555-1212            | +16505551212",
          "650.555.1212              | +16505551212",
          "1 650 555 1212            | +16505551212",
          "+1 (650) 555-1212         | +16505551212",
          "  +1-650-555-1212  \t     | +16505551212",
          "011 44 7911 123456        | +447911123456",
          "+44 7911 123456           | +447911123456",
          "tel:+1-650-555-1212       | +16505551212",
          "tel:+1-650-555-1212;ext=42 | +16505551212",
          "(650) 555-1212 ext. 42    | +16505551212",
          "+1 650 555 1212 x42       | +16505551212",
        })
    void withTheDefaultRegionUsIsNormalizedToE164(String raw, String e164) {
      assertThat(normalizer.normalizePhone(raw)).isEqualTo(e164);
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(
        delimiter = '|',
        value = {
          "07911 123456              | +447911123456",
          "+44 7911 123456           | +447911123456",
          "00 44 7911 123456         | +447911123456",
          "00 1 650 555 1212         | +16505551212",
          "+1 650 555 1212           | +16505551212",
          "020 7946 0018             | +442079460018",
        })
    void withAConfiguredRegionGbUsesGbNationalAndInternationalPrefixes(String raw, String e164) {
      IdentityNormalizer gb = IdentityNormalizer.builder().defaultRegion("gb").build();
      assertThat(gb.defaultRegion()).isEqualTo("GB");
      assertThat(gb.normalizePhone(raw)).isEqualTo(e164);
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(
        delimiter = '|',
        value = {
          "''                    | must not be blank",
          "'  '                  | must not be blank",
          "hello                 | not a phone number",
          "1                     | not a phone number",
          "+999 123 4567         | no valid country code (write it with + or set a default region)",
          "011 12                | too short to be a phone number",
          "+1 650 555 1212 1234 5678 9012 3456 | too long to be a phone number",
          "+1 555 555 1212       | not a valid phone number for its region",
          "(650) 555-121         | not a valid phone number for its region",
          "+44 7911 12345        | not a valid phone number for its region",
        })
    void thatIsNotValidIsRejectedWithAReason(String raw, String reason) {
      ValidationException e = rejection(() -> normalizer.normalizePhone(raw));
      assertThat(e.problems()).containsExactly(new Problem("$.phone", reason));
      assertThat(e).hasMessage("$.phone: " + reason);
      String digits = raw.replaceAll("[^0-9]", "");
      if (digits.length() >= 3) {
        assertThat(e.getMessage()).doesNotContain(raw.strip()).doesNotContain(digits);
      }
    }

    @Test
    void thatIsPossibleButNotValidIsAcceptedInLenientMode() {
      IdentityNormalizer lenient = IdentityNormalizer.builder().lenientPhone(true).build();
      assertThat(lenient.lenientPhone()).isTrue();
      // 555 is not an assigned area code, but the number has the right length.
      assertThat(lenient.normalizePhone("+1 555 555 1212")).isEqualTo("+15555551212");
    }

    @Test
    void thatIsNotEvenPossibleIsRejectedInLenientMode() {
      IdentityNormalizer lenient = IdentityNormalizer.builder().lenientPhone(true).build();
      ValidationException e = rejection(() -> lenient.normalizePhone("+1 650 555 12"));
      assertThat(e).hasMessage("$.phone: not a possible phone number for its region");
    }

    @Test
    void withoutACountryCodeNeedsADefaultRegionThatKnowsIt() {
      IdentityNormalizer gb = IdentityNormalizer.builder().defaultRegion("GB").build();
      // Read with the GB default, a US national spelling is not a valid GB number.
      ValidationException e = rejection(() -> gb.normalizePhone("(650) 555-1212"));
      assertThat(e).hasMessage("$.phone: not a valid phone number for its region");
    }
  }

  @Nested
  class PhoneCache {
    @Test
    void givesTheSameResultsAsNoCache() {
      IdentityNormalizer cached = IdentityNormalizer.builder().phoneCacheSize(4).build();
      assertThat(cached.phoneCacheSize()).isEqualTo(4);
      for (int round = 0; round < 3; round++) {
        assertThat(cached.normalizePhone("(650) 555-1212")).isEqualTo("+16505551212");
        assertThat(cached.normalizePhone("+44 7911 123456")).isEqualTo("+447911123456");
        for (int i = 0; i < 10; i++) {
          assertThat(cached.normalizePhone("(650) 555-12" + (10 + i))).isEqualTo("+165055512" + (10 + i));
        }
        ValidationException e = rejection(() -> cached.normalizePhone("+1 555 555 1212"));
        assertThat(e).hasMessage("$.phone: not a valid phone number for its region");
      }
    }

    @Test
    void isOffByDefault() {
      assertThat(IdentityNormalizer.create().phoneCacheSize()).isZero();
    }

    @ParameterizedTest
    @CsvSource({"-1", "1", "1048577"})
    void sizeOutOfRangeIsRejectedByTheBuilder(int size) {
      assertThatThrownBy(() -> IdentityNormalizer.builder().phoneCacheSize(size))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("phoneCacheSize: must be 0 (off) or between 2 and 1048576, was " + size);
    }
  }

  @Nested
  class CustomerId {
    @Test
    void isTrimmed() {
      assertThat(normalizer.normalizeCustomerId("  cust-42 \n")).isEqualTo("cust-42");
    }

    @Test
    void mustNotBeBlank() {
      ValidationException e = rejection(() -> normalizer.normalizeCustomerId(" \t "));
      assertThat(e).hasMessage("$.customer_id: must not be blank");
    }
  }

  @Nested
  class AllAtOnce {
    @Test
    void normalizesEveryFieldGiven() {
      Identity identity = normalizer.normalize(" cust-1 ", " Jane@Example.com", "(650) 555-1212");
      assertThat(identity).isEqualTo(new Identity("cust-1", "jane@example.com", "+16505551212"));
    }

    @Test
    void leavesAbsentFieldsNull() {
      assertThat(normalizer.normalize("cust-1", null, null)).isEqualTo(new Identity("cust-1", null, null));
    }

    @Test
    void reportsEveryProblemInOneException() {
      ValidationException e =
          rejection(() -> normalizer.normalize("  ", "jane.doe@@example.com", "+1 555 555 1212"));
      assertThat(e.problems())
          .containsExactly(
              new Problem("$.customer_id", "must not be blank"),
              new Problem("$.email", "more than one '@'"),
              new Problem("$.phone", "not a valid phone number for its region"));
      assertThat(e)
          .hasMessage(
              "$.customer_id: must not be blank\n"
                  + "$.email: more than one '@'\n"
                  + "$.phone: not a valid phone number for its region");
      assertThat(e.getMessage()).doesNotContain("jane.doe").doesNotContain("5551212");
    }

    @Test
    void reportsOnlyTheFieldsThatAreWrong() {
      ValidationException e = rejection(() -> normalizer.normalize("cust-1", "jane@example.com", "nope"));
      assertThat(e.problems()).containsExactly(new Problem("$.phone", "not a phone number"));
    }
  }

  @Test
  void identityToStringNeverPrintsTheEmailOrPhone() {
    Identity identity = normalizer.normalize("cust-1", "jane.doe@example.com", "(650) 555-1212");
    assertThat(identity.toString())
        .isEqualTo("Identity{customerId=cust-1, email=<redacted>, phone=<redacted>}")
        .doesNotContain("jane")
        .doesNotContain("6505551212");
    assertThat(new Identity("cust-1", null, null).toString())
        .isEqualTo("Identity{customerId=cust-1, email=null, phone=null}");
  }

  @Test
  void normalizerToStringShowsItsConfiguration() {
    assertThat(IdentityNormalizer.builder().defaultRegion("GB").phoneCacheSize(100).build())
        .hasToString("IdentityNormalizer{defaultRegion=GB, lenientPhone=false, phoneCacheSize=100}");
  }

  @Test
  void anUnknownDefaultRegionIsRejectedByTheBuilder() {
    assertThatThrownBy(() -> IdentityNormalizer.builder().defaultRegion("XX"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("defaultRegion: not a supported region: \"XX\"");
  }

  @Test
  void aNumberOfMoreThanFifteenDigitsIsRefusedEvenWhereLibphonenumberCallsItValid() {
    String reason = "more than 15 digits with the country code (E.164 allows at most 15)";
    for (IdentityNormalizer n :
        List.of(
            IdentityNormalizer.create(),
            IdentityNormalizer.builder().defaultRegion("DE").build(),
            IdentityNormalizer.builder().lenientPhone(true).build())) {
      ValidationException e = rejection(() -> n.normalizePhone("+4942004079460018"));
      assertThat(e.problems()).extracting(p -> p.path() + ": " + p.reason()).containsExactly("$.phone: " + reason);
    }
    // Fifteen digits is the longest accepted.
    String fifteen = IdentityNormalizer.builder().lenientPhone(true).build().normalizePhone("+494200407946001");
    assertThat(fifteen).isEqualTo("+494200407946001");
  }

  @Test
  void aLenientNumberWhoseE164FormReadsBackAsAnotherNumberIsRefused() {
    // Found by the million-case fuzz run: libphonenumber strips "121" inside this one, and the
    // result "+86094293213" would normalize again to "+8694293213".
    IdentityNormalizer lenient = IdentityNormalizer.builder().lenientPhone(true).build();
    ValidationException e = rejection(() -> lenient.normalizePhone("+8612107094293213"));
    assertThat(e.problems()).extracting(p -> p.path() + ": " + p.reason())
        .containsExactly("$.phone: ambiguous: its E.164 form reads back as a different number");
    assertThat(lenient.normalizePhone("+44 20 7946 0018")).isEqualTo("+442079460018");
  }

  @Test
  void aPersonKnownOnlyByPhoneOrEmailHasAnEmptyCustomerIdAndEveryProblemIsStillReported() {
    assertThat(normalizer.normalizeAnyOf(null, null, "(415) 555-0123"))
        .isEqualTo(new Identity("", null, "+14155550123"));
    assertThat(normalizer.normalizeAnyOf(" c-1 ", "Ada@Example.com", null))
        .isEqualTo(new Identity("c-1", "ada@example.com", null));
    assertThatThrownBy(() -> normalizer.normalizeAnyOf(null, "not-an-email", "12"))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.problems())
            .extracting(Problem::path).containsExactly("$.email", "$.phone"));
  }
}
