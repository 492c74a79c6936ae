package io.ser4j.model.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes safetensors files, atomically: the data goes to a hidden temporary file in the target's
 * directory, is forced to disk, then renamed over the target with {@link
 * StandardCopyOption#ATOMIC_MOVE}, so readers see either the old file or the complete new one.
 *
 * <p>Layout, as the Hugging Face library writes it: the JSON header lists {@code __metadata__} (when
 * not empty) and then the tensors in data order, sorted by dtype in the Hugging Face library's order
 * (descending: I64, F64, F32, I32, BF16, F16, I16, I8, U8, BOOL, which puts wider types first and
 * keeps tensors aligned to their element size when the header is) then by name; the header is padded with spaces to a
 * multiple of 8 bytes; the tensors tile the data region with no gap. F16 and BF16 values are narrowed
 * from {@code float} with round-to-nearest-even ({@link HalfFloats}).
 *
 * <p>Stateless and thread-safe; concurrent writes to the same target leave one complete file.
 */
public final class SafeTensorsWriter {
  /** File-name pattern of shards, as Hugging Face names them (1-based index, total count). */
  public static final String SHARD_NAME_FORMAT = "model-%05d-of-%05d.safetensors";
  /** Header lengths are padded to a multiple of this many bytes. */
  public static final int HEADER_ALIGNMENT_BYTES = 8;

  private static final int COPY_BUFFER_BYTES = 1 << 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  private SafeTensorsWriter() {}

  /**
   * Writes one safetensors file atomically.
   *
   * @param file the target; replaced if it exists
   * @param tensors tensors by checkpoint name
   * @param metadata the header's {@code __metadata__} (may be empty or {@code null}); written with
   *     its keys sorted, so equal contents give identical bytes whatever the map's iteration order
   * @throws IllegalArgumentException if a name is empty or {@code "__metadata__"}
   * @throws IOException if writing or renaming fails (the temporary file is removed)
   */
  public static void write(Path file, Map<String, TensorData> tensors, Map<String, String> metadata)
      throws IOException {
    Objects.requireNonNull(tensors, "tensors");
    List<Map.Entry<String, TensorData>> order = new ArrayList<>(tensors.entrySet());
    order.sort(
        Comparator.comparingInt((Map.Entry<String, TensorData> e) -> -e.getValue().dtype().layoutRank())
            .thenComparing(Map.Entry::getKey));
    Map<String, Object> header = new LinkedHashMap<>();
    if (metadata != null && !metadata.isEmpty()) {
      header.put(HeaderParser.METADATA_KEY, new java.util.TreeMap<>(metadata));
    }
    long offset = 0;
    for (Map.Entry<String, TensorData> e : order) {
      String name = e.getKey();
      if (name == null || name.isEmpty() || name.equals(HeaderParser.METADATA_KEY)) {
        throw new IllegalArgumentException("invalid tensor name \"" + name + "\"");
      }
      TensorData t = e.getValue();
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("dtype", t.dtype().name());
      entry.put("shape", t.shape());
      entry.put("data_offsets", new long[] {offset, offset + t.byteSize()});
      header.put(name, entry);
      offset += t.byteSize();
    }
    byte[] json = JSON.writeValueAsBytes(header);
    int padded = (json.length + HEADER_ALIGNMENT_BYTES - 1) / HEADER_ALIGNMENT_BYTES * HEADER_ALIGNMENT_BYTES;
    ByteBuffer head =
        ByteBuffer.allocate(SafeTensorsFile.HEADER_LENGTH_PREFIX_BYTES + padded).order(ByteOrder.LITTLE_ENDIAN);
    head.putLong(padded).put(json);
    while (head.hasRemaining()) {
      head.put((byte) ' ');
    }
    head.flip();

    writeAtomically(
        file,
        ch -> {
          writeFully(ch, head);
          ByteBuffer buf = ByteBuffer.allocateDirect(COPY_BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
          for (Map.Entry<String, TensorData> e : order) {
            TensorData t = e.getValue();
            int perChunk = COPY_BUFFER_BYTES / t.dtype().byteSize();
            for (long i = 0; i < t.numel(); i += perChunk) {
              int count = (int) Math.min(perChunk, t.numel() - i);
              buf.clear();
              t.encode(i, count, buf);
              buf.flip();
              writeFully(ch, buf);
            }
          }
        });
  }

  /**
   * Writes a sharded checkpoint into {@code dir}: shards named by {@link #SHARD_NAME_FORMAT}, each
   * holding consecutive tensors (in the map's order) up to {@code maxShardBytes} of data (a larger
   * tensor gets a shard of its own), then {@value WeightSource#INDEX_FILE} with {@code
   * {"metadata": {"total_size": bytes}, "weight_map": {tensor: shard}}}. Every file is written
   * atomically and the index last, so a reader never sees an index naming missing shards. An index
   * is written even when one shard suffices. Stale shards of an earlier write are not removed.
   *
   * @param metadata stored in every shard's header
   * @return the files written, shards first, index last
   * @throws IllegalArgumentException if {@code maxShardBytes} is not positive, or as {@link #write}
   * @throws IOException if writing fails
   */
  public static List<Path> writeSharded(
      Path dir, Map<String, TensorData> tensors, Map<String, String> metadata, long maxShardBytes)
      throws IOException {
    if (maxShardBytes <= 0) {
      throw new IllegalArgumentException("maxShardBytes must be positive: " + maxShardBytes);
    }
    List<Map<String, TensorData>> shards = new ArrayList<>();
    Map<String, TensorData> current = new LinkedHashMap<>();
    long currentBytes = 0;
    long total = 0;
    for (Map.Entry<String, TensorData> e : tensors.entrySet()) {
      long b = e.getValue().byteSize();
      if (!current.isEmpty() && currentBytes + b > maxShardBytes) {
        shards.add(current);
        current = new LinkedHashMap<>();
        currentBytes = 0;
      }
      current.put(e.getKey(), e.getValue());
      currentBytes += b;
      total += b;
    }
    if (!current.isEmpty() || shards.isEmpty()) {
      shards.add(current);
    }
    Files.createDirectories(dir);
    List<Path> written = new ArrayList<>();
    Map<String, String> weightMap = new TreeMap<>();
    for (int i = 0; i < shards.size(); i++) {
      String name = String.format(SHARD_NAME_FORMAT, i + 1, shards.size());
      Path p = dir.resolve(name);
      write(p, shards.get(i), metadata);
      written.add(p);
      for (String t : shards.get(i).keySet()) {
        weightMap.put(t, name);
      }
    }
    Map<String, Object> index = new LinkedHashMap<>();
    index.put("metadata", Map.of("total_size", total));
    index.put("weight_map", weightMap);
    byte[] json = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(index);
    Path indexPath = dir.resolve(WeightSource.INDEX_FILE);
    writeAtomically(indexPath, ch -> writeFully(ch, ByteBuffer.wrap(json)));
    written.add(indexPath);
    return written;
  }

  /** Writes content to a temporary sibling, forces it, and renames it over {@code target}. */
  static void writeAtomically(Path target, ChannelWriter content) throws IOException {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    Path tmp =
        dir.resolve(
            "." + abs.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
    boolean done = false;
    try {
      try (FileChannel ch =
          FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        content.write(ch);
        ch.force(true);
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("cannot rename " + tmp + " atomically to " + abs, e);
      }
      done = true;
      syncDirectory(dir);
    } finally {
      if (!done) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /** Best effort: persist the rename (works on Linux; ignored where directories cannot be opened). */
  private static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | RuntimeException ignored) {
      // not supported on this platform
    }
  }

  private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      ch.write(buf);
    }
  }

  /** Writes a file's content into an open channel. */
  @FunctionalInterface
  interface ChannelWriter {
    void write(FileChannel ch) throws IOException;
  }
}
