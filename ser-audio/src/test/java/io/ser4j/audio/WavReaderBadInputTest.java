package io.ser4j.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ser4j.core.AudioClip;
import io.ser4j.core.AudioFormatException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of bad input from the issue: a typed {@link AudioFormatException} whose input is the
 * file and whose problem says what is wrong, or (silence, short clips, zero samples) a result.
 */
@Timeout(60)
class WavReaderBadInputTest {
  @TempDir Path tmp;

  private Path write(String name, byte[] bytes) throws IOException {
    Path f = tmp.resolve(name);
    Files.write(f, bytes);
    return f;
  }

  /** Asserts the file fails with an AudioFormatException naming it and containing {@code problem}. */
  private AbstractThrowableAssert<?, ?> failsFile(Path f, String problem) {
    for (int route = 0; route < 3; route++) {
      int r = route;
      assertThatThrownBy(
              () -> {
                switch (r) {
                  case 0 -> WavReader.read(f);
                  case 1 -> AudioLoader.load(f, 16000);
                  default -> {
                    try (WavStream s = WavReader.open(f)) {
                      float[] buf = new float[1000];
                      while (s.read(buf) > 0) {
                        // drain
                      }
                    }
                  }
                }
              })
          .as("route %d", r)
          .isInstanceOf(AudioFormatException.class)
          .hasMessageStartingWith(f.toString() + ": ")
          .satisfies(
              e -> {
                AudioFormatException a = (AudioFormatException) e;
                assertThat(a.input()).isEqualTo(f.toString());
                assertThat(a.problem()).contains(problem);
              });
    }
    return assertThatThrownBy(() -> WavReader.read(f));
  }

  private void failsStream(byte[] bytes, String problem) {
    assertThatThrownBy(() -> WavReader.read(new ByteArrayInputStream(bytes), "stream-x"))
        .isInstanceOf(AudioFormatException.class)
        .hasMessageStartingWith("stream-x: ")
        .satisfies(e -> assertThat(((AudioFormatException) e).problem()).contains(problem));
  }

  private static byte[] wav16(int frames) {
    return new TestWav.Builder().rate(44100).raw(new double[frames]).build();
  }

  @Test
  void emptyFile() throws IOException {
    failsFile(write("empty.wav", new byte[0]), "empty file");
    failsStream(new byte[0], "empty input");
  }

  @Test
  void truncatedDataChunk() throws IOException {
    TestWav.Builder b = new TestWav.Builder().data(new byte[1000]);
    b.dataSize = 88200L;
    byte[] wav = b.build();
    failsFile(write("trunc.wav", wav), "truncated: data chunk declares 88200 bytes, file has 1000");
    failsStream(wav, "truncated: data chunk declares 88200 bytes, the input ends after 1000");
    // cut inside the data of a well-formed file
    byte[] full = wav16(5000);
    failsFile(write("cut.wav", Arrays.copyOf(full, full.length - 3)), "truncated: data chunk");
  }

  @Test
  void truncatedHeaders() throws IOException {
    byte[] full = wav16(10);
    failsFile(write("h6.wav", Arrays.copyOf(full, 6)), "truncated: RIFF header has only 6 of 12");
    failsFile(write("h12.wav", Arrays.copyOf(full, 12)), "no fmt chunk");
    failsFile(write("h16.wav", Arrays.copyOf(full, 16)), "truncated: chunk header");
    failsFile(write("h30.wav", Arrays.copyOf(full, 30)), "truncated: fmt chunk declares 16 bytes");
    failsFile(write("h36.wav", Arrays.copyOf(full, 36)), "no data chunk");
  }

  @Test
  void randomBytes() throws IOException {
    Random rnd = new Random(42);
    byte[] junk = new byte[4096];
    rnd.nextBytes(junk);
    junk[0] = 0x13; // make sure it is not accidentally "RIFF"
    failsFile(write("random.wav", junk), "not a RIFF/WAVE file (starts with '\\x13");
    failsFile(
        write("id3.mp3", "ID3\3\0\0\0\0\0\0xxxxxxxx".getBytes(StandardCharsets.ISO_8859_1)),
        "not a RIFF/WAVE file (starts with 'ID3\\x03')");
    // random bytes after a valid RIFF/WAVE header: chunk sizes are garbage
    byte[] riffJunk = junk.clone();
    System.arraycopy("RIFF\0\0\0\0WAVE".getBytes(StandardCharsets.US_ASCII), 0, riffJunk, 0, 12);
    assertThatThrownBy(() -> WavReader.read(write("riffjunk.wav", riffJunk)))
        .isInstanceOf(AudioFormatException.class);
  }

