package dev.outlane.examples.cli;

import dev.outlane.examples.demo.DemoCommand;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code outlane}: the command-line tool. Run {@code java -jar examples/target/outlane.jar --help}.
 *
 * <p>Exit codes: one rule for every subcommand, written once in {@link #EXIT_CODES} (every
 * command's {@code --help} footer, and the README's "Command line" section). Messages on stderr
 * name the field and the reason, never a raw email or phone number.
 *
 * <p>To add a subcommand, write a {@code Callable<Integer>} annotated with {@code @Command(name =
 * …, mixinStandardHelpOptions = true, versionProvider = OutlaneCli.Version.class)} and list it in
 * {@code subcommands} below.
 *
 * <p>Not thread-safe: one instance per invocation.
 */
@Command(
    name = "outlane",
    footer = OutlaneCli.EXIT_CODES,
    mixinStandardHelpOptions = true,
    versionProvider = OutlaneCli.Version.class,
    description = "Carries Customer.io retention decisions to SMS, events and ad audiences.",
    subcommands = {
      // The one list of subcommands.
      ValidateCommand.class,
      NormalizeCommand.class,
      HashCommand.class,
      DemoCommand.class,
      SendCommand.class,
      ServeCommand.class,
      SyncAudienceCommand.class,
      DeadLettersCommand.class,
      SuppressionsCommand.class,
    })
public final class OutlaneCli implements Runnable {
  /**
   * What the exit codes mean, for every command: the footer of each command's {@code --help}. The
   * README's "Command line" section repeats it word for word (a test keeps them equal).
   */
  public static final String EXIT_CODES = "%nExit codes (the same rule for every command):%n"
      + "  0  done, and nothing needs your attention%n"
      + "  1  it ran, but something needs attention: an invalid line or member, an%n"
      + "     activation rejected or dead-lettered (by crash recovery too), an%n"
      + "     incomplete sync, dead letters still failing or skipped, unreadable%n"
      + "     records kept on disk, or --timeout reached%n"
      + "  2  nothing was done: a usage or configuration error, an unreadable input%n"
      + "     file, or a directory that cannot be used (missing, locked, not writable)%n"
      + "  validate: 1 = invalid lines. normalize, hash: 0 or 2.%n"
      + "  demo: 0 = every wave settled (its planted invalid events and dead letters%n"
      + "     are the scenario, reported, not errors); 1 = a wave that did not settle.%n"
      + "  send: 1 = invalid lines, rejected or dead-lettered activations, recovered%n"
      + "     events dead-lettered, unreadable records, a line the journal could not%n"
      + "     accept (disk full), --timeout.%n"
      + "  sync-audience: 1 = invalid members (in a dry run too), an incomplete sync.%n"
      + "  dead-letters list: 1 = unreadable records; dead-letters replay: 1 =%n"
      + "     records still failing or skipped, --timeout.%n"
      + "  suppressions lift: 1 = nothing to lift for that source and channel.%n";

  private final InputStream stdin;

  @Spec CommandSpec spec;

  OutlaneCli(InputStream stdin) {
    this.stdin = stdin;
  }

  public static void main(String[] args) {
    System.exit(newCommandLine(System.in).execute(args));
  }

  /**
   * A ready-to-run command line; {@code stdin} is what {@code validate -} reads. Use {@link
   * CommandLine#setOut} and {@link CommandLine#setErr} to capture output.
   */
  public static CommandLine newCommandLine(InputStream stdin) {
    return new CommandLine(new OutlaneCli(stdin));
  }

  /** What {@code -} means as a file name. */
  InputStream stdin() {
    return stdin;
  }

  /** {@code outlane} without a subcommand is a usage error. */
  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing required subcommand");
  }

  /** The version from the jar's Maven metadata, or "development build" when run from classes. */
  public static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = "development build";
      try (InputStream in =
          OutlaneCli.class.getResourceAsStream(
              "/META-INF/maven/dev.outlane/outlane-examples/pom.properties")) {
        if (in != null) {
          Properties p = new Properties();
          p.load(in);
          version = p.getProperty("version", version);
        }
      } catch (IOException e) {
        // Keep the fallback: a version string is not worth failing for.
      }
      return new String[] {"outlane " + version};
    }
  }
}
