package io.ser4j.examples.evaluation;

import io.ser4j.core.Label;
import io.ser4j.core.LabelDistribution;
import io.ser4j.core.LabelSet;
import io.ser4j.core.corpus.Corpora;
import io.ser4j.core.corpus.Corpus;
import io.ser4j.core.corpus.Modality;
import io.ser4j.core.corpus.Utterance;
import io.ser4j.metrics.Bootstrap;
import io.ser4j.metrics.ConfidenceInterval;
import io.ser4j.metrics.Evaluation;
import io.ser4j.metrics.EvaluationItem;
import io.ser4j.metrics.Metric;
import io.ser4j.metrics.PairedTestResult;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Custom evaluation code with ser-metrics on CREMA-D's crowd votes (no audio needed): how well does
 * what an actor <i>intended</i> (the emotion in the file name) match what listeners <i>heard</i>?
 * Three "systems" are scored against the voice-only votes of every clip:
 *
 * <ul>
 *   <li>{@code intended}: the actor's intended emotion;
 *   <li>{@code prior}: always the most frequent majority label, with the corpus-wide vote shares as
 *       its distribution (a floor any model must beat);
 *   <li>{@code one listener}: one listener's vote, drawn with a seed and held out of that clip's
 *       references (a human ceiling; its references have one vote fewer, so it is reported beside
 *       the others, not tested against them).
 * </ul>
 *
 * <p>It prints majority and annotator-aware Macro-F1 side by side (GUIDE §5), soft-label scores,
 * annotator agreement, bootstrap intervals and a paired bootstrap test of {@code intended} against
 * {@code prior}.
 *
 * <p>Run: {@code mvn -q -pl ser-examples -am compile exec:java@evaluation
 * -Dexec.args="../shared/data/crema-d 1000"} (arguments: {@code CREMA_D_DIR [BOOTSTRAP_REPLICATES
 * [MAX_CLIPS]]}).
 */
public final class CremaDEvaluationExample {
  /** The six CREMA-D categories, in the unified names. */
  public static final LabelSet LABELS =
      LabelSet.of("anger", "disgust", "fear", "happiness", "neutral", "sadness");
  /** Seed of the held-out listener draw and of the bootstrap. */
  public static final long SEED = 42L;

  private CremaDEvaluationExample() {}

  /**
   * The three systems' evaluations and the paired test.
   *
   * @param intended the actor's intended emotion against all votes
   * @param prior the constant prior against all votes
   * @param oneListener one held-out listener against the other votes
   * @param intendedVsPrior paired bootstrap test on majority Macro-F1
   */
  public record Outcome(
      Evaluation intended, Evaluation prior, Evaluation oneListener, PairedTestResult intendedVsPrior) {}

  /**
   * Entry point.
   *
   * @param args {@code CREMA_D_DIR [BOOTSTRAP_REPLICATES [MAX_CLIPS]]}
   */
  public static void main(String[] args) {
    if (args.length < 1) {
      System.err.println("usage: CremaDEvaluationExample CREMA_D_DIR [BOOTSTRAP_REPLICATES [MAX_CLIPS]]");
      return;
    }
    int replicates = args.length > 1 ? Integer.parseInt(args[1]) : Bootstrap.DEFAULT_REPLICATES;
    int maxClips = args.length > 2 ? Integer.parseInt(args[2]) : Integer.MAX_VALUE;
    run(Path.of(args[0]), replicates, maxClips, System.out);
  }

