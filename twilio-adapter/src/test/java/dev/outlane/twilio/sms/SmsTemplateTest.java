package dev.outlane.twilio.sms;

import static dev.outlane.twilio.Fixtures.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outlane.ValidationException;
import dev.outlane.contract.Commerce;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SmsTemplateTest {
  @Test
  void rendersEventCommerceAndPropertyPlaceholders() {
    SmsTemplate t =
        SmsTemplate.parse(
            "{{properties.first_name}}/{{ properties.first_name }}/{{customer_id}}/{{event_name}}/{{event_id}}/{{source}}/"
                + "{{commerce.cart_value}}/{{commerce.currency}}/{{commerce.order_id}}");

    String out =
        t.render(event("c-1").commerce(new Commerce(new BigDecimal("1E+3"), "USD", List.of(), "ord-7")).build());

    assertThat(out).isEqualTo("Ada/Ada/c-1/cart_abandoned/evt-c-1/customerio/1000/USD/ord-7");
  }

  @Test
  void rendersNumbersAndBooleansFromProperties() {
    SmsTemplate t = SmsTemplate.parse("{{properties.points}} {{properties.vip}} {{properties.rate}}");

    assertThat(t.render(event("c").properties(Map.of("points", 42L, "vip", true, "rate", new BigDecimal("0.10"))).build()))
        .isEqualTo("42 true 0.10");
  }

  @Test
  void textWithoutPlaceholdersIsKeptAsIs() {
    assertThat(SmsTemplate.parse("Sale ends {soon} }} today").render(event("c").build()))
        .isEqualTo("Sale ends {soon} }} today");
  }

  @Test
  void listsThePlaceholdersButNotTheTextInToString() {
    SmsTemplate t = SmsTemplate.parse("Secret copy {{properties.first_name}} {{commerce.currency}}");
    assertThat(t.placeholders()).containsExactly("properties.first_name", "commerce.currency");
    assertThat(t.toString()).isEqualTo("SmsTemplate[properties.first_name, commerce.currency]");
  }

  @Test
  void anUnknownPlaceholderFailsAtParseTimeListingTheKnownOnes() {
    assertThatThrownBy(() -> SmsTemplate.parse("Hi {{commerce.discount}}"))
        .isInstanceOf(ValidationException.class)
        .hasMessage(
            "$.template: unknown placeholder {{commerce.discount}} at offset 3 (known: customer_id, event_name,"
                + " event_id, source, commerce.cart_value, commerce.currency, commerce.order_id, properties.NAME)");
    assertThatThrownBy(() -> SmsTemplate.parse("{{first-name}}"))
        .hasMessageStartingWith("$.template: unknown placeholder {{first-name}} at offset 0 (known: ");
    assertThatThrownBy(() -> SmsTemplate.parse("{{user.name}}"))
        .hasMessageStartingWith("$.template: unknown placeholder {{user.name}} at offset 0");
  }

  @Test
  void aBarePropertyNameIsAnUnknownPlaceholderThatSaysHowToWriteAProperty() {
    assertThatThrownBy(() -> SmsTemplate.parse("Hi {{firstname}}"))
        .isInstanceOf(ValidationException.class)
        .hasMessage(
            "$.template: unknown placeholder {{firstname}} at offset 3 (an event property is written"
                + " {{properties.firstname}}; known: customer_id, event_name, event_id, source, commerce.cart_value,"
                + " commerce.currency, commerce.order_id, properties.NAME)");
    assertThatThrownBy(() -> SmsTemplate.parse("{{custmer_id}}"))
        .hasMessageStartingWith("$.template: unknown placeholder {{custmer_id}} at offset 0");
  }

  @Test
  void aHugeOrTinyNumberRendersInScientificNotationInsteadOfBillionsOfDigits() {
    SmsTemplate t = SmsTemplate.parse("{{properties.coupon}} {{commerce.cart_value}}");
    long before = usedHeap();

    String out = t.render(event("c")
        .property("coupon", new BigDecimal("1e999999999"))
        .commerce(new Commerce(new BigDecimal("1e-999999999"), "USD", List.of(), null))
        .build());

    assertThat(out).isEqualTo("1E+999999999 1E-999999999");
    // Plain, the first alone is a 1 GB string; bounded rendering needs a few bytes.
    assertThat(usedHeap() - before).isLessThan(64L * 1024 * 1024);
  }

  @Test
  void numbersWithinSixtyFourCharactersKeepTheirPlainDigits() {
    SmsTemplate t = SmsTemplate.parse("{{properties.n}}");
    String sixtyFour = "9".repeat(64);

    assertThat(t.render(event("c").property("n", new BigDecimal(sixtyFour)).build())).isEqualTo(sixtyFour);
    assertThat(t.render(event("c").property("n", new BigDecimal("1" + sixtyFour)).build())).isEqualTo("1" + sixtyFour);
    assertThat(t.render(event("c").property("n", new BigDecimal("1E+64")).build())).isEqualTo("1E+64");
    assertThat(t.render(event("c").property("n", new BigDecimal("-0.000000000001")).build()))
        .isEqualTo("-0.000000000001");
  }

  private static long usedHeap() {
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }

  @Test
  void malformedTemplatesFailAtParseTime() {
    assertThatThrownBy(() -> SmsTemplate.parse("  ")).hasMessage("$.template: must not be blank");
    assertThatThrownBy(() -> SmsTemplate.parse("Hi {{ }}")).hasMessage("$.template: empty placeholder \"{{}}\" at offset 3");
    assertThatThrownBy(() -> SmsTemplate.parse("Hi {{name")).hasMessage("$.template: unclosed \"{{\" at offset 3");
  }

  @Test
  void recipientIdentifiersAreNotAllowedInABody() {
    assertThatThrownBy(() -> SmsTemplate.parse("{{phone}}"))
        .hasMessage(
            "$.template: placeholder {{phone}} at offset 0 is not allowed: recipient identifiers are not rendered"
                + " into message bodies");
    assertThatThrownBy(() -> SmsTemplate.parse("x {{email}}")).hasMessageContaining("{{email}} at offset 2 is not allowed");
  }

  @Test
  void aMissingNullOrNonScalarValueFailsAtRenderTimeWithoutQuotingValues() {
    SmsTemplate t = SmsTemplate.parse("{{properties.tags}}");
    java.util.HashMap<String, Object> withNull = new java.util.HashMap<>();
    withNull.put("tags", null);

    assertThatThrownBy(() -> t.render(event("c").properties(Map.of("tags", List.of("a", "b"))).build()))
        .isInstanceOf(ValidationException.class)
        .hasMessage("$.template: no value for {{properties.tags}}");
    assertThatThrownBy(() -> t.render(event("c").properties(withNull).build()))
        .hasMessage("$.template: no value for {{properties.tags}}");
    assertThatThrownBy(() -> SmsTemplate.parse("{{commerce.order_id}}").render(event("c").build()))
        .hasMessage("$.template: no value for {{commerce.order_id}}");
    assertThatThrownBy(() -> SmsTemplate.parse("{{commerce.currency}}").render(event("c").commerce(null).build()))
        .hasMessage("$.template: no value for {{commerce.currency}}");
  }

  @Test
  void templatesWithTheSameTextAreEqual() {
    assertThat(SmsTemplate.parse("Hi {{properties.first_name}}")).isEqualTo(SmsTemplate.parse("Hi {{properties.first_name}}"));
    assertThat(SmsTemplate.parse("Hi {{properties.first_name}}").source()).isEqualTo("Hi {{properties.first_name}}");
  }
}
