package io.ser4j.core.corpus;

import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * One speaker-independent fold: the test speakers' utterances against everyone else's. Immutable
 * and thread-safe. Made by {@link SpeakerFolds}.
 *
 * @param index 0-based fold number
 * @param testSpeakers the held-out speakers (sorted, unmodifiable)
 * @param train utterances of all other speakers, in corpus order
 * @param test utterances of the test speakers, in corpus order
 */
public record Fold(int index, Set<String> testSpeakers, List<Utterance> train, List<Utterance> test) {
  /** Copies the collections. */
  public Fold {
    if (index < 0) {
      throw new IllegalArgumentException("fold index must be >= 0: " + index);
    }
    testSpeakers = Collections.unmodifiableSortedSet(new TreeSet<>(testSpeakers));
    train = List.copyOf(train);
    test = List.copyOf(test);
    Objects.requireNonNull(testSpeakers);
  }

  /** The training utterances as a corpus named {@code "<name>-fold<index>-train"}. */
  public Corpus trainCorpus(String name) {
    return Corpus.of(name + "-fold" + index + "-train", train);
  }

  /** The test utterances as a corpus named {@code "<name>-fold<index>-test"}. */
  public Corpus testCorpus(String name) {
    return Corpus.of(name + "-fold" + index + "-test", test);
  }
}