  @Test
  void otherRiffForms() throws IOException {
    failsFile(write("x.avi", "RIFF\0\0\0\0AVI LIST".getBytes(StandardCharsets.US_ASCII)),
        "not a RIFF/WAVE file (RIFF form type 'AVI ')");
    byte[] rifx = wav16(4);
    rifx[3] = 'X';
    assertThatThrownBy(() -> WavReader.read(write("x.rifx", rifx)))
        .isInstanceOf(AudioFormatException.class)
        .hasMessageContaining("big-endian RIFX files are not supported");
    byte[] rf64 = wav16(4);
    System.arraycopy("RF64".getBytes(StandardCharsets.US_ASCII), 0, rf64, 0, 4);
    assertThatThrownBy(() -> WavReader.read(write("x.rf64", rf64)))
        .isInstanceOf(AudioFormatException.class)
        .hasMessageContaining("RF64 (64-bit WAVE) files are not supported");
  }

  @Test
  void zeroChannelsAndZeroRate() throws IOException {
    TestWav.Builder b = new TestWav.Builder().raw(new double[4]);
    b.channels = 0;
    b.blockAlign = 2;
    failsFile(write("zc.wav", b.build()), "zero channels");
    TestWav.Builder r = new TestWav.Builder().rate(0).raw(new double[4]);
    failsFile(write("zr.wav", r.build()), "zero sample rate");
    TestWav.Builder huge = new TestWav.Builder().rate(0xFFFFFFF0L).raw(new double[4]);
    failsFile(write("hr.wav", huge.build()), "absurd sample rate 4294967280 Hz");
  }

  @Test
  void absurdChunkSizesDoNotAllocate() throws IOException {
    // an unknown chunk declaring ~2 GB before fmt, in a 60-byte file
    TestWav.Builder b = new TestWav.Builder().raw(new double[4]);
    b.beforeFmt.add(TestWav.rawChunk("LIST", 0x7FFFFFF0L, new byte[4]));
    byte[] listWav = b.build();
    failsFile(write("list.wav", listWav), "truncated: LIST chunk declares 2147483632 bytes");
    failsStream(listWav, "truncated: LIST chunk declares 2147483632 bytes");
    // a fmt chunk declaring 4 GB
    byte[] fmtWav = wav16(4);
    ByteBuffer.wrap(fmtWav).order(ByteOrder.LITTLE_ENDIAN).putInt(16, 0xFFFFFFF0);
    failsFile(write("fmt.wav", fmtWav), "truncated: fmt chunk declares 4294967280 bytes");
    failsStream(fmtWav, "truncated: fmt chunk declares 4294967280 bytes");
    // a data chunk declaring 4 GB - 2 on a stream: must not pre-allocate
    TestWav.Builder d = new TestWav.Builder().data(new byte[64]);
    d.dataSize = 0xFFFFFFFEL;
    byte[] dataWav = d.build();
    long before = allocatedBytes();
    failsStream(dataWav, "truncated: data chunk declares 4294967294 bytes");
    assertThat(allocatedBytes() - before).as("bytes allocated").isLessThan(8L << 20);
    failsFile(write("data.wav", dataWav), "truncated: data chunk declares 4294967294 bytes, file has 64");
  }

