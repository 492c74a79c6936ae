package io.ser4j.model.speechlm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ser4j.core.ModelLoadException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Minimal safetensors reader for this package (single file or sharded with {@code
 * model.safetensors.index.json}); F32, F16 and BF16 widened to float32. Files are memory-mapped
 * (long offsets; one tensor must fit a {@code float[]}). Not thread-safe.
 */
final class SafetensorsWeights implements Weights {
  static final String SINGLE_FILE = "model.safetensors";
  static final String INDEX_FILE = "model.safetensors.index.json";
  /** Upper bound on the JSON header, bytes (the format's own limit is 100 MB). */
  static final long MAX_HEADER_BYTES = 100L << 20;

  private record Entry(Path file, String dtype, long[] shape, long begin, long end, ByteBuffer data) {}

  private final Map<String, Entry> entries = new LinkedHashMap<>();

  private SafetensorsWeights() {}

  /** Opens the weights of a checkpoint directory. */
  static SafetensorsWeights open(Path dir) {
    SafetensorsWeights w = new SafetensorsWeights();
    ObjectMapper json = new ObjectMapper();
    Path index = dir.resolve(INDEX_FILE);
    Path single = dir.resolve(SINGLE_FILE);
    if (Files.isRegularFile(index)) {
      JsonNode map;
      try {
        map = json.readTree(index.toFile()).get("weight_map");
      } catch (IOException e) {
        throw new ModelLoadException(index.toString(), "unreadable index: " + e.getMessage(), e);
      }
      if (map == null || !map.isObject()) {
        throw new ModelLoadException(index.toString(), "no \"weight_map\" object");
      }
      Map<String, String> names = new LinkedHashMap<>();
      map.fields().forEachRemaining(e -> names.put(e.getKey(), e.getValue().asText()));
      for (String shard : new TreeSet<>(names.values())) {
        Path file = dir.resolve(shard).normalize();
        if (!file.getParent().equals(dir.normalize())) {
          throw new ModelLoadException(index.toString(), "shard outside the checkpoint: " + shard);
        }
        w.readFile(json, file);
      }
      for (Map.Entry<String, String> e : names.entrySet()) {
        Entry entry = w.entries.get(e.getKey());
        if (entry == null || !entry.file().getFileName().toString().equals(e.getValue())) {
          throw new ModelLoadException(
              dir.resolve(e.getValue()) + ":" + e.getKey(), "tensor named in the index is not in this shard");
        }
      }
      if (names.size() != w.entries.size()) {
        Set<String> extra = new TreeSet<>(w.entries.keySet());
        extra.removeAll(names.keySet());
        throw new ModelLoadException(index.toString(), "shards hold tensors the index omits: " + extra);
      }
    } else if (Files.isRegularFile(single)) {
      w.readFile(json, single);
    } else {
      throw new ModelLoadException(dir.toString(), "no " + SINGLE_FILE + " or " + INDEX_FILE);
    }
    return w;
  }

