package dev.outlane.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outlane.Problem;
import dev.outlane.ValidationException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParseResultTest {
  private static final RetentionEvent EVENT =
      RetentionEvent.builder()
          .eventId("e")
          .eventName("n")
          .source("s")
          .customerId("c")
          .eventTime(Instant.EPOCH)
          .build();

  @Test
  void aValidResultHasTheEventAndNoProblems() {
    ParseResult r = ParseResult.valid(EVENT);
    assertThat(r.isValid()).isTrue();
    assertThat(r.problems()).isEmpty();
    assertThat(r.orThrow()).isSameAs(EVENT);
  }

  @Test
  void anInvalidResultThrowsEveryProblemOnDemand() {
    ParseResult r =
        ParseResult.invalid(List.of(new Problem("$.a", "is required"), new Problem("$.b", "is bad")));
    assertThat(r.isValid()).isFalse();
    assertThatThrownBy(r::orThrow)
        .isInstanceOf(ValidationException.class)
        .hasMessage("$.a: is required\n$.b: is bad");
  }

  @Test
  void aResultIsEitherValidOrHasProblemsNeverBothOrNeither() {
    assertThatThrownBy(() -> ParseResult.invalid(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a ParseResult has either an event or at least one problem, not both or neither");
    assertThatThrownBy(() -> new ParseResult(EVENT, List.of(new Problem("$", "x"))))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
