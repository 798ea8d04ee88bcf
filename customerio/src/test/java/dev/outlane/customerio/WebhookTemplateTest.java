package dev.outlane.customerio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outlane.contract.EventCodec;
import dev.outlane.contract.ParseResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The shipped Liquid body template renders to a valid v1 event. No Liquid library resolves offline
 * here, so {@link #render} implements exactly the two constructs the template uses: {@code {{ name }}}
 * and a non-nested {@code {% if name != blank %}…{% endif %}}. A template that starts using more
 * fails this test (an unknown tag is left in place and breaks the JSON).
 */
class WebhookTemplateTest {
  private static final Pattern IF_BLANK =
      Pattern.compile("\\{% if ([a-z_.]+) != blank %\\}(.*?)\\{% endif %\\}", Pattern.DOTALL);
  private static final Pattern VARIABLE = Pattern.compile("\\{\\{ *([a-z_.]+) *\\}\\}");

  static String template() throws IOException {
    try (InputStream in = WebhookTemplateTest.class.getResourceAsStream("webhook-action-body.liquid")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static String render(String template, Map<String, String> values) {
    Matcher m = IF_BLANK.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String v = values.getOrDefault(m.group(1), "");
      m.appendReplacement(out, Matcher.quoteReplacement(v.isBlank() ? "" : m.group(2)));
    }
    m.appendTail(out);
    Matcher v = VARIABLE.matcher(out.toString());
    StringBuilder rendered = new StringBuilder();
    while (v.find()) {
      v.appendReplacement(rendered, Matcher.quoteReplacement(values.getOrDefault(v.group(1), "")));
    }
    v.appendTail(rendered);
    return rendered.toString();
  }

  @Test
  void theTemplateRenderedWithAFullPersonIsAValidEventOnceTheReceiverGaveItAnEventId() throws IOException {
    String json = render(template(), Map.of(
        "customer.id", "cust-42",
        "customer.email", "ada@example.com",
        "customer.phone", "+14155552671",
        "event_timestamp", "1764612000",
        "event.cart_value", "129.90",
        "event.currency", "usd",
        "campaign.id", "2000"));

    ParseResult r = EventCodec.create().parse(
        dev.outlane.customerio.internal.EventIds.withEventId(json.getBytes(StandardCharsets.UTF_8), "idem-1"));

    assertThat(r.problems()).isEmpty();
    assertThat(r.event().eventId()).isEqualTo("cio-idem-1");
    assertThat(r.event().customerId()).isEqualTo("cust-42");
    assertThat(r.event().eventTime()).isEqualTo(Instant.parse("2025-12-01T18:00:00Z"));
    assertThat(r.event().commerce().cartValue()).isEqualByComparingTo("129.90");
    assertThat(r.event().commerce().currency()).isEqualTo("USD");
    assertThat(r.event().properties()).isEqualTo(Map.of("campaign_id", "2000"));
  }

  @Test
  void aPersonWithoutEmailPhoneOrCartStillRendersAValidEvent() throws IOException {
    String json = render(template(), Map.of("customer.id", "cust-7", "event_timestamp", "1764612000",
        "campaign.id", "2000"));

    ParseResult r = EventCodec.create().parse(
        dev.outlane.customerio.internal.EventIds.withEventId(json.getBytes(StandardCharsets.UTF_8), "k"));

    assertThat(r.problems()).isEmpty();
    assertThat(r.event().email()).isNull();
    assertThat(r.event().phone()).isNull();
    assertThat(r.event().commerce()).isNull();
  }

  @Test
  void theExamplesCopyIsTheSameTemplate() throws IOException {
    // Surefire runs with the module directory as the working directory.
    Path copy = Path.of("..", "examples", "src", "main", "resources", "customerio", "webhook-action-body.liquid");

    assertThat(Files.readString(copy)).isEqualTo(template());
  }
}
