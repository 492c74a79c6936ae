package io.ser4j.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streaming decode + resample memory bound: a long 48 kHz stereo 16-bit WAV (a sparse file: one
 * second of a 440 Hz tone at each end, digital silence between) is loaded at 16 kHz in a child JVM
 * with a small {@code -Xmx}. The file is several times larger than the heap; the 16 kHz output
 * alone is 64 kB per second.
 */
class AudioLoaderMemoryTest {
  private static final int SOURCE_RATE_HZ = 48000;
  private static final int CHANNELS = 2;
  private static final int TARGET_RATE_HZ = 16000;

  @TempDir Path tmp;

  @Test
  @Timeout(300)
  void tenMinutesOf48kStereoLoadIn256MbHeap() throws Exception {
    Map<String, Double> r = runProbe(600, "-Xmx256m");
    System.out.println("10-minute 48 kHz stereo -> 16 kHz in -Xmx256m: " + r);
  }

  @Test
  @Tag("long")
  @Timeout(1200)
  void oneHourOf48kStereoLoadsIn700MbHeap() throws Exception {
    Map<String, Double> r = runProbe(3600, "-Xmx700m");
    System.out.println("1-hour 48 kHz stereo (691 MB) -> 16 kHz in -Xmx700m: " + r);
  }

  private Map<String, Double> runProbe(int seconds, String xmx) throws Exception {
    Path f = sparseWav(seconds);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
            List.of(
                java,
                xmx,
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                LoadProbe.class.getName(),
                f.toString(),
                Integer.toString(TARGET_RATE_HZ)));
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor(15, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as("child JVM output: %s", out).isZero();
    Map<String, Double> facts = new HashMap<>();
    for (String kv : out.lines().reduce((a, b) -> b).orElse("").split(" ")) {
      String[] parts = kv.split("=");
      facts.put(parts[0], Double.parseDouble(parts[1]));
    }
    assertThat(facts.get("samples")).isEqualTo((double) seconds * TARGET_RATE_HZ);
    assertThat(facts.get("rate")).isEqualTo((double) TARGET_RATE_HZ);
    double toneRms = 0.5 / Math.sqrt(2);
    assertThat(facts.get("rmsFirst")).isCloseTo(toneRms, within(0.01));
    assertThat(facts.get("rmsLast")).isCloseTo(toneRms, within(0.01));
    assertThat(facts.get("rmsMiddle")).isZero();
    return facts;
  }

  /** A sparse WAV: header, 1 s of tone, silence (holes), 1 s of tone at the end. */
  private Path sparseWav(int seconds) throws IOException {
    Path f = tmp.resolve("long-" + seconds + "s.wav");
    long frames = (long) seconds * SOURCE_RATE_HZ;
    long dataBytes = frames * CHANNELS * 2;
    ByteBuffer h = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
    h.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt((int) (36 + dataBytes));
    h.put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16);
    h.putShort((short) 1).putShort((short) CHANNELS).putInt(SOURCE_RATE_HZ);
    h.putInt(SOURCE_RATE_HZ * CHANNELS * 2).putShort((short) (CHANNELS * 2)).putShort((short) 16);
    h.put("data".getBytes(StandardCharsets.US_ASCII)).putInt((int) dataBytes);
    byte[] tone = tone();
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      raf.setLength(44 + dataBytes);
      raf.write(h.array());
      raf.write(tone);
      raf.seek(44 + dataBytes - tone.length);
      raf.write(tone);
    }
    return f;
  }

  /** One second of a 440 Hz tone at amplitude 0.5 in both channels. */
  private static byte[] tone() {
    ByteBuffer b = ByteBuffer.allocate(SOURCE_RATE_HZ * CHANNELS * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < SOURCE_RATE_HZ; i++) {
      short v = (short) Math.round(16384 * Math.sin(2 * Math.PI * 440 * i / SOURCE_RATE_HZ));
      b.putShort(v).putShort(v);
    }
    return b.array();
  }
}
