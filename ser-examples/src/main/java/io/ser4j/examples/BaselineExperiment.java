package io.ser4j.examples;

import io.ser4j.core.LabelDistribution;
import io.ser4j.core.ManifestException;
import io.ser4j.core.ProgressListener;
import io.ser4j.core.corpus.Corpora;
import io.ser4j.core.corpus.Corpus;
import io.ser4j.metrics.Bootstrap;
import io.ser4j.metrics.ConfidenceInterval;
import io.ser4j.metrics.Evaluation;
import io.ser4j.metrics.EvaluationItem;
import io.ser4j.metrics.Metric;
import io.ser4j.model.baseline.BaselineCrossValidation;
import io.ser4j.model.baseline.BaselineFeatures;
import io.ser4j.model.baseline.BaselineTrainer;
import io.ser4j.model.baseline.FeatureTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The speaker-independent cross-validation behind {@code docs/results.md}: EmoDB in 4 folds (2
 * speakers out each) and RAVDESS in 5 folds (4 actors out each), fold seeds 1 and 2, both the
 * speaker-normalised and the global head, Macro-F1 and UAR with 95% bootstrap intervals (1000
 * speaker-stratified replicates, seed 42). Features are extracted once per corpus (2 threads).
 *
 * <p>Run: {@code java -cp ser-examples/target/ser.jar io.ser4j.examples.BaselineExperiment
 * ../shared/data [no-trim]} (prints a Markdown table on stdout, progress on stderr).
 */
public final class BaselineExperiment {
  /** Fold seeds of the experiment. */
  public static final List<Long> SEEDS = List.of(1L, 2L);
  /** Bootstrap replicates of the intervals. */
  public static final int BOOTSTRAP_REPLICATES = 1000;

  private BaselineExperiment() {}

  /**
   * Evaluation items from cross-validation predictions.
   *
   * @param predictions the held-out predictions
   * @param speakerNormalised take the speaker-normalised head's distribution (else the global one)
   */
  public static List<EvaluationItem> items(
      List<BaselineCrossValidation.Prediction> predictions, boolean speakerNormalised) {
    List<EvaluationItem> out = new ArrayList<>();
    for (BaselineCrossValidation.Prediction p : predictions) {
      LabelDistribution d = speakerNormalised ? p.speakerNormalised() : p.global();
      out.add(
          EvaluationItem.of(p.id(), d.argmax(), List.of(p.reference()))
              .withDistribution(d)
              .withSpeaker(p.speaker()));
    }
    return out;
  }

  /** Reads a corpus keeping labelled utterances with a speaker and existing audio. */
  public static Corpus labelled(Path manifest) {
    Corpus c = Corpora.autodetect(manifest);
    if (!c.missingAudio().isEmpty()) {
      throw new ManifestException(manifest.toString(), c.missingAudio().size() + " audio file(s) are missing");
    }
    return c.filter(u -> u.majority() != null && !u.speaker().isEmpty());
  }

  /**
   * Runs the experiment and prints the table.
   *
   * @param args the data directory holding {@code emodb/} and {@code ravdess/}; a second argument
   *     {@code no-trim} runs the ablation without silence trimming (fold seed 1 only)
   */
  public static void main(String[] args) {
    Path data = Path.of(args.length > 0 ? args[0] : "../shared/data");
    boolean noTrim = args.length > 1 && args[1].equals("no-trim");
    List<Long> seeds = noTrim ? List.of(1L) : SEEDS;
    ProgressListener log =
        new ProgressListener() {
          @Override
          public void onProgress(long done, long total, String message) {
            if (done == total || done % 100 == 0) {
              System.err.println("  " + done + "/" + total);
            }
          }
        };
    StringBuilder md = new StringBuilder();
    md.append("| corpus | folds | head | seed | Macro-F1 [95% CI] | UAR [95% CI] |\n");
    md.append("|---|---|---|---|---|---|\n");
    BaselineFeatures features =
        noTrim ? BaselineFeatures.withTrimThreshold(Double.POSITIVE_INFINITY) : BaselineFeatures.create();
    for (Object[] spec : new Object[][] {{"emodb", 4}, {"ravdess", 5}}) {
      String name = (String) spec[0];
      int folds = (Integer) spec[1];
      Corpus corpus = labelled(data.resolve(name).resolve("manifest.csv"));
      long t0 = System.nanoTime();
      System.err.println(name + ": extracting features of " + corpus.size() + " clips");
      FeatureTable table = BaselineTrainer.extract(corpus.utterances(), features, 2, log);
      double tf = (System.nanoTime() - t0) / 1e9;
      for (long seed : seeds) {
        long t1 = System.nanoTime();
        List<BaselineCrossValidation.Prediction> preds =
            BaselineCrossValidation.run(corpus, table, folds, seed, BaselineTrainer.Options.defaults(), null);
        double tc = (System.nanoTime() - t1) / 1e9;
        for (boolean spk : new boolean[] {true, false}) {
          Evaluation ev = Evaluation.of(items(preds, spk), corpus.labels());
          Map<Metric, ConfidenceInterval> ci =
              Bootstrap.withReplicates(BOOTSTRAP_REPLICATES)
                  .seed(Bootstrap.DEFAULT_SEED)
                  .stratifiedBySpeaker(true)
                  .confidenceIntervals(ev, List.of(Metric.MACRO_F1_MAJORITY, Metric.UAR));
          md.append(
              String.format(
                  Locale.ROOT,
                  "| %s | %d | %s | %d | %s | %s |%n",
                  name, folds, spk ? "speaker-normalised" : "global", seed,
                  fmt(ci.get(Metric.MACRO_F1_MAJORITY)), fmt(ci.get(Metric.UAR))));
        }
        System.err.printf(Locale.ROOT, "%s seed %d: features %.1f s, CV %.1f s%n", name, seed, tf, tc);
      }
    }
    System.out.print(md);
  }

  private static String fmt(ConfidenceInterval c) {
    return String.format(Locale.ROOT, "%.3f [%.3f, %.3f]", c.estimate(), c.lower(), c.upper());
  }
}
