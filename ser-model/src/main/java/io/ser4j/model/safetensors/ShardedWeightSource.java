package io.ser4j.model.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import io.ser4j.core.ModelLoadException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A sharded checkpoint read through {@code model.safetensors.index.json}. Validation at open: the
 * index is strict JSON with a {@code weight_map} object of tensor name → shard file name; shard names
 * are plain relative paths that stay inside the directory; every shard exists and is a valid
 * safetensors file; every mapped tensor is in its shard; no tensor is in two shards; and every tensor
 * of every shard is listed in the map. Thread-safety as {@link WeightSource}.
 */
final class ShardedWeightSource implements WeightSource {
  private final Path index;
  private final Map<String, SafeTensorsFile> shardOf;
  private final List<SafeTensorsFile> shards;

  private ShardedWeightSource(Path index, Map<String, SafeTensorsFile> shardOf, List<SafeTensorsFile> shards) {
    this.index = index;
    this.shardOf = shardOf;
    this.shards = shards;
  }

  static ShardedWeightSource open(Path index) {
    String file = index.toString();
    Path dir = index.toAbsolutePath().getParent();
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(index);
    } catch (IOException e) {
      throw new ModelLoadException(file, "cannot read: " + e.getMessage(), e);
    }
    JsonNode root = HeaderParser.parseJson(HeaderParser.decodeUtf8(bytes, file), file, "index");
    if (root == null || !root.isObject()) {
      throw new ModelLoadException(file, "index is not a JSON object");
    }
    JsonNode map = root.get("weight_map");
    if (map == null || !map.isObject()) {
      throw new ModelLoadException(file, "index has no \"weight_map\" object");
    }
    // tensor -> shard name, and the shards in first-mention order
    Map<String, String> wanted = new LinkedHashMap<>();
    Map<String, Path> shardPaths = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : map.properties()) {
      String tensor = e.getKey();
      if (!e.getValue().isTextual()) {
        throw new ModelLoadException(
            file, "weight_map entry for tensor \"" + tensor + "\" is not a file name: " + e.getValue());
      }
      String shard = e.getValue().textValue();
      if (!shardPaths.containsKey(shard)) {
        shardPaths.put(shard, resolveShard(dir, shard, tensor, file));
      }
      wanted.put(tensor, shard);
    }
    Map<String, SafeTensorsFile> opened = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, Path> s : shardPaths.entrySet()) {
        if (!Files.isRegularFile(s.getValue())) {
          String example =
              wanted.entrySet().stream()
                  .filter(w -> w.getValue().equals(s.getKey()))
                  .findFirst()
                  .map(Map.Entry::getKey)
                  .orElse("?");
          throw new ModelLoadException(
              file, "shard \"" + s.getKey() + "\" (holding tensor \"" + example + "\") does not exist");
        }
        opened.put(s.getKey(), SafeTensorsFile.open(s.getValue()));
      }
      Map<String, String> found = new LinkedHashMap<>();
      for (Map.Entry<String, SafeTensorsFile> s : opened.entrySet()) {
        for (String t : s.getValue().names()) {
          String other = found.putIfAbsent(t, s.getKey());
          if (other != null) {
            throw new ModelLoadException(
                file, "tensor \"" + t + "\" is in two shards: \"" + other + "\" and \"" + s.getKey() + "\"");
          }
          if (!wanted.containsKey(t)) {
            throw new ModelLoadException(
                file, "tensor \"" + t + "\" of shard \"" + s.getKey() + "\" is not listed in weight_map");
          }
        }
      }
      Map<String, SafeTensorsFile> shardOf = new LinkedHashMap<>();
      for (Map.Entry<String, String> w : wanted.entrySet()) {
        SafeTensorsFile f = opened.get(w.getValue());
        if (!f.contains(w.getKey())) {
          throw new ModelLoadException(
              file,
              "tensor \"" + w.getKey() + "\" is mapped to shard \"" + w.getValue()
                  + "\" but that shard does not contain it");
        }
        shardOf.put(w.getKey(), f);
      }
      return new ShardedWeightSource(
          index, Collections.unmodifiableMap(shardOf), List.copyOf(opened.values()));
    } catch (RuntimeException e) {
      opened.values().forEach(SafeTensorsFile::close);
      throw e;
    }
  }

  /** Resolves a shard name, rejecting absolute paths, ".." components and anything leaving dir. */
  private static Path resolveShard(Path dir, String shard, String tensor, String file) {
    String bad = null;
    Path rel = null;
    try {
      rel = Path.of(shard);
    } catch (InvalidPathException e) {
      bad = "is not a valid path";
    }
    if (bad == null) {
      if (shard.isEmpty()) {
        bad = "is empty";
      } else if (rel.isAbsolute() || shard.startsWith("/") || shard.startsWith("\\")) {
        bad = "is absolute";
      } else {
        for (Path part : rel) {
          if (part.toString().equals("..")) {
            bad = "contains \"..\"";
          }
        }
        if (shard.contains("\\") && bad == null) {
          bad = "contains a backslash";
        }
      }
    }
    if (bad == null) {
      Path resolved = dir.resolve(rel).normalize();
      if (!resolved.startsWith(dir.normalize())) {
        bad = "leaves the checkpoint directory";
      } else {
        return resolved;
      }
    }
    throw new ModelLoadException(
        file, "shard name \"" + shard + "\" of tensor \"" + tensor + "\" " + bad + " (shards must be inside the checkpoint directory)");
  }

  private SafeTensorsFile shard(String name) {
    SafeTensorsFile f = shardOf.get(name);
    if (f == null) {
      throw new ModelLoadException(
          index.toString(), "no tensor \"" + name + "\" in weight_map " + SafeTensorsFile.describeNames(shardOf.keySet()));
    }
    return f;
  }

  @Override
  public Path location() {
    return index;
  }

  /** The shards in index order (for diagnostics). */
  List<SafeTensorsFile> shards() {
    return new ArrayList<>(shards);
  }

  @Override
  public Set<String> names() {
    return shardOf.keySet();
  }

  @Override
  public boolean contains(String name) {
    return shardOf.containsKey(name);
  }

  @Override
  public TensorInfo info(String name) {
    return shard(name).info(name);
  }

  @Override
  public float[] readFloats(String name) {
    return shard(name).readFloats(name);
  }

  @Override
  public void readInto(String name, float[] dst, long[] expectedShape) {
    shard(name).readInto(name, dst, expectedShape);
  }

  @Override
  public ByteBuffer rawBuffer(String name) {
    return shard(name).rawBuffer(name);
  }

  @Override
  public void close() {
    shards.forEach(SafeTensorsFile::close);
  }

  @Override
  public String toString() {
    return "ShardedWeightSource[" + index + ", " + shards.size() + " shards, " + shardOf.size() + " tensors]";
  }
}
