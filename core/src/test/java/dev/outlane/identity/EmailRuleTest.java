package dev.outlane.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.outlane.Problem;
import dev.outlane.ValidationException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Issue 10.8: invisible and broken characters are refused, and normalizing is idempotent. */
class EmailRuleTest {
  private final IdentityNormalizer normalizer = IdentityNormalizer.create();

  private String reason(String raw) {
    ValidationException e = catchThrowableOfType(ValidationException.class, () -> normalizer.normalizeEmail(raw));
    assertThat(e).as("expected %s to be refused", raw).isNotNull();
    assertThat(e.problems()).extracting(Problem::path).containsExactly("$.email");
    return e.problems().get(0).reason();
  }

  @ParameterizedTest(name = "[{index}] U+{0}: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "0000 | contains a control character",
        "0007 | contains a control character",
        "007F | contains a control character",
        "0085 | contains a control character",
        "0090 | contains a control character",
        "200B | contains an invisible format character (zero-width, BOM, soft hyphen or bidi control)",
        "200D | contains an invisible format character (zero-width, BOM, soft hyphen or bidi control)",
        "FEFF | contains an invisible format character (zero-width, BOM, soft hyphen or bidi control)",
        "00AD | contains an invisible format character (zero-width, BOM, soft hyphen or bidi control)",
        "202E | contains an invisible format character (zero-width, BOM, soft hyphen or bidi control)",
        "2066 | contains an invisible format character (zero-width, BOM, soft hyphen or bidi control)",
        "D800 | contains an unpaired UTF-16 surrogate",
        "DFFF | contains an unpaired UTF-16 surrogate",
        "FFFD | contains U+FFFD, the replacement for bytes that were not valid text",
      })
  void aCharacterThatHidesOrBreaksTextIsRefusedInsideAnEmail(String hex, String expected) {
    char c = (char) Integer.parseInt(hex, 16);
    assertThat(reason("maya" + c + "@example.com")).isEqualTo(expected);
    assertThat(reason("maya@exa" + c + "mple.com")).isEqualTo(expected);
  }

  @ParameterizedTest(name = "[{index}] U+{0}")
  @CsvSource({"FEFF", "200B", "0000"})
  void anInvisibleCharacterAtEitherEndIsRefusedToo(String hex) {
    // strip() removes whitespace only: a BOM or NUL in front is not whitespace and is not dropped.
    char c = (char) Integer.parseInt(hex, 16);
    assertThat(reason(c + "maya@example.com")).startsWith("contains");
    assertThat(reason("maya@example.com" + c)).startsWith("contains");
  }

  @org.junit.jupiter.api.Test
  void aTagCharacterOutsideTheBmpIsAFormatCharacterToo() {
    // U+E0041 TAG LATIN CAPITAL LETTER A, category Cf, written as a surrogate pair.
    assertThat(reason("maya" + new String(Character.toChars(0xE0041)) + "@example.com"))
        .isEqualTo("contains an invisible format character (zero-width, BOM, soft hyphen or bidi control)");
    // A visible supplementary character stays allowed (internationalized addresses).
    assertThat(normalizer.normalizeEmail("\uD835\uDC9C@example.com")).isEqualTo("\uD835\uDC9C@example.com");
  }

  @org.junit.jupiter.api.Test
  void aDottedCapitalIFollowedByACombiningMarkNormalizesOnceAndForAll() {
    // İ lower-cases to i + U+0307; with U+0323 after it, NFC reorders and composes on a second
    // pass, which is why the rule runs NFC again after lower-casing.
    String raw = "\u0130\u0323@example.com";
    String once = normalizer.normalizeEmail(raw);
    assertThat(normalizer.normalizeEmail(once)).isEqualTo(once);
    assertThat(once).isEqualTo("\u1ecb\u0307@example.com");
  }

  @Property(tries = 5000)
  void normalizingANormalizedEmailChangesNothing(@ForAll("emails") String raw) {
    String once;
    try {
      once = normalizer.normalizeEmail(raw);
    } catch (ValidationException refused) {
      return;
    }
    assertThat(normalizer.normalizeEmail(once)).isEqualTo(once);
  }

  @Property(tries = 5000)
  void theCanonicalFormIsAFixedPointForAnyString(@ForAll("emails") String raw) {
    String once = IdentityNormalizer.canonicalEmail(raw);
    assertThat(IdentityNormalizer.canonicalEmail(once)).isEqualTo(once);
  }

  /** Local parts and domains full of case, composition and casing traps. */
  @Provide
  Arbitrary<String> emails() {
    Arbitrary<String> tricky =
        Arbitraries.strings()
            .withChars("aAiIzZ\u0130\u0131\u0307\u0323\u0301\u0300\u0345\u03a3\u03c2\u00df\u1e9e\u212a\u212b\u00c5\ufb01\u01c5\u0399\u0308\u1f88")
            .withCharRange('\u0300', '\u036f')
            .withCharRange('\u00c0', '\u017f')
            .withCharRange('\u1e00', '\u1fff')
            .ofMinLength(1)
            .ofMaxLength(8);
    Arbitrary<String> anything = Arbitraries.strings().ofMaxLength(12);
    return Arbitraries.oneOf(
        Combinators.combine(tricky, tricky).as((l, d) -> l + "@" + d + ".com"),
        Combinators.combine(tricky, anything).as((l, d) -> " " + l + "@" + d + ".Org\t"),
        anything);
  }
}
