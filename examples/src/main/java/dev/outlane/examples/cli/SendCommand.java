package dev.outlane.examples.cli;

import dev.outlane.DurableOptions;
import dev.outlane.Outlane;
import dev.outlane.RecoverySummary;
import dev.outlane.OutlaneException;
import dev.outlane.Problem;
import dev.outlane.QueueFullException;
import dev.outlane.Scheduler;
import dev.outlane.ValidationException;
import dev.outlane.contract.EventCodec;
import dev.outlane.contract.ParseResult;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.examples.cli.SendConfig.ConfigException;
import dev.outlane.identity.IdentityNormalizer;
import dev.outlane.storage.EncryptionKey;
import dev.outlane.journal.EventJournal;
import dev.outlane.routing.Route;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code outlane send --config FILE EVENTS.ndjson [--dry-run]}: delivers a file of v1 events to the
 * destinations configured in {@code FILE} (see {@link SendConfig} for the schema), through a real
 * {@link Outlane} client: routing, windows, dedupe, suppression after an opt-out, batching, retries
 * and dead-lettering all apply.
 *
 * <p>Reads the file line by line ({@link EventCodec}); an invalid line is printed as {@code line N:
 * <path>: <reason>}, counted, and skipped. The progress bar (stderr, only on a terminal or with
 * {@code --progress}; see {@link Terminal}) follows the bytes read. At the
 * end, a per-destination table of final states, the destinations' error codes, and the line counts.
 *
 * <p>{@code --dry-run} sends nothing: each destination prints what it would have sent, one line per
 * activation, in file order ({@code sms: To=+1******0123 Body="…"}), with phones masked and
 * credentials never shown. The configuration is checked as fully as for a real run, so the
 * environment variables it names must be set. {@code --as-of TIME} (dry run only) judges event
 * ages and route windows at that instant instead of now, so a file of past events previews as it
 * would have been sent then.
 *
 * <p>Exit codes: 0 every activation reached a final state and none was rejected or dead-lettered
 * (suppressed, stale, deduplicated and opted-out are the guardrails working, not failures); 1 some
 * line was invalid, or some activation was rejected or dead-lettered, or the run did not finish in
 * {@code --timeout}; 2 usage or configuration errors, or an unreadable file.
 */
@Command(
    name = "send",
    mixinStandardHelpOptions = true,
    versionProvider = OutlaneCli.Version.class,
    description = {
      "Delivers NDJSON v1 events to the destinations a .properties file configures.",
      "Credentials come from environment variables ($${NAME} in the file) and are never printed.",
      "Types: twilio-sms, segment, meta-audience, meta-capi, tiktok-audience, google-audience, webhook.",
      "See examples/config/send.example.properties for the schema.",
    },
    footer = OutlaneCli.EXIT_CODES)
