package io.ser4j.model.baseline;

import io.ser4j.core.Label;
import io.ser4j.core.LabelDistribution;
import io.ser4j.core.LabelSet;
import io.ser4j.core.ProgressListener;
import io.ser4j.core.corpus.Corpus;
import io.ser4j.core.corpus.Fold;
import io.ser4j.core.corpus.SpeakerFolds;
import io.ser4j.core.corpus.Utterance;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Speaker-independent cross-validation of the baseline: for each fold of {@link
 * SpeakerFolds#kFolds} the model (both heads, lambda chosen inside the training speakers only) is
 * trained on the other speakers and predicts the held-out ones. The speaker-normalised head uses
 * the held-out speaker's own clips (unlabelled) for its per-speaker statistics. Stateless.
 */
public final class BaselineCrossValidation {
  private BaselineCrossValidation() {}

  /**
   * One held-out clip's predictions.
   *
   * @param id utterance id
   * @param speaker the utterance's speaker
   * @param fold fold index
   * @param reference the majority label
   * @param global distribution of the global head
   * @param speakerNormalised distribution of the speaker-normalised head
   */
  public record Prediction(
      String id,
      String speaker,
      int fold,
      Label reference,
      LabelDistribution global,
      LabelDistribution speakerNormalised) {}

  /**
   * Runs the cross-validation.
   *
   * @param corpus labelled utterances with speakers, in the order of {@code table}'s rows
   * @param table features of {@code corpus.utterances()}, row for row ({@link
   *     BaselineTrainer#extract})
   * @param folds number of speaker folds
   * @param seed seed of the fold assignment (and of the inner lambda search)
   * @param options training options
   * @param progress one unit per fold
   * @return one prediction per utterance, in corpus order; distributions over the corpus's labels
   */
  public static List<Prediction> run(
      Corpus corpus,
      FeatureTable table,
      int folds,
      long seed,
      BaselineTrainer.Options options,
      ProgressListener progress) {
    List<Utterance> us = corpus.utterances();
    if (us.size() != table.size()) {
      throw new IllegalArgumentException("corpus and feature table differ in size");
    }
    ProgressListener p = progress == null ? new ProgressListener() {} : progress;
    LabelSet labels = corpus.labels();
    FeatureTable normalised = table.speakerNormalised();
    Map<String, Integer> rowOf = new HashMap<>();
    for (int i = 0; i < us.size(); i++) {
      rowOf.put(us.get(i).id(), i);
    }
    Prediction[] out = new Prediction[us.size()];
    List<Fold> fs = SpeakerFolds.kFolds(corpus, folds, seed);
    p.onStart("folds", fs.size());
    BaselineTrainer.Options o = options.withSeed(seed);
    for (Fold f : fs) {
      List<Integer> train = new ArrayList<>();
      Set<Integer> test = new HashSet<>();
      for (Utterance u : f.train()) {
        train.add(Objects.requireNonNull(rowOf.get(u.id()), u.id()));
      }
      for (Utterance u : f.test()) {
        test.add(rowOf.get(u.id()));
      }
      LinearHead g = BaselineTrainer.fitHead(table.subset(train), LinearHead.GLOBAL, labels, o);
      LinearHead s =
          BaselineTrainer.fitHead(normalised.subset(train), LinearHead.SPEAKER_NORMALISED, labels, o);
      for (int i : test) {
        Utterance u = us.get(i);
        out[i] =
            new Prediction(
                u.id(),
                u.speaker(),
                f.index(),
                u.majority(),
                LabelDistribution.normalise(labels, g.predictProba(table.row(i))),
                LabelDistribution.normalise(labels, s.predictProba(normalised.row(i))));
      }
      p.onProgress(f.index() + 1, fs.size(), "fold " + (f.index() + 1) + " speakers " + f.testSpeakers());
    }
    p.onFinish();
    return List.of(out);
  }
}
