package io.ser4j.model.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import io.ser4j.audio.AudioLoader;
import io.ser4j.core.AudioClip;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class BaselineFeaturesTest {
  static final Path DATA = Path.of(System.getProperty("ser4j.data.dir", "../../shared/data"));
  static final BaselineFeatures FEATURES = BaselineFeatures.create();

  @Test
  void namesAreUniqueAndMatchTheDocumentedDimension() {
    List<String> names = BaselineFeatures.names();
    assertThat(names).hasSize(BaselineFeatures.dimension()).hasSize(30 + 4 * 20 + 2 * 8);
    assertThat(new HashSet<>(names)).hasSameSizeAs(names);
  }

  @Test
  void realSpeechClipsGiveFiniteFeaturesOfTheKnownDimension() {
    for (Path p :
        List.of(
            DATA.resolve("emodb/wav/03a01Wa.wav"),
            DATA.resolve("emodb/wav/11b10Td.wav"),
            DATA.resolve("ravdess/wav/03-01-05-02-01-01-01.wav"))) {
      BaselineFeatures.Result r = FEATURES.extract(AudioLoader.load(p));
      assertThat(r.features()).as(p.toString()).hasSize(BaselineFeatures.dimension());
      for (int j = 0; j < r.features().length; j++) {
        assertThat(Double.isFinite(r.features()[j]))
            .as(p.getFileName() + " " + BaselineFeatures.names().get(j))
            .isTrue();
      }
      assertThat(r.cues().durationSeconds()).isPositive();
    }
  }

  @Test
  void leadingAndTrailingSilenceIsTrimmed() {
    // RAVDESS clips start with about a second of near-silence; the span must be shorter than the
    // clip and start after its beginning.
    AudioClip clip = AudioLoader.load(DATA.resolve("ravdess/wav/03-01-05-02-01-01-01.wav"));
    double[] f = FEATURES.extract(clip).features();
    double span = f[BaselineFeatures.names().indexOf("voiced_span_duration_s")];
    assertThat(span).isLessThan(clip.durationSeconds() - 0.3).isGreaterThan(0.8);
  }

  @Test
  void padingWithSilenceBarelyChangesTheTrimmedFeatures() {
    AudioClip clip = AudioLoader.load(DATA.resolve("emodb/wav/03a01Wa.wav"));
    float[] x = clip.samples();
    float[] padded = new float[x.length + clip.sampleRate()];
    System.arraycopy(x, 0, padded, clip.sampleRate() / 2, x.length);
    double[] a = FEATURES.extract(clip).features();
    double[] b = FEATURES.extract(AudioClip.of(padded, clip.sampleRate(), "padded")).features();
    List<String> names = BaselineFeatures.names();
    assertThat(b[names.indexOf("f0_st_mean")]).isCloseTo(a[names.indexOf("f0_st_mean")], org.assertj.core.data.Offset.offset(0.3));
    assertThat(b[names.indexOf("mfcc1_mean")]).isCloseTo(a[names.indexOf("mfcc1_mean")], org.assertj.core.data.Offset.offset(0.1 * Math.abs(a[names.indexOf("mfcc1_mean")]) + 0.05));
    assertThat(b[names.indexOf("voiced_span_duration_s")])
        .isCloseTo(a[names.indexOf("voiced_span_duration_s")], org.assertj.core.data.Offset.offset(0.05));
  }

  @Test
  void silenceGivesUndefinedValuesNotAnException() {
    AudioClip silence = AudioClip.of(new float[16_000], 16_000, "silence");
    double[] f = FEATURES.extract(silence).features();
    assertThat(f).hasSize(BaselineFeatures.dimension());
    assertThat(f[BaselineFeatures.names().indexOf("f0_st_mean")]).isNaN();
  }

  @Test
  void dctIsOrthonormal() {
    double[][] d = BaselineFeatures.dctMatrix(80, 80);
    for (int i = 0; i < 80; i += 13) {
      for (int k = 0; k < 80; k += 7) {
        double s = 0;
        for (int j = 0; j < 80; j++) {
          s += d[i][j] * d[k][j];
        }
        assertThat(s).isCloseTo(i == k ? 1 : 0, org.assertj.core.data.Offset.offset(1e-9));
      }
    }
  }

  @Test
  void veryShortClipsGiveUndefinedValuesNotAnException() {
    float[] x = new float[300]; // 19 ms at 16 kHz: shorter than one 25 ms log-mel window
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (0.3 * Math.sin(2 * Math.PI * 200 * i / 16_000.0));
    }
    double[] f = FEATURES.extract(AudioClip.of(x, 16_000, "short")).features();
    assertThat(f).hasSize(BaselineFeatures.dimension());
    assertThat(f[BaselineFeatures.names().indexOf("mfcc0_mean")]).isNaN();
    assertThat(f[BaselineFeatures.names().indexOf("f0_st_mean")]).isNaN();
  }
}
