package io.ser4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitCommitTest {
  private static final String SHA = "0123456789abcdef0123456789abcdef01234567";

  @Test
  void readsLoosePackedDetachedAndWorktreeHeads(@TempDir Path tmp) throws IOException {
    Path repo = tmp.resolve("repo");
    Path git = Files.createDirectories(repo.resolve(".git/refs/heads"));
    Path inside = Files.createDirectories(repo.resolve("a/b/target/classes"));
    Files.writeString(repo.resolve(".git/HEAD"), "ref: refs/heads/main\n");
    assertThat(GitCommit.ofTree(inside)).isEmpty(); // branch without a commit yet
    Files.writeString(repo.resolve(".git/packed-refs"), "# pack-refs with: peeled\n" + SHA + " refs/heads/main\n");
    assertThat(GitCommit.ofTree(inside)).contains("0123456789ab (main)");
    Files.writeString(git.resolve("main"), "fedcba9876543210fedcba9876543210fedcba98\n");
    assertThat(GitCommit.ofTree(inside)).contains("fedcba987654 (main)"); // loose ref wins
    Files.writeString(repo.resolve(".git/HEAD"), SHA + "\n");
    assertThat(GitCommit.ofTree(inside)).contains("0123456789ab (detached)");

    // a linked worktree: .git is a file pointing into the main repository's worktrees/ folder
    Path wt = Files.createDirectories(tmp.resolve("wt/mod/target"));
    Path wtGit = Files.createDirectories(repo.resolve(".git/worktrees/wt"));
    Files.writeString(tmp.resolve("wt/.git"), "gitdir: " + wtGit + "\n");
    Files.writeString(wtGit.resolve("HEAD"), "ref: refs/heads/main\n");
    Files.writeString(wtGit.resolve("commondir"), "../..\n");
    assertThat(GitCommit.ofTree(wt)).contains("fedcba987654 (main)");
  }

  @Test
  void outsideACheckoutThereIsNoCommit(@TempDir Path tmp) throws IOException {
    assertThat(GitCommit.ofTree(Files.createDirectories(tmp.resolve("x/y")))).isEmpty();
  }
}
