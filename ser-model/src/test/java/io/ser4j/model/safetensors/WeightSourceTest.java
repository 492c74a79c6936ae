package io.ser4j.model.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ser4j.core.ModelLoadException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoint directories: single file, sharded writer/reader, and index inconsistencies. */
class WeightSourceTest {
  @TempDir Path dir;

  private static Map<String, TensorData> tensors() {
    Map<String, TensorData> t = new LinkedHashMap<>();
    for (int i = 0; i < 5; i++) {
      float[] v = new float[10];
      for (int j = 0; j < v.length; j++) {
        v[j] = i * 100 + j;
      }
      t.put("layers." + i + ".weight", TensorData.ofFloats(i % 2 == 0 ? DType.F32 : DType.BF16, new long[] {2, 5}, v));
    }
    return t;
  }

  private static ModelLoadException fails(Path checkpoint) {
    try (WeightSource w = WeightSource.open(checkpoint)) {
      throw new AssertionError("opened " + w);
    } catch (ModelLoadException e) {
      return e;
    }
  }

  private Path index() {
    return dir.resolve(WeightSource.INDEX_FILE);
  }

  private void writeIndex(String weightMapJson) throws Exception {
    Files.writeString(index(), "{\"metadata\":{\"total_size\":1},\"weight_map\":" + weightMapJson + "}");
  }

  @Test
  void singleFileDirectory() throws Exception {
    SafeTensorsWriter.write(dir.resolve("model.safetensors"), tensors(), Map.of("format", "pt"));
    try (WeightSource w = WeightSource.open(dir)) {
      assertThat(w).isInstanceOf(SafeTensorsFile.class);
      assertThat(w.names()).hasSize(5);
      assertThat(w.contains("layers.3.weight")).isTrue();
      assertThat(w.contains("layers.9.weight")).isFalse();
      assertThat(w.readFloats("layers.2.weight")[9]).isEqualTo(209f);
    }
  }

