package io.ser4j.model.safetensors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Hand-made safetensors files for tests. */
final class StFiles {
  private StFiles() {}

  /** A file with the given header JSON (its exact UTF-8 length declared) and data bytes. */
  static Path file(Path dir, String name, String headerJson, byte[] data) throws IOException {
    byte[] h = headerJson.getBytes(StandardCharsets.UTF_8);
    return declared(dir, name, h.length, h, data);
  }

  /** A file with {@code dataBytes} zero bytes of data. */
  static Path file(Path dir, String name, String headerJson, int dataBytes) throws IOException {
    return file(dir, name, headerJson, new byte[dataBytes]);
  }

  /** A file declaring header length {@code n}, followed by {@code header} and {@code data}. */
  static Path declared(Path dir, String name, long n, byte[] header, byte[] data) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(n).put(header).put(data);
    Path p = dir.resolve(name);
    Files.write(p, b.array());
    return p;
  }

  /** Little-endian bytes of floats. */
  static byte[] f32(float... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float x : v) {
      b.putFloat(x);
    }
    return b.array();
  }
}
