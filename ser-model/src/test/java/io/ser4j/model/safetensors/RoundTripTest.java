package io.ser4j.model.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ser4j.core.ModelLoadException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writer → reader round trips for every dtype and shape kind; mapping windows; atomic writes. */
class RoundTripTest {
  @TempDir Path dir;

  private static float[] randomFloats(int n, long seed) {
    Random r = new Random(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(9) - 4));
    }
    return v;
  }

  private static byte[] randomBytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void everyDtypeAndShapeKindRoundTrips() throws Exception {
    Map<String, TensorData> t = new LinkedHashMap<>();
    float[] m = randomFloats(6 * 7, 1);
    float[] special = {0f, -0f, Float.MIN_VALUE, 1e-6f, -65504f, 3e38f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
    for (DType d : new DType[] {DType.F64, DType.F32, DType.F16, DType.BF16}) {
      String p = d.name().toLowerCase();
      t.put(p + ".matrix", TensorData.ofFloats(d, new long[] {6, 7}, m));
      t.put(p + ".scalar", TensorData.ofFloats(d, new long[] {}, new float[] {-1.5f}));
      t.put(p + ".empty", TensorData.ofFloats(d, new long[] {3, 0, 2}, new float[0]));
      t.put(p + ".special", TensorData.ofFloats(d, new long[] {8}, special));
      t.put(p + ".rank4", TensorData.ofFloats(d, new long[] {1, 2, 1, 3}, new float[] {1, 2, 3, 4, 5, 6}));
    }
    for (DType d : new DType[] {DType.I64, DType.I32, DType.I16, DType.I8, DType.U8, DType.BOOL}) {
      String p = d.name().toLowerCase();
      t.put(p + ".vec", TensorData.ofBytes(d, new long[] {5}, randomBytes(5 * d.byteSize(), d.ordinal())));
      t.put(p + ".scalar", TensorData.ofBytes(d, new long[] {}, randomBytes(d.byteSize(), 99)));
      t.put(p + ".empty", TensorData.ofBytes(d, new long[] {0}, new byte[0]));
    }
    Path p = dir.resolve("all.safetensors");
    SafeTensorsWriter.write(p, t, Map.of("format", "pt", "note", "ünïcödé"));
    try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
      assertThat(f.dataStart() % 8).as("header padded to 8").isZero();
      assertThat(f.metadata()).containsEntry("note", "ünïcödé").hasSize(2);
      assertThat(f.names()).hasSameElementsAs(t.keySet());
      for (Map.Entry<String, TensorData> e : t.entrySet()) {
        TensorInfo info = f.info(e.getKey());
        TensorData d = e.getValue();
        assertThat(info.dtype()).isEqualTo(d.dtype());
        assertThat(info.shape()).containsExactly(d.shape());
        assertThat(info.byteSize()).isEqualTo(d.byteSize());
        assertThat(info.begin() % d.dtype().byteSize()).as("aligned").isZero();
        ByteBuffer raw = f.rawBuffer(e.getKey());
        assertThat(raw.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
        assertThat(raw.isReadOnly()).isTrue();
        ByteBuffer want = ByteBuffer.allocate((int) d.byteSize());
        d.encode(0, (int) d.numel(), want);
        want.flip();
        assertThat(raw).as(e.getKey()).isEqualTo(want);
      }
      assertThat(f.readFloats("f32.matrix")).containsExactly(m);
      float[] f64 = f.readFloats("f64.matrix");
      assertThat(f64).containsExactly(m);
      float[] f16 = f.readFloats("f16.matrix");
      float[] bf16 = f.readFloats("bf16.matrix");
      for (int i = 0; i < m.length; i++) {
        assertThat(f16[i]).isEqualTo(HalfFloats.f16ToFloat(HalfFloats.floatToF16(m[i])));
        assertThat(bf16[i]).isEqualTo(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(m[i])));
        if (Math.abs(m[i]) > 1e-4 && Math.abs(m[i]) < 6e4) {
          assertThat((double) Math.abs(f16[i] - m[i])).isLessThanOrEqualTo(Math.abs(m[i]) * 0x1p-11);
        }
        assertThat((double) Math.abs(bf16[i] - m[i])).isLessThanOrEqualTo(Math.abs(m[i]) * 0x1p-8);
      }
      assertThat(f.readFloats("f16.special"))
          .containsExactly(0f, -0f, 0f, HalfFloats.f16ToFloat((short) 17), -65504f,
              Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY);
      assertThat(f.readFloats("bf16.scalar")).containsExactly(-1.5f);
      assertThat(f.readFloats("f16.empty")).isEmpty();
      assertThat(f.info("f16.empty").numel()).isZero();
      assertThat(f.rawBuffer("u8.empty").remaining()).isZero();
      assertThat(f.floatBuffer("f32.rank4").get(5)).isEqualTo(6f);
    }
  }

  @Test
  void metadataOrderDoesNotChangeTheBytes() throws Exception {
    Map<String, TensorData> t = Map.of("w", TensorData.f32(new long[] {2}, new float[] {1f, 2f}));
    Map<String, String> ab = new LinkedHashMap<>();
    ab.put("step", "6");
    ab.put("learning_rate", "1.5E-4");
    Map<String, String> ba = new LinkedHashMap<>();
    ba.put("learning_rate", "1.5E-4");
    ba.put("step", "6");
    SafeTensorsWriter.write(dir.resolve("ab.safetensors"), t, ab);
    SafeTensorsWriter.write(dir.resolve("ba.safetensors"), t, ba);
    assertThat(Files.readAllBytes(dir.resolve("ab.safetensors")))
        .isEqualTo(Files.readAllBytes(dir.resolve("ba.safetensors")));
  }

  @Test
  void smallWindowsAndChunkedTensorsReadTheSame() throws Exception {
    Map<String, TensorData> t = new LinkedHashMap<>();
    float[] big = randomFloats(1000, 5);
    t.put("big.f32", TensorData.f32(new long[] {10, 100}, big));
    t.put("big.bf16", TensorData.ofFloats(DType.BF16, new long[] {1000}, big));
    t.put("big.f16", TensorData.ofFloats(DType.F16, new long[] {1000}, big));
    t.put("big.f64", TensorData.ofFloats(DType.F64, new long[] {1000}, big));
    for (int i = 0; i < 20; i++) {
      t.put("small." + i, TensorData.f32(new long[] {3}, randomFloats(3, 100 + i)));
    }
    Path p = dir.resolve("w.safetensors");
    SafeTensorsWriter.write(p, t, Map.of());
    try (SafeTensorsFile whole = SafeTensorsFile.open(p);
        SafeTensorsFile tiny = SafeTensorsFile.open(p, 40, 64)) {
      for (String n : t.keySet()) {
        assertThat(tiny.readFloats(n)).as(n).containsExactly(whole.readFloats(n));
      }
      assertThat(tiny.rawBuffer("small.3")).isEqualTo(whole.rawBuffer("small.3"));
      assertThatThrownBy(() -> tiny.rawBuffer("big.f32"))
          .isInstanceOf(ModelLoadException.class)
          .hasMessage(p + ": tensor \"big.f32\" is 4000 bytes, more than one buffer can hold; use readFloats or readInto");
      float[] dst = new float[1000];
      tiny.readInto("big.f64", dst, new long[] {1000});
      assertThat(dst).containsExactly(big);
    }
  }

  @Test
  void windowPlanGroupsAndChunks() {
    List<TensorInfo> ts =
        List.of(
            new TensorInfo("a", DType.F32, new long[] {4}, 0, 16),
            new TensorInfo("z", DType.F32, new long[] {0}, 16, 16),
            new TensorInfo("b", DType.F32, new long[] {4}, 16, 32),
            new TensorInfo("c", DType.F32, new long[] {50}, 32, 232),
            new TensorInfo("d", DType.F32, new long[] {2}, 232, 240));
    List<long[]> plan = SafeTensorsFile.planWindows(ts, 32, 64);
    assertThat(plan).extracting(w -> w[0] + "+" + w[1])
        .containsExactly("0+32", "32+64", "96+64", "160+64", "224+8", "232+8");
  }

  @Test
  void concurrentReadsAgree() throws Exception {
    float[] v = randomFloats(20_000, 9);
    Path p = dir.resolve("c.safetensors");
    SafeTensorsWriter.write(p, Map.of("w", TensorData.ofFloats(DType.BF16, new long[] {20_000}, v)), null);
    try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
      float[] once = f.readFloats("w");
      assertThat(Stream.generate(() -> "w").limit(16).parallel().map(f::readFloats))
          .allSatisfy(r -> assertThat(java.util.Arrays.equals(r, once)).isTrue());
    }
  }

  @Test
  void writesAreAtomicAndReplaceTheTarget() throws Exception {
    Path p = dir.resolve("model.safetensors");
    SafeTensorsWriter.write(p, Map.of("w", TensorData.f32(new long[] {1}, new float[] {1})), null);
    SafeTensorsWriter.write(p, Map.of("w", TensorData.f32(new long[] {2}, new float[] {2, 3})), null);
    try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
      assertThat(f.readFloats("w")).containsExactly(2f, 3f);
    }
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.map(x -> x.getFileName().toString())).containsExactly("model.safetensors");
    }
    // a failed write leaves the old file and no temporary file behind
    assertThatThrownBy(
            () -> SafeTensorsWriter.write(p, Map.of("__metadata__", TensorData.f32(new long[] {}, new float[] {1})), null))
        .isInstanceOf(IllegalArgumentException.class);
    Path blocked = dir.resolve("sub");
    Files.createDirectory(blocked);
    Files.writeString(blocked.resolve("x"), "x");
    assertThatThrownBy(() -> SafeTensorsWriter.write(blocked, Map.of(), null)).isInstanceOf(java.io.IOException.class);
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.map(x -> x.getFileName().toString())).containsExactlyInAnyOrder("model.safetensors", "sub");
    }
  }

  @Test
  void tensorDataRejectsInconsistentInput() {
    assertThatThrownBy(() -> TensorData.f32(new long[] {2, 2}, new float[3]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("3 values for shape [2, 2] (4 elements)");
    assertThatThrownBy(() -> TensorData.ofFloats(DType.I32, new long[] {1}, new float[1]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TensorData.ofBytes(DType.I32, new long[] {2}, new byte[7]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TensorData.f32(new long[] {-1}, new float[0]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
