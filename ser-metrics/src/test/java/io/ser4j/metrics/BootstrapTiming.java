package io.ser4j.metrics;

import io.ser4j.core.Label;
import io.ser4j.core.LabelSet;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Not a unit test: times the performance case (all majority and annotator-aware metrics +
 * 1,000 bootstrap replicates of Macro-F1 on 200,000 synthetic items). Run with the test classpath:
 * {@code java -cp ... io.ser4j.metrics.BootstrapTiming [items] [replicates]}.
 */
public final class BootstrapTiming {
  private BootstrapTiming() {}

  /** Entry point. */
  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int reps = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    LabelSet labels = LabelSet.of("anger", "disgust", "fear", "happiness", "neutral", "sadness");
    SplittableRandom rng = new SplittableRandom(1);
    List<EvaluationItem> items = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int m = 4 + rng.nextInt(6);
      int truth = rng.nextInt(labels.size());
      List<Label> ann = new ArrayList<>(m);
      for (int r = 0; r < m; r++) {
        ann.add(labels.get(rng.nextDouble() < 0.6 ? truth : rng.nextInt(labels.size())));
      }
      Label pred = labels.get(rng.nextDouble() < 0.5 ? truth : rng.nextInt(labels.size()));
      items.add(EvaluationItem.of("i" + i, pred, ann).withSpeaker("s" + (i % 91)));
    }
    for (int round = 0; round < 3; round++) {
      java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
      long c0 = mx.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      Evaluation ev = Evaluation.of(items, labels);
      long t1 = System.nanoTime();
      ConfidenceInterval ci =
          Bootstrap.withReplicates(reps).seed(round).confidenceInterval(ev, Metric.MACRO_F1_MAJORITY);
      long t2 = System.nanoTime();
      long c2 = mx.getCurrentThreadCpuTime();
      System.out.printf(
          "round %d: n=%d evaluation (all metrics) %.0f ms, %d replicates of macro-F1 %.0f ms,"
              + " total %.0f ms wall, %.0f ms CPU; macroF1=%.4f ci=[%.4f, %.4f] aware=%.4f%n",
          round, n, (t1 - t0) / 1e6, reps, (t2 - t1) / 1e6, (t2 - t0) / 1e6, (c2 - c0) / 1e6, ev.macroF1(),
          ci.lower(), ci.upper(), ev.annotatorAwareMacroF1());
    }
  }
}
