package dev.outlane.examples.demo;

import dev.outlane.contract.Consent;
import dev.outlane.contract.ConsentStatus;
import dev.outlane.contract.RetentionEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The demo's generated world: people, the signals Customer.io sends about them, and the facts the
 * destinations know (who replied STOP, whose number is a landline, whose send times out). Everything
 * derives from one seed, and event times are relative to {@code now}, so a given seed always yields the
 * same report. Immutable once generated.
 *
 * <p>Signals arrive in three waves. Wave 1 ("yesterday") carries the STOP replies and consent changes,
 * so that wave 2 ("today": the abandoned carts) sees their effect deterministically regardless of
 * thread timing. Wave 3 brings the purchases that arrived after their cart's recovery went out: each
 * removes the buyer from the cart-recovery audiences.
 *
 * @param wave1 the first wave of events
 * @param wave2 the second wave of events, including duplicates and invalid ones
 * @param wave3 purchase events ({@code order_completed} with audience {@code cart_recovery} / {@code
 *     remove}) that arrive after the carts they complete
 * @param optedOutPhones E.164 phones that the SMS provider reports as opted out (Twilio 21610)
 * @param landlinePhones E.164 phones the SMS provider rejects as not mobile (Twilio 21614)
 * @param timeoutPhones E.164 phones whose send times out after the request was written
 * @param invalidPhones well-formed E.164 phones the SMS provider refuses as invalid (Twilio 21211)
 * @param suppressedCustomers customer ids on the operator's suppression list before the run
 * @param purchases customer id → time of their latest purchase that the orders database knew before
 *     the cart's recovery went out (the purchase won the race: the activation is skipped)
 */
