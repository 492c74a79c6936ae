package io.ser4j.model.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import io.ser4j.core.corpus.Corpora;
import io.ser4j.core.corpus.Corpus;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A real speaker-independent check on EmoDB, kept small for the default suite: 6 of the 8 speakers
 * (about 300 clips), 3 folds of 2 held-out speakers (each model sees only 4 speakers), one fixed
 * lambda. Chance Macro-F1 for 7 balanced-ish classes is about 0.14.
 */
class BaselineCrossValidationTest {
  static final Path DATA = Path.of(System.getProperty("ser4j.data.dir", "../../shared/data"));

  @Test
  void threeFoldSpeakerIndependentEmoDbSubsetIsWellAboveChance() {
    Corpus all = Corpora.readEmoDb(DATA.resolve("emodb/manifest.csv"));
    List<String> six = List.copyOf(all.speakers()).subList(0, 6);
    Corpus emodb = all.filter(u -> six.contains(u.speaker()));
    assertThat(emodb.speakers()).hasSize(6);
    FeatureTable table =
        BaselineTrainer.extract(emodb.utterances(), BaselineFeatures.create(), 2, null);
    BaselineTrainer.Options fast =
        new BaselineTrainer.Options(List.of(0.01), 2, 200, 1, true);
    List<BaselineCrossValidation.Prediction> preds =
        BaselineCrossValidation.run(emodb, table, 3, 1, fast, null);
    assertThat(preds).hasSize(emodb.size());
    int[] y = new int[preds.size()];
    int[] spk = new int[preds.size()];
    int[] glob = new int[preds.size()];
    for (int i = 0; i < y.length; i++) {
      BaselineCrossValidation.Prediction p = preds.get(i);
      y[i] = emodb.labels().indexOf(p.reference());
      spk[i] = emodb.labels().indexOf(p.speakerNormalised().argmax());
      glob[i] = emodb.labels().indexOf(p.global().argmax());
      assertThat(p.global().labels()).isEqualTo(emodb.labels());
    }
    double f1Speaker = BaselineTrainer.macroF1(y, spk, emodb.labels().size());
    double f1Global = BaselineTrainer.macroF1(y, glob, emodb.labels().size());
    assertThat(f1Speaker).as("speaker-normalised Macro-F1").isGreaterThan(0.5);
    assertThat(f1Global).as("global Macro-F1").isGreaterThan(0.4);
  }
}