  /**
   * Reads the votes, scores the three systems and prints a report.
   *
   * @param cremaDir the folder holding {@code tabulatedVotes.csv}
   * @param replicates bootstrap replicates (e.g. 1000)
   * @param maxClips use at most this many clips (in file order), e.g. for a quick look
   * @param out where to print
   * @return the evaluations
   * @throws io.ser4j.core.ManifestException when the votes cannot be read
   */
  public static Outcome run(Path cremaDir, int replicates, int maxClips, PrintStream out) {
    Corpus votes = Corpora.readCremaD(cremaDir, Modality.VOICE);
    List<Utterance> clips = votes.utterances().subList(0, Math.min(maxClips, votes.size()));
    Label priorLabel = mostFrequentMajority(clips);
    LabelDistribution priorDist = voteShares(clips);
    SplittableRandom random = new SplittableRandom(SEED);

    List<EvaluationItem> intended = new ArrayList<>();
    List<EvaluationItem> prior = new ArrayList<>();
    List<EvaluationItem> oneListener = new ArrayList<>();
    for (Utterance u : clips) {
      List<Label> all = u.annotations();
      Label actor = Label.of(u.meta().get("intended"));
      intended.add(EvaluationItem.of(u.id(), actor, all).withDistribution(oneHot(actor)).withSpeaker(u.speaker()));
      prior.add(EvaluationItem.of(u.id(), priorLabel, all).withDistribution(priorDist).withSpeaker(u.speaker()));
      if (all.size() >= 2) {
        int held = random.nextInt(all.size());
        List<Label> others = new ArrayList<>(all);
        Label listener = others.remove(held);
        oneListener.add(
            EvaluationItem.of(u.id(), listener, others).withDistribution(oneHot(listener)).withSpeaker(u.speaker()));
      }
    }
    Evaluation evIntended = Evaluation.of(intended, LABELS);
    Evaluation evPrior = Evaluation.of(prior, LABELS);
    Evaluation evListener = Evaluation.of(oneListener, LABELS);
    Bootstrap bootstrap = Bootstrap.withReplicates(replicates).seed(SEED);
    PairedTestResult test = bootstrap.pairedTest(evIntended, evPrior, Metric.MACRO_F1_MAJORITY);

    out.printf(Locale.ROOT, "CREMA-D voice-only votes: %d clips, %d without a majority, labels %s%n",
        evIntended.n(), evIntended.nNoMajority(), LABELS);
    out.printf(Locale.ROOT, "listener agreement: Fleiss kappa %.3f, Krippendorff alpha %.3f%n",
        evIntended.fleissKappa(), evIntended.krippendorffAlpha());
    out.printf(Locale.ROOT, "%-13s %-20s %-20s %-9s %-9s%n",
        "system", "macro-F1 majority", "macro-F1 annot-aware", "soft acc", "JS sim");
    Map<String, Evaluation> systems = new LinkedHashMap<>();
    systems.put("intended", evIntended);
    systems.put("prior", evPrior);
    systems.put("one listener", evListener);
    for (Map.Entry<String, Evaluation> e : systems.entrySet()) {
      Evaluation ev = e.getValue();
      ConfidenceInterval ci = bootstrap.confidenceInterval(ev, Metric.MACRO_F1_MAJORITY);
      out.printf(Locale.ROOT, "%-13s %.3f [%.3f, %.3f]  %-20.3f %-9.3f %-9.3f%n",
          e.getKey(), ev.macroF1(), ci.lower(), ci.upper(), ev.annotatorAwareMacroF1(), ev.softAccuracy(),
          ev.jsSimilarity());
    }
    out.printf(Locale.ROOT, "intended vs prior, majority macro-F1: difference %+.3f, paired bootstrap p = %.4f (%d replicates)%n",
        test.difference(), test.pValue(), test.replicates());
    return new Outcome(evIntended, evPrior, evListener, test);
  }

  private static LabelDistribution oneHot(Label label) {
    double[] p = new double[LABELS.size()];
    p[LABELS.indexOf(label)] = 1.0;
    return LabelDistribution.of(LABELS, p);
  }

  private static Label mostFrequentMajority(List<Utterance> clips) {
    int[] counts = new int[LABELS.size()];
    for (Utterance u : clips) {
      if (u.majority() != null) {
        counts[LABELS.indexOf(u.majority())]++;
      }
    }
    int best = 0;
    for (int i = 1; i < counts.length; i++) {
      if (counts[i] > counts[best]) {
        best = i;
      }
    }
    return LABELS.get(best);
  }

  private static LabelDistribution voteShares(List<Utterance> clips) {
    double[] shares = new double[LABELS.size()];
    for (Utterance u : clips) {
      for (Label l : u.annotations()) {
        shares[LABELS.indexOf(l)]++;
      }
    }
    return LabelDistribution.normalise(LABELS, shares);
  }
}
