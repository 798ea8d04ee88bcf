package dev.outlane.examples.cli;

import dev.outlane.ads.google.GoogleDataManagerDestination;
import dev.outlane.ads.meta.MetaCustomAudienceDestination;
import dev.outlane.ads.tiktok.TikTokAudienceDestination;
import dev.outlane.audience.AudienceSync;
import dev.outlane.audience.AudienceSyncException;
import dev.outlane.audience.DestinationAudienceSink;
import dev.outlane.audience.MemberSource;
import dev.outlane.audience.SyncProgress;
import dev.outlane.audience.SyncReport;
import dev.outlane.destination.Destination;
import dev.outlane.hashing.HashingProfile;
import dev.outlane.identity.IdentityNormalizer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code outlane sync-audience --destination meta|tiktok|google --audience ID MEMBERS.csv|ndjson}:
 * mirror-mode audience sync with core's {@link AudienceSync}. Compares the file's members with the
 * last synced snapshot kept in {@code --state-dir} (hashes only, never raw PII) and sends only the
 * adds and removes, through the ads adapter for that destination. Prints the sync report: members,
 * adds, removes, unchanged, invalid by reason, the destination's match rate, and audience-size drift.
 *
 * <p>Credentials come from environment variables, never from the command line (which other users
 * can see in the process list) and are never printed: {@code META_ACCESS_TOKEN}; {@code
 * TIKTOK_ACCESS_TOKEN}; {@code GOOGLE_ACCESS_TOKEN} (an OAuth token with the Data Manager scope).
 * {@code --dry-run} needs none: it computes the diff without sending or writing state.
 *
 * <p>A sync that stops on a failed batch (exit 1) is resumed by running the same command again:
 * batches already accepted are not sent twice, and the snapshot advances only once all are.
 */
@Command(
    name = "sync-audience",
    mixinStandardHelpOptions = true,
    versionProvider = OutlaneCli.Version.class,
    description = {
      "Mirrors a members file into a Meta, TikTok or Google ad audience (adds and removes only).",
      "MEMBERS is CSV (header customer_id,email,phone) or NDJSON; identifiers are hashed as the",
      "destination requires. Credentials: META_ACCESS_TOKEN, TIKTOK_ACCESS_TOKEN or",
      "GOOGLE_ACCESS_TOKEN (not needed for --dry-run).",
    },
    footer = OutlaneCli.EXIT_CODES)
public final class SyncAudienceCommand implements Callable<Integer> {
  /** The destinations, their hashing profiles and credential variables. */
  enum Kind {
    META("meta", "META_ACCESS_TOKEN", HashingProfile.META),
    TIKTOK("tiktok", "TIKTOK_ACCESS_TOKEN", HashingProfile.TIKTOK),
    GOOGLE("google", "GOOGLE_ACCESS_TOKEN", HashingProfile.GOOGLE);

    final String cliName;
    final String tokenVariable;
    final HashingProfile profile;

    Kind(String cliName, String tokenVariable, HashingProfile profile) {
      this.cliName = cliName;
      this.tokenVariable = tokenVariable;
      this.profile = profile;
    }

    /**
     * Why {@code id} is not an audience id of this destination, or null if it is one. All three
     * use decimal ids: Meta custom audience ids, TikTok audience ids and Google user list ids are
     * 64-bit numbers (at most 20 digits). A pasted placeholder ({@code 2385…}) is caught here,
     * before it becomes a state directory and an API call.
     */
    @Nullable String audienceProblem(String id) {
      String what = switch (this) {
        case META -> "a Meta custom audience id";
        case TIKTOK -> "a TikTok audience id";
        case GOOGLE -> "a Google user list id";
      };
      if (id.isBlank()) {
        return "must not be blank";
      }
      if (!id.matches("[0-9]{1,20}")) {
        return what + " is 1 to 20 digits (e.g. 23850000000000001), was \"" + id + "\"";
      }
      return null;
    }

    @Override
    public String toString() {
      return cliName;
    }
  }

