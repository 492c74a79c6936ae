package io.ser4j.core.corpus;

import io.ser4j.core.Label;
import io.ser4j.core.LabelSet;
import io.ser4j.core.ManifestException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * A named, ordered list of utterances with unique ids. Immutable and thread-safe; every operation
 * returns a new corpus. Read one with {@link Corpora}.
 */
public final class Corpus {
  private final String name;
  private final List<Utterance> utterances;
  private final Map<String, Utterance> byId;

  /**
   * What {@link #checkAudio()} found.
   *
   * @param present utterances whose audio file exists, in corpus order
   * @param missing utterances whose audio file does not exist (or is not a regular file)
   */
  public record AudioCheck(List<Utterance> present, List<Utterance> missing) {
    /** Copies the lists. */
    public AudioCheck {
      present = List.copyOf(present);
      missing = List.copyOf(missing);
    }

    /** True when every audio file exists. */
    public boolean allPresent() {
      return missing.isEmpty();
    }
  }

  private Corpus(String name, List<Utterance> utterances) {
    this.name = Objects.requireNonNull(name, "name");
    this.utterances = List.copyOf(utterances);
    Map<String, Utterance> idx = new HashMap<>();
    for (Utterance u : this.utterances) {
      if (idx.putIfAbsent(u.id(), u) != null) {
        throw new ManifestException(name, "duplicate utterance id \"" + u.id() + "\"");
      }
    }
    this.byId = Collections.unmodifiableMap(idx);
  }

  /**
   * A corpus of these utterances, in this order.
   *
   * @throws ManifestException when two utterances share an id
   */
  public static Corpus of(String name, List<Utterance> utterances) {
    return new Corpus(name, utterances);
  }

  /**
   * Joins corpora (e.g. EmoDB and RAVDESS under the unified label set) into one named corpus.
   *
   * @throws ManifestException when two utterances share an id
   */
  public static Corpus concat(String name, List<Corpus> parts) {
    List<Utterance> all = new ArrayList<>();
    for (Corpus c : parts) {
      all.addAll(c.utterances);
    }
    return new Corpus(name, all);
  }

  /** The corpus name (e.g. {@code "emodb"}, or a manifest's file name without extension). */
  public String name() {
    return name;
  }

  /** The utterances, in order (unmodifiable). */
  public List<Utterance> utterances() {
    return utterances;
  }

  /** Number of utterances. */
  public int size() {
    return utterances.size();
  }

  /** The utterance with this id, if any. */
  public Optional<Utterance> find(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  /**
   * Every label seen in majority labels and annotations, sorted by name (may be empty; may hold
   * labels outside {@link LabelSet#UNIFIED} such as {@code contempt}).
   */
  public SortedSet<Label> labelsSeen() {
    SortedSet<Label> s = new TreeSet<>();
    for (Utterance u : utterances) {
      if (u.majority() != null) {
        s.add(u.majority());
      }
      s.addAll(u.annotations());
    }
    return Collections.unmodifiableSortedSet(s);
  }

  /**
   * The labels seen, as a {@link LabelSet} in name order.
   *
   * @throws ManifestException when the corpus holds no label at all
   */
  public LabelSet labels() {
    SortedSet<Label> seen = labelsSeen();
    if (seen.isEmpty()) {
      throw new ManifestException(name, "the corpus has no labels");
    }
    return LabelSet.of(seen);
  }

  /** Count of each majority label, sorted by label; utterances without one are not counted. */
  public SortedMap<Label, Integer> majorityCounts() {
    SortedMap<Label, Integer> m = new TreeMap<>();
    for (Utterance u : utterances) {
      if (u.majority() != null) {
        m.merge(u.majority(), 1, Integer::sum);
      }
    }
    return Collections.unmodifiableSortedMap(m);
  }

  /** The non-empty speaker identifiers, sorted. */
  public SortedSet<String> speakers() {
    SortedSet<String> s = new TreeSet<>();
    for (Utterance u : utterances) {
      if (!u.speaker().isEmpty()) {
        s.add(u.speaker());
      }
    }
    return Collections.unmodifiableSortedSet(s);
  }

  /**
   * Utterances grouped by speaker, speakers sorted, utterances in corpus order; utterances without
   * a speaker are grouped under the empty string.
   */
  public SortedMap<String, List<Utterance>> bySpeaker() {
    SortedMap<String, List<Utterance>> m = new TreeMap<>();
    for (Utterance u : utterances) {
      m.computeIfAbsent(u.speaker(), k -> new ArrayList<>()).add(u);
    }
    SortedMap<String, List<Utterance>> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k, List.copyOf(v)));
    return Collections.unmodifiableSortedMap(out);
  }

  /** The utterances that satisfy {@code keep}, as a corpus of the same name. */
  public Corpus filter(Predicate<? super Utterance> keep) {
    List<Utterance> out = new ArrayList<>();
    for (Utterance u : utterances) {
      if (keep.test(u)) {
        out.add(u);
      }
    }
    return new Corpus(name, out);
  }

  /** The utterances of the corpus's own split {@code split} (e.g. MSP-Podcast's "Train"). */
  public Corpus split(String split) {
    return filter(u -> u.split().equals(split));
  }

  /** The corpus's split names with their sizes, in first-seen order (empty name included). */
  public Map<String, Integer> splitSizes() {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (Utterance u : utterances) {
      m.merge(u.split(), 1, Integer::sum);
    }
    return Collections.unmodifiableMap(m);
  }

  /** The same utterances under another name. */
  public Corpus withName(String newName) {
    return new Corpus(newName, utterances);
  }

  /**
   * Checks every utterance's audio file and reports, per item, which exist. Never throws for a
   * missing or unreadable file: such an utterance is simply listed in {@link
   * AudioCheck#missing()}.
   */
  public AudioCheck checkAudio() {
    List<Utterance> present = new ArrayList<>();
    List<Utterance> missing = new ArrayList<>();
    for (Utterance u : utterances) {
      boolean exists;
      try {
        exists = u.audioExists();
      } catch (SecurityException e) {
        exists = false;
      }
      (exists ? present : missing).add(u);
    }
    return new AudioCheck(present, missing);
  }

  /** The utterances whose audio file does not exist (see {@link #checkAudio()}). */
  public List<Utterance> missingAudio() {
    return checkAudio().missing();
  }

  /** The utterances whose audio file exists, as a corpus of the same name. */
  public Corpus withAudioPresent() {
    return new Corpus(name, checkAudio().present());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Corpus c && c.name.equals(name) && c.utterances.equals(utterances);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + utterances.hashCode();
  }

  @Override
  public String toString() {
    return "Corpus[" + name + ", " + utterances.size() + " utterances, " + speakers().size()
        + " speakers]";
  }
}
