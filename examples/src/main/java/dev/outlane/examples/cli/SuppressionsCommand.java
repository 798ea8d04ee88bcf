package dev.outlane.examples.cli;

import dev.outlane.DurableOptions;
import dev.outlane.ValidationException;
import dev.outlane.destination.Channel;
import dev.outlane.guardrail.FileSuppressionStore;
import dev.outlane.guardrail.SuppressionEntry;
import dev.outlane.guardrail.SuppressionSource;
import dev.outlane.hashing.Sha256;
import dev.outlane.identity.Identity;
import dev.outlane.identity.IdentityNormalizer;
import dev.outlane.storage.StorageException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code outlane suppressions list|add|lift --dir DIR}: who must not be contacted, for the
 * operator at 11 pm. Works on the {@code suppression/} store of a durable directory, which keeps
 * only SHA-256 hashes, so a listing never shows an email or a phone: it shows counts per source and
 * channel, and with {@code --email/--phone/--customer-id} whether that one person is suppressed and
 * by what. {@code add} suppresses as the {@code operator} source; {@code lift} lifts only what one
 * source caused ({@code operator} unless {@code --source} says otherwise), so lifting an operator's
 * suppression never undoes a Twilio STOP.
 *
 * <p>Each subcommand opens the store, which locks it: run it while the client that owns DIR is
 * stopped (a running {@code outlane serve} makes it exit 2, naming the lock). Not thread-safe.
 */
@Command(
    name = "suppressions",
    footer = OutlaneCli.EXIT_CODES,
    mixinStandardHelpOptions = true,
    versionProvider = OutlaneCli.Version.class,
    description = "Lists, adds and lifts the suppressions of a durable Outlane directory.",
    subcommands = {SuppressionsCommand.ListCommand.class, SuppressionsCommand.AddCommand.class,
        SuppressionsCommand.LiftCommand.class})
