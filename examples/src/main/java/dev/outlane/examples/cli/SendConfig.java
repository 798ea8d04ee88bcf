package dev.outlane.examples.cli;

import dev.outlane.routing.Route;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The {@code outlane send} configuration: a Java {@code .properties} file naming destinations and
 * routes. The schema (see {@code examples/config/send.example.properties}):
 *
 * <pre>
 * destinations = sms, segment                 # required: the destination names, comma-separated
 * destination.NAME.type = twilio-sms | segment  (and the type's keys, see {@link SendDestinationType})
 * route.N.event = cart_abandoned              # required per route; N is any label, routes run in N order
 * route.N.to = sms, segment                   # required: destination names
 * route.N.window = 0h-24h                     # optional: only events aged FROM to TO (s, m, h, d units)
 * route.N.audience = high_aov                 # optional: only events with this audience name
 * route.N.target = ID                         # optional: the target in each destination (audience id…)
 * route.N.option.KEY = VALUE                  # optional: route options, e.g. option.template for SMS
 * region = US                                 # optional: region for phones without a country code
 * </pre>
 *
 * <p>Any value may reference environment variables as {@code ${NAME}}; that is how credentials get in
 * without being written in the file. Only variables whose names start with one of {@link
 * #ALLOWED_PREFIXES} ({@code OUTLANE_}, {@code TWILIO_}, {@code SEGMENT_}, {@code META_}, {@code
 * TIKTOK_}, {@code GOOGLE_}, {@code CUSTOMERIO_}) may be read: a config file must not be a way to
 * print {@code ${PATH}} or another program's secret. {@code .properties} has no end-of-line
 * comments: a {@code #} after a value is part of the value.
 *
 * <p>Every problem is a {@link ConfigException} whose message names the key: an unknown key, a
 * missing required key, a key given twice, an unset environment variable (named), a value that does
 * not fit. A value that came from an environment variable is never printed, whatever key it sits
 * in: messages say {@code (value from ${NAME} not shown)} instead ({@link #scrub}), and a dry run
 * hides it too.
 *
 * <p>Immutable once parsed.
 */
final class SendConfig {
  private static final Pattern ENV = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
  private static final Pattern WINDOW = Pattern.compile("(\\d+)([smhd])-(\\d+)([smhd])");
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
  private static final Set<String> TOP_LEVEL = Set.of("destinations", "region");
  private static final Set<String> ROUTE_KEYS = Set.of("event", "to", "window", "audience", "target");

  /** One configured destination: its name, type and resolved values (secrets included). */
  record DestinationConfig(String name, SendDestinationType type, Map<String, String> values) {
    DestinationConfig {
      values = Map.copyOf(values);
    }

    @Override
    public String toString() {
      return "DestinationConfig{name=" + name + ", type=" + type.typeName() + "}";
    }
  }

  /** The prefixes of the environment variables a config may read; see the class documentation. */
  static final List<String> ALLOWED_PREFIXES =
      List.of("OUTLANE_", "TWILIO_", "SEGMENT_", "META_", "TIKTOK_", "GOOGLE_", "CUSTOMERIO_");

  private final List<DestinationConfig> destinations;
  private final List<Route> routes;
  private final String region;
  private final Provenance provenance;

  private SendConfig(List<DestinationConfig> destinations, List<Route> routes, String region,
      Provenance provenance) {
    this.destinations = List.copyOf(destinations);
    this.routes = List.copyOf(routes);
    this.region = region;
    this.provenance = provenance;
  }

  /**
   * {@code text} with every value that came from an environment variable replaced by {@code (value
   * from ${NAME} not shown)}: for messages and dry-run lines that might quote a value.
   */
  String scrub(String text) {
    return provenance.scrub(text);
  }

  /** The variable {@code value} came from if it is (all or part of) an environment variable's value. */
  @Nullable String variableOf(@Nullable String value) {
    return provenance.variableOf(value);
  }

  /**
   * Which values came from environment variables: each variable's value, and each whole value it
   * was substituted into. Mutable while parsing, then read-only.
   */
  static final class Provenance {
    private final Map<String, String> variableByValue = new LinkedHashMap<>();

    void add(String variable, String value) {
      if (!value.isEmpty()) {
        variableByValue.putIfAbsent(value, variable);
      }
    }

    @Nullable String variableOf(@Nullable String value) {
      if (value == null || value.isEmpty()) {
        return null;
      }
      String exact = variableByValue.get(value);
      if (exact != null) {
        return exact;
      }
      for (Map.Entry<String, String> e : variableByValue.entrySet()) {
        if (value.contains(e.getKey())) {
          return e.getValue();
        }
      }
      return null;
    }

    String scrub(String text) {
      String out = text;
      // Longest first, so a whole value is replaced before a variable's value inside it.
      List<Map.Entry<String, String>> entries = new ArrayList<>(variableByValue.entrySet());
      entries.sort((a, b) -> Integer.compare(b.getKey().length(), a.getKey().length()));
      for (Map.Entry<String, String> e : entries) {
        String marker = "(value from ${" + e.getValue() + "} not shown)";
        out = out.replace("\"" + e.getKey() + "\"", marker);
        // Bare occurrences too, unless so short (a digit, "US") that replacing them would garble
        // the message's own words; a short value is then only hidden where it is quoted.
        if (e.getKey().length() >= 4) {
          out = out.replace(e.getKey(), marker);
        }
      }
      return out;
    }
  }

  List<DestinationConfig> destinations() {
    return destinations;
  }

  List<Route> routes() {
    return routes;
  }

  String region() {
    return region;
  }

  /**
   * Reads and checks {@code file}.
   *
   * @param env looks up environment variables (null for unset)
   * @throws ConfigException naming the file or the key, and the reason
   */
  static SendConfig load(Path file, Function<String, @Nullable String> env) throws ConfigException {
    StrictProperties p = new StrictProperties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(reader);
    } catch (NoSuchFileException e) {
      throw new ConfigException("cannot read " + file + ": no such file");
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException("cannot read " + file + ": " + e.getMessage());
    }
    if (p.duplicate != null) {
      throw new ConfigException(p.duplicate + ": given more than once");
    }
    Map<String, String> raw = new TreeMap<>();
    for (String key : p.stringPropertyNames()) {
      raw.put(key.strip(), p.getProperty(key).strip());
    }
    return parse(raw, env);
  }

  static SendConfig parse(Map<String, String> raw, Function<String, @Nullable String> env)
      throws ConfigException {
    Provenance provenance = new Provenance();
    try {
      return parse(raw, env, provenance);
    } catch (ConfigException e) {
      // Whatever key a message names and whichever builder wrote it: no environment value in it.
      throw new ConfigException(provenance.scrub(e.getMessage()));
    }
  }

  private static SendConfig parse(Map<String, String> raw, Function<String, @Nullable String> processEnv,
      Provenance provenance) throws ConfigException {
    // Every value is resolved through one function that records where it came from.
    Function<String, @Nullable String> env = var -> {
      String v = processEnv.apply(var);
      if (v != null) {
        provenance.add(var, v);
      }
      return v;
    };
    Set<String> used = new TreeSet<>();
    String names = required(raw, "destinations", used);
    Map<String, DestinationConfig> byName = new LinkedHashMap<>();
    for (String name : list(names)) {
      if (!NAME.matcher(name).matches()) {
        throw new ConfigException("destinations: \"" + name + "\" is not a valid name ([a-z0-9][a-z0-9_-]*)");
      }
      if (byName.containsKey(name)) {
        throw new ConfigException("destinations: \"" + name + "\" is listed twice");
      }
      String prefix = "destination." + name + ".";
      String typeName = required(raw, prefix + "type", used);
      SendDestinationType type = SendDestinationType.named(typeName);
      if (type == null) {
        throw new ConfigException(prefix + "type: unknown type \"" + typeName + "\" (known: "
            + String.join(", ", SendDestinationType.names()) + ")");
      }
      Map<String, String> values = new LinkedHashMap<>();
      for (Map.Entry<String, String> e : raw.entrySet()) {
        if (!e.getKey().startsWith(prefix) || e.getKey().equals(prefix + "type")) {
          continue;
        }
        String key = e.getKey().substring(prefix.length());
        if (!type.keys().contains(key)) {
          throw new ConfigException(e.getKey() + ": unknown key for type " + type.typeName() + " (known: "
              + String.join(", ", type.keys()) + ")");
        }
        used.add(e.getKey());
        values.put(key, resolve(e.getKey(), e.getValue(), env));
      }
      for (String key : type.required()) {
        if (!values.containsKey(key)) {
          throw new ConfigException(prefix + key + ": required for type " + type.typeName());
        }
      }
      byName.put(name, new DestinationConfig(name, type, values));
    }

    List<Route> routes = new ArrayList<>();
    Set<String> labels = new TreeSet<>(SendConfig::compareLabels);
    for (String key : raw.keySet()) {
      if (key.startsWith("route.")) {
        int dot = key.indexOf('.', "route.".length());
        if (dot < 0) {
          throw new ConfigException(key + ": unknown key (expected route.N.event, route.N.to, …)");
        }
        labels.add(key.substring("route.".length(), dot));
      }
    }
    for (String label : labels) {
      routes.add(route(label, raw, env, byName, used));
    }
    if (routes.isEmpty()) {
      throw new ConfigException("route.1.event: at least one route is required");
    }

    String region = raw.containsKey("region") ? resolve("region", raw.get("region"), env) : "US";
    used.add("region");
    for (String key : raw.keySet()) {
      if (!used.contains(key)) {
        throw new ConfigException(key + ": unknown key");
      }
    }
    return new SendConfig(List.copyOf(byName.values()), routes, region, provenance);
  }

  private static Route route(String label, Map<String, String> raw, Function<String, @Nullable String> env,
      Map<String, DestinationConfig> destinations, Set<String> used) throws ConfigException {
    String prefix = "route." + label + ".";
    for (String key : raw.keySet()) {
      if (key.startsWith(prefix)) {
        String rest = key.substring(prefix.length());
        if (!ROUTE_KEYS.contains(rest) && !(rest.startsWith("option.") && rest.length() > "option.".length())) {
          throw new ConfigException(key + ": unknown key (known: event, to, window, audience, target, option.KEY)");
        }
        used.add(key);
      }
    }
    Route.Builder b = Route.builder();
    String event = resolve(prefix + "event", required(raw, prefix + "event", used), env);
    try {
      b.event(event);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(prefix + e.getMessage());
    }
    String window = raw.get(prefix + "window");
    if (window != null) {
      Matcher m = WINDOW.matcher(resolve(prefix + "window", window, env).replace(" ", ""));
      if (!m.matches()) {
        throw new ConfigException(prefix + "window: must look like 0h-24h (units s, m, h, d), was \"" + window + "\"");
      }
      try {
        b.window(duration(m.group(1), m.group(2)), duration(m.group(3), m.group(4)));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(prefix + e.getMessage());
      }
    }
    String audience = raw.get(prefix + "audience");
    if (audience != null) {
      b.audience(resolve(prefix + "audience", audience, env));
    }
    String target = raw.containsKey(prefix + "target") ? resolve(prefix + "target", raw.get(prefix + "target"), env) : null;
    Map<String, String> options = new TreeMap<>();
    for (Map.Entry<String, String> e : raw.entrySet()) {
      if (e.getKey().startsWith(prefix + "option.")) {
        options.put(e.getKey().substring((prefix + "option.").length()), resolve(e.getKey(), e.getValue(), env));
      }
    }
    List<String> to = list(required(raw, prefix + "to", used));
    if (to.isEmpty()) {
      throw new ConfigException(prefix + "to: name at least one destination");
    }
    for (String name : to) {
      if (!destinations.containsKey(name)) {
        throw new ConfigException(prefix + "to: \"" + name + "\" is not in destinations (" 
            + String.join(", ", destinations.keySet()) + ")");
      }
      try {
        b.to(name, target, options);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(prefix + "to: " + e.getMessage());
      }
    }
    return b.build();
  }

  private static Duration duration(String amount, String unit) {
    long n = Long.parseLong(amount);
    return switch (unit) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  /** Route labels sort numerically when both are numbers ({@code 2} before {@code 10}). */
  private static int compareLabels(String a, String b) {
    boolean na = a.chars().allMatch(Character::isDigit) && !a.isEmpty() && a.length() < 10;
    boolean nb = b.chars().allMatch(Character::isDigit) && !b.isEmpty() && b.length() < 10;
    if (na && nb) {
      return Integer.compare(Integer.parseInt(a), Integer.parseInt(b));
    }
    return na ? -1 : nb ? 1 : a.compareTo(b);
  }

  private static String required(Map<String, String> raw, String key, Set<String> used) throws ConfigException {
    String value = raw.get(key);
    if (value == null || value.isBlank()) {
      throw new ConfigException(key + ": required");
    }
    used.add(key);
    return value;
  }

  private static List<String> list(String value) {
    List<String> out = new ArrayList<>();
    for (String part : value.split(",")) {
      if (!part.isBlank()) {
        out.add(part.strip());
      }
    }
    return out;
  }

  /**
   * Replaces each {@code ${NAME}} with the environment variable's value.
   *
   * @throws ConfigException naming the key and the variable if it is unset or empty; never the value
   */
  static String resolve(String key, String value, Function<String, @Nullable String> env) throws ConfigException {
    if (ENV.matcher(value).replaceAll("").contains("${")) {
      throw new ConfigException(key + ": malformed ${…} reference (write ${NAME}, NAME of letters, digits and _)");
    }
    Matcher m = ENV.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String var = m.group(1);
      if (ALLOWED_PREFIXES.stream().noneMatch(var::startsWith)) {
        throw new ConfigException(key + ": environment variable " + var + " may not be read by a"
            + " config (allowed: names starting " + String.join(", ", ALLOWED_PREFIXES) + ")");
      }
      String v = env.apply(var);
      if (v == null || v.isEmpty()) {
        throw new ConfigException(key + ": environment variable " + var + " is not set");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(v));
    }
    m.appendTail(out);
    return out.toString();
  }


  /** A problem with the configuration; the message names the key. */
  static final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    ConfigException(String message) {
      super(message);
    }
  }

  /** Properties that remember a key given twice (plain {@code Properties} keeps the last silently). */
  private static final class StrictProperties extends Properties {
    private static final long serialVersionUID = 1L;
    private final Set<Object> seen = new LinkedHashSet<>();
    @Nullable String duplicate;

    @Override
    public synchronized @Nullable Object put(Object key, Object value) {
      if (!seen.add(key) && duplicate == null) {
        duplicate = key.toString();
      }
      return super.put(key, value);
    }
  }
}
