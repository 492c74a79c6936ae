package io.ser4j.model.speechlm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the committed SpeechLM fixtures (ser-model/src/test/resources/fixtures/speechlm). */
final class SpeechLmFixtures {
  static final Path RESOURCES = Path.of("src/test/resources");
  static final Path FIXTURES = RESOURCES.resolve("fixtures/speechlm");

  private SpeechLmFixtures() {}

  static JsonNode manifest() {
    try {
      return new ObjectMapper().readTree(FIXTURES.resolve("manifest.json").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path checkpoint(String name) {
    return RESOURCES.resolve("checkpoints").resolve(name);
  }

  static JsonNode checkpointEntry(String name) {
    for (JsonNode c : manifest().get("checkpoints")) {
      if (c.get("name").asText().equals(name)) {
        return c;
      }
    }
    throw new IllegalArgumentException("no checkpoint " + name + " in the manifest");
  }

  /** A float32 LE row-major 2-D array described by {"file", "shape"}. */
  static float[][] array(JsonNode spec) {
    int rows = spec.get("shape").get(0).asInt();
    int cols = spec.get("shape").get(1).asInt();
    try {
      byte[] bytes = Files.readAllBytes(FIXTURES.resolve(spec.get("file").asText()));
      if (bytes.length != 4L * rows * cols) {
        throw new IllegalStateException(spec + ": " + bytes.length + " bytes");
      }
      ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
      float[][] out = new float[rows][cols];
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          out[r][c] = b.getFloat();
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static float[][] logMel(String clip) {
    for (JsonNode c : manifest().get("clips")) {
      if (c.get("id").asText().equals(clip)) {
        return array(c.get("log_mel_80"));
      }
    }
    throw new IllegalArgumentException("no clip " + clip);
  }

  static long[] longs(JsonNode list) {
    long[] out = new long[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = list.get(i).asLong();
    }
    return out;
  }

  static int[] ints(JsonNode list) {
    int[] out = new int[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = list.get(i).asInt();
    }
    return out;
  }

  /** Max |a − b| over equal-shaped matrices; fails on a shape mismatch. */
  static double maxAbs(float[][] a, float[][] b) {
    if (a.length != b.length) {
      throw new AssertionError("rows " + a.length + " vs " + b.length);
    }
    double m = 0;
    for (int r = 0; r < a.length; r++) {
      if (a[r].length != b[r].length) {
        throw new AssertionError("row " + r + " length " + a[r].length + " vs " + b[r].length);
      }
      for (int c = 0; c < a[r].length; c++) {
        double d = Math.abs((double) a[r][c] - b[r][c]);
        if (!(d <= m)) {
          m = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
        }
      }
    }
    return m;
  }
}
