package io.ser4j.audio.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.ser4j.core.stream.VadOptions;
import io.ser4j.core.stream.VoiceActivityDetector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The VAD finds the boundaries of real clips joined into one recording. */
class VadRealClipsTest {
  /** Tolerance on a boundary: the segment may reach this far outside its clip. */
  static final double TOLERANCE_SECONDS = 0.05;

  @Test
  void oneUtterancePerClipInsideItsBoundaries() throws Exception {
    List<Path> files = new ArrayList<>(ConcatenatedClips.pick("ravdess", 97, 10));
    files.addAll(ConcatenatedClips.pick("emodb", 41, 8));
    ConcatenatedClips cc = ConcatenatedClips.of(files);
    List<double[]> segs = new ArrayList<>();
    VoiceActivityDetector vad =
        new VoiceActivityDetector(
            ConcatenatedClips.RATE, "joined", VadOptions.DEFAULTS,
            new VoiceActivityDetector.Listener() {
              @Override
              public void onSegment(long s, long e) {
                segs.add(new double[] {s / (double) ConcatenatedClips.RATE, e / (double) ConcatenatedClips.RATE});
              }
            });
    float[] x = cc.samples();
    for (int off = 0; off < x.length; off += 4096) {
      vad.accept(x, off, Math.min(4096, x.length - off));
    }
    vad.finish();
    for (int i = 0; i < files.size(); i++) {
      System.out.printf("clip %2d [%7.3f, %7.3f] %s%n", i, cc.startSeconds()[i], cc.endSeconds()[i], files.get(i).getFileName());
    }
    assertThat(segs).hasSize(files.size());
    for (int i = 0; i < files.size(); i++) {
      double[] s = segs.get(i);
      double clipStart = cc.startSeconds()[i];
      double clipEnd = cc.endSeconds()[i];
      assertThat(s[0]).as("start of utterance %d (%s)", i, files.get(i)).isBetween(clipStart - TOLERANCE_SECONDS, clipEnd);
      assertThat(s[1]).as("end of utterance %d", i).isBetween(s[0], clipEnd + TOLERANCE_SECONDS);
      assertThat(s[1] - s[0]).as("speech in clip %d", i).isGreaterThan(0.35 * (clipEnd - clipStart));
    }
  }
}
