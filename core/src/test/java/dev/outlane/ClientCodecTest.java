package dev.outlane;

import static dev.outlane.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.contract.EventCodec;
import dev.outlane.contract.ParseResult;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.destination.Channel;
import dev.outlane.identity.IdentityNormalizer;
import dev.outlane.routing.Route;
import dev.outlane.testing.FakeDestination;
import dev.outlane.testing.ManualScheduler;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Issue 9: one region setting holds end to end, from reading JSON to submitting it. */
class ClientCodecTest {
  private static final String GB_EVENT =
      "{\"schema_version\":\"1.0\",\"event_id\":\"evt_1\",\"event_name\":\"cart_abandoned\","
          + "\"source\":\"customerio\",\"customer_id\":\"cus_1\",\"event_time\":\"" + T0 + "\","
          + "\"phone\":\"020 7946 0018\"}";

  private final ManualScheduler time = new ManualScheduler(T0);

  @Test
  void theClientsCodecReadsWithTheClientsRegionSoWhatItParsesTheClientAccepts() {
    IdentityNormalizer gb = IdentityNormalizer.builder().defaultRegion("GB").build();
    FakeDestination sms = FakeDestination.builder("sms").channel(Channel.SMS).clock(time.clock()).build();
    try (Outlane outlane = Outlane.builder().scheduler(time).clock(time.clock()).identityNormalizer(gb)
        .destination(sms).route(Route.builder().event("cart_abandoned").to("sms").build()).build()) {
      EventCodec codec = outlane.codec();
      assertThat(codec.identityNormalizer()).isSameAs(gb);
      ParseResult parsed = codec.parse(GB_EVENT);
      assertThat(parsed.problems()).isEmpty();
      CompletableFuture<SubmitResult> done = outlane.submit(parsed.orThrow()).toCompletableFuture();
      time.runUntilIdle(java.time.Duration.ofMinutes(1));
      assertThat(done.join().allDelivered()).isTrue();
    }
  }

  @Test
  void aCodecCreatedFromANormalizerUsesItAndTheDefaultCodecStaysUs() {
    IdentityNormalizer gb = IdentityNormalizer.builder().defaultRegion("GB").build();
    RetentionEvent event = EventCodec.create(gb).read(GB_EVENT);
    assertThat(event.phone()).isEqualTo("020 7946 0018");
    assertThat(EventCodec.create().parse(GB_EVENT).problems()).map(Problem::toString)
        .containsExactly("$.phone: not a valid phone number for its region");
  }
}
