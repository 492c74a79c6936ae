package io.ser4j.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ser4j.core.AudioClip;
import io.ser4j.core.AudioFormatException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ffmpeg route. Tests with the real ffmpeg run only when it is installed (the one allowed
 * skip); the failure paths (missing, failing, hanging, interrupted decoder) use small fake "ffmpeg"
 * shell scripts and always run.
 */
@Timeout(120)
class AudioLoaderFfmpegTest {
  private static final String EMODB_CLIP = "emodb/wav/03a01Fa.wav";

  @TempDir Path tmp;
  private String oldExe;
  private String oldTimeout;

  @BeforeEach
  void saveProps() {
    oldExe = System.getProperty(FfmpegDecoder.EXECUTABLE_PROPERTY);
    oldTimeout = System.getProperty(FfmpegDecoder.TIMEOUT_PROPERTY);
  }

  @AfterEach
  void restoreProps() {
    WavReaderBadInputTest.restore(oldExe);
    if (oldTimeout == null) {
      System.clearProperty(FfmpegDecoder.TIMEOUT_PROPERTY);
    } else {
      System.setProperty(FfmpegDecoder.TIMEOUT_PROPERTY, oldTimeout);
    }
  }

  private static boolean realFfmpegPresent() {
    return AudioLoader.ffmpegAvailable();
  }

