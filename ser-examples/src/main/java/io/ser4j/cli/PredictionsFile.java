package io.ser4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ser4j.core.ManifestException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The resumable predictions file of {@code ser batch}: JSONL, one object with at least an {@code
 * id} per line, appended as items complete.
 *
 * <p>A run killed while writing can leave a last line without its newline (or a complete-looking
 * last line that is not valid JSON); {@link #open} cuts such a tail off, so the item is simply
 * redone. Any other line that is not a JSON object with a string {@code id} is reported as a
 * {@link ManifestException} naming the file and line, never silently dropped.
 *
 * <p>{@link Appender} writes each line with one unbuffered {@code write} call followed by nothing
 * else to flush, so every completed item is in the operating system's hands before the next one
 * starts; its {@link Appender#append} is thread-safe.
 */
final class PredictionsFile {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private PredictionsFile() {}

  /**
   * What an existing predictions file holds.
   *
   * @param done ids recorded (with or without an error, see {@link #open})
   * @param failed ids whose line has a non-null {@code error}
   * @param repairedBytes bytes removed from the end (a truncated last line); 0 when none
   */
  record State(Set<String> done, Set<String> failed, long repairedBytes) {}

  /**
   * Reads {@code file} (a missing file is an empty state), repairs a truncated last line in place
   * and, when {@code dropFailed}, rewrites the file without the lines that carry an error (atomically:
   * a temporary file renamed over it) so that those items are done again.
   *
   * @throws ManifestException when a line other than the last is not a JSON object with an id, or
   *     the file cannot be read or written
   */
  static State open(Path file, boolean dropFailed) {
    if (!Files.exists(file)) {
      return new State(Set.of(), Set.of(), 0);
    }
    try {
      long repaired = repairTail(file);
      Set<String> done = new HashSet<>();
      Set<String> failed = new HashSet<>();
      List<String> keep = new ArrayList<>();
      try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        String line;
        int lineNo = 0;
        while ((line = r.readLine()) != null) {
          lineNo++;
          if (line.isBlank()) {
            continue;
          }
          JsonNode n = parse(line);
          if (n == null || !n.isObject() || !n.path("id").isTextual()) {
            throw new ManifestException(
                file + ":" + lineNo,
                "not a predictions line (a JSON object with a string \"id\"); fix or move the file away");
          }
          String id = n.get("id").asText();
          boolean isFailed = !n.path("error").isNull() && !n.path("error").isMissingNode();
          if (isFailed) {
            failed.add(id);
          } else {
            failed.remove(id); // a later success supersedes an earlier failure
          }
          done.add(id);
          if (!(dropFailed && isFailed)) {
            keep.add(line);
          }
        }
      }
      if (dropFailed && !failed.isEmpty()) {
        rewrite(file, keep);
        done.removeAll(failed);
      }
      return new State(Set.copyOf(done), Set.copyOf(failed), repaired);
    } catch (IOException e) {
      throw new ManifestException(file.toString(), "cannot read or repair: " + e.getMessage(), e);
    }
  }

  /**
   * Cuts off a last line that lacks its newline or is not valid JSON; returns the bytes removed.
   */
  static long repairTail(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = ch.size();
      if (size == 0) {
        return 0;
      }
      long end = size;
      if (lastByte(ch, size) == '\n') {
        // complete-looking last line: keep it only if it parses
        long start = lineStart(ch, size - 1);
        String last = read(ch, start, size - 1 - start);
        if (last.isBlank() || parse(last) != null) {
          return 0;
        }
        end = start;
      } else {
        end = lineStart(ch, size);
      }
      ch.truncate(end);
      ch.force(true);
      return size - end;
    }
  }

  private static int lastByte(FileChannel ch, long size) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(1);
    ch.read(b, size - 1);
    return b.get(0);
  }

  /** Offset just after the last {@code '\n'} before {@code before}, or 0. */
  private static long lineStart(FileChannel ch, long before) throws IOException {
    final int chunk = 8192;
    long pos = before;
    ByteBuffer b = ByteBuffer.allocate(chunk);
    while (pos > 0) {
      long from = Math.max(0, pos - chunk);
      b.clear().limit((int) (pos - from));
      ch.read(b, from);
      for (int i = b.position() - 1; i >= 0; i--) {
        if (b.get(i) == '\n') {
          return from + i + 1;
        }
      }
      pos = from;
    }
    return 0;
  }

  private static String read(FileChannel ch, long from, long length) throws IOException {
    if (length > Integer.MAX_VALUE - 8) {
      throw new IOException("a line of " + length + " bytes is too long");
    }
    ByteBuffer b = ByteBuffer.allocate((int) length);
    while (b.hasRemaining() && ch.read(b, from + b.position()) >= 0) {
      // read fully
    }
    return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
  }

  private static JsonNode parse(String line) {
    try {
      return MAPPER.readTree(line);
    } catch (IOException e) {
      return null;
    }
  }

  private static void rewrite(Path file, List<String> lines) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    try {
      Files.write(tmp, lines, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Opens {@code file} for appending (created when missing, with its parent folders). */
  static Appender appender(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    return new Appender(
        Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND));
  }

  /** Appends whole lines; thread-safe. */
  static final class Appender implements AutoCloseable {
    private final OutputStream out;

    private Appender(OutputStream out) {
      this.out = out;
    }

    /** Writes {@code line} and a newline in one call. */
    synchronized void append(String line) throws IOException {
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public synchronized void close() throws IOException {
      out.close();
    }
  }
}
