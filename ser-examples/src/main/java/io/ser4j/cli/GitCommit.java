package io.ser4j.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The git commit of the checkout a class was loaded from, read from the {@code .git} metadata
 * (plain files: {@code HEAD}, loose refs, {@code packed-refs}; linked worktrees through their
 * {@code gitdir:} and {@code commondir} files) without running git. Used by {@code ser --version};
 * a jar copied out of its checkout reports no commit. Stateless; thread-safe.
 */
final class GitCommit {
  private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}");
  private static final int SHORT_LENGTH = 12;
  private static final int MAX_PARENTS = 8;

  private GitCommit() {}

  /** The short commit id (plus the branch when HEAD names one) of the checkout holding {@code c}. */
  static Optional<String> of(Class<?> c) {
    try {
      CodeSource cs = c.getProtectionDomain().getCodeSource();
      if (cs == null || cs.getLocation() == null) {
        return Optional.empty();
      }
      return ofTree(Path.of(cs.getLocation().toURI()));
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  /** As {@link #of(Class)} for a path inside a checkout. */
  static Optional<String> ofTree(Path inside) throws IOException {
    Path dir = inside.toAbsolutePath().normalize();
    for (int i = 0; dir != null && i < MAX_PARENTS; i++, dir = dir.getParent()) {
      Path dotGit = dir.resolve(".git");
      if (Files.isDirectory(dotGit)) {
        return head(dotGit, dotGit);
      }
      if (Files.isRegularFile(dotGit)) {
        String line = firstLine(dotGit);
        if (!line.startsWith("gitdir:")) {
          return Optional.empty();
        }
        Path gitDir = dir.resolve(line.substring("gitdir:".length()).strip()).normalize();
        Path common = gitDir;
        Path commonFile = gitDir.resolve("commondir");
        if (Files.isRegularFile(commonFile)) {
          common = gitDir.resolve(firstLine(commonFile)).normalize();
        }
        return head(gitDir, common);
      }
    }
    return Optional.empty();
  }

  private static Optional<String> head(Path gitDir, Path commonDir) throws IOException {
    String head = firstLine(gitDir.resolve("HEAD"));
    if (SHA.matcher(head).matches()) {
      return Optional.of(head.substring(0, SHORT_LENGTH) + " (detached)");
    }
    if (!head.startsWith("ref:")) {
      return Optional.empty();
    }
    String ref = head.substring("ref:".length()).strip();
    String branch = ref.startsWith("refs/heads/") ? ref.substring("refs/heads/".length()) : ref;
    for (Path base : List.of(gitDir, commonDir)) {
      Path loose = base.resolve(ref);
      if (Files.isRegularFile(loose)) {
        String sha = firstLine(loose);
        if (SHA.matcher(sha).matches()) {
          return Optional.of(sha.substring(0, SHORT_LENGTH) + " (" + branch + ")");
        }
      }
    }
    Path packed = commonDir.resolve("packed-refs");
    if (Files.isRegularFile(packed)) {
      for (String l : Files.readAllLines(packed, StandardCharsets.UTF_8)) {
        String[] parts = l.strip().split(" ");
        if (parts.length == 2 && parts[1].equals(ref) && SHA.matcher(parts[0]).matches()) {
          return Optional.of(parts[0].substring(0, SHORT_LENGTH) + " (" + branch + ")");
        }
      }
    }
    return Optional.empty();
  }

  private static String firstLine(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    return lines.isEmpty() ? "" : lines.get(0).strip();
  }
}