  @Test
  void unsupportedBitDepthsAndFormats() throws IOException {
    for (int bits : new int[] {12, 4, 20, 48, 0}) {
      TestWav.Builder b = new TestWav.Builder().raw(new double[4]);
      b.bits = bits;
      failsFile(write("b" + bits + ".wav", b.build()), "unsupported bits per sample " + bits);
    }
    TestWav.Builder f16 = new TestWav.Builder().encoding(WavFormat.Encoding.FLOAT32).raw(new double[4]);
    f16.bits = 16;
    failsFile(write("f16.wav", f16.build()), "unsupported bits per sample 16 for IEEE float");
    TestWav.Builder adpcm = new TestWav.Builder().raw(new double[4]);
    adpcm.tag = 2;
    failsFile(write("adpcm.wav", adpcm.build()), "unsupported WAVE format tag 0x0002 (MS ADPCM)");
    TestWav.Builder guid = new TestWav.Builder().extensible(true).raw(new double[4]);
    guid.subFormatGuid = new byte[16];
    guid.subFormatGuid[0] = 1;
    failsFile(write("guid.wav", guid.build()), "unsupported WAVE_FORMAT_EXTENSIBLE sub-format GUID");
    TestWav.Builder align = new TestWav.Builder().channels(2).raw(new double[4]);
    align.blockAlign = 3;
    failsFile(write("align.wav", align.build()), "block align 3 does not match 2 channels x 2 bytes");
    TestWav.Builder small = new TestWav.Builder().raw(new double[4]);
    byte[] w = small.build();
    ByteBuffer.wrap(w).order(ByteOrder.LITTLE_ENDIAN).putInt(16, 12);
    failsFile(write("smallfmt.wav", w), "fmt chunk too small (12 bytes, need at least 16)");
  }

  @Test
  void dataBeforeFmtAndDuplicateFmt() throws IOException {
    byte[] fmt = TestWav.chunk("fmt ", new TestWav.Builder().fmtBody());
    byte[] data = TestWav.chunk("data", new byte[8]);
    byte[] swapped = concat("RIFF\0\0\0\0WAVE".getBytes(StandardCharsets.US_ASCII), data, fmt);
    failsFile(write("swap.wav", swapped), "data chunk comes before the fmt chunk");
    byte[] twice = concat("RIFF\0\0\0\0WAVE".getBytes(StandardCharsets.US_ASCII), fmt, fmt, data);
    failsFile(write("twice.wav", twice), "two fmt chunks");
  }

  @Test
  void nanAndInfSamplesNameTheIndex() throws IOException {
    double[] raw = new double[5000];
    raw[4321] = Double.NaN;
    byte[] f32 =
        new TestWav.Builder().encoding(WavFormat.Encoding.FLOAT32).raw(raw).build();
    failsFile(write("nan32.wav", f32), "sample 4321 (channel 0) is NaN");
    double[] st = new double[2 * 3000];
    st[2 * 2999 + 1] = Double.NEGATIVE_INFINITY;
    byte[] f64 =
        new TestWav.Builder().encoding(WavFormat.Encoding.FLOAT64).channels(2).raw(st).build();
    failsFile(write("inf64.wav", f64), "sample 2999 (channel 1) is -Infinity");
    double[] big = {0, 1e300};
    byte[] b64 = new TestWav.Builder().encoding(WavFormat.Encoding.FLOAT64).raw(big).build();
    failsFile(write("big64.wav", b64), "sample 1 is out of float range");
    // the streaming path checks too, before anything downstream sees the value
    try (WavStream s = WavReader.open(new ByteArrayInputStream(f32), "nan-stream")) {
      float[] buf = new float[4000];
      assertThat(s.read(buf)).isEqualTo(4000);
      assertThatThrownBy(() -> s.read(buf))
          .isInstanceOf(AudioFormatException.class)
          .hasMessage("nan-stream: sample 4321 (channel 0) is NaN (NaN/Inf samples are not audio)");
    }
  }

  @Test
  void silenceShortAndEmptyClipsAreResults() throws IOException {
    AudioClip silence = WavReader.read(write("sil.wav", wav16(44100)));
    assertThat(silence.length()).isEqualTo(44100);
    assertThat(silence.durationSeconds()).isEqualTo(1.0);
    AudioClip one = WavReader.read(write("one.wav", wav16(1)));
    assertThat(one.length()).isEqualTo(1);
    AudioClip none = WavReader.read(write("none.wav", wav16(0)));
    assertThat(none.isEmpty()).isTrue();
    assertThat(AudioLoader.load(write("one16.wav", wav16(1)), 16000).length()).isEqualTo(1);
  }

