package io.ser4j.audio;

import static org.assertj.core.api.Assertions.assertThat;

import io.ser4j.core.AudioClip;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Writes WAVs of every encoding and layout with {@link TestWav} and decodes them back. */
class WavReaderRoundTripTest {
  @TempDir Path tmp;

  private static AudioClip readBytes(byte[] wav) {
    return WavReader.read(new ByteArrayInputStream(wav), "mem.wav");
  }

  @ParameterizedTest
  @EnumSource(WavFormat.Encoding.class)
  void everyEncodingAndChannelCountRoundTrips(WavFormat.Encoding enc) throws IOException {
    Random rnd = new Random(enc.ordinal());
    for (int channels : new int[] {1, 2, 3, 6}) {
      for (boolean ext : new boolean[] {false, true}) {
        int frames = 1000 + rnd.nextInt(50);
        double[] raw = TestWav.randomRaw(enc, frames * channels, rnd);
        byte[] wav =
            new TestWav.Builder()
                .encoding(enc)
                .channels(channels)
                .rate(22050)
                .extensible(ext)
                .raw(raw)
                .build();
        float[] want = TestWav.expectedMono(enc, channels, raw);
        AudioClip clip = readBytes(wav);
        assertThat(clip.sampleRate()).isEqualTo(22050);
        assertThat(clip.samples()).as("%s ch=%d ext=%s", enc, channels, ext).isEqualTo(want);
        Path f = tmp.resolve(enc + "-" + channels + "-" + ext + ".wav");
        Files.write(f, wav);
        assertThat(WavReader.read(f).samples()).isEqualTo(want);
        assertThat(AudioLoader.load(f).samples()).isEqualTo(want);
        try (WavStream s = WavReader.open(f)) {
          WavFormat fmt = s.format();
          assertThat(fmt.encoding()).isEqualTo(enc);
          assertThat(fmt.channels()).isEqualTo(channels);
          assertThat(fmt.frames()).isEqualTo(frames);
          assertThat(fmt.formatTag()).isEqualTo(ext ? 0xFFFE : enc.isFloat() ? 3 : 1);
          assertThat(fmt.bitsPerSample()).isEqualTo(enc.bytesPerSample() * 8);
        }
      }
    }
  }

  @Test
  void integerScalingExtremes() {
    double[] raw = {0, 128, 255};
    AudioClip c =
        readBytes(new TestWav.Builder().encoding(WavFormat.Encoding.PCM_U8).raw(raw).build());
    assertThat(c.samples()).containsExactly(-1f, 0f, 127f / 128f);
    c = readBytes(new TestWav.Builder().raw(new double[] {-32768, 0, 32767, 1}).build());
    assertThat(c.samples()).containsExactly(-1f, 0f, 32767f / 32768f, 1f / 32768f);
    c =
        readBytes(
            new TestWav.Builder()
                .encoding(WavFormat.Encoding.PCM_S24)
                .raw(new double[] {-8388608, 8388607, -1})
                .build());
    assertThat(c.samples()).containsExactly(-1f, (float) (8388607 / 8388608.0), -1f / 8388608f);
  }

  @Test
  void stereoIsAveraged() {
    // L = +0.5, R = -0.5 -> 0; L = 0.5, R = 0.25 -> 0.375
    double[] raw = {16384, -16384, 16384, 8192};
    AudioClip c = readBytes(new TestWav.Builder().channels(2).raw(raw).build());
    assertThat(c.samples()).containsExactly(0f, 0.375f);
  }

  @Test
  void extensibleWith24BitValidIn32BitContainer() {
    TestWav.Builder b =
        new TestWav.Builder()
            .encoding(WavFormat.Encoding.PCM_S32)
            .extensible(true)
            .raw(new double[] {256 * 4194304.0, -256 * 8388608.0});
    b.validBits = 24;
    try (WavStream s = WavReader.open(new ByteArrayInputStream(b.build()), "x")) {
      assertThat(s.format().validBitsPerSample()).isEqualTo(24);
      float[] buf = new float[4];
      assertThat(s.read(buf)).isEqualTo(2);
      assertThat(Arrays.copyOf(buf, 2)).containsExactly(0.5f, -1f);
    }
  }

  @Test
  void chunksAroundFmtAndDataAreSkippedWithPadding() {
    double[] raw = {1, -2, 3, -4, 5};
    float[] want = TestWav.expectedMono(WavFormat.Encoding.PCM_S16, 1, raw);
    TestWav.Builder b = new TestWav.Builder().raw(raw);
    // LIST before fmt, odd-sized unknown chunk (needs a pad byte) before fmt, fact between
    b.beforeFmt.add(TestWav.chunk("LIST", "INFOISFT\5\0\0\0abcde\0".getBytes(StandardCharsets.ISO_8859_1)));
    b.beforeFmt.add(TestWav.chunk("junk", new byte[] {9, 9, 9}));
    b.betweenFmtAndData.add(TestWav.chunk("fact", new byte[] {5, 0, 0, 0}));
    b.betweenFmtAndData.add(TestWav.chunk("odd!", new byte[] {1}));
    b.afterData.add(TestWav.chunk("LIST", new byte[] {1, 2, 3}));
    assertThat(readBytes(b.build()).samples()).isEqualTo(want);
  }

  @Test
  void oddSizedDataChunkOf8BitSamples() {
    double[] raw = {0, 64, 200};
    TestWav.Builder b = new TestWav.Builder().encoding(WavFormat.Encoding.PCM_U8).raw(raw);
    b.afterData.add(TestWav.chunk("LIST", new byte[] {1, 2}));
    assertThat(readBytes(b.build()).samples())
        .isEqualTo(TestWav.expectedMono(WavFormat.Encoding.PCM_U8, 1, raw));
  }

