package io.ser4j.model.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ser4j.core.ModelLoadException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input: every rule of the header validation, with the exact message. */
class ValidationTest {
  @TempDir Path dir;

  private static ModelLoadException openFails(Path p) {
    try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
      throw new AssertionError("opened " + f);
    } catch (ModelLoadException e) {
      assertThat(e.input()).isEqualTo(p.toString());
      assertThat(e.getMessage()).isEqualTo(p + ": " + e.problem());
      return e;
    }
  }

  private void rejects(String header, int dataBytes, String problem) throws Exception {
    Path p = StFiles.file(dir, "bad.safetensors", header, dataBytes);
    assertThat(openFails(p).problem()).isEqualTo(problem);
  }

  private static String one(String name, String dtype, String shape, String offsets) {
    return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}";
  }

  @Test
  void fileShorterThanThePrefix() throws Exception {
    Path p = dir.resolve("short.safetensors");
    Files.write(p, new byte[5]);
    assertThat(openFails(p).problem()).isEqualTo("file is 5 bytes, shorter than the 8-byte header length prefix");
    Files.write(p, new byte[0]);
    assertThat(openFails(p).problem()).isEqualTo("file is 0 bytes, shorter than the 8-byte header length prefix");
  }

  @Test
  void headerLengthBeyondTheFile() throws Exception {
    Path p = StFiles.declared(dir, "x.safetensors", 100, "{}".getBytes(), new byte[0]);
    assertThat(openFails(p).problem()).isEqualTo("header length 100 does not fit in the file of 10 bytes (truncated?)");
  }

  @Test
  void absurdHeaderLengths() throws Exception {
    Path p = StFiles.declared(dir, "x.safetensors", 1L << 40, "{}".getBytes(), new byte[0]);
    assertThat(openFails(p).problem())
        .isEqualTo("header length 1099511627776 exceeds the 100000000-byte limit (not a safetensors file?)");
    p = StFiles.declared(dir, "y.safetensors", -1L, "{}".getBytes(), new byte[0]);
    assertThat(openFails(p).problem())
        .isEqualTo("header length 18446744073709551615 exceeds the 100000000-byte limit (not a safetensors file?)");
    p = StFiles.declared(dir, "z.safetensors", 100_000_001L, "{}".getBytes(), new byte[0]);
    assertThat(openFails(p).problem()).startsWith("header length 100000001 exceeds the 100000000-byte limit");
  }

  @Test
  void headerNotJsonOrNotAnObject() throws Exception {
    Path p = StFiles.declared(dir, "u.safetensors", 2, new byte[] {(byte) 0xff, (byte) 0xfe}, new byte[0]);
    assertThat(openFails(p).problem()).isEqualTo("header is not valid UTF-8");
    Path q = StFiles.file(dir, "j.safetensors", "{\"a\":", 0);
    assertThat(openFails(q).problem()).startsWith("header is not valid JSON: ").endsWith("(line 1, column 6)");
    rejects("{} x", 0, "header is not valid JSON: Unrecognized token 'x': was expecting (JSON String, Number, Array,"
        + " Object or token 'null', 'true' or 'false') (line 1, column 4)");
    rejects("[1,2]", 0, "header is not a JSON object but an array");
    rejects("\"s\"", 0, "header is not a JSON object but a string");
    rejects("", 0, "header is not a JSON object but empty");
  }

  @Test
  void duplicateKeys() throws Exception {
    rejects("{" + one("w", "F32", "[1]", "[0,4]") + "," + one("w", "F32", "[1]", "[4,8]") + "}", 8,
        "header has duplicate key \"w\"");
    rejects("{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}", 0, "header has duplicate key \"k\"");
    rejects("{\"w\":{\"dtype\":\"F32\",\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4,
        "header has duplicate key \"dtype\"");
  }

  @Test
  void unknownDtypes() throws Exception {
    String supported = " (supported: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL)";
    rejects("{" + one("w", "F8_E4M3", "[4]", "[0,4]") + "}", 4, "tensor \"w\": unsupported dtype \"F8_E4M3\"" + supported);
    rejects("{" + one("w", "f32", "[1]", "[0,4]") + "}", 4, "tensor \"w\": unsupported dtype \"f32\"" + supported);
    rejects("{\"w\":{\"dtype\":4,\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "tensor \"w\": dtype must be a string, not 4");
  }

  @Test
  void badShapes() throws Exception {
    rejects("{" + one("w", "F32", "[2,-1]", "[0,4]") + "}", 4,
        "tensor \"w\": shape must be an array of non-negative integers, got [2,-1]");
    rejects("{" + one("w", "F32", "[2.5]", "[0,4]") + "}", 4,
        "tensor \"w\": shape must be an array of non-negative integers, got [2.5]");
    rejects("{" + one("w", "F32", "[\"2\"]", "[0,8]") + "}", 8,
        "tensor \"w\": shape must be an array of non-negative integers, got [\"2\"]");
    rejects("{" + one("w", "F32", "4", "[0,16]") + "}", 16,
        "tensor \"w\": shape must be an array of non-negative integers, got 4");
    rejects("{" + one("w", "F32", "[100000000000000000000000]", "[0,4]") + "}", 4,
        "tensor \"w\": shape must be an array of non-negative integers, got [100000000000000000000000]");
  }

  @Test
  void shapeProductOverflow() throws Exception {
    rejects("{" + one("w", "F32", "[4294967296,4294967296]", "[0,4]") + "}", 4,
        "tensor \"w\": size of shape [4294967296, 4294967296] overflows a 64-bit integer");
    // the element count fits, the byte count does not
    rejects("{" + one("w", "F64", "[2305843009213693952]", "[0,8]") + "}", 8,
        "tensor \"w\": size of shape [2305843009213693952] overflows a 64-bit integer");
  }

  @Test
  void byteSizeMustMatchTheShape() throws Exception {
    rejects("{" + one("w", "F32", "[3]", "[0,8]") + "}", 8,
        "tensor \"w\": shape [3] of F32 needs 12 bytes but data_offsets [0, 8] span 8");
    rejects("{" + one("w", "BF16", "[]", "[0,4]") + "}", 4,
        "tensor \"w\": shape [] of BF16 needs 2 bytes but data_offsets [0, 4] span 4");
  }

  @Test
  void badOffsets() throws Exception {
    rejects("{" + one("w", "F32", "[4]", "[0,16]") + "}", 8,
        "tensor \"w\": data_offsets [0, 16] extend past the 8-byte data region (truncated file?)");
    rejects("{" + one("w", "F32", "[1]", "[8,4]") + "}", 8, "tensor \"w\": data_offsets [8, 4] end before begin");
    rejects("{" + one("w", "F32", "[1]", "[0]") + "}", 4,
        "tensor \"w\": data_offsets must be 2 non-negative integers, got [0]");
    rejects("{" + one("w", "F32", "[1]", "[-4,0]") + "}", 4,
        "tensor \"w\": data_offsets must be 2 non-negative integers, got [-4,0]");
    rejects("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4, "tensor \"w\": missing \"data_offsets\"");
    rejects("{\"w\":[1,2]}", 4,
        "tensor \"w\": entry must be an object with dtype, shape and data_offsets, not an array");
  }

  @Test
  void overlapsAndGaps() throws Exception {
    rejects("{" + one("a", "F32", "[2]", "[0,8]") + "," + one("b", "F32", "[2]", "[4,12]") + "}", 12,
        "tensors \"a\" [0, 8] and \"b\" [4, 12] overlap");
    rejects("{" + one("a", "F32", "[2]", "[0,8]") + "," + one("b", "F32", "[2]", "[0,8]") + "}", 8,
        "tensors \"a\" [0, 8] and \"b\" [0, 8] overlap");
    // a zero-sized tensor inside another one
    rejects("{" + one("a", "F32", "[2]", "[0,8]") + "," + one("z", "F32", "[0]", "[4,4]") + "}", 8,
        "tensors \"a\" [0, 8] and \"z\" [4, 4] overlap");
    rejects("{" + one("a", "F32", "[1]", "[0,4]") + "," + one("b", "F32", "[1]", "[8,12]") + "}", 12,
        "gap in the data region: bytes [4, 8) before tensor \"b\" belong to no tensor");
    rejects("{" + one("a", "F32", "[1]", "[4,8]") + "}", 8,
        "gap in the data region: bytes [0, 4) before tensor \"a\" belong to no tensor");
    rejects("{" + one("a", "F32", "[1]", "[0,4]") + "}", 8,
        "data region is 8 bytes but the tensors cover only 4 (trailing bytes after tensor \"a\")");
    rejects("{}", 3, "data region is 3 bytes but the tensors cover only 0");
  }

  @Test
  void metadataMustBeStringToString() throws Exception {
    rejects("{\"__metadata__\":{\"a\":\"x\",\"n\":1}}", 0,
        "__metadata__ must map strings to strings, but \"n\" has a number 1");
    rejects("{\"__metadata__\":{\"o\":{\"k\":\"v\"}}}", 0,
        "__metadata__ must map strings to strings, but \"o\" has an object {\"k\":\"v\"}");
    rejects("{\"__metadata__\":[\"a\"]}", 0, "__metadata__ must be an object of strings, not an array");
  }

  @Test
  void truncatedDataRegion() throws Exception {
    Path p = dir.resolve("t.safetensors");
    Map<String, TensorData> t = new LinkedHashMap<>();
    t.put("a", TensorData.f32(new long[] {2}, new float[] {1, 2}));
    t.put("b", TensorData.f32(new long[] {3}, new float[] {3, 4, 5}));
    SafeTensorsWriter.write(p, t, Map.of());
    long size = Files.size(p);
    try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
      raf.setLength(size - 4);
    }
    assertThat(openFails(p).problem())
        .isEqualTo("tensor \"b\": data_offsets [8, 20] extend past the 16-byte data region (truncated file?)");
  }

  @Test
  void missingFilesAndDirectories() throws Exception {
    assertThat(openFails(dir.resolve("none.safetensors")).problem()).isEqualTo("no such file");
    assertThat(openFails(dir).problem()).isEqualTo("not a regular file");
  }

  @Test
  void acceptsEmptyAndPaddedHeaders() throws Exception {
    try (SafeTensorsFile f = SafeTensorsFile.open(StFiles.file(dir, "e.safetensors", "{}", 0))) {
      assertThat(f.tensors()).isEmpty();
      assertThat(f.metadata()).isEmpty();
      assertThat(openFails(dir.resolve("none")).problem()).isEqualTo("no such file");
      assertThatThrownBy(() -> f.info("x"))
          .isInstanceOf(ModelLoadException.class)
          .hasMessage(f.location() + ": no tensor \"x\" (the file has no tensors)");
    }
    String h = "{" + one("a", "F32", "[1]", "[0,4]") + "}    \n ";
    try (SafeTensorsFile f = SafeTensorsFile.open(StFiles.file(dir, "p.safetensors", h, StFiles.f32(7f)))) {
      assertThat(f.readFloats("a")).containsExactly(7f);
      assertThat(f.dataStart()).isEqualTo(8 + h.length());
    }
  }

  @Test
  void readErrorsNameFileAndTensor() throws Exception {
    Path p = dir.resolve("r.safetensors");
    Map<String, TensorData> t = new LinkedHashMap<>();
    t.put("w", TensorData.f32(new long[] {2, 3}, new float[6]));
    t.put("h", TensorData.ofFloats(DType.F16, new long[] {2}, new float[] {1, 2}));
    t.put("i", TensorData.ofBytes(DType.I64, new long[] {1}, new byte[8]));
    for (int k = 0; k < 7; k++) {
      t.put("x" + k, TensorData.f32(new long[] {}, new float[] {k}));
    }
    SafeTensorsWriter.write(p, t, null);
    SafeTensorsFile f = SafeTensorsFile.open(p);
    try {
      String in = p + ": ";
      assertThatThrownBy(() -> f.readFloats("nope"))
          .isInstanceOf(ModelLoadException.class)
          .hasMessage(in + "no tensor \"nope\" (10 tensors: i, w, x0, x1, x2, ...)");
      assertThatThrownBy(() -> f.readInto("w", new float[6], new long[] {3, 2}))
          .isInstanceOf(ModelLoadException.class)
          .hasMessage(in + "tensor \"w\" has shape [2, 3], expected [3, 2]");
      assertThatThrownBy(() -> f.readFloats("i"))
          .isInstanceOf(ModelLoadException.class)
          .hasMessage(in + "tensor \"i\" has dtype I64; reading floats needs F64, F32, F16 or BF16");
      assertThatThrownBy(() -> f.floatBuffer("h"))
          .isInstanceOf(ModelLoadException.class)
          .hasMessage(in + "tensor \"h\" has dtype F16, a float view needs F32");
      assertThatThrownBy(() -> f.readInto("w", new float[5], new long[] {2, 3}))
          .isInstanceOf(IllegalArgumentException.class);
    } finally {
      f.close();
    }
    assertThatThrownBy(() -> f.readFloats("w")).isInstanceOf(IllegalStateException.class);
    f.close(); // idempotent
  }
}