public final class SendCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @ParentCommand @Nullable OutlaneCli parent;

  @Option(names = "--config", required = true, paramLabel = "FILE", description = "The .properties configuration.")
  Path config = Path.of("send.properties");

  @Parameters(paramLabel = "EVENTS", description = "NDJSON file, one v1 event per line; - reads stdin.")
  String events = "-";

  @Option(names = "--dry-run", description = "Print what each destination would receive; send nothing.")
  boolean dryRun;

  @Option(
      names = "--as-of",
      paramLabel = "TIME",
      description = {
        "With --dry-run: evaluate route windows and event ages as if it were TIME (RFC 3339, e.g.",
        "2026-11-29T20:00:00Z), to preview a file whose events are older than the windows allow.",
      })
  @Nullable String asOf;

  @Option(names = "--no-progress", description = "Do not draw the progress bar.")
  boolean noProgress;

  @Option(names = "--progress", description = "Draw the progress bar on stderr even when it is not a terminal.")
  boolean forceProgress;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description = {
        "Durable mode: journal, dead letters and delivered keys in DIR (as Outlane.builder().durable).",
        "Sending the same file again then sends nothing twice; list failures with",
        "'outlane dead-letters list --dir DIR'. A --dry-run never writes to DIR.",
        "Journal events and dead letters are encrypted at rest when $$" + EncryptionKeyOption.DEFAULT_VARIABLE
            + " (or --encryption-key-env) holds a key.",
      })
  @Nullable Path dir;

  @picocli.CommandLine.Mixin EncryptionKeyOption encryption = new EncryptionKeyOption();

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "PT10M",
      description = "How long to wait for deliveries after the last line, ISO-8601 (default ${DEFAULT-VALUE}).")
  Duration timeout = Duration.ofMinutes(10);

  private final Function<String, @Nullable String> env;
  private final Clock clock;
  /** For tests: the journal of an in-memory run (e.g. one whose appends fail as on a full disk). */
  @Nullable EventJournal journal;

  /** Reads credentials from the process environment. */
  public SendCommand() {
    this(System::getenv, Clock.systemUTC());
  }

  /** For tests: a given environment and clock. */
  SendCommand(Function<String, @Nullable String> env, Clock clock) {
    this.env = env;
    this.clock = clock;
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Clock clock = this.clock;
    if (asOf != null) {
      if (!dryRun) {
        // A real send "as of" the past would text people about carts they abandoned days ago.
        return usage(err, "--as-of: only with --dry-run (a real send judges event ages by the current time)");
      }
      Instant at = parseRfc3339(asOf);
      if (at == null) {
        return usage(err, "--as-of: must be an RFC 3339 time such as 2026-11-29T20:00:00Z, was \"" + asOf + "\"");
      }
      clock = Clock.fixed(at, ZoneOffset.UTC);
    }
    if (encryption.given() && dir == null) {
      return usage(err, "--encryption-key-env: only with --dir (without it nothing is written to disk)");
    }
    @Nullable EncryptionKey key;
    try {
      key = dir == null ? null : encryption.read(env);
    } catch (EncryptionKeyOption.KeyException e) {
      return usage(err, e.getMessage());
    }
    ConfiguredDestinations configured;
    try {
      configured = ConfiguredDestinations.load(config, env);
    } catch (ConfigException e) {
      return usage(err, config + ": " + e.getMessage());
    }
    SendConfig cfg = configured.config();
    IdentityNormalizer normalizer = configured.normalizer();
    List<SendDestinationType.Built> built = configured.built();

    InputStream raw;
    long size;
    try {
      raw = open();
      size = events.equals("-") ? 0 : Files.size(Path.of(events));
    } catch (IOException e) {
      configured.close();
      return usage(err, "cannot read " + events + ": " + describe(e));
    }

    EventCodec codec = EventCodec.builder().identityNormalizer(normalizer).build();
    // Durable: the client reports what crash recovery re-delivered and how it ended (Outlane#recovery).
    boolean durable = dir != null && !dryRun;
    long unreadable = 0;
    SendReport report = new SendReport(configured.names());
    // A dry run sends nothing (the DryRunPreview stage never proceeds), so it needs no pool: one real
    // delivery thread keeps each destination's preview in file order. Event age uses the run's clock.
    Scheduler previewThread = dryRun ? Scheduler.threads(1, "outlane-dry-run") : null;
    Outlane.Builder builder = Outlane.builder().clock(clock).identityNormalizer(normalizer)
        .closeTimeout(Duration.ofSeconds(5));
    if (previewThread != null) {
      builder.scheduler(previewThread);
    } else if (dir != null) {
      builder.durable(DurableOptions.at(dir).withEncryptionKey(key));
    } else if (journal != null) {
      builder.journal(journal);
    }
    for (SendDestinationType.Built b : built) {
      builder.destination(b.destination(), b.options());
      if (dryRun) {
        builder.interceptor(b.destination().name(), new DryRunPreview(b.preview(), out, cfg));
      }
    }
    for (Route r : cfg.routes()) {
      builder.route(r);
    }
    AtomicLong bytes = new AtomicLong();
    boolean finished;
    RecoverySummary recovery = RecoverySummary.none();
    try (CountingInput in = new CountingInput(raw, bytes);
        ProgressBar progress = new ProgressBar(err, Terminal.progressWanted(forceProgress, noProgress), bytes::get, size, report::lines, "lines");
        Outlane outlane = builder.build()) {
      if (durable) {
        unreadable = DurableDirectory.unreadable(outlane);
      }
      BoundedLineReader lines = new BoundedLineReader(in, codec.maxInputBytes());
      BoundedLineReader.Line line;
      while ((line = lines.next()) != null) {
        if (line.blank()) {
          continue;
        }
        report.line();
        // Strict UTF-8 and one size rule: the codec decodes the line's bytes itself.
        ParseResult parsed = line.bytes() == null
            ? ParseResult.invalid(List.of(codec.inputSizeProblem(line.size())))
            : codec.parse(line.bytes());
        List<Problem> problems = parsed.problems();
        if (problems.isEmpty()) {
          try {
            problems = submit(outlane, parsed.orThrow(), report);
          } catch (OutlaneException e) {
            // The journal could not record the event (disk full, directory gone): it was not
            // accepted, and every later line would fail the same way. Stop reading, deliver what
            // was accepted, and still print the report.
            report.notAccepted(line.number(), causeOf(e));
            break;
          }
        }
        if (!problems.isEmpty()) {
          report.invalid();
          synchronized (out) {
            for (Problem p : problems) {
              out.println("line " + line.number() + ": " + p);
            }
          }
        }
      }
      finished = outlane.flush(timeout);
      recovery = outlane.recovery();
    } catch (IOException e) {
      return usage(err, "cannot read " + events + ": " + describe(e));
    } catch (OutlaneException e) {
      // Durable mode could not open DIR (locked by another process, not writable…).
      return usage(err, "--dir " + dir + ": " + causeOf(e));
    } finally {
      if (previewThread != null) {
        previewThread.close(); // a scheduler passed to the builder is not closed by the client
      }
    }
    // A stage's callbacks may still be running on a delivery thread when flush returns.
    finished &= report.awaitResults(Duration.ofSeconds(5));
    out.print(report.render(dryRun));
    long recoveryDeadLettered = recovery.deadLetteredTotal();
    if (durable && recovery.recovered() > 0) {
      Map<String, Integer> byReason = new TreeMap<>();
      recovery.deadLettered().forEach((reason, n) -> byReason.put(reason.wireName(), n));
      out.println(recoveryLine(recovery.recovered(), dir, byReason));
    }
    long deadLettered = report.deadLettered() + recoveryDeadLettered;
    if (!dryRun && deadLettered > 0) {
      out.println(dir != null
          ? "dead letters are kept in " + dir + ": outlane dead-letters list --dir " + dir
          : "dead letters were kept in memory only and are gone: use --dir DIR to keep them");
    }
    if (!finished) {
      out.println("not finished within " + timeout + ": what was still queued is dead-lettered");
    }
    out.flush();
    DurableDirectory.warnUnreadable(err, dir == null ? Path.of(".") : dir, unreadable);
    if (report.notAcceptedLine() > 0) {
      err.println("outlane send: line " + report.notAcceptedLine() + " and after were not accepted: "
          + report.notAcceptedCause());
      err.flush();
    }
    return finished && report.clean() && recoveryDeadLettered == 0 && unreadable == 0 ? 0 : 1;
  }

  /** {@code recovered 3 pending events from the journal of DIR: 2 activations dead-lettered (…)}. */
  static String recoveryLine(int events, Path dir, Map<String, Integer> deadLettered) {
    int total = deadLettered.values().stream().mapToInt(Integer::intValue).sum();
    StringBuilder b = new StringBuilder("recovered " + events + " pending event" + (events == 1 ? "" : "s")
        + " from the journal of " + dir + " (left by a run that stopped early): ");
    if (total == 0) {
      return b.append("none of their activations dead-lettered").toString();
    }
    List<String> parts = new ArrayList<>();
    deadLettered.forEach((reason, n) -> parts.add(reason + " " + n));
    return b.append(total).append(total == 1 ? " activation" : " activations").append(" dead-lettered (")
        .append(String.join(", ", parts)).append(")").toString();
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // Nothing was read; nothing to report.
    }
  }

  /**
   * What went wrong, down to the root cause: each distinct message along the cause chain, the
   * operating system's reason last ({@code No space left on device}). Messages of the journal and
   * of the JDK's file exceptions name files and event ids, never an event's contents.
   */
  static String causeOf(Throwable e) {
    List<String> parts = new ArrayList<>();
    java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
      String m = t instanceof java.nio.file.FileSystemException fse && fse.getReason() != null
          ? fse.getReason() + " (" + fse.getFile() + ")"
          : t.getMessage();
      if (m == null || m.isBlank()) {
        m = t.getClass().getSimpleName();
      }
      if (parts.isEmpty() || !parts.get(parts.size() - 1).contains(m)) {
        parts.add(m);
      }
    }
    return String.join(": ", parts);
  }

  /** {@code 2026-11-29T20:00:00Z} or with an offset ({@code +01:00}); null if not RFC 3339. */
  static @Nullable Instant parseRfc3339(String text) {
    // RFC 3339 allows a lower-case t and z; java.time's ISO parser wants them upper-case.
    String s = text.strip().toUpperCase(java.util.Locale.ROOT);
    try {
      return OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** Submits, waiting for room when the client's queue is full; returns the engine's problems if any. */
  private List<Problem> submit(Outlane outlane, RetentionEvent event, SendReport report) {
    while (true) {
      try {
        outlane.submit(event).thenAccept(report::add);
        report.submitted();
        return List.of();
      } catch (ValidationException e) {
        return e.problems();
      } catch (QueueFullException e) {
        outlane.flush(Duration.ofSeconds(1));
      }
    }
  }

  private InputStream open() throws IOException {
    if (events.equals("-")) {
      InputStream stdin = parent != null ? parent.stdin() : System.in;
      return new FilterInputStream(stdin) {
        @Override
        public void close() {
          // Not ours to close.
        }
      };
    }
    Path path = Path.of(events);
    if (Files.isDirectory(path)) {
      throw new IOException("is a directory");
    }
    return Files.newInputStream(path);
  }

  private static int usage(PrintWriter err, String message) {
    err.println("outlane send: " + message);
    err.flush();
    return 2;
  }

  private static String describe(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** Counts bytes read, for the progress bar. */
  private static final class CountingInput extends FilterInputStream {
    private final AtomicLong count;

    CountingInput(InputStream in, AtomicLong count) {
      super(in);
      this.count = count;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count.incrementAndGet();
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count.addAndGet(n);
      }
      return n;
    }
  }




}