  private void readFile(ObjectMapper json, Path file) {
    String where = file.toString();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < 8) {
        throw new ModelLoadException(where, "file of " + size + " bytes has no safetensors header");
      }
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      ch.read(lenBuf, 0);
      long n = lenBuf.flip().getLong();
      if (n <= 0 || n > size - 8 || n > MAX_HEADER_BYTES) {
        throw new ModelLoadException(where, "header length " + n + " does not fit a file of " + size + " bytes");
      }
      ByteBuffer head = ByteBuffer.allocate((int) n);
      ch.read(head, 8);
      JsonNode root = json.readTree(new String(head.array(), StandardCharsets.UTF_8));
      long dataStart = 8 + n;
      long dataLen = size - dataStart;
      for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getKey().equals("__metadata__")) {
          continue;
        }
        String name = e.getKey();
        JsonNode t = e.getValue();
        String dtype = t.path("dtype").asText("");
        int width = dtypeBytes(dtype);
        if (width < 0) {
          throw new ModelLoadException(where + ":" + name, "unsupported dtype \"" + dtype + "\" (F32, F16, BF16)");
        }
        JsonNode shapeNode = t.path("shape");
        JsonNode offs = t.path("data_offsets");
        if (!shapeNode.isArray() || !offs.isArray() || offs.size() != 2) {
          throw new ModelLoadException(where + ":" + name, "header entry lacks shape or data_offsets");
        }
        long[] shape = new long[shapeNode.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
          shape[i] = shapeNode.get(i).asLong(-1);
          if (shape[i] < 0) {
            throw new ModelLoadException(where + ":" + name, "negative dimension in shape " + shapeNode);
          }
          numel = Math.multiplyExact(numel, shape[i]);
        }
        long begin = offs.get(0).asLong(-1);
        long end = offs.get(1).asLong(-1);
        if (begin < 0 || end < begin || end > dataLen || end - begin != numel * width) {
          throw new ModelLoadException(where + ":" + name,
              "data_offsets " + offs + " do not hold " + numel + " x " + width + " bytes inside a data section of " + dataLen);
        }
        if (numel > Integer.MAX_VALUE - 8) {
          throw new ModelLoadException(where + ":" + name, numel + " elements exceed one Java array");
        }
        if (entries.containsKey(name)) {
          throw new ModelLoadException(where + ":" + name, "tensor also stored in " + entries.get(name).file());
        }
        ByteBuffer data = ch.map(FileChannel.MapMode.READ_ONLY, dataStart + begin, end - begin)
            .order(ByteOrder.LITTLE_ENDIAN);
        entries.put(name, new Entry(file, dtype, shape, begin, end, data));
      }
    } catch (IOException e) {
      throw new ModelLoadException(where, "unreadable safetensors file: " + e.getMessage(), e);
    } catch (ArithmeticException e) {
      throw new ModelLoadException(where, "tensor shape overflows", e);
    }
  }

  private static int dtypeBytes(String dtype) {
    return switch (dtype) {
      case "F32" -> 4;
      case "F16", "BF16" -> 2;
      default -> -1;
    };
  }

  @Override
  public float[] get(String name, long... expectedShape) {
    Entry e = entries.get(name);
    if (e == null) {
      throw new ModelLoadException(name, "tensor missing from the checkpoint (expected shape "
          + Arrays.toString(expectedShape) + ")");
    }
    if (!Arrays.equals(e.shape(), expectedShape)) {
      throw new ModelLoadException(e.file() + ":" + name, "shape " + Arrays.toString(e.shape())
          + " but the config implies " + Arrays.toString(expectedShape));
    }
    ByteBuffer b = e.data().duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int n = (int) ((e.end() - e.begin()) / dtypeBytes(e.dtype()));
    float[] out = new float[n];
    switch (e.dtype()) {
      case "F32" -> b.asFloatBuffer().get(out);
      case "BF16" -> {
        for (int i = 0; i < n; i++) {
          out[i] = Float.intBitsToFloat((b.getShort(2 * i) & 0xffff) << 16);
        }
      }
      default -> {
        for (int i = 0; i < n; i++) {
          out[i] = halfToFloat(b.getShort(2 * i));
        }
      }
    }
    return out;
  }

  /** IEEE 754 binary16 → float32 (Java 17 has no {@code Float.float16ToFloat}). */
  static float halfToFloat(short h) {
    int bits = h & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1f;
    int mant = bits & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      float v = mant * 0x1p-24f;
      return sign == 0 ? v : -v;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }

  @Override
  public boolean has(String name) {
    return entries.containsKey(name);
  }

  @Override
  public Set<String> names() {
    return Collections.unmodifiableSet(entries.keySet());
  }

  @Override
  public long parameterCount() {
    long total = 0;
    for (Entry e : entries.values()) {
      total += (e.end() - e.begin()) / dtypeBytes(e.dtype());
    }
    return total;
  }

  @Override
  public String dtype() {
    Set<String> types = new TreeSet<>();
    entries.values().forEach(e -> types.add(e.dtype()));
    if (types.size() != 1) {
      return types.isEmpty() ? "float32" : "mixed";
    }
    return switch (types.iterator().next()) {
      case "BF16" -> "bfloat16";
      case "F16" -> "float16";
      default -> "float32";
    };
  }

  @Override
  public void close() {
    entries.clear();
  }
}
