package io.ser4j.model.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ser4j.core.ModelLoadException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Offsets beyond 2 GiB (and beyond 4 GiB), with a sparse file: only the header and a few KB of
 * tensor data are written; the fillers read as zeros and take no disk space.
 */
class LargeFileTest {
  private static final long TWO_GIB = 1L << 31;

  @Test
  void readsTensorsBeyondTwoGibibytes() throws Exception {
    long straddleBegin = TWO_GIB - 128; // crosses 2^31
    long straddleEnd = straddleBegin + 256;
    long hugeEnd = straddleEnd + 4 * TWO_GIB; // F32 [2^31]: 8 GiB, more elements than an array holds
    long tailEnd = hugeEnd + 4000;
    long bfEnd = tailEnd + 16;
    String header =
        "{\"__metadata__\":{\"format\":\"pt\"},"
            + entry("filler", "U8", "[" + straddleBegin + "]", 0, straddleBegin) + ","
            + entry("straddle", "F32", "[64]", straddleBegin, straddleEnd) + ","
            + entry("huge", "F32", "[" + TWO_GIB + "]", straddleEnd, hugeEnd) + ","
            + entry("tail", "F32", "[10,100]", hugeEnd, tailEnd) + ","
            + entry("tail.bf16", "BF16", "[8]", tailEnd, bfEnd) + "}";
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    int n = (h.length + 7) / 8 * 8;
    long dataStart = 8 + n;
    float[] straddle = new float[64];
    float[] tail = new float[1000];
    for (int i = 0; i < straddle.length; i++) {
      straddle[i] = i * 0.5f - 3;
    }
    for (int i = 0; i < tail.length; i++) {
      tail[i] = (float) Math.sin(i);
    }
    short[] bf = {0x3f80, (short) 0xc000, 0x7f80, (short) 0xff80, 0x0001, 0x4049, 0, (short) 0x8000};
    Path p = Files.createTempFile("ser4j-sparse-", ".safetensors");
    try {
      try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
        raf.setLength(dataStart + bfEnd);
        ByteBuffer head = ByteBuffer.allocate(8 + n).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(n).put(h);
        while (head.hasRemaining()) {
          head.put((byte) ' ');
        }
        raf.seek(0);
        raf.write(head.array());
        raf.seek(dataStart + straddleBegin);
        raf.write(StFiles.f32(straddle));
        raf.seek(dataStart + hugeEnd);
        raf.write(StFiles.f32(tail));
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        for (short s : bf) {
          b.putShort(s);
        }
        raf.write(b.array());
      }
      assertThat(Files.size(p)).isGreaterThan(10 * (1L << 30));
      try (WeightSource w = WeightSource.open(p)) {
        assertThat(w.info("tail").begin()).isGreaterThan(4 * TWO_GIB);
        assertThat(w.readFloats("tail")).containsExactly(tail);
        float[] dst = new float[1000];
        w.readInto("tail", dst, new long[] {10, 100});
        assertThat(dst).containsExactly(tail);
        assertThat(w.readFloats("straddle")).containsExactly(straddle);
        assertThat(w.rawBuffer("straddle").getFloat(4 * 63)).isEqualTo(straddle[63]);
        assertThat(w.readFloats("tail.bf16"))
            .containsExactly(1f, -2f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
                Float.intBitsToFloat(0x10000), 3.140625f, 0f, -0f);
        ByteBuffer filler = w.rawBuffer("filler");
        assertThat((long) filler.capacity()).isEqualTo(straddleBegin);
        assertThat(filler.get(filler.capacity() - 1)).isZero();
        assertThat(w.info("huge").numel()).isEqualTo(TWO_GIB);
        assertThatThrownBy(() -> w.readFloats("huge"))
            .isInstanceOf(ModelLoadException.class)
            .hasMessage(p + ": tensor \"huge\" has 2147483648 elements, more than a Java array can hold");
        assertThatThrownBy(() -> w.rawBuffer("huge"))
            .isInstanceOf(ModelLoadException.class)
            .hasMessage(p + ": tensor \"huge\" is 8589934592 bytes, more than one buffer can hold;"
                + " use readFloats or readInto");
        assertThatThrownBy(() -> w.readFloats("filler"))
            .isInstanceOf(ModelLoadException.class)
            .hasMessageEndingWith("tensor \"filler\" has dtype U8; reading floats needs F64, F32, F16 or BF16");
      }
    } finally {
      Files.deleteIfExists(p);
    }
  }

  private static String entry(String name, String dtype, String shape, long begin, long end) {
    return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + "," + end + "]}";
  }
}
