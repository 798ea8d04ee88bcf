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
 * <p>Exit codes, for every subcommand: {@code 0} success, {@code 1} the input was read but is
 * invalid (e.g. {@code validate} found a bad line), {@code 2} usage errors and input that cannot be
 * used (unknown option, unreadable file, an invalid {@code --email}). Messages on stderr name the
 * field and the reason, never a raw email or phone number.
 *
 * <p>To add a subcommand, write a {@code Callable<Integer>} annotated with {@code @Command(name =
 * …, mixinStandardHelpOptions = true, versionProvider = OutlaneCli.Version.class)} and list it in
 * {@code subcommands} below.
 *
 * <p>Not thread-safe: one instance per invocation.
 */
@Command(
    name = "outlane",
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
      SyncAudienceCommand.class,
      DeadLettersCommand.class,
    })
public final class OutlaneCli implements Runnable {
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
