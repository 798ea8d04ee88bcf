package dev.outlane.twilio.sms;

import dev.outlane.Problem;
import dev.outlane.ValidationException;
import dev.outlane.contract.Commerce;
import dev.outlane.contract.ContractJson;
import dev.outlane.contract.RetentionEvent;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * An SMS body template with {@code {{placeholder}}} substitution and nothing else: no expressions,
 * no conditionals, no method calls, so a template from configuration can never execute anything.
 *
 * <p>Placeholders (whitespace inside the braces is ignored):
 *
 * <ul>
 *   <li>{@code {{customer_id}}}, {@code {{event_name}}}, {@code {{event_id}}}, {@code {{source}}}
 *   <li>{@code {{commerce.cart_value}}} (exact, as written, e.g. {@code 129.90}), {@code
 *       {{commerce.currency}}}, {@code {{commerce.order_id}}}
 *   <li>{@code {{properties.NAME}}} for a top-level event property; strings, numbers and booleans
 *       render, lists and objects do not. A number renders with exactly its digits ({@code 129.90}),
 *       in scientific notation past 64 characters ({@code 1E+999999999}), so no value can make
 *       rendering allocate without bound.
 * </ul>
 *
 * <p>Anything else is an unknown placeholder and fails {@link #parse}: a property must be written
 * {@code {{properties.first_name}}}, never {@code {{first_name}}}, so that a typo in a field name
 * ({@code {{custmer_id}}}) cannot pass as a property that happens to be missing.
 *
 * <p>{@code {{email}}} and {@code {{phone}}} are refused: an SMS body is stored by Twilio and shown in
 * its logs, and the recipient's identifiers do not belong there. A literal <code>&#123;&#123;</code> cannot be
 * written; templates have no escape syntax because SMS copy does not need one.
 *
 * <p>Errors come at two times: {@link #parse} rejects a malformed template or an unknown placeholder
 * (a typo fails when the destination is built, not on the first send); {@link #render} reports a
 * placeholder whose value is missing in one event, which the destination turns into a per-item
 * rejection with code {@code template}.
 *
 * <p>Immutable and thread-safe.
 */
public final class SmsTemplate {
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
  private static final Set<String> EVENT_FIELDS = Set.of("customer_id", "event_name", "event_id", "source");
  private static final Set<String> COMMERCE_FIELDS = Set.of("cart_value", "currency", "order_id");
  private static final Set<String> REFUSED = Set.of("email", "phone");
  private static final String KNOWN =
      "known: customer_id, event_name, event_id, source, commerce.cart_value, commerce.currency, "
          + "commerce.order_id, properties.NAME";

  private final String source;
  /** Alternating literal text and placeholders; each element is a String or a Placeholder. */
  private final List<Object> parts;

  private SmsTemplate(String source, List<Object> parts) {
    this.source = source;
    this.parts = List.copyOf(parts);
  }

  /**
   * Parses a template.
   *
   * @throws ValidationException at path {@code $.template} for an empty template, an unclosed or
   *     empty <code>&#123;&#123;}}</code>, or an unknown placeholder, naming it and its offset
   */
  public static SmsTemplate parse(String template) {
    if (template.isBlank()) {
      throw fail("must not be blank");
    }
    List<Object> parts = new ArrayList<>();
    int i = 0;
    while (i < template.length()) {
      int open = template.indexOf("{{", i);
      if (open < 0) {
        parts.add(template.substring(i));
        break;
      }
      if (open > i) {
        parts.add(template.substring(i, open));
      }
      int close = template.indexOf("}}", open + 2);
      if (close < 0) {
        throw fail("unclosed \"{{\" at offset " + open);
      }
      String raw = template.substring(open + 2, close).strip();
      parts.add(placeholder(raw, open));
      i = close + 2;
    }
    return new SmsTemplate(template, parts);
  }

  private static Placeholder placeholder(String raw, int offset) {
    if (raw.isEmpty()) {
      throw fail("empty placeholder \"{{}}\" at offset " + offset);
    }
    int dot = raw.indexOf('.');
    if (dot < 0) {
      if (REFUSED.contains(raw)) {
        throw fail("placeholder {{" + raw + "}} at offset " + offset
            + " is not allowed: recipient identifiers are not rendered into message bodies");
      }
      if (EVENT_FIELDS.contains(raw)) {
        return new Placeholder(raw, Kind.EVENT, raw);
      }
      if (NAME.matcher(raw).matches()) {
        throw fail("unknown placeholder {{" + raw + "}} at offset " + offset
            + " (an event property is written {{properties." + raw + "}}; " + KNOWN + ")");
      }
      throw fail("unknown placeholder {{" + raw + "}} at offset " + offset + " (" + KNOWN + ")");
    }
    String namespace = raw.substring(0, dot);
    String field = raw.substring(dot + 1);
    if (namespace.equals("commerce") && COMMERCE_FIELDS.contains(field)) {
      return new Placeholder(raw, Kind.COMMERCE, field);
    }
    if (namespace.equals("properties") && NAME.matcher(field).matches()) {
      return new Placeholder(raw, Kind.PROPERTY, field);
    }
    throw fail("unknown placeholder {{" + raw + "}} at offset " + offset + " (" + KNOWN + ")");
  }

  private static ValidationException fail(String reason) {
    return new ValidationException(new Problem("$.template", reason));
  }

  /**
   * Renders the template for {@code event}.
   *
   * @throws ValidationException at path {@code $.template} naming the first placeholder whose value
   *     is missing, null, or not a string, number or boolean; the message never contains the values
   */
  public String render(RetentionEvent event) {
    StringBuilder out = new StringBuilder(source.length() + 32);
    for (Object part : parts) {
      if (part instanceof String literal) {
        out.append(literal);
      } else {
        Placeholder p = (Placeholder) part;
        String value = p.valueIn(event);
        if (value == null) {
          throw fail("no value for {{" + p.raw + "}}");
        }
        out.append(value);
      }
    }
    return out.toString();
  }

  /** The template as written. */
  public String source() {
    return source;
  }

  /** The placeholders as written, in order, e.g. {@code [properties.first_name, commerce.cart_value]}. */
  public List<String> placeholders() {
    List<String> out = new ArrayList<>();
    for (Object part : parts) {
      if (part instanceof Placeholder p) {
        out.add(p.raw);
      }
    }
    return out;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof SmsTemplate t && t.source.equals(source);
  }

  @Override
  public int hashCode() {
    return source.hashCode();
  }

  /** The placeholders, not the text: copy may quote customer data. */
  @Override
  public String toString() {
    return "SmsTemplate" + placeholders();
  }

  private enum Kind {
    EVENT,
    COMMERCE,
    PROPERTY
  }

  private record Placeholder(String raw, Kind kind, String field) {
    @Nullable String valueIn(RetentionEvent event) {
      return switch (kind) {
        case EVENT -> switch (field) {
          case "customer_id" -> event.customerId();
          case "event_name" -> event.eventName();
          case "event_id" -> event.eventId();
          default -> event.source();
        };
        case COMMERCE -> {
          Commerce c = event.commerce();
          if (c == null) {
            yield null;
          }
          yield switch (field) {
            case "cart_value" -> c.cartValue() == null ? null : ContractJson.decimal(c.cartValue());
            case "currency" -> c.currency();
            default -> c.orderId();
          };
        }
        case PROPERTY -> scalar(event.properties(), field);
      };
    }

    private static @Nullable String scalar(Map<String, @Nullable Object> properties, String name) {
      Object v = properties.get(name);
      if (v instanceof String s) {
        return s;
      }
      if (v instanceof BigDecimal d) {
        return ContractJson.decimal(d);
      }
      if (v instanceof Number || v instanceof Boolean) {
        return v.toString();
      }
      return null;
    }
  }
}
