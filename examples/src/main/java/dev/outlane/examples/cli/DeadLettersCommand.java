package dev.outlane.examples.cli;

import dev.outlane.DurableOptions;
import dev.outlane.Outlane;
import dev.outlane.OutlaneException;
import dev.outlane.contract.EventCodec;
import dev.outlane.deadletter.DeadLetter;
import dev.outlane.deadletter.DeadLetterListing;
import dev.outlane.deadletter.DeadLetterQuery;
import dev.outlane.deadletter.DeadLetterReason;
import dev.outlane.deadletter.DeadLetterSnapshot;
import dev.outlane.deadletter.FileDeadLetterStore;
import dev.outlane.deadletter.ReplayOptions;
import dev.outlane.deadletter.ReplayReport;
import dev.outlane.destination.Channel;
import dev.outlane.destination.DestinationLimits;
import dev.outlane.examples.cli.SendConfig.ConfigException;
import dev.outlane.examples.demo.DemoDestinations;
import dev.outlane.guardrail.FileIdempotencyStore;
import dev.outlane.hashing.HashingProfile;
import dev.outlane.storage.EncryptionKey;
import dev.outlane.journal.EventSerializer;
import dev.outlane.storage.StorageException;
import dev.outlane.testing.FakeDestination;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code outlane dead-letters list|replay}: reads the dead letters a durable client ({@code
 * Outlane.builder().durable(dir)}) keeps in {@code <dir>/dead-letters}, and replays them.
 *
 * <p>{@code list} reads a snapshot without taking the store's lock, so it works while the service
 * that owns {@code --dir} runs. {@code replay} writes (resolutions), so it opens the store and needs
 * the service stopped (or call {@code Outlane.replayDeadLetters} from inside the service).
 *
 * <p>{@code replay --config FILE} reads the {@code outlane send} configuration ({@link
 * ConfiguredDestinations}: the same parser, the same adapters, credentials from environment
 * variables and never printed) and replays through those real destinations on a client opened
 * durable on {@code --dir}, as {@code send --dir} opens it; events its journal holds as unfinished
 * are therefore delivered too. {@code --dry-run} and {@code --fake-destinations} never open the
 * journal, so they deliver no pending event.
 *
 * <p>Exit codes: {@code 0} done (every replayed record resolved; a listing or dry run printed),
 * {@code 1} records remain failing or were skipped, {@code 2} usage errors and a directory that
 * cannot be used (missing, locked by a running client).
 *
 * <p>Slightly over the project's ~500-line guide: the two subcommands share the directory opening,
 * the selection options and the PII-free listing, and each option's help text is written out.
 */
@Command(
    name = "dead-letters",
    footer = OutlaneCli.EXIT_CODES,
    mixinStandardHelpOptions = true,
    versionProvider = OutlaneCli.Version.class,
    description = "Lists and replays the dead letters of a durable Outlane directory.",
    subcommands = {DeadLettersCommand.ListCommand.class, DeadLettersCommand.ReplayCommand.class})
final class DeadLettersCommand implements Runnable {
  @Spec CommandSpec spec;

