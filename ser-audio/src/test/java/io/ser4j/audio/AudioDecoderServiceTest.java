package io.ser4j.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ser4j.core.AudioClip;
import io.ser4j.core.AudioFormatException;
import io.ser4j.core.Ser;
import io.ser4j.core.spi.AudioDecoder;
import io.ser4j.core.stream.PcmSource;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ser-audio's decoders as {@link AudioDecoder} services, as the facade finds them. */
class AudioDecoderServiceTest {
  private static Path clip() {
    Path p = Path.of(System.getProperty("ser4j.repo.dir", "..")).resolve("examples/audio/angry.wav");
    assertThat(p).isRegularFile();
    return p;
  }

  @Test
  void wavThenFfmpegAreInstalled() {
    assertThat(AudioDecoder.installed()).extracting(AudioDecoder::name).containsExactly("wav", "ffmpeg");
    byte[] riff = "RIFF\0\0\0\0WAVEfmt ".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    assertThat(AudioDecoder.forHeader(riff, "x").name()).isEqualTo("wav");
  }

  @Test
  void facadeDecodingEqualsTheLoaderForFilesStreamsAndIncrementalReads() throws Exception {
    Path p = clip();
    AudioClip direct = AudioLoader.load(p);
    assertThat(Ser.decode(p)).isEqualTo(direct);
    try (InputStream in = Files.newInputStream(p)) {
      AudioClip fromStream = Ser.decode(in, p.toString());
      assertThat(fromStream.samples()).isEqualTo(direct.samples());
      assertThat(fromStream.sampleRate()).isEqualTo(16_000);
    }
    try (InputStream in = Files.newInputStream(p);
        PcmSource src = new WavAudioDecoder().open(in, "angry")) {
      float[] all = new float[direct.length()];
      float[] buf = new float[1000];
      int n;
      int pos = 0;
      while ((n = src.read(buf, 0, buf.length)) >= 0) {
        System.arraycopy(buf, 0, all, pos, n);
        pos += n;
      }
      assertThat(pos).isEqualTo(direct.length());
      assertThat(all).isEqualTo(direct.samples());
      assertThat(src.sampleRate()).isEqualTo(16_000);
    }
  }

  @Test
  void nonWavDataGoesToFfmpegOrSaysItIsMissing(@TempDir Path tmp) throws Exception {
    byte[] junk = new byte[64];
    Arrays.fill(junk, (byte) 0x42);
    Path f = tmp.resolve("junk.bin");
    Files.write(f, junk);
    String old = System.getProperty("ser4j.ffmpeg");
    System.setProperty("ser4j.ffmpeg", tmp.resolve("no-ffmpeg-here").toString());
    try {
      assertThatThrownBy(() -> Ser.decode(f))
          .isInstanceOf(AudioFormatException.class)
          .hasMessageContaining("junk.bin")
          .hasMessageContaining("[ffmpeg] cannot run here")
          .hasMessageContaining("installed: [wav, ffmpeg]");
    } finally {
      if (old == null) {
        System.clearProperty("ser4j.ffmpeg");
      } else {
        System.setProperty("ser4j.ffmpeg", old);
      }
    }
    if (AudioLoader.ffmpegAvailable()) {
      // the real ffmpeg rejects the junk with its own message, naming the input
      assertThatThrownBy(() -> Ser.decode(new ByteArrayInputStream(junk), "junk-stream"))
          .isInstanceOf(AudioFormatException.class)
          .hasMessageStartingWith("junk-stream: ");
    }
  }
}
