package io.ser4j.examples.bench;

import io.ser4j.core.Label;
import io.ser4j.core.LabelSet;
import io.ser4j.metrics.Bootstrap;
import io.ser4j.metrics.ConfidenceInterval;
import io.ser4j.metrics.Evaluation;
import io.ser4j.metrics.EvaluationItem;
import io.ser4j.metrics.Metric;
import io.ser4j.metrics.report.JsonWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Times the metrics issue's performance case: every majority and annotator-aware metric (plus
 * agreement, which {@link Evaluation} computes too) and {@code R} bootstrap replicates of Macro-F1
 * on {@code N} synthetic items. {@code tools/bench/metrics.sh} runs it beside the scikit-learn loop
 * of {@code tools/bench/metrics_sklearn.py} on one pinned core.
 *
 * <p>Items (deterministic from {@code --seed}): {@code --classes} labels (6 to 9); per item a
 * hidden true class drawn uniformly, 1 to 12 annotators (uniform), each choosing the true class
 * with probability {@value #ANNOTATOR_ACCURACY} and else a uniform label; the prediction is the
 * true class with probability {@value #PREDICTOR_ACCURACY}, else uniform. Building the items is not
 * timed; the timed round is {@code Evaluation.of(items, labels)} plus {@code
 * Bootstrap.confidenceInterval(ev, MACRO_F1_MAJORITY)}. After {@code --warmup} untimed rounds
 * (JIT), {@code --rounds} rounds are timed (wall clock and thread CPU time); the median is
 * reported.
 *
 * <p>Usage: {@code MetricsBenchmark [--items N] [--replicates R] [--classes C] [--seed S] [--warmup
 * W] [--rounds K]}; prints one JSON line. Single-threaded; not for concurrent use.
 */
public final class MetricsBenchmark {
  /** Probability that an annotator picks the item's true class. */
  public static final double ANNOTATOR_ACCURACY = 0.6;

  /** Probability that the prediction is the item's true class. */
  public static final double PREDICTOR_ACCURACY = 0.55;

  /** Fewest annotators per item. */
  public static final int MIN_ANNOTATORS = 1;

  /** Most annotators per item. */
  public static final int MAX_ANNOTATORS = 12;

  /** Label names; the first {@code --classes} are used. */
  private static final String[] NAMES = {
    "anger", "boredom", "calm", "disgust", "fear", "happiness", "neutral", "sadness", "surprise"
  };

  private MetricsBenchmark() {}

  /** The synthetic items. */
  public static List<EvaluationItem> items(int n, LabelSet labels, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int c = labels.size();
    List<EvaluationItem> items = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int truth = rng.nextInt(c);
      int m = MIN_ANNOTATORS + rng.nextInt(MAX_ANNOTATORS - MIN_ANNOTATORS + 1);
      List<Label> ann = new ArrayList<>(m);
      for (int r = 0; r < m; r++) {
        ann.add(labels.get(rng.nextDouble() < ANNOTATOR_ACCURACY ? truth : rng.nextInt(c)));
      }
      Label pred = labels.get(rng.nextDouble() < PREDICTOR_ACCURACY ? truth : rng.nextInt(c));
      items.add(EvaluationItem.of("item" + i, pred, ann));
    }
    return items;
  }

  /** Entry point; see the class documentation for the arguments. */
  public static void main(String[] args) {
    Map<String, Long> opt = new LinkedHashMap<>();
    opt.put("--items", 200_000L);
    opt.put("--replicates", 1000L);
    opt.put("--classes", 9L);
    opt.put("--seed", 1L);
    opt.put("--warmup", 3L);
    opt.put("--rounds", 5L);
    for (int i = 0; i < args.length; i++) {
      if (!opt.containsKey(args[i]) || i + 1 >= args.length) {
        System.err.println(
            "usage: MetricsBenchmark " + opt.keySet() + " (each followed by a number)");
        System.exit(2);
      }
      opt.put(args[i], Long.parseLong(args[++i]));
    }
    int n = opt.get("--items").intValue();
    int reps = opt.get("--replicates").intValue();
    int classes = opt.get("--classes").intValue();
    if (classes < 2 || classes > NAMES.length || n < 1 || reps < 1) {
      System.err.println(
          "need 2 <= --classes <= " + NAMES.length + ", --items >= 1, --replicates >= 1");
      System.exit(2);
    }
    LabelSet labels = LabelSet.of(Arrays.copyOf(NAMES, classes));
    List<EvaluationItem> items = items(n, labels, opt.get("--seed"));

    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    int warmup = opt.get("--warmup").intValue();
    int rounds = opt.get("--rounds").intValue();
    double[] wall = new double[rounds];
    double[] cpu = new double[rounds];
    double[] evalWall = new double[rounds];
    Evaluation ev = null;
    ConfidenceInterval ci = null;
    for (int round = -warmup; round < rounds; round++) {
      long c0 = mx.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      ev = Evaluation.of(items, labels);
      long tEval = System.nanoTime();
      ci =
          Bootstrap.withReplicates(reps)
              .seed(round)
              .confidenceInterval(ev, Metric.MACRO_F1_MAJORITY);
      long t1 = System.nanoTime();
      long c1 = mx.getCurrentThreadCpuTime();
      if (round >= 0) {
        wall[round] = (t1 - t0) / 1e9;
        cpu[round] = (c1 - c0) / 1e9;
        evalWall[round] = (tEval - t0) / 1e9;
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("impl", "ser4j");
    out.put("items", n);
    out.put("classes", classes);
    out.put("replicates", reps);
    out.put("rounds", rounds);
    out.put("seconds_median", median(wall));
    out.put("cpu_seconds_median", median(cpu));
    out.put("seconds", wall);
    out.put("evaluation_seconds_median", median(evalWall));
    out.put("n_no_majority", ev.nNoMajority());
    out.put("accuracy", ev.accuracy());
    out.put("macro_f1", ev.macroF1());
    out.put("weighted_f1", ev.weightedF1());
    out.put("uar", ev.uar());
    out.put("macro_f1_annotator_aware", ev.annotatorAwareMacroF1());
    out.put("macro_f1_ci95", List.of(ci.lower(), ci.upper()));
    out.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    out.put("available_processors", Runtime.getRuntime().availableProcessors());
    System.out.println(JsonWriter.compact(out));
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