public record DemoData(
    List<RetentionEvent> wave1,
    List<RetentionEvent> wave2,
    List<RetentionEvent> wave3,
    Set<String> optedOutPhones,
    Set<String> landlinePhones,
    Set<String> timeoutPhones,
    Set<String> invalidPhones,
    Set<String> suppressedCustomers,
    Map<String, Instant> purchases) {

  /** The demo's event names. */
  public static final String CART_ABANDONED = "cart_abandoned";
  public static final String BACK_IN_STOCK = "back_in_stock";
  public static final String PREFERENCES_UPDATED = "preferences_updated";
  public static final String ORDER_COMPLETED = "order_completed";
  /** The audience name purchase events remove the buyer from. */
  public static final String CART_RECOVERY = "cart_recovery";

  /**
   * Generates about {@code events} signals for {@code events / 4} people.
   *
   * @throws IllegalArgumentException if {@code events < 100} or above 30,000 (the phone range used)
   */
  public static DemoData generate(long seed, int events, Instant now) {
    if (events < 100 || events > 30_000) {
      throw new IllegalArgumentException("events: must be 100–30000, was " + events);
    }
    Random r = new Random(seed);
    int people = events / 4;
    List<Person> persons = new ArrayList<>(people);
    Set<String> optedOut = new HashSet<>();
    Set<String> landline = new HashSet<>();
    Set<String> timeout = new HashSet<>();
    Set<String> invalid = new HashSet<>();
    Set<String> suppressed = new HashSet<>();
    for (int i = 0; i < people; i++) {
      // 415-555-1000 … 415-555-8999: valid for libphonenumber's US metadata.
      String phone = String.format("+1415555%04d", 1000 + i);
      Person p = new Person(String.format("cust-%05d", i),
          r.nextInt(10) < 8 ? String.format("shopper%05d@example.com", i) : null, phone);
      double kind = r.nextDouble();
      if (kind < 0.03) {
        p.optedOut = true;
        optedOut.add(phone);
      } else if (kind < 0.06) {
        p.consentDenied = true;
      } else if (kind < 0.09) {
        suppressed.add(p.customerId);
      } else if (kind < 0.11) {
        landline.add(phone);
      } else if (kind < 0.12) {
        timeout.add(phone);
      } else if (kind < 0.13) {
        // Same draw as before, so adding this kind left every other person's fate unchanged.
        invalid.add(phone);
      }
      persons.add(p);
    }

    List<RetentionEvent> wave1 = new ArrayList<>();
    int seq = 0;
    for (Person p : persons) {
      if (p.optedOut) {
        wave1.add(p.event("w1-" + seq++, BACK_IN_STOCK, now.minus(Duration.ofHours(2))).build());
      } else if (p.consentDenied) {
        wave1.add(p.event("w1-" + seq++, PREFERENCES_UPDATED, now.minus(Duration.ofHours(3)))
            .consent(new Consent(ConsentStatus.DENIED, ConsentStatus.UNKNOWN, ConsentStatus.GRANTED))
            .build());
      }
    }

    List<RetentionEvent> wave2 = new ArrayList<>();
    List<RetentionEvent> wave3 = new ArrayList<>();
    Map<String, Instant> purchases = new HashMap<>();
    // Its own generator, so deciding which purchases arrive late leaves every other draw unchanged.
    Random orders = new Random(seed ^ 0x6F72646572734CL);
    while (wave1.size() + wave2.size() + wave3.size() < events) {
      Person p = persons.get(r.nextInt(people));
      double roll = r.nextDouble();
      String id = "w2-" + seq++;
      if (roll < 0.03) {
        // A phone too short to be a number: refused at submit with the validation problem.
        wave2.add(p.event(id, CART_ABANDONED, now.minus(Duration.ofHours(1))).phone("+1 415 555 01").build());
        continue;
      }
      double age = r.nextDouble();
      Duration ago;
      if (age < 0.55) {
        ago = Duration.ofMinutes(30 + r.nextInt(21 * 60)); // 0.5–21.5 h: the 0–24 h audience
      } else if (age < 0.80) {
        ago = Duration.ofMinutes(26 * 60 + r.nextInt(44 * 60)); // 26–70 h: the 24–72 h audience
      } else {
        ago = Duration.ofMinutes(75 * 60 + r.nextInt(120 * 60)); // 75–195 h: stale
      }
      // Whole seconds keep the event's window bucket, and so its idempotency key, stable.
      Instant at = now.minus(ago).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
      RetentionEvent e = p.event(id, CART_ABANDONED, at).build();
      wave2.add(e);
      if (r.nextDouble() < 0.06) {
        Instant bought = at.plus(Duration.ofMinutes(10));
        if (orders.nextBoolean()) {
          // The purchase signal arrives after the recovery went out: it removes the buyer from the audiences.
          wave3.add(p.event("w3-" + seq++, ORDER_COMPLETED, bought)
              .audience(CART_RECOVERY, dev.outlane.contract.AudienceAction.Action.REMOVE).build());
        } else {
          // The orders database knows the purchase when the recovery is due: it must not go out.
          purchases.merge(p.customerId, bought, (a, b) -> a.isAfter(b) ? a : b);
        }
      }
      if (r.nextDouble() < 0.10 && wave1.size() + wave2.size() + wave3.size() < events) {
        // Customer.io retried its webhook: same signal, new delivery id.
        wave2.add(e.toBuilder().eventId("w2-" + seq++).build());
      }
    }
    Collections.shuffle(wave2, r);
    return new DemoData(List.copyOf(wave1), List.copyOf(wave2), List.copyOf(wave3), Set.copyOf(optedOut), Set.copyOf(landline),
        Set.copyOf(timeout), Set.copyOf(invalid), Set.copyOf(suppressed), Map.copyOf(purchases));
  }

  /** Every event, in all three waves. */
  public int size() {
    return wave1.size() + wave2.size() + wave3.size();
  }

  private static final class Person {
    final String customerId;
    final @org.jspecify.annotations.Nullable String email;
    final String phone;
    boolean optedOut;
    boolean consentDenied;

    Person(String customerId, @org.jspecify.annotations.Nullable String email, String phone) {
      this.customerId = customerId;
      this.email = email;
      this.phone = phone;
    }

    RetentionEvent.Builder event(String id, String name, Instant at) {
      return RetentionEvent.builder().eventId(id).eventName(name).source("customerio")
          .customerId(customerId).eventTime(at).email(email).phone(phone);
    }
  }
}
