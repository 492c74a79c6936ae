package io.ser4j.cli;

import io.ser4j.core.SerException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ser} command-line tool (GUIDE §7 is its stable contract).
 *
 * <p>Exit codes: {@code 0} success; {@code 2} usage error; {@code 3} bad input (one line on stderr
 * naming the input and the problem; {@code --debug} adds the stack trace); {@code 1} anything else.
 * Commands that read several inputs report a bad one and carry on, exiting 3 at the end.
 */
@Command(
    name = "ser",
    mixinStandardHelpOptions = true,
    versionProvider = SerCli.Version.class,
    description = "ser4j: explainable speech emotion recognition.",
    subcommands = {
      FeaturesCommand.class,
      AnalyzeCommand.class,
      MetricsCommand.class,
      ModelCheckCommand.class,
      EvaluateCommand.class,
      TrainBaselineCommand.class,
      TeachCommand.class,
      BatchCommand.class,
      ModelsCommand.class,
      TrainCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Examples:",
      "  ser features --json --contour clip.wav",
      "  ser analyze clip.wav",
      "  ser batch --manifest corpus.jsonl --out preds.jsonl --threads 4",
      "  ser models",
      "  ser help analyze",
      "",
      "Exit codes: 0 ok, 2 usage error, 3 bad input, 1 other error."
    })
public final class SerCli {
  /** Success. */
  public static final int EXIT_OK = 0;
  /** Something unexpected failed. */
  public static final int EXIT_ERROR = 1;
  /** Bad command line. */
  public static final int EXIT_USAGE = 2;
  /** Bad input: unreadable audio, malformed manifest, unknown label, broken checkpoint. */
  public static final int EXIT_BAD_INPUT = 3;

  private SerCli() {}

  /** Runs the CLI and exits the JVM with its exit code. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI without exiting; returns the exit code (for tests and embedding). */
  public static int run(String... args) {
    CommandLine cli = commandLine();
    return cli.execute(args);
  }

  /** The configured picocli command line. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new SerCli());
    cli.setUsageHelpAutoWidth(true); // use the terminal's width when there is one (80 otherwise)
    for (CommandLine sub : cli.getSubcommands().values()) {
      // `ser COMMAND --version` prints the same as `ser --version`
      if (sub.getCommandSpec().version().length == 0) {
        sub.getCommandSpec().versionProvider(new Version());
      }
    }
    cli.setExecutionExceptionHandler(SerCli::handle);
    cli.setExitCodeExceptionMapper(
        t -> {
          if (t instanceof CommandLine.ParameterException) {
            return EXIT_USAGE;
          }
          return t instanceof SerException ? EXIT_BAD_INPUT : EXIT_ERROR;
        });
    return cli;
  }

  private static int handle(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    boolean debug = parsed.subcommand() != null && parsed.subcommand().hasMatchedOption("--debug");
    PrintWriter err = cmd.getErr();
    if (e instanceof SerException se) {
      err.println("ser: " + se.getMessage());
      if (debug) {
        se.printStackTrace(err);
      }
      err.flush();
      return EXIT_BAD_INPUT;
    }
    err.println("ser: error: " + e);
    if (debug) {
      e.printStackTrace(err);
    } else {
      err.println("(run again with --debug for the stack trace)");
    }
    err.flush();
    return EXIT_ERROR;
  }

  /**
   * Reports the SDK version, the git commit of the source tree the classes were loaded from (when
   * there is one), the DJL and libtorch versions the build was configured with, and the Java runtime.
   */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      Properties p = new Properties();
      try (InputStream in = SerCli.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          p.load(in);
        }
      } catch (IOException e) {
        // fall through to the manifest
      }
      String v = p.getProperty("version", SerCli.class.getPackage().getImplementationVersion());
      String commit = GitCommit.of(SerCli.class).orElse("unknown (not run from a git checkout)");
      return new String[] {
        "ser4j " + (v == null || v.startsWith("${") ? "(development build)" : v),
        "git commit " + commit,
        "DJL " + p.getProperty("djl", "?") + ", PyTorch native (libtorch) " + p.getProperty("pytorch", "?") + " cpu",
        "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ") on "
            + System.getProperty("os.name") + " " + System.getProperty("os.arch")
      };
    }
  }
}
