package io.ser4j.core.corpus;

import io.ser4j.core.ManifestException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Speaker-independent cross-validation folds: no speaker is ever in both the training and the test
 * part of a fold, and every utterance is in the test part of exactly one fold.
 *
 * <p>Algorithm (stable across Java versions, because {@link java.util.Random}'s generator is
 * specified): take the corpus's sorted speaker ids; shuffle them with a Fisher–Yates pass driven by
 * {@code new Random(seed)} ({@code for i = n-1 .. 1: j = random.nextInt(i + 1); swap(i, j)}); cut
 * the shuffled list into consecutive groups. Group {@code g} is the test set of fold {@code g}.
 *
 * <p>Every utterance needs a speaker: a corpus with utterances whose speaker is empty is rejected
 * (filter them out first, e.g. {@code corpus.filter(u -> !u.speaker().isEmpty())}). Stateless;
 * thread-safe.
 */
public final class SpeakerFolds {
  private SpeakerFolds() {}

  /**
   * Leave-k-speakers-out: the shuffled speakers cut into groups of {@code k}, so there are {@code
   * ceil(n / k)} folds and the last group holds the remaining {@code n - k * (ceil(n / k) - 1)}
   * speakers. With {@code k = 1} this is leave-one-speaker-out.
   *
   * @param corpus the corpus; every utterance must have a speaker
   * @param k speakers per test group, at least 1
   * @param seed seed of the speaker shuffle
   * @return the folds, in group order
   * @throws IllegalArgumentException when {@code k < 1}
   * @throws ManifestException when an utterance has no speaker, or when {@code k} is not smaller
   *     than the number of speakers (no training speaker would be left)
   */
  public static List<Fold> leaveKSpeakersOut(Corpus corpus, int k, long seed) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1: " + k);
    }
    List<String> speakers = shuffledSpeakers(corpus, seed);
    int n = speakers.size();
    if (k >= n) {
      throw new ManifestException(
          corpus.name(),
          "cannot leave " + k + " speakers out of " + n + ": no training speaker would remain");
    }
    List<List<String>> groups = new ArrayList<>();
    for (int from = 0; from < n; from += k) {
      groups.add(speakers.subList(from, Math.min(n, from + k)));
    }
    return build(corpus, groups);
  }

  /**
   * Speaker k-fold: the shuffled speakers cut into {@code folds} consecutive groups whose sizes
   * differ by at most one (the first {@code n % folds} groups get one more). EmoDB's 8 speakers in 4
   * folds give 4 groups of 2; RAVDESS's 20 actors in 5 folds give 5 groups of 4.
   *
   * @param corpus the corpus; every utterance must have a speaker
   * @param folds number of folds, at least 2
   * @param seed seed of the speaker shuffle
   * @return the folds
   * @throws IllegalArgumentException when {@code folds < 2}
   * @throws ManifestException when an utterance has no speaker or there are fewer speakers than
   *     folds
   */
  public static List<Fold> kFolds(Corpus corpus, int folds, long seed) {
    if (folds < 2) {
      throw new IllegalArgumentException("folds must be at least 2: " + folds);
    }
    List<String> speakers = shuffledSpeakers(corpus, seed);
    int n = speakers.size();
    if (folds > n) {
      throw new ManifestException(
          corpus.name(), "cannot make " + folds + " speaker folds from " + n + " speakers");
    }
    List<List<String>> groups = new ArrayList<>();
    int from = 0;
    for (int g = 0; g < folds; g++) {
      int size = n / folds + (g < n % folds ? 1 : 0);
      groups.add(speakers.subList(from, from + size));
      from += size;
    }
    return build(corpus, groups);
  }

  /**
   * One fold holding out exactly {@code testSpeakers} (e.g. a fixed validation split).
   *
   * @throws ManifestException when a test speaker is not in the corpus or an utterance has no
   *     speaker
   */
  public static Fold holdOut(Corpus corpus, Set<String> testSpeakers, int index) {
    requireSpeakers(corpus);
    for (String s : testSpeakers) {
      if (!corpus.speakers().contains(s)) {
        throw new ManifestException(
            corpus.name(), "speaker \"" + s + "\" is not in the corpus; speakers are "
                + corpus.speakers());
      }
    }
    return split(corpus, testSpeakers, index);
  }

  /** The corpus's speakers, sorted, then shuffled with {@code seed} as documented above. */
  public static List<String> shuffledSpeakers(Corpus corpus, long seed) {
    requireSpeakers(corpus);
    List<String> speakers = new ArrayList<>(corpus.speakers());
    Random random = new Random(seed);
    for (int i = speakers.size() - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      String t = speakers.get(i);
      speakers.set(i, speakers.get(j));
      speakers.set(j, t);
    }
    return speakers;
  }

  private static void requireSpeakers(Corpus corpus) {
    long noSpeaker = corpus.utterances().stream().filter(u -> u.speaker().isEmpty()).count();
    if (noSpeaker > 0) {
      String first =
          corpus.utterances().stream().filter(u -> u.speaker().isEmpty()).findFirst().get().id();
      throw new ManifestException(
          corpus.name(),
          noSpeaker + " utterance(s) have no speaker (first: \"" + first
              + "\"); speaker-independent folds need one for every utterance");
    }
  }

  private static List<Fold> build(Corpus corpus, List<List<String>> groups) {
    List<Fold> out = new ArrayList<>(groups.size());
    for (int g = 0; g < groups.size(); g++) {
      out.add(split(corpus, new HashSet<>(groups.get(g)), g));
    }
    return List.copyOf(out);
  }

  private static Fold split(Corpus corpus, Set<String> test, int index) {
    List<Utterance> train = new ArrayList<>();
    List<Utterance> testUtts = new ArrayList<>();
    for (Utterance u : corpus.utterances()) {
      (test.contains(u.speaker()) ? testUtts : train).add(u);
    }
    return new Fold(index, test, train, testUtts);
  }
}