  @Test
  void missingFileDirectoryAndUnreadableStream() throws IOException {
    Path missing = tmp.resolve("nope.wav");
    assertThatThrownBy(() -> WavReader.read(missing))
        .isInstanceOf(AudioFormatException.class)
        .hasMessage(missing + ": file not found");
    assertThatThrownBy(() -> AudioLoader.load(missing, 16000))
        .isInstanceOf(AudioFormatException.class)
        .hasMessage(missing + ": file not found");
    assertThatThrownBy(() -> AudioLoader.load(tmp))
        .isInstanceOf(AudioFormatException.class)
        .hasMessage(tmp + ": is a directory, not an audio file");
    byte[] good = wav16(2000);
    InputStream failing =
        new InputStream() {
          int pos;

          @Override
          public int read() throws IOException {
            if (pos >= 100) {
              throw new IOException("disk on fire");
            }
            return good[pos++] & 0xFF;
          }
        };
    assertThatThrownBy(() -> WavReader.read(failing, "flaky"))
        .isInstanceOf(AudioFormatException.class)
        .hasMessageStartingWith("flaky: I/O error")
        .hasMessageContaining("disk on fire")
        .hasCauseInstanceOf(IOException.class);
  }

  @Test
  void nonWavWithoutFfmpegSaysSo() throws IOException {
    Path mp3 = write("song.mp3", "ID3\3\0\0\0\0\0\0xxxxxxxxxxxxxxxxxxx".getBytes(StandardCharsets.ISO_8859_1));
    String old = System.getProperty(FfmpegDecoder.EXECUTABLE_PROPERTY);
    System.setProperty(FfmpegDecoder.EXECUTABLE_PROPERTY, tmp.resolve("no-such-ffmpeg").toString());
    try {
      assertThat(AudioLoader.ffmpegAvailable()).isFalse();
      String want = "not a RIFF/WAVE file (starts with 'ID3\\x03') and ffmpeg is not installed";
      assertThatThrownBy(() -> AudioLoader.load(mp3, 16000))
          .isInstanceOf(AudioFormatException.class)
          .hasMessageStartingWith(mp3 + ": " + want);
      assertThatThrownBy(
              () -> AudioLoader.load(new ByteArrayInputStream(Files.readAllBytes(mp3)), "up", 16000))
          .isInstanceOf(AudioFormatException.class)
          .hasMessageStartingWith("up: " + want);
      System.setProperty(FfmpegDecoder.EXECUTABLE_PROPERTY, "no-such-ffmpeg-on-path");
      assertThat(AudioLoader.ffmpegAvailable()).isFalse();
      assertThatThrownBy(() -> AudioLoader.load(mp3))
          .isInstanceOf(AudioFormatException.class)
          .hasMessageContaining("ffmpeg is not installed (looked for 'no-such-ffmpeg-on-path'");
    } finally {
      restore(old);
    }
  }

  @Test
  void unresamplableRatePairIsRejectedClearly() throws IOException {
    Path f = write("odd-rate.wav", new TestWav.Builder().rate(11127).raw(new double[100]).build());
    assertThatThrownBy(() -> AudioLoader.load(f, 16000))
        .isInstanceOf(AudioFormatException.class)
        .hasMessageStartingWith(f + ": cannot resample from 11127 Hz to 16000 Hz");
    assertThat(AudioLoader.load(f).sampleRate()).isEqualTo(11127);
    Path low = write("low-rate.wav", new TestWav.Builder().rate(100).raw(new double[100]).build());
    assertThatThrownBy(() -> AudioLoader.load(low, 16000))
        .isInstanceOf(AudioFormatException.class)
        .hasMessageStartingWith(low + ": cannot resample from 100 Hz to 16000 Hz: more than 64x upsampling");
    assertThat(AudioLoader.load(low, 6400).length()).isEqualTo(6400);
  }

  static void restore(String old) {
    if (old == null) {
      System.clearProperty(FfmpegDecoder.EXECUTABLE_PROPERTY);
    } else {
      System.setProperty(FfmpegDecoder.EXECUTABLE_PROPERTY, old);
    }
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int o = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, o, p.length);
      o += p.length;
    }
    return out;
  }

  static long allocatedBytes() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getCurrentThreadAllocatedBytes();
  }
}
