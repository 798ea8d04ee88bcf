package dev.outlane.identity.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** {@link PhoneValidity} must agree with libphonenumber's own {@code isValidNumber}, always. */
class PhoneValidityTest {
  private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

  private final PhoneValidity validity = PhoneValidity.forDefaultMetadata();

  @Test
  void agreesWithLibphonenumberOnEveryExampleNumberOfEveryRegionAndTheirNeighbours() {
    List<PhoneNumber> numbers = new ArrayList<>();
    for (String region : new TreeSet<>(UTIL.getSupportedRegions())) {
      for (PhoneNumberType type : PhoneNumberType.values()) {
        PhoneNumber example = UTIL.getExampleNumberForType(region, type);
        if (example != null) {
          numbers.add(example);
        }
      }
    }
    for (int code : UTIL.getSupportedGlobalNetworkCallingCodes()) {
      PhoneNumber example = UTIL.getExampleNumberForNonGeoEntity(code);
      if (example != null) {
        numbers.add(example);
      }
    }
    assertThat(numbers).hasSizeGreaterThan(1_000);
    int valid = 0;
    int invalid = 0;
    for (PhoneNumber example : numbers) {
      long n = example.getNationalNumber();
      for (long variant : new long[] {n, n + 1, n - 1, n * 10, n / 10, n * 10 + 9, n + 100_000}) {
        PhoneNumber number = new PhoneNumber().mergeFrom(example).setNationalNumber(Math.max(variant, 1));
        boolean expected = UTIL.isValidNumber(number);
        assertThat(validity.isValid(number)).as("+%d %d", number.getCountryCode(), variant).isEqualTo(expected);
        if (expected) {
          valid++;
        } else {
          invalid++;
        }
      }
    }
    // Both answers were exercised many times.
    assertThat(valid).isGreaterThan(1_000);
    assertThat(invalid).isGreaterThan(1_000);
  }

  @Test
  void anUnknownCallingCodeIsNotValid() {
    PhoneNumber number = new PhoneNumber().setCountryCode(999).setNationalNumber(1234567L);
    assertThat(validity.isValid(number)).isFalse();
    assertThat(UTIL.isValidNumber(number)).isFalse();
  }

  @Provide
  Arbitrary<String> regions() {
    Set<String> regions = new TreeSet<>(UTIL.getSupportedRegions());
    return Arbitraries.of(regions);
  }

  @Property(tries = 3_000)
  void agreesWithLibphonenumberOnRandomDigits(
      @ForAll("regions") String region,
      @ForAll("digits") String digits,
      @ForAll boolean international) {
    PhoneNumber number;
    try {
      number = UTIL.parse((international ? "+" : "") + digits, region);
    } catch (NumberParseException e) {
      return;
    }
    assertThat(validity.isValid(number)).isEqualTo(UTIL.isValidNumber(number));
  }

  @Provide
  Arbitrary<String> digits() {
    return Arbitraries.strings().numeric().ofMinLength(3).ofMaxLength(17);
  }
}