  @Test
  void fmtWithExtensionBytesAndCbSize() {
    TestWav.Builder b = new TestWav.Builder().raw(new double[] {100, 200});
    b.fmtExtraBytes = 3; // fmt size 21: odd, padded
    assertThat(readBytes(b.build()).samples()).containsExactly(100 / 32768f, 200 / 32768f);
  }

  @Test
  void riffSizeFieldIsIgnored() {
    for (long riff : new long[] {0, 0xFFFFFFFFL, 4, 123456789}) {
      TestWav.Builder b = new TestWav.Builder().raw(new double[] {7, 8, 9});
      b.riffSize = riff;
      assertThat(readBytes(b.build()).samples()).containsExactly(7 / 32768f, 8 / 32768f, 9 / 32768f);
    }
  }

  @Test
  void streamingPlaceholderDataSizeReadsToEndAndDropsPartialFrame() throws IOException {
    TestWav.Builder b = new TestWav.Builder().channels(2).raw(new double[] {2, 4, 6, 8});
    b.dataSize = 0xFFFFFFFFL;
    byte[] wav = b.build();
    byte[] withPartial = Arrays.copyOf(wav, wav.length + 3); // 3 stray bytes: not a whole frame
    for (byte[] w : new byte[][] {wav, withPartial}) {
      assertThat(readBytes(w).samples()).containsExactly(3 / 32768f, 7 / 32768f);
      Path f = tmp.resolve("stream.wav");
      Files.write(f, w);
      try (WavStream s = WavReader.open(f)) {
        assertThat(s.format().lengthKnown()).isFalse();
      }
      assertThat(WavReader.read(f).length()).isEqualTo(2);
    }
  }

  @Test
  void declaredSizeWithPartialFrameIgnoresTheRemainder() {
    byte[] data = TestWav.encode(WavFormat.Encoding.PCM_S16, new double[] {10, 20, 30});
    TestWav.Builder b = new TestWav.Builder().channels(2).data(data); // 6 bytes = 1.5 frames
    AudioClip c = readBytes(b.build());
    assertThat(c.samples()).containsExactly(15 / 32768f);
  }

  @Test
  void zeroSampleWavIsAnEmptyClip() throws IOException {
    byte[] wav = new TestWav.Builder().build();
    assertThat(readBytes(wav).isEmpty()).isTrue();
    Path f = tmp.resolve("empty-data.wav");
    Files.write(f, wav);
    AudioClip c = AudioLoader.load(f, 16000);
    assertThat(c.isEmpty()).isTrue();
    assertThat(c.sampleRate()).isEqualTo(16000);
    assertThat(AudioLoader.load(f, 8000).isEmpty()).isTrue();
  }

  @Test
  void silenceAndClipsShorterThanAWindowAreResults() throws IOException {
    Path f = tmp.resolve("silence.wav");
    Files.write(f, new TestWav.Builder().rate(48000).channels(2).raw(new double[2 * 4800]).build());
    AudioClip c = AudioLoader.load(f, 16000);
    assertThat(c.length()).isEqualTo(1600);
    for (float v : c.samples()) {
      assertThat(v).isZero();
    }
    Path s = tmp.resolve("short.wav");
    Files.write(s, new TestWav.Builder().rate(22050).raw(new double[] {1000, -1000, 500}).build());
    AudioClip shortClip = AudioLoader.load(s, 16000);
    assertThat(shortClip.length()).isEqualTo(Resampler.create(22050, 16000).outputLength(3));
    assertThat(shortClip.length()).isEqualTo(3);
  }

  @Test
  void streamingReadInOddBlocksEqualsWholeRead() throws IOException {
    Random rnd = new Random(7);
    double[] raw = TestWav.randomRaw(WavFormat.Encoding.PCM_S24, 3 * 70001, rnd);
    byte[] wav =
        new TestWav.Builder().encoding(WavFormat.Encoding.PCM_S24).channels(3).raw(raw).build();
    float[] whole = readBytes(wav).samples();
    Path f = tmp.resolve("s24.wav");
    Files.write(f, wav);
    float[] pieces = new float[whole.length];
    int pos = 0;
    try (WavStream s = WavReader.open(f)) {
      float[] buf = new float[777];
      int n;
      while ((n = s.read(buf, 0, 1 + rnd.nextInt(buf.length))) > 0) {
        System.arraycopy(buf, 0, pieces, pos, n);
        pos += n;
        assertThat(s.position()).isEqualTo(pos);
      }
      assertThat(s.read(buf)).isEqualTo(-1);
    }
    assertThat(pos).isEqualTo(whole.length);
    assertThat(pieces).isEqualTo(whole);
  }

  @Test
  void loaderResamplesLikeResampler() throws IOException {
    Random rnd = new Random(3);
    double[] raw = TestWav.randomRaw(WavFormat.Encoding.FLOAT32, 2 * 30000, rnd);
    Path f = tmp.resolve("f32.wav");
    Files.write(
        f,
        new TestWav.Builder()
            .encoding(WavFormat.Encoding.FLOAT32)
            .channels(2)
            .rate(44100)
            .raw(raw)
            .build());
    float[] mono = TestWav.expectedMono(WavFormat.Encoding.FLOAT32, 2, raw);
    float[] want = Resampler.create(44100, 16000).resample(mono);
    AudioClip c = AudioLoader.load(f, 16000);
    assertThat(c.sampleRate()).isEqualTo(16000);
    assertThat(c.samples()).isEqualTo(want);
    // same rate: unchanged
    assertThat(AudioLoader.load(f, 44100).samples()).isEqualTo(mono);
    // the stream entry point gives the same
    assertThat(AudioLoader.load(new ByteArrayInputStream(Files.readAllBytes(f)), "s", 16000).samples())
        .isEqualTo(want);
  }
}