  @Spec CommandSpec spec;

  @Option(names = "--destination", required = true, paramLabel = "meta|tiktok|google",
      converter = KindConverter.class, description = "Where the audience lives: meta, tiktok or google.")
  Kind destination = Kind.META;

  @Option(names = "--audience", required = true, paramLabel = "ID",
      description = "The audience id at the destination (Meta custom audience id, TikTok audience id,"
          + " Google user list id).")
  String audience = "";

  @Parameters(paramLabel = "MEMBERS", description = "The current members: .csv (customer_id,email,phone header) or .ndjson.")
  Path members = Path.of("members.csv");

  @Option(names = "--dry-run", description = "Compute and print the diff; send nothing, write no state.")
  boolean dryRun;

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "Where the last synced snapshot is kept (default: outlane-state/audiences/DESTINATION-ID).")
  @Nullable Path stateDir;

  @Option(names = "--base-url", paramLabel = "URL",
      description = "Send to this API root instead of the destination's (a fake or a proxy); ends in /.")
  @Nullable String baseUrl;

  @Option(names = "--region", paramLabel = "CC", defaultValue = "US",
      description = "Region for phone numbers written without a country code (default: ${DEFAULT-VALUE}).")
  String region = "US";

  @Option(names = "--advertiser-id", paramLabel = "ID",
      description = "TikTok: the advertiser account (default: the TIKTOK_ADVERTISER_ID environment variable).")
  @Nullable String advertiserId;

  @Option(names = "--account", paramLabel = "TYPE:ID",
      description = "Google: the operating account, e.g. GOOGLE_ADS:1234567890.")
  @Nullable String account;

  @Option(names = "--no-progress", description = "Do not draw the progress bar.")
  boolean noProgress;

  @Option(names = "--progress", description = "Draw the progress bar on stderr even when it is not a terminal.")
  boolean forceProgress;

  private final Function<String, @Nullable String> env;

  /** Reads credentials from the process environment. */
  public SyncAudienceCommand() {
    this(System::getenv);
  }

  /** For tests: a given environment. */
  SyncAudienceCommand(Function<String, @Nullable String> env) {
    this.env = env;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String badAudience = destination.audienceProblem(audience);
    if (badAudience != null) {
      return usage(err, "--audience: " + badAudience);
    }
    IdentityNormalizer normalizer;
    try {
      normalizer = IdentityNormalizer.builder().defaultRegion(region).build();
    } catch (IllegalArgumentException e) {
      return usage(err, "--region: not a supported region: \"" + region + "\"");
    }
    if (!Files.isRegularFile(members)) {
      return usage(err, "cannot read " + members + ": " + (Files.exists(members) ? "not a file" : "no such file"));
    }
    Destination sink = null;
    if (!dryRun) {
      try {
        sink = build();
      } catch (UsageException e) {
        return usage(err, e.getMessage());
      }
    }
    // A dry run writes nothing to dir (AudienceSync keeps its scratch files in the temp directory).
    Path dir = stateDir != null ? stateDir
        : Path.of("outlane-state", "audiences", destination.cliName + "-" + audience);
    Progress progress = new Progress();
    SyncReport report;
    try (ProgressBar bar = new ProgressBar(err, Terminal.progressWanted(forceProgress, noProgress), progress::line)) {
      AudienceSync sync = AudienceSync.builder()
          .stateDirectory(dir)
          .audience(audience)
          .destination(destination.cliName + "-audience")
          .hashingProfile(destination.profile)
          .normalizer(normalizer)
          .progress(progress)
          .build();
      MemberSource source = MemberSource.open(members);
      report = sink == null ? sync.dryRun(source) : sync.run(source, DestinationAudienceSink.of(sink, audience));
    } catch (AudienceSyncException | IllegalArgumentException e) {
      return usage(err, e.getMessage());
    } finally {
      if (sink != null) {
        sink.close();
      }
    }
    out.print(report.summary());
    if (!report.dryRun() && !report.complete()) {
      out.println("  the sync is incomplete: run the same command again to resume;"
          + " accepted batches are not sent twice");
    }
    out.flush();
    // The one exit-code rule (OutlaneCli.EXIT_CODES): members left out as invalid need attention,
    // in a dry run too; so does an incomplete sync.
    return report.invalid() == 0 && (report.dryRun() || report.complete()) ? 0 : 1;
  }

  private Destination build() throws UsageException {
    String token = env.apply(destination.tokenVariable);
    if (token == null || token.isBlank()) {
      throw new UsageException("environment variable " + destination.tokenVariable + " is not set");
    }
    String name = destination.cliName + "-audience";
    try {
      switch (destination) {
        case META: {
          MetaCustomAudienceDestination.Builder b = MetaCustomAudienceDestination.builder().name(name).accessToken(token);
          if (baseUrl != null) {
            b.baseUrl(baseUrl);
          }
          return b.build();
        }
        case TIKTOK: {
          String advertiser = advertiserId != null ? advertiserId : env.apply("TIKTOK_ADVERTISER_ID");
          if (advertiser == null || advertiser.isBlank()) {
            throw new UsageException("--advertiser-id: required for tiktok (or set TIKTOK_ADVERTISER_ID)");
          }
          TikTokAudienceDestination.Builder b = TikTokAudienceDestination.builder().name(name).accessToken(token)
              .advertiserIds(advertiser);
          if (baseUrl != null) {
            b.baseUrl(baseUrl);
          }
          return b.build();
        }
        case GOOGLE:
        default: {
          if (account == null || account.indexOf(':') < 0) {
            throw new UsageException("--account: required for google, as TYPE:ID (e.g. GOOGLE_ADS:1234567890)");
          }
          int colon = account.indexOf(':');
          GoogleDataManagerDestination.Builder b = GoogleDataManagerDestination.builder().name(name)
              .accessTokenProvider(() -> token)
              .operatingAccount(account.substring(0, colon), account.substring(colon + 1));
          if (baseUrl != null) {
            b.baseUrl(baseUrl);
          }
          return b.build();
        }
      }
    } catch (IllegalArgumentException | IllegalStateException | NullPointerException e) {
      // The adapters' builder messages name the field and never contain the token.
      String option = e.getMessage() != null && e.getMessage().startsWith("baseUrl") ? "--base-url: "
          : e.getMessage() != null && e.getMessage().startsWith("operatingAccount") ? "--account: " : "";
      String message = e.getMessage() == null ? "invalid setting" : e.getMessage();
      throw new UsageException(option.isEmpty() ? message : option + message.substring(message.indexOf(':') + 2));
    }
  }

  private static int usage(PrintWriter err, @Nullable String message) {
    err.println("outlane sync-audience: " + message);
    err.flush();
    return 2;
  }

  /** What the progress bar shows; updated on the sync's thread, read on the bar's. Thread-safe. */
  private static final class Progress implements SyncProgress {
    private volatile Phase phase = Phase.READ;
    private volatile long done;
    private volatile long total = -1;

    @Override
    public void progress(Phase phase, long done, long total) {
      this.phase = phase;
      this.done = done;
      this.total = total;
    }

    String line() {
      return switch (phase) {
        case READ -> "reading: " + done + " members";
        case DIFF -> "comparing with the last snapshot";
        case SEND -> ProgressBar.bar(done, total) + "sending: " + done + "/" + total + " batches";
      };
    }
  }

  /** A usage problem, reported with exit 2. */
  private static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  /** Reads {@code --destination}; an unknown name is a usage error listing the known ones. */
  static final class KindConverter implements picocli.CommandLine.ITypeConverter<Kind> {
    @Override
    public Kind convert(String value) {
      for (Kind k : Kind.values()) {
        if (k.cliName.equals(value.toLowerCase(Locale.ROOT))) {
          return k;
        }
      }
      throw new picocli.CommandLine.TypeConversionException(
          "unknown destination \"" + value + "\" (known: meta, tiktok, google)");
    }
  }
}
