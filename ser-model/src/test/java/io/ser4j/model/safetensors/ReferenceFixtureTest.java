package io.ser4j.model.safetensors;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files written by tools/reference/safetensors_reference.py (torch 1.13 bit patterns, the Hugging
 * Face layout): every dtype read back; our writer reproduces the file byte for byte.
 */
class ReferenceFixtureTest {
  static final Path DIR = fixtureDir();

  static Path fixtureDir() {
    try {
      return Path.of(ReferenceFixtureTest.class.getResource("/fixtures/safetensors").toURI());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonNode json(Path p) throws Exception {
    return new ObjectMapper().readTree(p.toFile());
  }

  static long[] shape(JsonNode e) {
    long[] s = new long[e.get("shape").size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = e.get("shape").get(i).asLong();
    }
    return s;
  }

  /** Checks every tensor of {@code expected} against the source. */
  static int checkAll(WeightSource src, JsonNode expected) {
    int checked = 0;
    for (Map.Entry<String, JsonNode> en : expected.properties()) {
      String name = en.getKey();
      JsonNode e = en.getValue();
      TensorInfo info = src.info(name);
      assertThat(info.dtype().name()).as(name).isEqualTo(e.get("dtype").asText());
      assertThat(info.shape()).as(name).containsExactly(shape(e));
      ByteBuffer raw = src.rawBuffer(name);
      assertThat(raw.isReadOnly()).isTrue();
      assertThat((long) raw.remaining()).isEqualTo(info.byteSize());
      if (e.has("f32_bits")) {
        float[] got = src.readFloats(name);
        assertThat(got).hasSize(e.get("f32_bits").size());
        for (int i = 0; i < got.length; i++) {
          int want = e.get("f32_bits").get(i).asInt();
          if (Float.isNaN(Float.intBitsToFloat(want))) {
            assertThat(got[i]).as("%s[%d]", name, i).isNaN();
          } else {
            assertThat(Float.floatToRawIntBits(got[i])).as("%s[%d]", name, i).isEqualTo(want);
          }
        }
        if (e.has("bits16")) {
          for (int i = 0; i < got.length; i++) {
            assertThat(raw.getShort(2 * i)).isEqualTo((short) e.get("bits16").get(i).asInt());
          }
        }
        float[] same = new float[got.length];
        src.readInto(name, same, info.shape());
        assertThat(same).usingElementComparator(ReferenceFixtureTest::bitwise).containsExactly(got);
        if (src instanceof SafeTensorsFile f) {
          float[] shifted = new float[got.length + 3];
          f.readInto(name, shifted, 3, info.shape());
          for (int i = 0; i < got.length; i++) {
            assertThat(bitwise(shifted[3 + i], got[i])).isZero();
          }
        }
      } else {
        JsonNode v = e.get("values");
        for (int i = 0; i < v.size(); i++) {
          long want = v.get(i).asLong();
          long got =
              switch (info.dtype()) {
                case I64 -> raw.getLong(8 * i);
                case I32 -> raw.getInt(4 * i);
                case I16 -> raw.getShort(2 * i);
                case I8 -> raw.get(i);
                case U8, BOOL -> raw.get(i) & 0xff;
                default -> throw new AssertionError(info.dtype());
              };
          assertThat(got).as("%s[%d]", name, i).isEqualTo(want);
        }
      }
      checked++;
    }
    return checked;
  }

  static int bitwise(Float a, Float b) {
    return Integer.compare(Float.floatToRawIntBits(a), Float.floatToRawIntBits(b));
  }

  @Test
  void readsEveryDtypeOfTheTorchWrittenFile() throws Exception {
    JsonNode fx = json(DIR.resolve("reference_expected.json"));
    try (SafeTensorsFile f = SafeTensorsFile.open(DIR.resolve("reference.safetensors"))) {
      assertThat(f.metadata())
          .containsExactly(
              Map.entry("format", "pt"),
              Map.entry("producer", "tools/reference/safetensors_reference.py"));
      assertThat(f.tensors()).hasSize(fx.get("tensors").size());
      assertThat(checkAll(f, fx.get("tensors"))).isEqualTo(15);
      // data-offset order
      long prev = -1;
      for (TensorInfo t : f.tensors().values()) {
        assertThat(t.begin()).isGreaterThanOrEqualTo(prev);
        prev = t.begin();
      }
      assertThat(f.info("f32.scalar").rank()).isZero();
      assertThat(f.info("f32.scalar").numel()).isEqualTo(1);
      assertThat(f.readFloats("f32.scalar")).containsExactly(3.25f);
      assertThat(f.readFloats("f32.empty")).isEmpty();
      assertThat(f.info("f32.empty").numel()).isZero();
      assertThat(f.floatBuffer("f32.matrix").get(0)).isEqualTo(f.readFloats("f32.matrix")[0]);
    }
  }

  @Test
  void writerReproducesTheReferenceFileByteForByte(@TempDir Path tmp) throws Exception {
    Path ref = DIR.resolve("reference.safetensors");
    Map<String, TensorData> tensors = new LinkedHashMap<>();
    Map<String, String> meta;
    try (SafeTensorsFile f = SafeTensorsFile.open(ref)) {
      List<String> names = new ArrayList<>(f.names());
      java.util.Collections.reverse(names); // insertion order must not matter
      for (String n : names) {
        TensorInfo t = f.info(n);
        ByteBuffer raw = f.rawBuffer(n);
        byte[] b = new byte[raw.remaining()];
        raw.get(b);
        tensors.put(n, TensorData.ofBytes(t.dtype(), t.shape(), b));
      }
      meta = f.metadata();
    }
    Path out = tmp.resolve("copy.safetensors");
    SafeTensorsWriter.write(out, tensors, meta);
    assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(ref));
  }

  /** The byte layouts the Hugging Face library's own serialization tests expect (tensor.rs). */
  @Test
  void writerMatchesTheHuggingFaceSerializationVectors(@TempDir Path tmp) throws Exception {
    Path empty = tmp.resolve("empty.safetensors");
    SafeTensorsWriter.write(empty, Map.of(), null);
    assertThat(Files.readAllBytes(empty))
        .containsExactly(8, 0, 0, 0, 0, 0, 0, 0, '{', '}', ' ', ' ', ' ', ' ', ' ', ' ');
    Path meta = tmp.resolve("meta.safetensors");
    SafeTensorsWriter.write(meta, Map.of(), Map.of("framework", "pt"));
    assertThat(new String(Files.readAllBytes(meta), java.nio.charset.StandardCharsets.ISO_8859_1))
        .isEqualTo("(\0\0\0\0\0\0\0{\"__metadata__\":{\"framework\":\"pt\"}}     ");
    float[] v = {0, 1, 2, 3, 4, 5};
    Path one = tmp.resolve("one.safetensors");
    SafeTensorsWriter.write(one, Map.of("attn0", TensorData.f32(new long[] {1, 1, 2, 3}, v)), null);
    byte[] b = Files.readAllBytes(one);
    String header = "{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}       ";
    assertThat(b[0]).isEqualTo((byte) 72);
    assertThat(new String(b, 8, 72, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo(header);
    assertThat(java.util.Arrays.copyOfRange(b, 80, b.length)).isEqualTo(StFiles.f32(v));
  }

  @Test
  void readsTheTorchWrittenShardedCheckpoint() throws Exception {
    JsonNode fx = json(DIR.resolve("sharded/expected.json"));
    try (WeightSource w = WeightSource.open(DIR.resolve("sharded"))) {
      assertThat(w).isInstanceOf(ShardedWeightSource.class);
      assertThat(w.location().getFileName().toString()).isEqualTo("model.safetensors.index.json");
      assertThat(w.names()).containsExactlyInAnyOrder("embed.weight", "layers.0.w", "layers.1.w", "head.bias");
      assertThat(checkAll(w, fx)).isEqualTo(4);
      assertThat(w.info("layers.1.w").dtype()).isEqualTo(DType.F16);
      assertThat(w.info("embed.weight").dtype()).isEqualTo(DType.BF16);
    }
  }
}