final class SuppressionsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Give a subcommand: list, add or lift");
  }

  /** The directory and the person, shared by the subcommands. */
  static final class Target {
    @Option(names = "--dir", required = true, paramLabel = "DIR",
        description = "The durable directory (its suppression/ store is used).")
    Path dir = Path.of(".");

    @Option(names = "--customer-id", paramLabel = "ID", description = "The person's customer id.")
    @Nullable String customerId;

    @Mixin IdentityOptions identity = new IdentityOptions();

    boolean personGiven() {
      return customerId != null || identity.email != null || identity.phone != null;
    }

    /**
     * The person {@code add} and {@code lift} act on: a usage error if none was given; null after
     * printing the problems.
     */
    @Nullable Identity requiredPerson(CommandSpec spec, String command) {
      if (!personGiven()) {
        throw new ParameterException(spec.commandLine(), "Give at least one of --customer-id, --email, --phone");
      }
      PrintWriter err = spec.commandLine().getErr();
      Identity person = person(err, command);
      if (person == null) {
        err.flush();
      }
      return person;
    }

    /** The person, normalized; null after printing the problems (no PII in them). */
    @Nullable Identity person(PrintWriter err, String command) {
      IdentityNormalizer normalizer = identity.normalizer(err, command);
      if (normalizer == null) {
        return null;
      }
      try {
        // Without a customer id the person is matched by email or phone alone (the stores' rule).
        return normalizer.normalizeAnyOf(customerId, identity.email, identity.phone);
      } catch (ValidationException e) {
        IdentityOptions.printProblems(err, command, e.problems());
        return null;
      }
    }

    /** Opens the store, or prints why not and returns null. */
    @Nullable FileSuppressionStore open(PrintWriter err, String command) {
      Path store = DurableOptions.at(dir).suppressionDirectory();
      if (!Files.isDirectory(store)) {
        err.println(command + ": no suppression store in " + dir + " (expected " + store + ")");
        return null;
      }
      try {
        return FileSuppressionStore.builder().directory(store).open();
      } catch (StorageException e) {
        err.println(command + ": " + e.getMessage());
        return null;
      }
    }
  }

  /** The {@code --channel} option {@code add} and {@code lift} share. */
  static final class Channels {
    @Option(names = "--channel", required = true, paramLabel = "sms,email|all",
        converter = ChannelsConverter.class, description = "The channels: sms, email, events, ads, or all.")
    Set<Channel> channels = EnumSet.noneOf(Channel.class);
  }

  /** {@code sms,email} or {@code all}. */
  static final class ChannelsConverter implements ITypeConverter<Set<Channel>> {
    @Override
    public Set<Channel> convert(String value) {
      if (value.strip().equalsIgnoreCase("all")) {
        return EnumSet.allOf(Channel.class);
      }
      EnumSet<Channel> channels = EnumSet.noneOf(Channel.class);
      for (String c : value.split(",")) {
        channels.add(Channel.fromWireName(c));
      }
      return channels;
    }
  }

  /** A source's code, e.g. {@code twilio-stop}; the known codes on error. */
  static final class SourceConverter implements ITypeConverter<SuppressionSource> {
    @Override
    public SuppressionSource convert(String value) {
      for (SuppressionSource s : SuppressionSource.values()) {
        if (s.code().equals(value.strip().toLowerCase(Locale.ROOT))) {
          return s;
        }
      }
      List<String> known = new ArrayList<>();
      for (SuppressionSource s : SuppressionSource.values()) {
        known.add(s.code());
      }
      throw new IllegalArgumentException("unknown source \"" + value + "\" (known: "
          + String.join(", ", known) + ")");
    }
  }

  static String channels(Set<Channel> channels) {
    List<String> names = new ArrayList<>();
    for (Channel c : channels) {
      names.add(c.wireName());
    }
    return String.join(",", names);
  }

  @Command(
      name = "list",
      footer = OutlaneCli.EXIT_CODES,
      mixinStandardHelpOptions = true,
      versionProvider = OutlaneCli.Version.class,
      description = {
        "Without a person: how many identifiers each source suppressed on each channel. With"
            + " --email, --phone or --customer-id: whether that person is suppressed, on which"
            + " channels and by which source. Never prints an email, a phone or a hash."})
  static final class ListCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Target target = new Target();

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Identity person = null;
      if (target.personGiven()) {
        person = target.person(err, "suppressions list");
        if (person == null) {
          err.flush();
          return 2;
        }
      }
      try (FileSuppressionStore store = target.open(err, "suppressions list")) {
        if (store == null) {
          err.flush();
          return 2;
        }
        List<SuppressionEntry> entries = store.list();
        if (person == null) {
          printCounts(out, entries);
        } else {
          printPerson(out, entries, person);
        }
      }
      out.flush();
      return 0;
    }

    private static void printCounts(PrintWriter out, List<SuppressionEntry> entries) {
      Map<SuppressionSource, Map<Channel, Integer>> counts = new EnumMap<>(SuppressionSource.class);
      for (SuppressionEntry e : entries) {
        e.channelsBySource().forEach((source, channels) -> {
          for (Channel c : channels) {
            counts.computeIfAbsent(source, s -> new EnumMap<>(Channel.class)).merge(c, 1, Integer::sum);
          }
        });
      }
      out.printf(Locale.ROOT, "%d suppressed identifiers (customer ids, email and phone hashes)%n", entries.size());
      out.printf(Locale.ROOT, "%-20s %8s %8s %8s %8s%n", "source", "sms", "email", "events", "ads");
      counts.forEach((source, byChannel) -> out.printf(Locale.ROOT, "%-20s %8d %8d %8d %8d%n",
          source.code(), byChannel.getOrDefault(Channel.SMS, 0), byChannel.getOrDefault(Channel.EMAIL, 0),
          byChannel.getOrDefault(Channel.EVENTS, 0), byChannel.getOrDefault(Channel.ADS, 0)));
    }

    private static void printPerson(PrintWriter out, List<SuppressionEntry> entries, Identity person) {
      Map<SuppressionEntry.Kind, String> hashes = new EnumMap<>(SuppressionEntry.Kind.class);
      if (!person.customerId().isEmpty()) {
        hashes.put(SuppressionEntry.Kind.CUSTOMER_ID, Sha256.hex(person.customerId()));
      }
      if (person.email() != null) {
        hashes.put(SuppressionEntry.Kind.EMAIL, Sha256.hex(person.email()));
      }
      if (person.phoneE164() != null) {
        hashes.put(SuppressionEntry.Kind.PHONE, Sha256.hex(person.phoneE164()));
      }
      Map<String, Set<Channel>> found = new TreeMap<>();
      for (SuppressionEntry e : entries) {
        if (e.sha256().equals(hashes.get(e.kind()))) {
          String by = e.kind().name().toLowerCase(Locale.ROOT).replace('_', '-');
          e.channelsBySource().forEach((source, channels) -> found.computeIfAbsent(
              source.code() + " (by " + by + ")", k -> EnumSet.noneOf(Channel.class)).addAll(channels));
        }
      }
      if (found.isEmpty()) {
        out.println("not suppressed");
        return;
      }
      found.forEach((source, channels) -> out.println("suppressed on " + channels(channels) + " by " + source));
    }
  }

  @Command(
      name = "add",
      footer = OutlaneCli.EXIT_CODES,
      mixinStandardHelpOptions = true,
      versionProvider = OutlaneCli.Version.class,
      description = "Suppresses a person on the given channels, as the operator source.")
  static final class AddCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Target target = new Target();

    @Mixin Channels channels = new Channels();

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Identity person = target.requiredPerson(spec, "suppressions add");
      if (person == null) {
        return 2;
      }
      try (FileSuppressionStore store = target.open(err, "suppressions add")) {
        if (store == null) {
          err.flush();
          return 2;
        }
        store.suppress(person, channels.channels, SuppressionSource.OPERATOR);
      }
      out.println("suppressed on " + channels(channels.channels) + " by operator");
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "lift",
      footer = OutlaneCli.EXIT_CODES,
      mixinStandardHelpOptions = true,
      versionProvider = OutlaneCli.Version.class,
      description = "Lifts what one source suppressed for a person on the given channels; another"
          + " source's suppression on the same channel stays. Exit 1 if there was nothing to lift.")
  static final class LiftCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Target target = new Target();

    @Mixin Channels channels = new Channels();

    @Option(names = "--source", paramLabel = "SOURCE", converter = SourceConverter.class,
        defaultValue = "operator",
        description = "Whose suppression to lift (default: ${DEFAULT-VALUE}): operator, twilio-stop,"
            + " opted-out, customerio, consent-denied, bounce-or-complaint.")
    SuppressionSource source = SuppressionSource.OPERATOR;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Identity person = target.requiredPerson(spec, "suppressions lift");
      if (person == null) {
        return 2;
      }
      Set<Channel> lifted;
      try (FileSuppressionStore store = target.open(err, "suppressions lift")) {
        if (store == null) {
          err.flush();
          return 2;
        }
        lifted = store.lift(person, channels.channels, source);
      }
      if (lifted.isEmpty()) {
        out.println("nothing lifted: no suppression by " + source.code() + " on " + channels(channels.channels));
        out.flush();
        return 1;
      }
      out.println("lifted on " + channels(lifted) + " (by " + source.code() + ")");
      out.flush();
      return 0;
    }
  }
}