  @Test
  void shardedWriteAndRead() throws Exception {
    // 40 + 20 + 40 + 20 + 40 bytes, at most 64 per shard: [0,1] [2,3] [4]
    List<Path> files = SafeTensorsWriter.writeSharded(dir, tensors(), Map.of("format", "pt"), 64);
    assertThat(files).extracting(p -> p.getFileName().toString())
        .containsExactly("model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors",
            "model-00003-of-00003.safetensors", "model.safetensors.index.json");
    JsonNode idx = new ObjectMapper().readTree(index().toFile());
    assertThat(idx.get("metadata").get("total_size").asLong()).isEqualTo(160);
    assertThat(idx.get("weight_map").get("layers.4.weight").asText()).isEqualTo("model-00003-of-00003.safetensors");
    try (WeightSource w = WeightSource.open(dir)) {
      assertThat(w.location()).isEqualTo(index());
      assertThat(w.names()).containsExactly(
          "layers.0.weight", "layers.1.weight", "layers.2.weight", "layers.3.weight", "layers.4.weight");
      for (int i = 0; i < 5; i++) {
        float[] v = w.readFloats("layers." + i + ".weight");
        float want = i * 100 + 7;
        if (i % 2 == 1) {
          want = HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(want)); // 307 -> 308 in BF16
        }
        assertThat(v[7]).isEqualTo(want);
      }
      float[] dst = new float[10];
      w.readInto("layers.3.weight", dst, new long[] {2, 5});
      assertThat(dst[0]).isEqualTo(300f);
      assertThat(w.rawBuffer("layers.1.weight").remaining()).isEqualTo(20);
      assertThatThrownBy(() -> w.readInto("layers.3.weight", dst, new long[] {5, 2}))
          .isInstanceOf(ModelLoadException.class)
          .hasMessage(dir.resolve("model-00002-of-00003.safetensors").toAbsolutePath()
              + ": tensor \"layers.3.weight\" has shape [2, 5], expected [5, 2]");
      assertThatThrownBy(() -> w.info("lm_head.weight"))
          .isInstanceOf(ModelLoadException.class)
          .hasMessage(index() + ": no tensor \"lm_head.weight\" in weight_map (5 tensors: layers.0.weight,"
              + " layers.1.weight, layers.2.weight, layers.3.weight, layers.4.weight)");
    }
  }

  @Test
  void missingShard() throws Exception {
    SafeTensorsWriter.writeSharded(dir, tensors(), null, 64);
    Files.delete(dir.resolve("model-00002-of-00003.safetensors"));
    ModelLoadException e = fails(dir);
    assertThat(e.input()).isEqualTo(index().toString());
    assertThat(e.problem())
        .isEqualTo("shard \"model-00002-of-00003.safetensors\" (holding tensor \"layers.2.weight\") does not exist");
  }

  @Test
  void tensorMissingInItsShard() throws Exception {
    SafeTensorsWriter.writeSharded(dir, tensors(), null, 64);
    String json = Files.readString(index()).replace(
        "\"layers.4.weight\" : \"model-00003-of-00003.safetensors\"",
        "\"layers.4.weight\" : \"model-00003-of-00003.safetensors\", \"extra.bias\" : \"model-00001-of-00003.safetensors\"");
    Files.writeString(index(), json);
    assertThat(fails(dir).problem())
        .isEqualTo("tensor \"extra.bias\" is mapped to shard \"model-00001-of-00003.safetensors\" but that shard does not contain it");
  }

  @Test
  void tensorInTwoShardsOrUnlisted() throws Exception {
    SafeTensorsWriter.write(dir.resolve("a.safetensors"), Map.of("w", TensorData.f32(new long[] {1}, new float[] {1})), null);
    SafeTensorsWriter.write(dir.resolve("b.safetensors"), Map.of("w", TensorData.f32(new long[] {1}, new float[] {2})), null);
    writeIndex("{\"w\":\"a.safetensors\",\"v\":\"b.safetensors\"}");
    assertThat(fails(dir).problem()).isEqualTo("tensor \"w\" is in two shards: \"a.safetensors\" and \"b.safetensors\"");
    writeIndex("{\"w\":\"a.safetensors\",\"w\":\"b.safetensors\"}");
    assertThat(fails(dir).problem()).isEqualTo("index has duplicate key \"w\"");
    SafeTensorsWriter.write(dir.resolve("b.safetensors"), Map.of("v", TensorData.f32(new long[] {1}, new float[] {2}),
        "u", TensorData.f32(new long[] {1}, new float[] {3})), null);
    writeIndex("{\"w\":\"a.safetensors\",\"v\":\"b.safetensors\"}");
    assertThat(fails(dir).problem()).isEqualTo("tensor \"u\" of shard \"b.safetensors\" is not listed in weight_map");
  }

  @Test
  void shardNamesCannotEscapeTheDirectory() throws Exception {
    Path inner = Files.createDirectory(dir.resolve("ckpt"));
    SafeTensorsWriter.write(dir.resolve("outside.safetensors"), Map.of("w", TensorData.f32(new long[] {1}, new float[] {1})), null);
    String rule = " (shards must be inside the checkpoint directory)";
    Files.writeString(inner.resolve(WeightSource.INDEX_FILE), "{\"weight_map\":{\"w\":\"../outside.safetensors\"}}");
    assertThat(fails(inner).problem()).isEqualTo("shard name \"../outside.safetensors\" of tensor \"w\" contains \"..\"" + rule);
    Files.writeString(inner.resolve(WeightSource.INDEX_FILE), "{\"weight_map\":{\"w\":\"sub/../../outside.safetensors\"}}");
    assertThat(fails(inner).problem()).isEqualTo("shard name \"sub/../../outside.safetensors\" of tensor \"w\" contains \"..\"" + rule);
    String abs = dir.resolve("outside.safetensors").toAbsolutePath().toString();
    Files.writeString(inner.resolve(WeightSource.INDEX_FILE), "{\"weight_map\":{\"w\":\"" + abs + "\"}}");
    assertThat(fails(inner).problem()).isEqualTo("shard name \"" + abs + "\" of tensor \"w\" is absolute" + rule);
    Files.writeString(inner.resolve(WeightSource.INDEX_FILE), "{\"weight_map\":{\"w\":\"..\\\\outside.safetensors\"}}");
    assertThat(fails(inner).problem()).isEqualTo("shard name \"..\\outside.safetensors\" of tensor \"w\" contains a backslash" + rule);
    Files.writeString(inner.resolve(WeightSource.INDEX_FILE), "{\"weight_map\":{\"w\":\"\"}}");
    assertThat(fails(inner).problem()).isEqualTo("shard name \"\" of tensor \"w\" is empty" + rule);
  }

  @Test
  void malformedIndexOrNoWeights() throws Exception {
    assertThat(fails(dir).problem())
        .isEqualTo("neither model.safetensors nor model.safetensors.index.json in the directory");
    assertThat(fails(dir.resolve("nothing")).problem()).isEqualTo("no such checkpoint directory or file");
    Files.writeString(index(), "{\"metadata\":{}}");
    assertThat(fails(dir).problem()).isEqualTo("index has no \"weight_map\" object");
    Files.writeString(index(), "[]");
    assertThat(fails(dir).problem()).isEqualTo("index is not a JSON object");
    writeIndex("{\"w\":3}");
    assertThat(fails(dir).problem()).isEqualTo("weight_map entry for tensor \"w\" is not a file name: 3");
    Files.writeString(index(), "{\"weight_map\":");
    assertThat(fails(dir).problem()).startsWith("index is not valid JSON: ");
    // a corrupt shard is reported with the shard's own path
    Files.write(dir.resolve("bad.safetensors"), new byte[3]);
    writeIndex("{\"w\":\"bad.safetensors\"}");
    ModelLoadException e = fails(dir);
    assertThat(e.input()).isEqualTo(dir.toAbsolutePath().resolve("bad.safetensors").toString());
    assertThat(e.problem()).isEqualTo("file is 3 bytes, shorter than the 8-byte header length prefix");
  }
}
