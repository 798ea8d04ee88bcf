package dev.outlane.twilio.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IsoInstantTest {
  @Test
  void formatsLikeIsoInstant() {
    assertThat(IsoInstant.format(Instant.parse("2026-11-29T17:45:30Z"))).isEqualTo("2026-11-29T17:45:30Z");
    assertThat(IsoInstant.format(Instant.parse("2026-11-29T17:45:30.120Z"))).isEqualTo("2026-11-29T17:45:30.120Z");
    assertThat(IsoInstant.format(Instant.parse("1969-12-31T23:59:59.000001Z"))).isEqualTo("1969-12-31T23:59:59.000001Z");
    assertThat(IsoInstant.format(Instant.parse("2000-02-29T00:00:00.000000001Z"))).isEqualTo("2000-02-29T00:00:00.000000001Z");
  }

  @Test
  void agreesWithIsoInstantOnRandomInstantsIncludingOutOfRangeYears() {
    SplittableRandom random = new SplittableRandom(42);
    java.util.List<String> mismatches = new java.util.ArrayList<>();
    for (int i = 0; i < 200_000; i++) {
      long seconds = random.nextLong(-70_000_000_000L, 300_000_000_000L);
      int nanos = switch (i % 4) {
        case 0 -> 0;
        case 1 -> random.nextInt(1000) * 1_000_000;
        case 2 -> random.nextInt(1_000_000) * 1_000;
        default -> random.nextInt(1_000_000_000);
      };
      Instant instant = Instant.ofEpochSecond(seconds, nanos);
      String expected = DateTimeFormatter.ISO_INSTANT.format(instant);
      if (!IsoInstant.format(instant).equals(expected)) {
        mismatches.add(expected);
      }
    }
    assertThat(mismatches).isEmpty();
  }
}
