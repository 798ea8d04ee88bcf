package dev.outlane.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outlane.contract.AudienceAction;
import dev.outlane.contract.RetentionEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class IdempotencyKeysTest {
  private static final Instant NOON = Instant.parse("2026-11-29T12:00:00Z");

  private final IdempotencyKeys keys = IdempotencyKeys.create();

  private static RetentionEvent.Builder event() {
    return RetentionEvent.builder()
        .eventId("evt-0001")
        .eventName("cart_abandoned")
        .source("customerio")
        .customerId("cust-42")
        .eventTime(NOON)
        .email("jane.doe@example.com")
        .phone("+16505551212")
        .audience("high_aov_abandoners", AudienceAction.Action.ADD);
  }

  @Test
  void derivationV1IsFrozen() {
    // If this fails, the derivation changed: keys would no longer dedupe against keys made by an
    // earlier release. Bump IdempotencyKeys.VERSION instead of editing these strings.
    // The canonical string (see the class javadoc), hashed outside Java:
    // printf %s '2:v1;6:window;4:meta;7:cust-42;14:cart_abandoned;19:high_aov_abandoners;3:add;5:86400;5:20786;' | sha256sum
    assertThat(keys.keyFor("meta", event().build()))
        .isEqualTo("ol1-3de5c11c9890a7026535eac179411df7f64609b8e533329b01f62a89f92b054e");
    // printf %s '2:v1;10:occurrence;4:meta;10:customerio;8:evt-0001;' | sha256sum
    assertThat(IdempotencyKeys.perOccurrence().keyFor("meta", event().build()))
        .isEqualTo("ol1-666d9dc71f6b4fab66f7e0b231ee7605226b6dbf147ce86b7e61b303a8328c4f");
  }

  @Test
  void theSameInputsGiveTheSameKey() {
    assertThat(IdempotencyKeys.create().keyFor("meta", event().build()))
        .isEqualTo(keys.keyFor("meta", event().build()));
  }

  @Test
  void partsThatDoNotMakeASignalDifferentDoNotChangeTheKey() {
    String key = keys.keyFor("meta", event().build());
    assertThat(keys.keyFor("meta", event().eventId("evt-other").email("x@example.com").phone(null).build()))
        .isEqualTo(key);
    assertThat(keys.keyFor("meta", event().customerId("  cust-42 ").build())).isEqualTo(key);
  }

  @Test
  void eachDifferingPartGivesADifferentKey() {
    List<String> variants =
        List.of(
            keys.keyFor("meta", event().build()),
            keys.keyFor("google", event().build()),
            keys.keyFor("meta", event().customerId("cust-43").build()),
            keys.keyFor("meta", event().eventName("vip_churn_risk").build()),
            keys.keyFor("meta", event().audience("lapsed_60_90", AudienceAction.Action.ADD).build()),
            keys.keyFor("meta", event().audience("high_aov_abandoners", AudienceAction.Action.REMOVE).build()),
            keys.keyFor("meta", event().audience(null).build()),
            keys.keyFor("meta", event().eventTime(NOON.plus(Duration.ofDays(1))).build()),
            IdempotencyKeys.windowed(Duration.ofHours(12)).keyFor("meta", event().build()));
    assertThat(Set.copyOf(variants)).hasSize(variants.size());
  }

  @Test
  void partsCannotCollideBySlidingCharactersBetweenThem() {
    String a = keys.windowKey("meta", "ab", "c", null, NOON);
    String b = keys.windowKey("meta", "a", "bc", null, NOON);
    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void signalsInTheSameWindowBucketDedupeAndTheNextBucketDoesNot() {
    Instant bucketStart = Instant.parse("2026-11-29T00:00:00Z");
    String first = keys.keyFor("meta", event().eventTime(bucketStart).build());
    assertThat(keys.keyFor("meta", event().eventTime(NOON).build())).isEqualTo(first);
    assertThat(keys.keyFor("meta", event().eventTime(Instant.parse("2026-11-29T23:59:59Z")).build()))
        .isEqualTo(first);
    assertThat(keys.keyFor("meta", event().eventTime(Instant.parse("2026-11-30T00:00:00Z")).build()))
        .isNotEqualTo(first);
    assertThat(keys.keyFor("meta", event().eventTime(Instant.parse("2026-11-28T23:59:59Z")).build()))
        .isNotEqualTo(first);
  }

  @Test
  void aConfiguredWindowSetsTheBucketSize() {
    IdempotencyKeys hourly = IdempotencyKeys.builder().window(Duration.ofHours(1)).build();
    assertThat(hourly.window()).isEqualTo(Duration.ofHours(1));
    assertThat(hourly.keyFor("meta", event().eventTime(Instant.parse("2026-11-29T12:59:59Z")).build()))
        .isEqualTo(hourly.keyFor("meta", event().build()));
    assertThat(hourly.keyFor("meta", event().eventTime(Instant.parse("2026-11-29T13:00:00Z")).build()))
        .isNotEqualTo(hourly.keyFor("meta", event().build()));
  }

  @Test
  void timesBefore1970FallIntoTheBucketBelowZero() {
    // With truncating division, -1 s and +1 s would share bucket 0 and wrongly dedupe.
    String justBefore = keys.windowKey("meta", "c", "e", null, Instant.ofEpochSecond(-1));
    String dayBefore = keys.windowKey("meta", "c", "e", null, Instant.ofEpochSecond(-86_400));
    String justAfter = keys.windowKey("meta", "c", "e", null, Instant.ofEpochSecond(1));
    assertThat(justBefore).isEqualTo(dayBefore).isNotEqualTo(justAfter);
    assertThat(keys.windowKey("meta", "c", "e", null, Instant.ofEpochSecond(-86_401))).isNotEqualTo(justBefore);
  }

  @Test
  void perOccurrenceModeUsesTheEventId() {
    IdempotencyKeys occurrence = IdempotencyKeys.builder().mode(IdempotencyKeys.Mode.PER_OCCURRENCE).build();
    assertThat(occurrence.mode()).isEqualTo(IdempotencyKeys.Mode.PER_OCCURRENCE);
    String key = occurrence.keyFor("meta", event().build());
    assertThat(occurrence.keyFor("meta", event().eventTime(NOON.plus(Duration.ofDays(3))).customerId("x").build()))
        .isEqualTo(key);
    assertThat(occurrence.keyFor("meta", event().eventId("evt-0002").build())).isNotEqualTo(key);
    assertThat(occurrence.keyFor("google", event().build())).isNotEqualTo(key);
    assertThat(occurrence.occurrenceKey("meta", "customerio", "evt-0001")).isEqualTo(key);
    assertThat(key).isEqualTo(IdempotencyKeys.perOccurrence().keyFor("meta", event().build()));
  }

  @Test
  void theWindowKeyOfPartsEqualsTheKeyOfTheEvent() {
    assertThat(keys.windowKey("meta", "cust-42", "cart_abandoned",
            new AudienceAction("high_aov_abandoners", AudienceAction.Action.ADD), NOON))
        .isEqualTo(keys.keyFor("meta", event().build()));
  }

  @Test
  void keysFitSegmentsMessageIdLimitAndHoldNoPii() {
    String longId = "c".repeat(10_000);
    Set<String> all =
        Set.of(
            keys.keyFor("meta", event().build()),
            keys.keyFor("segment", event().customerId(longId).eventName("e".repeat(64)).build()),
            IdempotencyKeys.perOccurrence().keyFor("segment", event().eventId("x".repeat(128)).build()));
    for (String key : all) {
      assertThat(key).hasSizeLessThan(100).hasSize(68).matches("ol1-[0-9a-f]{64}");
      assertThat(key).doesNotContain("cust-42").doesNotContain("jane").doesNotContain("6505551212");
    }
  }

  @Test
  void theBuilderRejectsBadWindowsWithExactMessages() {
    assertThatThrownBy(() -> IdempotencyKeys.builder().window(Duration.ofMillis(999)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("window: must be at least 1 second, was PT0.999S");
    assertThatThrownBy(() -> IdempotencyKeys.windowed(Duration.ofMillis(1500)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("window: must be a whole number of seconds, was PT1.5S");
    assertThatThrownBy(() -> IdempotencyKeys.windowed(Duration.ofSeconds(-5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("window: must be at least 1 second, was PT-5S");
  }

  @Test
  void aBlankDestinationIsRejected() {
    assertThatThrownBy(() -> keys.keyFor(" ", event().build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("destination: must not be blank");
  }

  @Test
  void defaultsAreWindowModeWithA24HourWindow() {
    assertThat(keys.mode()).isEqualTo(IdempotencyKeys.Mode.WINDOW);
    assertThat(keys.window()).isEqualTo(Duration.ofHours(24));
    assertThat(keys).hasToString("IdempotencyKeys{mode=WINDOW, windowSeconds=86400}");
  }

  @Test
  void keysAreSpreadEvenlyEnoughToBeUnique() {
    Set<String> distinct =
        java.util.stream.IntStream.range(0, 10_000)
            .mapToObj(i -> keys.windowKey("meta", "cust-" + i, "cart_abandoned", null, NOON))
            .collect(Collectors.toSet());
    assertThat(distinct).hasSize(10_000);
  }
}
