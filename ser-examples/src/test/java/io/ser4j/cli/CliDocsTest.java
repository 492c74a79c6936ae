package io.ser4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ser4j.cli.SerCliTest.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** docs/cli.md is generated from the picocli model; every command documents itself with examples. */
class CliDocsTest {
  private static final Path PAGE = SerCliTest.REPO.resolve("docs/cli.md");

  @Test
  void docsCliMdIsUpToDate() throws IOException {
    String expected = CliDocs.render();
    assertThat(PAGE).as("docs/cli.md").exists();
    String actual = Files.readString(PAGE, StandardCharsets.UTF_8);
    assertThat(actual)
        .as("docs/cli.md is out of date with the picocli model; regenerate it with\n"
            + "  mvn -q -pl ser-examples -am compile exec:java@cli-docs\n"
            + "(or: java -cp ser-examples/target/ser.jar io.ser4j.cli.CliDocs docs/cli.md) and commit it")
        .isEqualTo(expected);
  }

  @Test
  void pageDocumentsEveryCommandOptionAndExitCode() {
    String page = CliDocs.render();
    CommandLine root = SerCli.commandLine();
    for (Map.Entry<String, CommandLine> e : root.getSubcommands().entrySet()) {
      CommandSpec s = e.getValue().getCommandSpec();
      assertThat(page).contains("## ser " + s.name() + "\n");
      s.options().stream().filter(o -> !o.hidden()).forEach(o -> assertThat(page).as(s.name() + " " + o.longestName()).contains("`" + o.longestName()));
    }
    assertThat(page).contains("| 3 | bad input").contains("| 2 | usage error");
    assertThat(page).doesNotContain("%n").doesNotContain("${DEFAULT-VALUE}").doesNotContain("\u001b[");
  }

  @Test
  void everyCommandHasAnExamplesFooterThatNamesItself() {
    CommandLine root = SerCli.commandLine();
    for (Map.Entry<String, CommandLine> e : root.getSubcommands().entrySet()) {
      CommandSpec s = e.getValue().getCommandSpec();
      if (s.name().equals("help")) {
        continue; // picocli's own help command
      }
      String footer = String.join("\n", s.usageMessage().footer());
      assertThat(footer).as("footer of ser " + s.name()).contains("Examples:").contains("  ser " + s.name());
      Run help = SerCliTest.run(s.name(), "--help");
      assertThat(help.exit()).isZero();
      assertThat(help.out()).contains("Examples:").contains("Usage: ser " + s.name());
    }
  }

  @Test
  void versionNamesProjectCommitAndNativeVersions() {
    Run v = SerCliTest.run("--version");
    assertThat(v.exit()).isZero();
    String[] lines = v.out().strip().split("\n");
    assertThat(lines).hasSize(4);
    assertThat(lines[0]).matches("ser4j \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    if (Files.exists(SerCliTest.REPO.resolve(".git"))) { // a clone or a worktree
      assertThat(lines[1]).matches("git commit [0-9a-f]{12} \\(.+\\)");
    } else {
      assertThat(lines[1]).startsWith("git commit unknown");
    }
    // filled in from the root pom's properties by resource filtering
    assertThat(lines[2]).matches("DJL \\d+\\.\\d+\\.\\d+, PyTorch native \\(libtorch\\) \\d+\\.\\d+\\.\\d+ cpu");
    assertThat(lines[3]).startsWith("Java 17");
    assertThat(SerCliTest.run("analyze", "--version").out()).isEqualTo(v.out());
  }
}
