package io.ser4j.model.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ser4j.core.Label;
import io.ser4j.core.LabelSet;
import io.ser4j.core.ModelLoadException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BaselineModelTest {
  static final LabelSet LABELS = LabelSet.of("anger", "neutral", "sadness");

  /** A separable synthetic table: class c shifts feature c; 4 speakers with their own offsets. */
  static FeatureTable synthetic(long seed) {
    Random r = new Random(seed);
    int d = BaselineFeatures.dimension();
    List<String> ids = new ArrayList<>();
    List<String> spk = new ArrayList<>();
    List<Label> labels = new ArrayList<>();
    List<double[]> rows = new ArrayList<>();
    for (int s = 0; s < 4; s++) {
      double offset = 3 * r.nextGaussian();
      for (int i = 0; i < 30; i++) {
        int c = i % 3;
        double[] x = new double[d];
        for (int j = 0; j < d; j++) {
          x[j] = offset + r.nextGaussian() + (j == c ? 2.5 : 0);
        }
        if (i == 0) {
          x[5] = Double.NaN;
        }
        ids.add("s" + s + "_" + i);
        spk.add("spk" + s);
        labels.add(LABELS.get(c));
        rows.add(x);
      }
    }
    return new FeatureTable(ids, spk, labels, rows.toArray(double[][]::new));
  }

  static BaselineModel trained() {
    return BaselineTrainer.train(
        synthetic(7), LABELS, BaselineTrainer.Options.defaults(), Map.of("command", "test"));
  }

  @Test
  void trainsUsefulHeadsOnSyntheticData() {
    BaselineModel m = trained();
    FeatureTable test = synthetic(8);
    int right = 0;
    for (int i = 0; i < test.size(); i++) {
      int pred = BaselineTrainer.argmax(m.global().predictProba(test.row(i)));
      right += LABELS.get(pred).equals(test.labels().get(i)) ? 1 : 0;
    }
    assertThat(right).isGreaterThan(test.size() * 2 / 3);
    assertThat(BaselineTrainer.DEFAULT_LAMBDAS).contains(m.global().lambda(), m.speakerNormalised().lambda());
  }

  @Test
  void saveLoadRoundTripKeepsPredictions(@TempDir Path tmp) {
    BaselineModel m = trained();
    Path f = tmp.resolve("m.json");
    m.write(f);
    BaselineModel back = BaselineModel.read(f);
    assertThat(back.labels()).isEqualTo(m.labels());
    assertThat(back.featureNames()).isEqualTo(m.featureNames());
    assertThat(back.provenance()).containsEntry("command", "test");
    assertThat(back.speakerNormalised()).isNotNull();
    FeatureTable t = synthetic(9);
    for (int i = 0; i < 10; i++) {
      double[] a = m.global().predictProba(t.row(i));
      double[] b = back.global().predictProba(t.row(i));
      for (int c = 0; c < a.length; c++) {
        assertThat(b[c]).isCloseTo(a[c], org.assertj.core.data.Offset.offset(1e-4));
      }
    }
  }

  @Test
  void corruptFilesAreModelLoadExceptionsNamingTheFile(@TempDir Path tmp) throws IOException {
    String good = trained().toJson();
    Map<String, String> cases =
        Map.of(
            "truncated.json", good.substring(0, good.length() / 2),
            "notjson.json", "hello",
            "array.json", "[1,2]",
            "format.json", good.replace("ser4j-baseline", "other"),
            "version.json", good.replace("\"feature_version\" : 1", "\"feature_version\" : 99"),
            "nan.json", good.replaceFirst("\"bias\" : \\[ ", "\"bias\" : [ \"x\", "),
            "sd.json", good.replaceFirst("\"sd\" : \\[ [^,]+,", "\"sd\" : [ 0.0,"),
            "labels.json", good.replace("\"labels\" : [ \"anger\", ", "\"labels\" : [ "));
    for (Map.Entry<String, String> e : cases.entrySet()) {
      Path f = tmp.resolve(e.getKey());
      Files.writeString(f, e.getValue());
      assertThatThrownBy(() -> BaselineModel.read(f))
          .as(e.getKey())
          .isInstanceOf(ModelLoadException.class)
          .hasMessageContaining(e.getKey());
    }
    assertThatThrownBy(() -> BaselineModel.read(tmp.resolve("missing.json")))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("missing.json")
        .hasMessageContaining("not found");
  }

  @Test
  void speakerNormaliserZScoresWithinTheSpeaker() {
    SpeakerNormaliser n =
        SpeakerNormaliser.fit(List.of(new double[] {1, 5, Double.NaN}, new double[] {3, 5, 2}));
    double[] z = n.apply(new double[] {3, 5, 2});
    assertThat(z[0]).isEqualTo(1.0);
    assertThat(z[1]).isZero();
    assertThat(z[2]).isZero();
    assertThat(n.apply(new double[] {1, 5, Double.NaN})[2]).isNaN();
  }
}
