package io.ser4j.model.baseline;

import io.ser4j.audio.AudioLoader;
import io.ser4j.core.Label;
import io.ser4j.core.LabelSet;
import io.ser4j.core.ManifestException;
import io.ser4j.core.ProgressListener;
import io.ser4j.core.SerException;
import io.ser4j.core.corpus.Utterance;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * Trains the acoustic baseline: extracts {@link BaselineFeatures} for labelled clips, chooses the
 * L2 strength by speaker-grouped cross-validation inside the training data only, and fits the
 * {@link LinearHead#GLOBAL global} and {@link LinearHead#SPEAKER_NORMALISED speaker-normalised}
 * heads with balanced class weights. Stateless; methods are thread-safe.
 */
public final class BaselineTrainer {
  /** The L2 grid searched by the inner cross-validation (on the mean loss), fixed a priori. */
  public static final List<Double> DEFAULT_LAMBDAS = List.of(0.001, 0.003, 0.01, 0.03, 0.1);
  /** Speaker-grouped folds of the inner (lambda-choosing) cross-validation. */
  public static final int DEFAULT_INNER_FOLDS = 3;
  /** L-BFGS iteration cap. */
  public static final int DEFAULT_MAX_ITERATIONS = 300;
  /** Default seed of the inner speaker shuffle. */
  public static final long DEFAULT_SEED = 1L;

  /**
   * Training options.
   *
   * @param lambdas candidate L2 strengths; one value skips the inner cross-validation
   * @param innerFolds speaker-grouped inner folds (at least 2)
   * @param maxIterations L-BFGS iteration cap
   * @param seed seed of the inner speaker shuffle
   * @param balancedClassWeights weight rows by inverse class frequency
   */
  public record Options(
      List<Double> lambdas, int innerFolds, int maxIterations, long seed, boolean balancedClassWeights) {
    /** Validates and copies. */
    public Options {
      lambdas = List.copyOf(lambdas);
      if (lambdas.isEmpty() || innerFolds < 2 || maxIterations < 1) {
        throw new IllegalArgumentException("need >= 1 lambda, >= 2 inner folds, >= 1 iteration");
      }
    }

    /** The defaults used for the bundled model and {@code docs/results.md}. */
    public static Options defaults() {
      return new Options(DEFAULT_LAMBDAS, DEFAULT_INNER_FOLDS, DEFAULT_MAX_ITERATIONS, DEFAULT_SEED, true);
    }

    /** These options with another seed. */
    public Options withSeed(long newSeed) {
      return new Options(lambdas, innerFolds, maxIterations, newSeed, balancedClassWeights);
    }
  }

  private BaselineTrainer() {}

  /**
   * The speaker id the baseline uses: corpus-qualified so that EmoDB's speaker "03" and RAVDESS's
   * actor "03" stay apart.
   */
  public static String speakerKey(Utterance u) {
    return u.corpus() + ":" + u.speaker();
  }

  /**
   * Extracts features of labelled utterances in parallel.
   *
   * @param utterances clips with a majority label and a speaker
   * @param features the extractor (thread-safe)
   * @param threads worker threads (e.g. 2)
   * @param progress receives one unit per clip (may be called from worker threads)
   * @throws ManifestException for an utterance without a majority label
   * @throws SerException for unreadable audio (the first failure)
   */
  public static FeatureTable extract(
      List<Utterance> utterances, BaselineFeatures features, int threads, ProgressListener progress) {
    for (Utterance u : utterances) {
      if (u.majority() == null) {
        throw new ManifestException(u.id(), "utterance has no majority label; the baseline trains on labelled clips");
      }
    }
    int n = utterances.size();
    double[][] rows = new double[n][];
    AtomicLong done = new AtomicLong();
    ProgressListener p = progress == null ? new ProgressListener() {} : progress;
    p.onStart("features", n);
    ForkJoinPool pool = new ForkJoinPool(Math.max(1, threads));
    try {
      pool.submit(
              () ->
                  IntStream.range(0, n)
                      .parallel()
                      .forEach(
                          i -> {
                            Utterance u = utterances.get(i);
                            rows[i] = features.extract(AudioLoader.load(u.audio())).features();
                            long d = done.incrementAndGet();
                            p.onProgress(d, n, u.id());
                          }))
          .get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(c);
    } finally {
      pool.shutdown();
    }
    p.onFinish();
    List<String> ids = new ArrayList<>();
    List<String> speakers = new ArrayList<>();
    List<Label> labels = new ArrayList<>();
    for (Utterance u : utterances) {
      ids.add(u.corpus() + ":" + u.id());
      speakers.add(speakerKey(u));
      labels.add(u.majority());
    }
    return new FeatureTable(ids, speakers, labels, rows);
  }

  /**
   * Trains both heads on {@code table}.
   *
   * @param table training features (raw; speaker normalisation is applied here)
   * @param labels the model's label set (must hold every label of the table)
   * @param options training options
   * @param provenance metadata stored in the model file
   */
  public static BaselineModel train(
      FeatureTable table, LabelSet labels, Options options, Map<String, String> provenance) {
    LinearHead global = fitHead(table, LinearHead.GLOBAL, labels, options);
    LinearHead spk = fitHead(table.speakerNormalised(), LinearHead.SPEAKER_NORMALISED, labels, options);
    return new BaselineModel(
        BaselineFeatures.VERSION, BaselineFeatures.names(), labels, global, spk, provenance);
  }

  /**
   * Fits one head; the lambda is chosen by speaker-grouped inner cross-validation on {@code table}
   * (pooled Macro-F1; ties go to the larger lambda).
   *
   * @param table features already in the head's normalisation
   */
  public static LinearHead fitHead(FeatureTable table, String normalisation, LabelSet labels, Options options) {
    int[] y = classIndices(table, labels);
    double lambda = options.lambdas().get(0);
    if (options.lambdas().size() > 1) {
      lambda = chooseLambda(table, y, labels, options);
    }
    return LinearHead.fit(
        normalisation, table.rows(), y, labels.size(), lambda,
        options.balancedClassWeights() ? balancedWeights(y, labels.size()) : null,
        options.maxIterations());
  }

  private static double chooseLambda(FeatureTable table, int[] y, LabelSet labels, Options options) {
    List<String> speakers = new ArrayList<>(table.indicesBySpeaker().keySet());
    Collections.sort(speakers);
    Collections.shuffle(speakers, new Random(options.seed()));
    int folds = Math.min(options.innerFolds(), speakers.size());
    if (folds < 2) {
      return options.lambdas().get(options.lambdas().size() / 2);
    }
    Map<String, List<Integer>> bySpeaker = table.indicesBySpeaker();
    double[][] rows = table.rows();
    double best = Double.NEGATIVE_INFINITY;
    double bestLambda = options.lambdas().get(0);
    for (double lambda : options.lambdas()) {
      int[] pred = new int[y.length];
      for (int f = 0; f < folds; f++) {
        List<Integer> train = new ArrayList<>();
        List<Integer> test = new ArrayList<>();
        for (int s = 0; s < speakers.size(); s++) {
          (s % folds == f ? test : train).addAll(bySpeaker.get(speakers.get(s)));
        }
        double[][] xtr = new double[train.size()][];
        int[] ytr = new int[train.size()];
        for (int i = 0; i < xtr.length; i++) {
          xtr[i] = rows[train.get(i)];
          ytr[i] = y[train.get(i)];
        }
        LinearHead h =
            LinearHead.fit(
                "inner", xtr, ytr, labels.size(), lambda,
                options.balancedClassWeights() ? balancedWeights(ytr, labels.size()) : null,
                options.maxIterations());
        for (int i : test) {
          pred[i] = argmax(h.predictProba(rows[i]));
        }
      }
      double score = macroF1(y, pred, labels.size());
      if (score >= best - 1e-12) {
        best = score;
        bestLambda = lambda;
      }
    }
    return bestLambda;
  }

  /** Class index of each row in {@code labels}. */
  static int[] classIndices(FeatureTable table, LabelSet labels) {
    int[] y = new int[table.size()];
    for (int i = 0; i < y.length; i++) {
      Label l = table.labels().get(i);
      y[i] = labels.indexOf(l);
      if (y[i] < 0) {
        throw new IllegalArgumentException("label " + l + " of " + table.ids().get(i) + " is not in " + labels);
      }
    }
    return y;
  }

  /** Row weights {@code n / (classesPresent * count(class))}, as sklearn's "balanced". */
  static double[] balancedWeights(int[] y, int classes) {
    int[] count = new int[classes];
    for (int c : y) {
      count[c]++;
    }
    int present = 0;
    for (int c : count) {
      present += c > 0 ? 1 : 0;
    }
    double[] w = new double[y.length];
    for (int i = 0; i < y.length; i++) {
      w[i] = (double) y.length / (present * count[y[i]]);
    }
    return w;
  }

  static int argmax(double[] p) {
    int b = 0;
    for (int i = 1; i < p.length; i++) {
      if (p[i] > p[b]) {
        b = i;
      }
    }
    return b;
  }

  /** Macro-F1 over the classes present in {@code y} or {@code pred}. */
  static double macroF1(int[] y, int[] pred, int classes) {
    int[] tp = new int[classes];
    int[] fp = new int[classes];
    int[] fn = new int[classes];
    for (int i = 0; i < y.length; i++) {
      if (y[i] == pred[i]) {
        tp[y[i]]++;
      } else {
        fp[pred[i]]++;
        fn[y[i]]++;
      }
    }
    double sum = 0;
    int n = 0;
    for (int c = 0; c < classes; c++) {
      if (tp[c] + fp[c] + fn[c] == 0) {
        continue;
      }
      sum += 2.0 * tp[c] / (2.0 * tp[c] + fp[c] + fn[c]);
      n++;
    }
    return n == 0 ? 0 : sum / n;
  }
}
