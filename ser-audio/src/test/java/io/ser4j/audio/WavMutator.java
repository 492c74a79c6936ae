package io.ser4j.audio;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A seeded, structure-aware byte mutator for WAV inputs (the fallback fuzzer that runs in the
 * default suite without Jazzer's instrumentation): bit flips, interesting values written over
 * header and chunk-size fields, truncation, extension, inserted chunks with lying sizes, deleted and
 * duplicated ranges, splices of two seeds. Deterministic for a given seed.
 */
final class WavMutator {
  private static final int[] INTERESTING_32 = {
    0, 1, 2, 3, 4, 7, 8, 16, 18, 22, 40, 0x7F, 0x80, 0xFF, 0x100, 0xFFFF, 0x10000, 22050, 44100,
    48000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFF0, 0x7FFFFFF0
  };
  private static final int[] INTERESTING_16 = {
    0, 1, 2, 3, 4, 6, 7, 8, 12, 16, 20, 24, 32, 48, 64, 0x55, 0xFF, 0x7FFF, 0x8000, 0xFFFE, 0xFFFF
  };
  /** Offsets of the fields in a canonical 44-byte header (sizes, tag, channels, rate, bits). */
  private static final int[] HEADER_FIELDS_32 = {4, 16, 24, 28, 40};
  private static final int[] HEADER_FIELDS_16 = {20, 22, 32, 34, 36, 38};
  private static final String[] CHUNK_IDS = {"LIST", "fact", "data", "fmt ", "junk", "bext", "\0\0\0\0"};
  private static final int MAX_LEN = 1 << 16;

  private final Random rnd;
  private final List<byte[]> seeds;

  WavMutator(long seed, List<byte[]> seeds) {
    this.rnd = new Random(seed);
    this.seeds = seeds;
  }

  /** The next mutated input: a random seed with 1 to 4 mutations. */
  byte[] next() {
    byte[] b = seeds.get(rnd.nextInt(seeds.size())).clone();
    int ops = 1 + rnd.nextInt(4);
    for (int i = 0; i < ops; i++) {
      b = mutate(b);
    }
    return b.length > MAX_LEN ? Arrays.copyOf(b, MAX_LEN) : b;
  }

  private byte[] mutate(byte[] b) {
    int op = rnd.nextInt(12);
    if (b.length == 0 && op < 8) {
      op = 8;
    }
    switch (op) {
      case 0 -> b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
      case 1 -> b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
      case 2, 3 -> {
        int off = rnd.nextBoolean() ? HEADER_FIELDS_32[rnd.nextInt(HEADER_FIELDS_32.length)] : rnd.nextInt(b.length);
        int v = rnd.nextInt(4) == 0 ? b.length - rnd.nextInt(50) : INTERESTING_32[rnd.nextInt(INTERESTING_32.length)];
        put(b, off, v, 4);
      }
      case 4, 5 -> {
        int off = rnd.nextBoolean() ? HEADER_FIELDS_16[rnd.nextInt(HEADER_FIELDS_16.length)] : rnd.nextInt(b.length);
        put(b, off, INTERESTING_16[rnd.nextInt(INTERESTING_16.length)], 2);
      }
      case 6 -> b = Arrays.copyOf(b, rnd.nextInt(b.length + 1));
      case 7 -> {
        int from = rnd.nextInt(b.length);
        int len = Math.min(b.length - from, 1 + rnd.nextInt(64));
        byte[] out = new byte[b.length - len];
        System.arraycopy(b, 0, out, 0, from);
        System.arraycopy(b, from + len, out, from, b.length - from - len);
        b = out;
      }
      case 8 -> {
        byte[] extra = new byte[1 + rnd.nextInt(256)];
        rnd.nextBytes(extra);
        b = concat(b, extra, b.length);
      }
      case 9 -> {
        String id = CHUNK_IDS[rnd.nextInt(CHUNK_IDS.length)];
        byte[] body = new byte[rnd.nextInt(40)];
        rnd.nextBytes(body);
        long size = rnd.nextInt(3) == 0 ? INTERESTING_32[rnd.nextInt(INTERESTING_32.length)] & 0xFFFFFFFFL : body.length;
        byte[] chunk = TestWav.rawChunk(id, size, body);
        int at = Math.min(b.length, 12 + (b.length > 12 ? rnd.nextInt(b.length - 11) : 0));
        b = concat(b, chunk, at);
      }
      case 10 -> {
        if (b.length > 1) {
          int from = rnd.nextInt(b.length);
          int len = Math.min(b.length - from, 1 + rnd.nextInt(128));
          b = concat(b, Arrays.copyOfRange(b, from, from + len), rnd.nextInt(b.length + 1));
        }
      }
      default -> {
        byte[] other = seeds.get(rnd.nextInt(seeds.size()));
        int cut = rnd.nextInt(b.length + 1);
        int from = rnd.nextInt(other.length + 1);
        byte[] out = Arrays.copyOf(b, cut + other.length - from);
        System.arraycopy(other, from, out, cut, other.length - from);
        b = out;
      }
    }
    return b;
  }

  private static void put(byte[] b, int off, int v, int width) {
    for (int i = 0; i < width && off + i < b.length; i++) {
      b[off + i] = (byte) (v >>> (8 * i));
    }
  }

  private static byte[] concat(byte[] b, byte[] insert, int at) {
    byte[] out = new byte[b.length + insert.length];
    System.arraycopy(b, 0, out, 0, at);
    System.arraycopy(insert, 0, out, at, insert.length);
    System.arraycopy(b, at, out, at + insert.length, b.length - at);
    return out;
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