  /** Runs the real ffmpeg to make a test file (argument list, as the SDK does). */
  private static void ffmpeg(String... args) throws IOException, InterruptedException {
    List<String> cmd = new java.util.ArrayList<>(List.of("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }

  private Path fakeFfmpeg(String body) throws IOException {
    Path exe = tmp.resolve("fake-ffmpeg.sh");
    Files.writeString(exe, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwx------"));
    System.setProperty(FfmpegDecoder.EXECUTABLE_PROPERTY, exe.toString());
    return exe;
  }

  private Path notWav() throws IOException {
    Path f = tmp.resolve("clip.ogg");
    Files.write(f, "OggS\0\2\0\0\0\0\0\0\0\0 this is not really ogg".getBytes(StandardCharsets.US_ASCII));
    return f;
  }

  @Test
  void flacAndStereoFlacDecodeExactlyLikeTheWav() throws Exception {
    assumeTrue(realFfmpegPresent(), "ffmpeg not installed");
    Path wav = WavReaderReferenceTest.dataDir().resolve(EMODB_CLIP);
    Path flac = tmp.resolve("clip.flac");
    ffmpeg("-i", wav.toString(), flac.toString());
    AudioClip ref = WavReader.read(wav);
    AudioClip viaFfmpeg = AudioLoader.load(flac);
    assertThat(viaFfmpeg.sampleRate()).isEqualTo(22050);
    assertThat(viaFfmpeg.samples()).isEqualTo(ref.samples()); // lossless, x/32768 both ways
    assertThat(AudioLoader.load(flac, 16000).samples())
        .isEqualTo(AudioLoader.load(wav, 16000).samples());
    // stereo: left = clip, right = silence -> average = clip / 2 (ffmpeg is not asked to mix)
    Path stereo = tmp.resolve("stereo.flac");
    ffmpeg("-i", wav.toString(), "-af", "pan=stereo|c0=c0|c1=0*c0", stereo.toString());
    float[] s = AudioLoader.load(stereo).samples();
    float[] r = ref.samples();
    assertThat(s).hasSameSizeAs(r);
    for (int i = 0; i < r.length; i++) {
      assertThat(s[i]).isEqualTo((float) (r[i] / 2.0));
    }
    // from a stream (buffered to a temporary file for ffmpeg)
    try (InputStream in = Files.newInputStream(flac)) {
      AudioClip c = AudioLoader.load(in, "upload.flac", 16000);
      assertThat(c.sourceId()).isEqualTo("upload.flac");
      assertThat(c.samples()).isEqualTo(AudioLoader.load(wav, 16000).samples());
    }
  }

  @Test
  void mp3DecodesToTheSameSpeech() throws Exception {
    assumeTrue(realFfmpegPresent(), "ffmpeg not installed");
    Path wav = WavReaderReferenceTest.dataDir().resolve(EMODB_CLIP);
    Path mp3 = tmp.resolve("clip.mp3");
    ffmpeg("-i", wav.toString(), "-b:a", "128k", mp3.toString());
    AudioClip ref = AudioLoader.load(wav, 16000);
    AudioClip dec = AudioLoader.load(mp3, 16000);
    assertThat(dec.sampleRate()).isEqualTo(16000);
    // encoder delay/padding changes the length by a few ms at most
    assertThat(dec.durationSeconds()).isCloseTo(ref.durationSeconds(), org.assertj.core.api.Assertions.within(0.1));
    assertThat(rms(dec.samples()) / rms(ref.samples())).isBetween(0.9, 1.1);
  }

  @Test
  void hostileFileNamesAreArgumentsNotOptions() throws Exception {
    assumeTrue(realFfmpegPresent(), "ffmpeg not installed");
    Path wav = WavReaderReferenceTest.dataDir().resolve(EMODB_CLIP);
    Path odd = tmp.resolve("-y; rm -rf x $(echo hi) 'q'.flac");
    ffmpeg("-i", wav.toString(), "-f", "flac", "file:" + odd);
    assertThat(AudioLoader.load(odd).samples()).isEqualTo(WavReader.read(wav).samples());
  }

  @Test
  void realFfmpegRejectsGarbageWithItsOwnMessage() throws Exception {
    assumeTrue(realFfmpegPresent(), "ffmpeg not installed");
    Path f = notWav();
    assertThatThrownBy(() -> AudioLoader.load(f, 16000))
        .isInstanceOf(AudioFormatException.class)
        .hasMessageStartingWith(
            f + ": not a RIFF/WAVE file (starts with 'OggS') and ffmpeg could not decode it (exit status");
  }

  @Test
  void failingDecoderReportsItsStderr() throws IOException {
    fakeFfmpeg("echo 'Invalid data found when processing input' >&2; exit 1");
    Path f = notWav();
    assertThatThrownBy(() -> AudioLoader.load(f, 16000))
        .isInstanceOf(AudioFormatException.class)
        .hasMessage(
            f
                + ": not a RIFF/WAVE file (starts with 'OggS') and ffmpeg could not decode it"
                + " (exit status 1): Invalid data found when processing input");
  }

  @Test
  void decoderThatDiesMidStreamIsAnError() throws IOException {
    // a valid float WAV header with the streaming placeholder size, some samples, then exit 1
    TestWav.Builder b =
        new TestWav.Builder().encoding(WavFormat.Encoding.FLOAT32).raw(new double[] {0.5, 0.25});
    b.dataSize = 0xFFFFFFFFL;
    Path header = tmp.resolve("out.wav");
    Files.write(header, b.build());
    fakeFfmpeg("cat '" + header + "'; echo 'corrupt frame' >&2; exit 69");
    Path f = notWav();
    assertThatThrownBy(() -> AudioLoader.load(f))
        .isInstanceOf(AudioFormatException.class)
        .hasMessageContaining("could not decode it (exit status 69): corrupt frame");
    // the same output with exit status 0 is a clip
    fakeFfmpeg("cat '" + header + "'");
    assertThat(AudioLoader.load(f).samples()).containsExactly(0.5f, 0.25f);
  }

  @Test
  void hangingDecoderIsKilledAfterTheTimeout() throws IOException {
    fakeFfmpeg("exec sleep 60");
    System.setProperty(FfmpegDecoder.TIMEOUT_PROPERTY, "1");
    Path f = notWav();
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> AudioLoader.load(f, 16000))
        .isInstanceOf(AudioFormatException.class)
        .hasMessage(f + ": ffmpeg produced no output for 1 s and was stopped");
    assertThat((System.nanoTime() - t0) / 1e9).isLessThan(20);
  }

  @Test
  void interruptStopsTheDecoder() throws Exception {
    fakeFfmpeg("exec sleep 60");
    Path f = notWav();
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread t =
        new Thread(
            () -> {
              try {
                AudioLoader.load(f, 16000);
              } catch (Throwable e) {
                thrown.set(e);
              }
            });
    t.start();
    Thread.sleep(500);
    t.interrupt();
    t.join(20_000);
    assertThat(t.isAlive()).isFalse();
    assertThat(thrown.get())
        .isInstanceOf(AudioFormatException.class)
        .hasMessage(f + ": interrupted; ffmpeg was stopped");
  }

  @Test
  void commandIsAnArgumentListWithTheFileAsOneArgument() {
    Path f = Path.of("/data/my clip; rm -rf ~.mp3");
    List<String> cmd = FfmpegDecoder.command(f);
    assertThat(cmd).containsSubsequence("-nostdin", "-i", "file:/data/my clip; rm -rf ~.mp3", "-");
    assertThat(cmd).contains("-protocol_whitelist", "file");
  }

  @Test
  void wavStreamsNeverNeedFfmpeg() {
    System.setProperty(FfmpegDecoder.EXECUTABLE_PROPERTY, "/nonexistent/ffmpeg");
    byte[] wav = new TestWav.Builder().raw(new double[] {1, 2}).build();
    assertThat(AudioLoader.load(new ByteArrayInputStream(wav), "w").length()).isEqualTo(2);
  }

  private static double rms(float[] x) {
    double s = 0;
    for (float v : x) {
      s += v * v;
    }
    return Math.sqrt(s / Math.max(1, x.length));
  }
}