  /** {@code outlane dead-letters} without a subcommand is a usage error. */
  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing required subcommand: list or replay");
  }

  /** The options both subcommands share. */
  static class Selection {
    @Option(names = "--dir", defaultValue = "${env:OUTLANE_DIR:-outlane-data}", paramLabel = "DIR",
        description = "The durable directory given to Outlane.builder().durable(DIR)"
            + " (default: $OUTLANE_DIR, else ${DEFAULT-VALUE}).")
    Path dir = Path.of("outlane-data");

    @Option(names = "--destination", paramLabel = "NAME", description = "Only this destination.")
    @Nullable String destination;

    @Option(names = "--reason", paramLabel = "REASON", converter = ReasonConverter.class,
        description = "Only this reason: needs-reconciliation, retries-exhausted, rejected,"
            + " opted-out, undeliverable.")
    @Nullable DeadLetterReason reason;

    @picocli.CommandLine.Mixin EncryptionKeyOption encryption = new EncryptionKeyOption();

    /** The at-rest key read by {@link #readKey}; null until then, or when there is none. */
    private @Nullable EncryptionKey key;

    /**
     * Reads the encryption key from {@code env} ({@link EncryptionKeyOption}); false, the reason
     * printed as {@code command: …} (naming the variable, never its value), if it is malformed.
     */
    boolean readKey(Function<String, @Nullable String> env, PrintWriter err, String command) {
      try {
        key = encryption.read(env);
        return true;
      } catch (EncryptionKeyOption.KeyException e) {
        err.println(command + ": " + e.getMessage());
        err.flush();
        return false;
      }
    }

    /** The key the directory's payloads are encrypted with, if any (after {@link #readKey}). */
    @Nullable EncryptionKey key() {
      return key;
    }

    DurableOptions options() {
      return DurableOptions.at(dir).withEncryptionKey(key);
    }

    /** Opens the store, or prints why not and returns null. */
    @Nullable FileDeadLetterStore open(PrintWriter err, String command) {
      Path store = options().deadLetterDirectory();
      if (!Files.isDirectory(store)) {
        err.println(command + ": no dead-letter store in " + dir + " (expected " + store + ")");
        return null;
      }
      try {
        FileDeadLetterStore opened = FileDeadLetterStore.builder().directory(store).serializer(serializer())
            .encryptionKey(key).open();
        DurableDirectory.warnUnreadable(err, dir, opened.recoveryReport().unreadableRecords());
        return opened;
      } catch (StorageException e) {
        err.println(command + ": " + e.getMessage());
        return null;
      }
    }
  }

  static EventSerializer serializer() {
    return EventSerializer.json(EventCodec.builder().build());
  }

  /** Parses a reason's wire name, with the list of known reasons on error. */
  static final class ReasonConverter implements ITypeConverter<DeadLetterReason> {
    @Override
    public DeadLetterReason convert(String value) {
      return DeadLetterReason.fromWireName(value);
    }
  }

  @Command(
      name = "list",
      footer = OutlaneCli.EXIT_CODES,
      mixinStandardHelpOptions = true,
      versionProvider = OutlaneCli.Version.class,
      description = {
        "Prints one line per dead letter: id, destination, reason, error code, attempts, first and"
            + " last attempt, customer_id, 8-hex prefixes of an HMAC-SHA256 of the email and phone"
            + " under this directory's own key (equal prefixes: the same person; never the raw values,"
            + " and not testable without the key), event, idempotency key, resolved, detail."
            + " Unresolved only unless --all.",
        "Reads a snapshot without locking: works while the client that owns DIR runs."})
  static final class ListCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @picocli.CommandLine.Mixin Selection selection = new Selection();

    @Option(names = "--all", description = "Include resolved records.")
    boolean all;

    private final Function<String, @Nullable String> env;

    /** Reads the encryption key from the process environment. */
    ListCommand() {
      this(System::getenv);
    }

    /** For tests: a given environment. */
    ListCommand(Function<String, @Nullable String> env) {
      this.env = env;
    }

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if (!selection.readKey(env, err, "dead-letters list")) {
        return 2;
      }
      Path store = selection.options().deadLetterDirectory();
      if (!Files.isDirectory(store)) {
        err.println("dead-letters list: no dead-letter store in " + selection.dir + " (expected "
            + store + ")");
        err.flush();
        return 2;
      }
      List<DeadLetter> records;
      long unreadable;
      try {
        // A snapshot, not an open: no lock, so listing works while the service runs. It counts the
        // records it cannot decode (they stay on disk) so the listing can say so.
        DeadLetterSnapshot snapshot = FileDeadLetterStore.readSnapshot(store, serializer(),
            selection.key(), new DeadLetterQuery(selection.destination, selection.reason, all));
        records = snapshot.records();
        unreadable = snapshot.unreadableRecords();
      } catch (StorageException e) {
        err.println("dead-letters list: " + e.getMessage());
        err.flush();
        return 2;
      }
      DeadLetterListing lines;
      try {
        lines = DeadLetterListing.forDirectory(store, selection.key());
      } catch (StorageException e) {
        err.println("dead-letters list: " + e.getMessage());
        err.flush();
        return 2;
      }
      for (DeadLetter d : records) {
        out.println(lines.lineFor(d));
      }
      long unresolved = records.stream().filter(d -> !d.resolved()).count();
      err.println(records.size() + " records, " + unresolved + " unresolved");
      out.flush();
      err.flush();
      DurableDirectory.warnUnreadable(err, selection.dir, unreadable);
      return unreadable > 0 ? 1 : 0;
    }
  }

  @Command(
      name = "replay",
      footer = OutlaneCli.EXIT_CODES,
      mixinStandardHelpOptions = true,
      versionProvider = OutlaneCli.Version.class,
      description = {
        "Re-submits matching unresolved dead letters, each to its own destination with its recorded"
            + " idempotency key, through the normal pipeline (suppression and dedupe apply). A record"
            + " is marked resolved once its replay is delivered or deduplicated; resolved records are"
            + " never replayed. Safe to run twice and to interrupt.",
        "--config FILE replays through the real destinations FILE configures: the same file, read"
            + " the same way, as 'outlane send --config FILE --dir DIR' (credentials from environment"
            + " variables, never printed). Its routes give each record its target's options (the SMS"
            + " template). A record whose destination FILE does not name is skipped. The client is"
            + " opened durable on DIR, so events the journal still holds as unfinished are delivered"
            + " too, exactly as the next 'send --dir DIR' would.",
        "needs-reconciliation records (an SMS that may have been sent) are skipped unless"
            + " --resend-unknown: resending them is your decision, after checking the destination.",
        "--dry-run prints what would be replayed and sends, resolves and delivers nothing (the"
            + " journal is not opened). --fake-destinations replays into in-process fakes that accept"
            + " everything and so resolves records without contacting any real service: for demos and"
            + " rehearsals only. Neither opens the journal.",
        "Needs the service that owns DIR stopped (or call Outlane.replayDeadLetters(query,"
            + " ReplayOptions) from inside it)."})
  static final class ReplayCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @picocli.CommandLine.Mixin Selection selection = new Selection();

    @Option(names = "--config", paramLabel = "FILE",
        description = "Replay through the destinations this send configuration (.properties) names.")
    @Nullable Path config;

    @Option(names = "--dry-run", description = "Print what would be sent; send and change nothing.")
    boolean dryRun;

    @Option(names = "--resend-unknown",
        description = "Also resend needs-reconciliation records (they may already have been sent).")
    boolean resendUnknown;

    @Option(names = "--fake-destinations",
        description = "Replay into in-process fakes that accept everything (demos only).")
    boolean fakes;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "PT10M",
        description = "With --config: how long to wait for unfinished journal events after the"
            + " replay, ISO-8601 (default ${DEFAULT-VALUE}).")
    Duration timeout = Duration.ofMinutes(10);

    // No injectable clock: the replay client uses the system clock, because batching lanes
    // (Segment, ads) send a lingering batch when that clock says so, and a replay never flushes.
    private final Function<String, @Nullable String> env;

    /** Reads credentials from the process environment. */
    ReplayCommand() {
      this(System::getenv);
    }

    /** For tests: a given environment. */
    ReplayCommand(Function<String, @Nullable String> env) {
      this.env = env;
    }

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if (config == null && !dryRun && !fakes) {
        throw new ParameterException(spec.commandLine(), "replay: say where to replay: --config FILE"
            + " (the destinations 'outlane send --config FILE' uses), --dry-run to see what would be"
            + " sent, or --fake-destinations to replay into in-process fakes (records are then"
            + " resolved without contacting any real service)");
      }
      if (config != null && fakes) {
        throw new ParameterException(spec.commandLine(),
            "replay: --config and --fake-destinations exclude each other");
      }
      if (!selection.readKey(env, err, "dead-letters replay")) {
        return 2;
      }
      ConfiguredDestinations configured = null;
      if (config != null) {
        try {
          configured = ConfiguredDestinations.load(config, env);
        } catch (ConfigException e) {
          err.println("dead-letters replay: " + config + ": " + e.getMessage());
          err.flush();
          return 2;
        }
      }
      DeadLetterQuery query = new DeadLetterQuery(selection.destination, selection.reason, false);
      ReplayReport report;
      boolean finished = true;
      try {
        if (configured != null && !dryRun) {
          ConfiguredDestinations real = configured;
          configured = null; // the client owns the adapters from here, even if build() fails
          Replayed r = replayDurable(real, query, err);
          if (r == null) {
            return 2;
          }
          report = r.report();
          finished = r.finished();
        } else {
          report = replayWithoutJournal(configured, query, err);
          configured = null;
          if (report == null) {
            return 2;
          }
        }
      } finally {
        if (configured != null) {
          configured.close();
        }
      }
      for (ReplayReport.Item item : report.items()) {
        out.println(item.outcome() + " " + item.line());
      }
      out.flush();
      err.println((dryRun ? "dry run: " : "") + report.matched() + " matched, "
          + report.skippedResolved() + " already resolved, " + report.skipped() + " skipped, "
          + report.replayed() + (dryRun ? " would be replayed" : " replayed, " + report.resolved()
          + " resolved, " + report.stillFailing() + " still failing"));
      if (!finished) {
        err.println("not finished within " + timeout + ": events still pending stay in the journal"
            + " of " + selection.dir);
      }
      err.flush();
      return report.stillFailing() > 0 || report.skipped() > 0 || !finished || unreadable > 0 ? 1 : 0;
    }

    /** Unreadable records the durable client's stores reported (0 without --config). */
    private long unreadable;

    /** What a real replay did, and whether the journal's unfinished events finished in time. */
    private record Replayed(ReplayReport report, boolean finished) {}

    /**
     * Replays through the configured destinations on a client opened durable on DIR, as {@code send
     * --dir} opens it: the same journal, dead letters and delivered keys. Null (the reason printed)
     * if DIR cannot be used.
     */
    private @Nullable Replayed replayDurable(ConfiguredDestinations configured,
        DeadLetterQuery query, PrintWriter err) {
      Path store = selection.options().deadLetterDirectory();
      if (!Files.isDirectory(store)) {
        configured.close();
        err.println("dead-letters replay: no dead-letter store in " + selection.dir + " (expected "
            + store + ")");
        err.flush();
        return null;
      }
      Outlane.Builder builder = configured.register(Outlane.builder()
          .durable(selection.options()).closeTimeout(Duration.ofSeconds(5)));
      Outlane client;
      try {
        client = builder.build();
      } catch (OutlaneException e) {
        configured.close(); // no client was built to own them
        err.println("dead-letters replay: " + e.getMessage());
        err.flush();
        return null;
      }
      try (Outlane outlane = client) {
        unreadable = DurableDirectory.unreadable(outlane);
        DurableDirectory.warnUnreadable(err, selection.dir, unreadable);
        int pending = outlane.outstanding();
        if (pending > 0) {
          err.println("the journal of " + selection.dir + " held " + pending + " unfinished events:"
              + " delivering them too, as 'send --dir' would");
        }
        warnUnconfigured(outlane, configured, query, err);
        ReplayReport report = outlane.replayDeadLetters(query,
            ReplayOptions.builder().resendUnknownOutcomes(resendUnknown).build());
        return new Replayed(report, outlane.flush(timeout));
      } catch (OutlaneException e) {
        err.println("dead-letters replay: " + e.getMessage());
        err.flush();
        return null;
      }
    }

    /** Names the destinations that have records to replay but are not in the file: they are skipped. */
    private void warnUnconfigured(Outlane outlane, ConfiguredDestinations configured,
        DeadLetterQuery query, PrintWriter err) {
      Set<String> missing = new LinkedHashSet<>();
      for (DeadLetter d : outlane.deadLetters().list(query)) {
        if (!configured.names().contains(d.destination())) {
          missing.add(d.destination());
        }
      }
      if (!missing.isEmpty()) {
        err.println("not in " + config + ", skipped: " + String.join(", ", missing));
      }
    }

    /**
     * A dry run (with or without {@code --config}) or a replay into fakes: the dead-letter and
     * delivered-key stores only, never the journal, so nothing pending is delivered. Closes {@code
     * configured}. Null (the reason printed) if DIR cannot be used.
     */
    private @Nullable ReplayReport replayWithoutJournal(@Nullable ConfiguredDestinations configured,
        DeadLetterQuery query, PrintWriter err) {
      DurableOptions options = selection.options();
      FileDeadLetterStore store = selection.open(err, "dead-letters replay");
      if (store != null) {
        unreadable = store.recoveryReport().unreadableRecords();
      }
      if (store == null) {
        if (configured != null) {
          configured.close();
        }
        err.flush();
        return null;
      }
      FileIdempotencyStore keys = null;
      try {
        keys = FileIdempotencyStore.builder().directory(options.idempotencyDirectory()).open();
        Outlane.Builder builder = Outlane.builder().deadLetterStore(store)
            .idempotencyStore(keys);
        ConfiguredDestinations real = configured;
        configured = null; // the client owns the adapters from here (closed below if not built)
        if (real != null) {
          real.register(builder);
        } else {
          Set<String> names = new LinkedHashSet<>();
          for (DeadLetter d : store.list(query)) {
            names.add(d.destination());
          }
          if (names.isEmpty()) {
            names.add(DemoDestinations.SMS); // a client needs one destination; nothing will be sent
          }
          for (String name : names) {
            builder.destination(fake(name));
          }
        }
        Outlane client;
        try {
          client = builder.build();
        } catch (OutlaneException e) {
          if (real != null) {
            real.close(); // no client was built to own them
          }
          throw e;
        }
        try (Outlane outlane = client) {
          return outlane.replayDeadLetters(query, ReplayOptions.builder().dryRun(dryRun)
              .resendUnknownOutcomes(resendUnknown).build());
        }
      } catch (OutlaneException e) {
        err.println("dead-letters replay: " + e.getMessage());
        err.flush();
        return null;
      } finally {
        if (configured != null) {
          configured.close();
        }
        if (keys != null) {
          keys.close();
        }
        store.close();
      }
    }

    /** An in-process fake shaped like the demo's destination of that name; accepts everything. */
    private static FakeDestination fake(String name) {
      FakeDestination.Builder b = FakeDestination.builder(name);
      if (name.equals(DemoDestinations.SMS) || name.contains("sms")) {
        b.channel(Channel.SMS).idempotent(false).limits(DestinationLimits.single());
      } else if (name.startsWith("meta-") || name.contains("audience")) {
        b.channel(Channel.ADS).hashingProfile(HashingProfile.META)
            .limits(DestinationLimits.ofItems(10_000));
      } else {
        b.channel(Channel.EVENTS).limits(DestinationLimits.ofItems(2_500));
      }
      return b.build();
    }
  }
}
