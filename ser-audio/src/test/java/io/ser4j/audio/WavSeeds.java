package io.ser4j.audio;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Seed inputs for the WAV fuzzers: every encoding and layout the reader supports, plus a few broken
 * ones. {@link #main} writes them to the Jazzer seed directory {@code
 * src/test/resources/io/ser4j/audio/WavReaderFuzzTestInputs/readWav/} (committed).
 */
final class WavSeeds {
  private WavSeeds() {}

  /** Named seeds, deterministic. */
  static Map<String, byte[]> seeds() {
    Map<String, byte[]> m = new LinkedHashMap<>();
    Random rnd = new Random(2024);
    for (WavFormat.Encoding enc : WavFormat.Encoding.values()) {
      for (int ch : new int[] {1, 2}) {
        double[] raw = TestWav.randomRaw(enc, 12 * ch, rnd);
        m.put(enc + "-" + ch + "ch", new TestWav.Builder().encoding(enc).channels(ch).rate(22050).raw(raw).build());
      }
      m.put(
          enc + "-ext-6ch",
          new TestWav.Builder().encoding(enc).channels(6).extensible(true).raw(TestWav.randomRaw(enc, 18, rnd)).build());
    }
    TestWav.Builder chunks = new TestWav.Builder().rate(48000).raw(new double[] {1, -1, 2, -2, 3});
    chunks.beforeFmt.add(TestWav.chunk("LIST", "INFOISFT\3\0\0\0abc".getBytes(StandardCharsets.ISO_8859_1)));
    chunks.betweenFmtAndData.add(TestWav.chunk("fact", new byte[] {5, 0, 0, 0}));
    chunks.betweenFmtAndData.add(TestWav.chunk("odd ", new byte[] {7}));
    chunks.afterData.add(TestWav.chunk("id3 ", new byte[] {1, 2, 3}));
    m.put("chunks", chunks.build());
    TestWav.Builder streaming = new TestWav.Builder().encoding(WavFormat.Encoding.FLOAT32).raw(new double[] {0.5, -0.5});
    streaming.dataSize = 0xFFFFFFFFL;
    streaming.riffSize = 0xFFFFFFFFL;
    m.put("streaming-size", streaming.build());
    m.put("empty-data", new TestWav.Builder().build());
    TestWav.Builder trunc = new TestWav.Builder().data(new byte[10]);
    trunc.dataSize = 1000L;
    m.put("truncated", trunc.build());
    TestWav.Builder fmtExt = new TestWav.Builder().encoding(WavFormat.Encoding.PCM_U8).raw(new double[] {0, 128, 255});
    fmtExt.fmtExtraBytes = 1;
    m.put("fmt-cbsize-odd", fmtExt.build());
    m.put("not-wav", "ID3\3\0\0\0\0\0\0".getBytes(StandardCharsets.ISO_8859_1));
    return m;
  }

  /** The seeds as a list. */
  static List<byte[]> list() {
    return new ArrayList<>(seeds().values());
  }

  /** Writes the seeds to {@code args[0]} (the Jazzer inputs directory). */
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    Files.createDirectories(dir);
    for (Map.Entry<String, byte[]> e : seeds().entrySet()) {
      Files.write(dir.resolve(e.getKey().toLowerCase() + ".wav"), e.getValue());
    }
    System.out.println("wrote " + seeds().size() + " seeds to " + dir + ": " + Arrays.toString(seeds().keySet().toArray()));
  }
}
