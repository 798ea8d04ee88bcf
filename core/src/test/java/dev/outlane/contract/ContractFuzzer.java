package dev.outlane.contract;

import dev.outlane.Problem;
import dev.outlane.ValidationException;
import dev.outlane.identity.IdentityNormalizer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A seeded fuzzer for the contract reader ({@link EventCodec#parse(String)}, {@link
 * EventCodec#parse(byte[])}) and the {@link IdentityNormalizer}: the attack of issue 10 kept in the
 * project. Each case builds hostile input around fresh emails and phones, placed where they do not
 * belong (consent values, event times, object keys, just before a syntax error), mutates it, and
 * checks the invariants:
 *
 * <ul>
 *   <li>nothing throws;
 *   <li>a result is valid exactly when it has no problems, and every problem has a path from
 *       {@code $};
 *   <li>no problem (path or reason) contains one of the case's emails or phones, nor anything that
 *       looks like an email or a phone by a check independent of the codec's own;
 *   <li>a valid event round-trips: {@code parse(toJson(e))} equals {@code e}, and writes the same;
 *   <li>a normalized email or phone normalizes to itself, and a phone is E.164 of at most 15 digits.
 * </ul>
 *
 * <p>Plain {@link SplittableRandom} loops, so a failure is reproduced by its seed and case number.
 * Run in {@code mvn verify} by {@code ContractFuzzTest} (bounded) and for a million cases by the
 * bench harness {@code dev.outlane.bench.contract.ContractFuzzHarness}. Not thread-safe; one per
 * thread.
 */
public final class ContractFuzzer {
  /** Figures of one run. {@code failures} holds the first few broken invariants, with their case. */
  public record Report(
      long cases,
      long valid,
      long invalid,
      long problems,
      long identityChecks,
      long elapsedNanos,
      List<String> failures,
      long failureCount) {

    @Override
    public String toString() {
      double seconds = elapsedNanos / 1e9;
      return String.format(
          java.util.Locale.ROOT,
          "%,d cases (%,d valid, %,d invalid, %,d problems checked), %,d identity checks,"
              + " %.1f s, %,.0f cases/s, %,d failures",
          cases, valid, invalid, problems, identityChecks, seconds, cases / Math.max(seconds, 1e-9),
          failureCount);
    }
  }

  /** Independent of JsonValues: letters or digits, an at sign, letters or digits. */
  private static final Pattern EMAIL_LIKE =
      Pattern.compile("[\\p{L}\\p{N}._%+\\-]+[@\\uff20\\ufe6b][\\p{L}\\p{N}\\-]+");

  /** Independent of JsonValues: 7+ digits, possibly split by phone punctuation. */
  private static final Pattern PHONE_LIKE = Pattern.compile("(?:\\p{Nd}[\\s().+\\-/]{0,3}){7,}");

  /**
   * The one digit-rich text the codec may show: an RFC 3339 date-time, whose fixed {@code -},
   * {@code T} and {@code :} positions no phone number has (quoted input, or a limit like
   * {@code 9999-12-31T23:59:59.999Z}).
   */
  private static final Pattern DATE_TIME =
      Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?([Zz]|[+-][0-9]{2}:[0-9]{2})?");

  private static final String[] FIELDS = {
    "schema_version", "event_id", "event_name", "source", "customer_id", "event_time", "email",
    "phone", "audience", "commerce", "consent", "properties"
  };

  private static final String[] TOKENS = {
    "{", "}", "[", "]", "\"", ",", ":", "null", "true", "1e999999999", "-1e-999999999", "0e400",
    "NaN", "\\", "\\u", "\\ud800", "\\udc00", "\\u0000", "\\u202e", "\\ufeff", "\\u200b", "\u2028",
    "\u0000", "\uFFFD", "1" + "0".repeat(40), "9".repeat(400), "0.", "-", "1E+2147483648", "\"\":",
    "{\"a\":1,\"a\":2}", " ", "\n", "//", "/*", "'", "\ud83d\ude00", "\u0130\u0323",
  };

  private final SplittableRandom random;
  private final EventCodec us = EventCodec.create();
  private final EventCodec gb =
      EventCodec.create(IdentityNormalizer.builder().defaultRegion("GB").build());
  private final IdentityNormalizer lenient = IdentityNormalizer.builder().lenientPhone(true).build();

  private final List<String> failures = new ArrayList<>();
  private long failureCount;
  private long valid;
  private long invalid;
  private long problems;
  private long identityChecks;

  /** The PII of the current case: every email and phone it generated. */
  private final List<String> pii = new ArrayList<>();

  private long caseNumber;
  private final long seed;

  public ContractFuzzer(long seed) {
    this.seed = seed;
    this.random = new SplittableRandom(seed);
  }

  /** Runs {@code cases} cases and reports. */
  public Report run(long cases) {
    long start = System.nanoTime();
    for (caseNumber = 0; caseNumber < cases; caseNumber++) {
      pii.clear();
      try {
        oneCase();
      } catch (Throwable t) {
        fail("threw " + t.getClass().getName() + ": " + t.getMessage());
      }
    }
    return new Report(
        cases, valid, invalid, problems, identityChecks, System.nanoTime() - start,
        List.copyOf(failures), failureCount);
  }

  private void oneCase() {
    switch (random.nextInt(10)) {
      case 0, 1 -> checkParse(us, eventJson(true));
      case 2, 3, 4 -> checkParse(random.nextBoolean() ? us : gb, mutate(eventJson(random.nextBoolean())));
      case 5 -> checkParse(us, misplacedPii());
      case 6 -> checkBytes(mutateBytes(eventJson(true).getBytes(StandardCharsets.UTF_8)));
      case 7 -> checkParse(us, mutate(misplacedPii()));
      case 8 -> checkBuilt();
      default -> checkIdentity();
    }
  }

  // Generators

  private String email() {
    String[] locals = {"maya.chen", "Chen+tag", "o'brien", "j", "MAYA", "rené", "user_"};
    String[] domains = {"example.com", "Example.COM", "mail.example.org", "xn--bcher-kva.example"};
    String local = locals[random.nextInt(locals.length)] + random.nextInt(1, 10_000);
    String e = local + "@" + domains[random.nextInt(domains.length)];
    if (random.nextInt(8) == 0) {
      // A character that hides or breaks text, inside the address.
      String[] bad = {"\u200b", "\ufeff", "\u202e", "\u0000", "\u00ad", "\ud800", "\uFFFD", "\u0301"};
      int at = random.nextInt(e.length());
      e = e.substring(0, at) + bad[random.nextInt(bad.length)] + e.substring(at);
    }
    pii.add(e);
    return e;
  }

  private String phone() {
    int line = random.nextInt(100, 200);
    int sub = random.nextInt(10_000);
    String four = Integer.toString(10_000 + line).substring(1);
    String three = Integer.toString(1_000 + sub % 1000).substring(1);
    String p =
        switch (random.nextInt(7)) {
          case 0 -> "+1 (201) 555-" + four;
          case 1 -> "201555" + four;
          case 2 -> "020 7946 0" + three;
          case 3 -> "+44 20 7946 0" + three;
          case 4 -> "+49420040794" + Integer.toString(100_000 + sub).substring(1);
          case 5 -> "tel:+1-201-555-" + four;
          default -> "+" + random.nextInt(1, 999) + random.nextLong(1_000_000L, 99_999_999_999_999L);
        };
    pii.add(p);
    return p;
  }

  private String pick(String... options) {
    return options[random.nextInt(options.length)];
  }

  private String eventJson(boolean valid) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("schema_version", pick("1.0", "1.7", "2.0", "1"));
    m.put("event_id", "evt_" + random.nextInt(1_000_000));
    m.put("event_name", pick("cart_abandoned", "vip_churn_risk", "Cart"));
    m.put("source", "customerio");
    m.put("customer_id", pick("cus_", " c ", "", "c\\ud800") + random.nextInt(1000));
    m.put("event_time", random.nextBoolean() ? "2026-11-29T18:00:00Z" : (Object) random.nextLong(0, 253_402_300_799_999L));
    if (random.nextBoolean()) {
      m.put("email", email());
    }
    if (random.nextBoolean()) {
      m.put("phone", phone());
    }
    if (random.nextInt(3) == 0) {
      m.put("audience", Map.of("name", "vip", "action", pick("add", "remove")));
    }
    if (random.nextInt(3) == 0) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("cart_value", random.nextBoolean() ? "1250.00" : (Object) new BigDecimal("12.5"));
      c.put("currency", pick("EUR", "usd", "GBP"));
      c.put("skus", List.of("A-1", "B-2"));
      m.put("commerce", c);
    }
    if (random.nextInt(3) == 0) {
      m.put("consent", Map.of("sms", pick("granted", "denied", "unknown")));
    }
    if (random.nextBoolean()) {
      m.put("properties", properties(3));
    }
    if (valid) {
      m.put("schema_version", "1.0");
      m.put("event_name", "cart_abandoned");
      m.put("customer_id", "cus_" + random.nextInt(1000));
    }
    String json = write(m);
    if (valid) {
      // Make the identities ones the US codec accepts, so valid events round-trip.
      String phone = "+1 (201) 555-0" + random.nextInt(100, 200);
      String email = "maya" + random.nextInt(1000) + "@example.com";
      pii.add(phone);
      pii.add(email);
      json = json.replaceAll("\"phone\":\"[^\"]*\"", "\"phone\":\"" + Matcher.quoteReplacement(phone) + "\"")
          .replaceAll("\"email\":\"[^\"]*\"", "\"email\":\"" + email + "\"");
    }
    return json;
  }

  private Map<String, Object> properties(int depth) {
    Map<String, Object> p = new LinkedHashMap<>();
    int n = random.nextInt(4);
    for (int i = 0; i < n; i++) {
      String key = random.nextInt(6) == 0 ? (random.nextBoolean() ? email() : phone()) : pick("plan", "coupon", "a", "\u00e9t\u00e9", "\ud83d\ude00", "k" + i);
      Object value =
          switch (random.nextInt(8)) {
            case 0 -> random.nextLong();
            case 1 -> new BigDecimal(random.nextLong()).scaleByPowerOfTen(random.nextInt(-300, 300));
            case 2 -> depth > 0 ? properties(depth - 1) : "leaf";
            case 3 -> List.of(random.nextInt(), "x", true);
            case 4 -> random.nextBoolean() ? email() : phone();
            case 5 -> "\u2028tab\tnul\u0000";
            default -> "v" + random.nextInt(100);
          };
      p.put(key, value);
    }
    return p;
  }

  /** Emails and phones where they do not belong, the places issue 10.6 found them echoed. */
  private String misplacedPii() {
    String value = random.nextBoolean() ? email() : phone();
    String v = quote(value);
    String base =
        "\"schema_version\":\"1.0\",\"event_id\":\"e\",\"event_name\":\"n\",\"source\":\"s\","
            + "\"customer_id\":\"c\",";
    return switch (random.nextInt(12)) {
      case 0 -> "{" + base + "\"event_time\":" + v + "}";
      case 1 -> "{" + base + "\"event_time\":\"2026-11-29T18:00:00Z\",\"consent\":{\"sms\":" + v + "}}";
      case 2 -> "{\"schema_version\":" + v + "}";
      case 3 -> "{" + base + "\"event_time\":0,\"properties\":{" + v + ":{\"a\":1,\"a\":2}}}";
      case 4 -> "{" + v + " 1}";
      case 5 -> "{" + base + "\"event_time\":0,\"properties\":{\"x\":{" + v + ":[1,2 3]}}}";
      case 6 -> "{" + base + "\"event_time\":0,\"commerce\":{\"currency\":" + v + ",\"cart_value\":" + v + "}}";
      case 7 -> "{" + base + "\"event_time\":0,\"audience\":{\"name\":\"a\",\"action\":" + v + "}}";
      case 8 -> "{" + base.replace("\"n\"", v) + "\"event_time\":0}";
      case 9 -> "{" + base + "\"event_time\":0," + v + ":1," + v + ":2}";
      case 10 -> "{" + base + "\"event_time\":0,\"properties\":{" + v + ":1e999999999}}";
      default -> "{" + base + "\"event_time\":0,\"properties\":{" + v + ":\"\\ud800\"}}";
    };
  }

  private String mutate(String json) {
    StringBuilder b = new StringBuilder(json);
    int ops = random.nextInt(1, 4);
    for (int i = 0; i < ops; i++) {
      int at = random.nextInt(b.length() + 1);
      switch (random.nextInt(6)) {
        case 0 -> b.insert(at, TOKENS[random.nextInt(TOKENS.length)]);
        case 1 -> b.delete(at, Math.min(b.length(), at + random.nextInt(1, 8)));
        case 2 -> b.insert(at, quote(random.nextBoolean() ? email() : phone()));
        case 3 -> {
          if (at < b.length()) {
            b.setCharAt(at, (char) random.nextInt(0, 0x10000));
          }
        }
        case 4 -> {
          int from = random.nextInt(b.length() + 1);
          int to = Math.min(b.length(), from + random.nextInt(1, 40));
          b.insert(at, b.substring(from, to));
        }
        default -> b.insert(at, "\"" + FIELDS[random.nextInt(FIELDS.length)] + "\":");
      }
    }
    return b.toString();
  }

  private byte[] mutateBytes(byte[] utf8) {
    byte[] b = utf8.clone();
    int ops = random.nextInt(1, 4);
    for (int i = 0; i < ops && b.length > 0; i++) {
      b[random.nextInt(b.length)] = (byte) random.nextInt(0x80, 0x100);
    }
    return b;
  }

  // Checks

  private void checkParse(EventCodec codec, String json) {
    check(codec, codec.parse(json), json);
  }

  private void checkBytes(byte[] utf8) {
    check(us, us.parse(utf8), new String(utf8, StandardCharsets.UTF_8));
  }

  private void check(EventCodec codec, ParseResult result, String input) {
    if (result.isValid() == !result.problems().isEmpty()) {
      fail("valid " + result.isValid() + " with " + result.problems().size() + " problems");
    }
    checkProblems(result.problems());
    RetentionEvent event = result.event();
    if (event == null) {
      invalid++;
      return;
    }
    valid++;
    String json = codec.toJson(event);
    ParseResult back = codec.parse(json);
    if (!event.equals(back.event())) {
      fail("round trip changed the event; problems on re-read: " + back.problems().size());
    } else if (!json.equals(codec.toJson(back.event()))) {
      fail("round trip changed the JSON");
    }
    List<Problem> refused = codec.validate(event);
    if (!refused.isEmpty()) {
      fail("parse accepted what validate refuses: " + refused.size() + " problems");
    }
  }

  private void checkBuilt() {
    Map<String, Object> props = properties(2);
    RetentionEvent e;
    try {
      e = RetentionEvent.builder().eventId("e").eventName("n").source("s").customerId("c")
          .eventTime(Instant.EPOCH).email(random.nextBoolean() ? email() : null)
          .phone(random.nextBoolean() ? phone() : null).properties(props).build();
    } catch (IllegalArgumentException refused) {
      checkText(refused.getMessage());
      invalid++;
      return;
    }
    List<Problem> found = us.validate(e);
    checkProblems(found);
    if (found.isEmpty()) {
      valid++;
      RetentionEvent back = us.parse(us.toJson(e)).event();
      if (!e.equals(back)) {
        fail("a validated built event did not round-trip");
      }
    } else {
      invalid++;
    }
  }

  private void checkIdentity() {
    identityChecks++;
    String email = email();
    try {
      String once = us.identityNormalizer().normalizeEmail(email);
      if (!once.equals(us.identityNormalizer().normalizeEmail(once))) {
        fail("normalizeEmail is not idempotent");
      }
    } catch (ValidationException e) {
      checkProblems(e.problems());
    }
    String phone = phone();
    for (IdentityNormalizer n : List.of(us.identityNormalizer(), gb.identityNormalizer(), lenient)) {
      try {
        String e164 = n.normalizePhone(phone);
        if (!e164.matches("\\+[1-9][0-9]{1,14}")) {
          fail("normalizePhone gave a value that is not E.164 of at most 15 digits");
        } else if (!e164.equals(n.normalizePhone(e164))) {
          fail("normalizePhone is not idempotent");
        }
      } catch (ValidationException e) {
        checkProblems(e.problems());
      }
    }
  }

  private void checkProblems(List<Problem> list) {
    for (Problem p : list) {
      problems++;
      if (p.path().isEmpty() || p.path().charAt(0) != '$') {
        fail("a problem without a field path: reason " + p.reason());
      }
      checkText(p.toString());
    }
  }

  private void checkText(String text) {
    for (String value : pii) {
      if (text.contains(value)) {
        fail("a message repeats a generated email or phone" + shown(text + " | " + value));
        return;
      }
    }
    if (EMAIL_LIKE.matcher(text).find()) {
      fail("a message holds something that looks like an email" + shown(text));
      return;
    }
    Matcher dates = DATE_TIME.matcher(text);
    String rest = dates.replaceAll("<date-time>");
    if (PHONE_LIKE.matcher(rest).find()) {
      fail("a message holds something that looks like a phone" + shown(text));
    }
  }

  /**
   * The offending message, only when debugging with {@code -Dfuzz.show=true}: the synthetic PII in
   * it is what the check is about, so by default a report never holds it.
   */
  private static String shown(String text) {
    return Boolean.getBoolean("fuzz.show") ? ": " + text : "";
  }

  private void fail(String what) {
    failureCount++;
    if (failures.size() < 10) {
      // The description never holds the input: it is full of (synthetic) PII by design.
      failures.add("seed " + seed + " case " + caseNumber + ": " + what);
    }
  }

  // JSON writing for the generators (not the codec's writer: the generators must not share its bugs)

  private static String write(Object value) {
    StringBuilder b = new StringBuilder();
    write(value, b);
    return b.toString();
  }

  private static void write(Object value, StringBuilder b) {
    if (value instanceof Map<?, ?> map) {
      b.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        b.append(first ? "" : ",").append(quote(String.valueOf(e.getKey()))).append(':');
        write(e.getValue(), b);
        first = false;
      }
      b.append('}');
    } else if (value instanceof List<?> list) {
      b.append('[');
      for (int i = 0; i < list.size(); i++) {
        b.append(i == 0 ? "" : ",");
        write(list.get(i), b);
      }
      b.append(']');
    } else if (value instanceof String s) {
      b.append(quote(s));
    } else {
      b.append(value);
    }
  }

  /** A JSON string literal; a "\\ud800" already in the text stays an escape. */
  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"') {
        b.append("\\\"");
      } else if (c == '\\' && !(i + 1 < s.length() && s.charAt(i + 1) == 'u')) {
        b.append("\\\\");
      } else if (c < 0x20) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
