package dev.outlane.deadletter.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.deadletter.DeadLetter;
import dev.outlane.deadletter.DeadLetterReason;
import dev.outlane.hashing.Sha256;
import dev.outlane.journal.TestEvents;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DeadLetterLinesTest {
  private static final Instant T0 = Instant.parse("2026-11-29T18:00:00Z");

  @Test
  void aListingLineShowsTheCustomerAndHashPrefixesButNeverTheRawEmailOrPhone() {
    DeadLetter d = new DeadLetter("dl-1764403200000-00002a", TestEvents.event(7), "twilio-sms",
        "idem-7", DeadLetterReason.REJECTED, "HTTP 400: \"invalid\" To number", "21211", 3, T0,
        T0.plusSeconds(90), false);

    String line = DeadLetterLines.line(d);

    assertThat(line).isEqualTo("dl-1764403200000-00002a twilio-sms rejected code=21211 attempts=3"
        + " first=2026-11-29T18:00:00Z last=2026-11-29T18:01:30Z customer=cust-7"
        + " email#=" + Sha256.hex("person7@example.com").substring(0, 8)
        + " phone#=" + Sha256.hex("+14155550007").substring(0, 8)
        + " event=evt-7 cart_abandoned key=idem-7 resolved=no"
        + " detail=\"HTTP 400: 'invalid' To number\"");
    assertThat(line).doesNotContain("person7@example.com").doesNotContain("4155550007");
  }

  @Test
  void missingContactsAndErrorCodeShowAsADash() {
    DeadLetter d = new DeadLetter("dl-1", TestEvents.event(1).toBuilder().email(null).phone(" ")
        .build(), "meta-audience", "idem-1", DeadLetterReason.NEEDS_RECONCILIATION, "timeout", null,
        1, T0, T0, true);

    assertThat(DeadLetterLines.line(d)).contains(" code=- ", " email#=- phone#=- ",
        " needs-reconciliation ", " resolved=yes ");
  }
}
