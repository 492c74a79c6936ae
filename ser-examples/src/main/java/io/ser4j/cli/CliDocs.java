package io.ser4j.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Writes {@code docs/cli.md}, the man-style reference of the {@code ser} tool, from the picocli
 * model of {@link SerCli} (names, synopsis, descriptions, options with their defaults, footers with
 * examples), so the page cannot drift from the code: {@code CliDocsTest} fails when the committed
 * page differs from {@link #render()}.
 *
 * <p>Regenerate with {@code mvn -q -pl ser-examples -am compile exec:java@cli-docs}, or {@code java
 * -cp ser-examples/target/ser.jar io.ser4j.cli.CliDocs docs/cli.md}. Stateless; thread-safe.
 */
public final class CliDocs {
  /** Width of the synopsis blocks, fixed so the page does not depend on the terminal. */
  static final int USAGE_WIDTH = 100;

  private CliDocs() {}

  /**
   * Writes the page to the path given as the first argument, or prints it when there is none.
   *
   * @param args {@code [OUTPUT.md]}
   * @throws IOException when the file cannot be written
   */
  public static void main(String[] args) throws IOException {
    String page = render();
    if (args.length == 0) {
      System.out.print(page);
    } else {
      Path out = Path.of(args[0]);
      Files.writeString(out, page, StandardCharsets.UTF_8);
      System.err.println("ser: wrote " + out);
    }
  }

  /**
   * The whole page as Markdown.
   *
   * @return the page, ending in a newline
   */
  public static String render() {
    CommandLine root = SerCli.commandLine();
    root.setUsageHelpAutoWidth(false); // the page must not depend on the terminal
    root.setUsageHelpWidth(USAGE_WIDTH);
    root.setColorScheme(Help.defaultColorScheme(Help.Ansi.OFF)); // propagates to the subcommands
    StringBuilder b = new StringBuilder();
    b.append("<!-- GENERATED from the picocli model by io.ser4j.cli.CliDocs: do not edit by hand.\n")
        .append("     Regenerate: mvn -q -pl ser-examples -am compile exec:java@cli-docs -->\n");
    b.append("# ser(1): the ser4j command-line tool\n\n");
    b.append("## NAME\n\n");
    b.append("`ser` - ").append(String.join(" ", root.getCommandSpec().usageMessage().description())).append("\n\n");
    b.append("## SYNOPSIS\n\n");
    b.append("```text\n").append(synopsis(root)).append("```\n\n");
    b.append("The launcher `./ser` at the repository root builds `ser-examples/target/ser.jar` on first use;\n")
        .append("`java -jar ser-examples/target/ser.jar ARGS` is the same tool.\n\n");
    b.append("## COMMANDS\n\n");
    b.append("| command | what it does |\n|---|---|\n");
    for (Map.Entry<String, CommandLine> e : root.getSubcommands().entrySet()) {
      CommandSpec s = e.getValue().getCommandSpec();
      if (s.usageMessage().hidden() || !e.getKey().equals(s.name())) {
        continue;
      }
      b.append("| [`ser ").append(s.name()).append("`](#ser-").append(s.name()).append(") | ")
          .append(cell(summary(s))).append(" |\n");
    }
    b.append("\n");
    b.append("## OPTIONS\n\n");
    options(b, root.getCommandSpec());
    b.append("## EXIT STATUS\n\n");
    b.append("| code | meaning |\n|---|---|\n");
    b.append("| ").append(SerCli.EXIT_OK).append(" | success |\n");
    b.append("| ").append(SerCli.EXIT_ERROR).append(" | anything else failed (an unexpected error; `--debug` prints the stack trace) |\n");
    b.append("| ").append(SerCli.EXIT_USAGE).append(" | usage error: unknown command or option, missing or invalid argument |\n");
    b.append("| ").append(SerCli.EXIT_BAD_INPUT)
        .append(" | bad input: unreadable, corrupt or unsupported audio, malformed manifest or items,"
            + " unknown label, broken checkpoint; one line on stderr names the input and the problem |\n\n");
    b.append("With several inputs a bad one is reported and the others are still processed; the exit\n")
        .append("code is then 3. With `--json`, stdout carries one JSON object per input per line and\n")
        .append("logs go to stderr. Names, options and JSON keys are a stable contract: they are added\n")
        .append("to, never renamed.\n\n");
    b.append("## ENVIRONMENT\n\n");
    b.append("- `").append(ModelsCommand.ENV_MODELS_DIR)
        .append("`: the checkpoint folder `ser models` lists (default `~/.ser4j/models`).\n");
    b.append("- `SER4J_REMOTE_MODEL`, `SER4J_API_KEY_ENV`: model name and API-key variable for `--model http(s)://...`"
        + " (see docs/remote.md).\n");
    b.append("- `SER_JAVA_OPTS`: extra JVM options for the `./ser` launcher.\n\n");
    for (Map.Entry<String, CommandLine> e : root.getSubcommands().entrySet()) {
      CommandLine sub = e.getValue();
      CommandSpec s = sub.getCommandSpec();
      if (s.usageMessage().hidden() || !e.getKey().equals(s.name())) {
        continue;
      }
      command(b, sub);
    }
    return b.toString().stripTrailing() + "\n";
  }

  private static void command(StringBuilder b, CommandLine cmd) {
    CommandSpec s = cmd.getCommandSpec();
    cmd.setUsageHelpAutoWidth(false);
    cmd.setUsageHelpWidth(USAGE_WIDTH);
    b.append("## ser ").append(s.name()).append("\n\n");
    b.append("```text\n").append(synopsis(cmd)).append("```\n\n");
    List<String> description = lines(s.usageMessage().description());
    boolean preformatted = description.stream().anyMatch(l -> l.startsWith(" "));
    b.append(preformatted ? "```text\n" : "");
    for (String line : description) {
      b.append(line).append("\n");
    }
    b.append(preformatted ? "```\n\n" : "\n");
    List<PositionalParamSpec> params = new ArrayList<>();
    for (PositionalParamSpec p : s.positionalParameters()) {
      if (!p.hidden()) {
        params.add(p);
      }
    }
    if (!params.isEmpty()) {
      b.append("Parameters:\n\n");
      for (PositionalParamSpec p : params) {
        b.append("- `").append(p.paramLabel()).append(p.arity().max() > 1 ? "..." : "").append("`: ")
            .append(String.join(" ", p.description())).append("\n");
      }
      b.append("\n");
    }
    options(b, s);
    String[] footer = s.usageMessage().footer();
    if (footer.length > 0) {
      b.append("```text\n");
      int start = 0;
      while (start < footer.length && footer[start].isBlank()) {
        start++;
      }
      for (int i = start; i < footer.length; i++) {
        b.append(footer[i].stripTrailing()).append("\n");
      }
      b.append("```\n\n");
    }
  }

  private static void options(StringBuilder b, CommandSpec s) {
    List<OptionSpec> opts = new ArrayList<>();
    for (OptionSpec o : s.options()) {
      if (!o.hidden()) {
        opts.add(o);
      }
    }
    if (opts.isEmpty()) {
      return;
    }
    b.append("Options:\n\n");
    for (OptionSpec o : opts) {
      b.append("- `").append(String.join("`, `", o.names()));
      if (!o.typeInfo().isBoolean()) {
        b.append(" ").append(o.paramLabel());
      }
      b.append("`");
      if (o.required()) {
        b.append(" (required)");
      }
      if (o.isMultiValue()) {
        b.append(" (repeatable)");
      }
      b.append(": ").append(String.join(" ", o.description())).append("\n");
    }
    b.append("\n");
  }

  private static String synopsis(CommandLine cmd) {
    Help help = cmd.getHelp();
    return help.synopsis(0).replace("\r\n", "\n");
  }

  /** The description's lines with picocli's {@code %n} turned into line breaks, blank ends dropped. */
  static List<String> lines(String[] description) {
    List<String> out = new ArrayList<>();
    for (String d : description) {
      for (String l : d.split("%n", -1)) {
        out.add(l.stripTrailing());
      }
    }
    while (!out.isEmpty() && out.get(0).isBlank()) {
      out.remove(0);
    }
    while (!out.isEmpty() && out.get(out.size() - 1).isBlank()) {
      out.remove(out.size() - 1);
    }
    return out;
  }

  /** The first paragraph of a command's description, on one line. */
  static String summary(CommandSpec s) {
    StringBuilder b = new StringBuilder();
    for (String l : lines(s.usageMessage().description())) {
      if (l.isBlank()) {
        break;
      }
      b.append(b.length() == 0 ? "" : " ").append(l.strip());
    }
    return b.toString();
  }

  private static String cell(String s) {
    return s.replace("|", "\\|");
  }
}
