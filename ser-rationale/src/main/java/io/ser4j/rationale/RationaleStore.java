package io.ser4j.rationale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An append-only JSONL file of rationales, one line per record:
 * {@code {"id":..,"teacher":..,"version":..,"seed":..,"status":"ok"|"failed","label":..,"text":..,"error":..}}.
 *
 * <p>Key = (utterance id, teacher, version). {@link #append} refuses a key that already has an OK
 * record, so a store never holds two rationales for one key. Failures are stored too (status
 * {@code failed}) and do <em>not</em> count as done: {@link #contains} is false for them, so a
 * rerun retries them; when several records share a key, the latest wins.
 *
 * <p>Durability: records are buffered and written, then {@link FileChannel#force forced} to disk,
 * every {@code syncEvery} records and on {@link #flush()}/{@link #close()}. A process killed
 * (even {@code kill -9}) loses only its unwritten buffer, which a rerun recomputes; a power loss
 * can lose at most the records since the last force. A crash in the middle of a write can leave a
 * truncated last line: {@link #open} ignores it and truncates the file back to its last complete
 * line before appending. A malformed line elsewhere is an error (the file is not ours or was
 * edited).
 *
 * <p>Thread-safe: all methods are synchronized.
 */
public final class RationaleStore implements AutoCloseable {
  /** Default number of records between forced writes. */
  public static final int DEFAULT_SYNC_EVERY = 32;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Path file;
  private final int syncEvery;
  private final FileChannel channel;
  private final Map<RationaleKey, StoredRationale> latest = new LinkedHashMap<>();
  private final StringBuilder pending = new StringBuilder();
  private final boolean truncatedOnOpen;
  private int pendingCount;
  private boolean closed;

  private RationaleStore(Path file, int syncEvery, FileChannel channel, boolean truncated) {
    this.file = file;
    this.syncEvery = syncEvery;
    this.channel = channel;
    this.truncatedOnOpen = truncated;
  }

  /** Opens (or creates) a store forcing every {@value #DEFAULT_SYNC_EVERY} records. */
  public static RationaleStore open(Path file) {
    return open(file, DEFAULT_SYNC_EVERY);
  }

  /**
   * Opens (or creates) a store, reading its existing records.
   *
   * @param syncEvery records between forced writes (&ge; 1)
   * @throws RationaleStoreException when the file cannot be read or written, or a complete line is
   *     not a valid record
   * @throws IllegalArgumentException when {@code syncEvery < 1}
   */
  public static RationaleStore open(Path file, int syncEvery) {
    if (syncEvery < 1) {
      throw new IllegalArgumentException("syncEvery must be >= 1, got " + syncEvery);
    }
    Path abs = file.toAbsolutePath().normalize();
    try {
      if (abs.getParent() != null) {
        Files.createDirectories(abs.getParent());
      }
      FileChannel ch =
          FileChannel.open(abs, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      try {
        byte[] bytes = Files.readAllBytes(abs);
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] != '\n') {
          end--;
        }
        boolean truncated = end < bytes.length;
        if (truncated) {
          ch.truncate(end);
          ch.force(true);
        }
        ch.position(end);
        RationaleStore store = new RationaleStore(abs, syncEvery, ch, truncated);
        String[] lines = new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
          if (!lines[i].isBlank()) {
            StoredRationale r = parse(lines[i], abs + ":" + (i + 1));
            store.latest.remove(r.key());
            store.latest.put(r.key(), r);
          }
        }
        return store;
      } catch (RuntimeException | IOException e) {
        ch.close();
        throw e;
      }
    } catch (IOException e) {
      throw new RationaleStoreException(abs.toString(), "cannot open rationale store: " + e.getMessage(), e);
    }
  }

  private static StoredRationale parse(String line, String where) {
    try {
      JsonNode n = MAPPER.readTree(line);
      RationaleKey key = new RationaleKey(text(n, "id", where), text(n, "teacher", where), text(n, "version", where));
      String status = text(n, "status", where);
      StoredRationale.Status st;
      try {
        st = StoredRationale.Status.valueOf(status.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new RationaleStoreException(where, "unknown status \"" + status + "\"");
      }
      return new StoredRationale(key, st, n.path("label").asText(""), n.path("text").asText(""),
          n.path("seed").asLong(0), n.path("error").asText(""));
    } catch (IOException e) {
      throw new RationaleStoreException(where, "malformed record: " + e.getMessage(), e);
    }
  }

  private static String text(JsonNode n, String field, String where) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new RationaleStoreException(where, "record lacks string field \"" + field + "\"");
    }
    return v.asText();
  }

  /** The store's file. */
  public Path file() {
    return file;
  }

  /** True when {@link #open} found and removed a truncated last line. */
  public boolean truncatedOnOpen() {
    return truncatedOnOpen;
  }

  /** True when {@code key} has an OK record (failures do not count). */
  public synchronized boolean contains(RationaleKey key) {
    StoredRationale r = latest.get(key);
    return r != null && r.status() == StoredRationale.Status.OK;
  }

  /** The latest record of each key, in first-seen order. */
  public synchronized List<StoredRationale> records() {
    return Collections.unmodifiableList(new ArrayList<>(latest.values()));
  }

  /** The keys whose latest record is a failure. */
  public synchronized List<StoredRationale> failures() {
    return latest.values().stream().filter(r -> r.status() == StoredRationale.Status.FAILED).toList();
  }

  /**
   * Appends a rationale.
   *
   * @return false (and writes nothing) when its key already has an OK record
   * @throws RationaleStoreException on an I/O error
   */
  public synchronized boolean append(Rationale r) {
    if (contains(r.key())) {
      return false;
    }
    add(StoredRationale.ok(r));
    return true;
  }

  /**
   * Records a failure for {@code key} (retried on the next run).
   *
   * @return false when the key already has an OK record
   * @throws RationaleStoreException on an I/O error
   */
  public synchronized boolean appendFailure(RationaleKey key, long seed, String error) {
    if (contains(key)) {
      return false;
    }
    add(StoredRationale.failed(key, seed, error));
    return true;
  }

  private void add(StoredRationale r) {
    if (closed) {
      throw new IllegalStateException("store " + file + " is closed");
    }
    ObjectNode o = MAPPER.createObjectNode();
    o.put("id", r.key().utteranceId());
    o.put("teacher", r.key().teacher());
    o.put("version", r.key().version());
    o.put("seed", r.seed());
    o.put("status", r.status().name().toLowerCase(Locale.ROOT));
    o.put("label", r.label());
    o.put("text", r.text());
    o.put("error", r.error());
    pending.append(o.toString()).append('\n');
    pendingCount++;
    latest.remove(r.key());
    latest.put(r.key(), r);
    if (pendingCount >= syncEvery) {
      flush();
    }
  }

  /**
   * Writes the buffered records and forces them to disk.
   *
   * @throws RationaleStoreException on an I/O error
   */
  public synchronized void flush() {
    if (pendingCount == 0 || closed) {
      return;
    }
    try {
      ByteBuffer buf = ByteBuffer.wrap(pending.toString().getBytes(StandardCharsets.UTF_8));
      while (buf.hasRemaining()) {
        channel.write(buf);
      }
      channel.force(false);
      pending.setLength(0);
      pendingCount = 0;
    } catch (IOException e) {
      throw new RationaleStoreException(file.toString(), "cannot write rationale store: " + e.getMessage(), e);
    }
  }

  /** Flushes, forces and closes the file. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    try {
      flush();
    } finally {
      closed = true;
      try {
        channel.close();
      } catch (IOException e) {
        throw new RationaleStoreException(file.toString(), "cannot close rationale store: " + e.getMessage(), e);
      }
    }
  }
}
