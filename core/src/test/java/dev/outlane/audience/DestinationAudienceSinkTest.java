package dev.outlane.audience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.contract.AudienceAction;
import dev.outlane.destination.Channel;
import dev.outlane.destination.DeliveryItem;
import dev.outlane.destination.Destination;
import dev.outlane.destination.DestinationLimits;
import dev.outlane.destination.Outcome;
import dev.outlane.hashing.HashingProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class DestinationAudienceSinkTest {
  /** Records the items it gets, in requests of at most 2, answering with {@code answer}. */
  static final class RecordingDestination implements Destination {
    final List<List<DeliveryItem>> requests = new ArrayList<>();
    Function<DeliveryItem, Outcome> answer = item -> new Outcome.Delivered(null, 1L, 1L);

    @Override
    public String name() {
      return "recording";
    }

    @Override
    public Channel channel() {
      return Channel.ADS;
    }

    @Override
    public DestinationLimits limits() {
      return DestinationLimits.ofItems(2);
    }

    @Override
    public boolean idempotent() {
      return true;
    }

    @Override
    public HashingProfile hashingProfile() {
      return HashingProfile.META;
    }

    @Override
    public List<Outcome> deliver(List<DeliveryItem> batch) {
      requests.add(batch);
      List<Outcome> out = new ArrayList<>();
      batch.forEach(i -> out.add(answer.apply(i)));
      return out;
    }
  }

  private static final String EMAIL = "a".repeat(64);

  @Test
  void membersBecomeItemsTargetingTheAudienceInRequestsWithinTheDestinationsLimit() {
    RecordingDestination destination = new RecordingDestination();
    DestinationAudienceSink sink = DestinationAudienceSink.of(destination, "2385");

    SinkResult result = sink.send(List.of(new HashedMember("k1", EMAIL, null), new HashedMember("k2", null, EMAIL),
        new HashedMember("k3", EMAIL, EMAIL)), AudienceAction.Action.REMOVE);

    assertThat(result).isEqualTo(SinkResult.accepted(3, 3));
    assertThat(destination.requests).extracting(List::size).containsExactly(2, 1);
    DeliveryItem first = destination.requests.get(0).get(0);
    assertThat(first.target()).isEqualTo("2385");
    assertThat(first.action()).isEqualTo(AudienceAction.Action.REMOVE);
    assertThat(first.hashed().emailSha256()).isEqualTo(EMAIL);
    assertThat(first.hashed().externalId()).isEmpty();
    assertThat(first.idempotencyKey()).isEqualTo("sync-remove-k1");
  }

  @Test
  void aRetryableOutcomeFailsTheBatchRetryablyAndARejectionNeedsAFix() {
    RecordingDestination destination = new RecordingDestination();
    DestinationAudienceSink sink = DestinationAudienceSink.of(destination, "2385");
    destination.answer = item -> Outcome.retryable("rate limited", Duration.ofSeconds(60));
    assertThat(sink.send(List.of(new HashedMember("k1", EMAIL, null)), AudienceAction.Action.ADD))
        .isEqualTo(SinkResult.failed("rate limited", true, Duration.ofSeconds(60)));

    destination.answer = item -> Outcome.rejected("190", "token expired");
    assertThat(sink.send(List.of(new HashedMember("k1", EMAIL, null)), AudienceAction.Action.ADD))
        .isEqualTo(SinkResult.failed("token expired [190]", false, null));
  }
}
