package io.ser4j.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ordered, immutable set of labels. The order fixes the index of each label in probability
 * vectors and confusion matrices. Thread-safe.
 */
public final class LabelSet implements Iterable<Label> {
  /**
   * The unified label set of the corpora shipped with ser4j (GUIDE §4b): EmoDB's seven labels and
   * RAVDESS's eight under one set of names, in alphabetical order.
   */
  public static final LabelSet UNIFIED =
      LabelSet.of(
          "anger", "boredom", "calm", "disgust", "fear", "happiness", "neutral", "sadness",
          "surprise");

  private final List<Label> labels;
  private final Map<Label, Integer> index;

  private LabelSet(List<Label> labels) {
    this.labels = List.copyOf(labels);
    Map<Label, Integer> idx = new LinkedHashMap<>();
    for (Label l : this.labels) {
      if (idx.putIfAbsent(l, idx.size()) != null) {
        throw new IllegalArgumentException("duplicate label: " + l);
      }
    }
    this.index = Collections.unmodifiableMap(idx);
    if (this.labels.isEmpty()) {
      throw new IllegalArgumentException("a label set needs at least one label");
    }
  }

  /** A label set of these names, in this order. */
  public static LabelSet of(String... names) {
    List<Label> list = new ArrayList<>(names.length);
    for (String n : names) {
      list.add(new Label(n));
    }
    return new LabelSet(list);
  }

  /** A label set of these labels, in iteration order. */
  public static LabelSet of(Collection<Label> labels) {
    return new LabelSet(new ArrayList<>(labels));
  }

  /**
   * Parses a comma-separated list such as {@code "anger,happiness,neutral"}.
   *
   * @throws IllegalArgumentException on an empty list or a duplicate label
   */
  public static LabelSet parse(String commaSeparated) {
    List<Label> list = new ArrayList<>();
    for (String part : commaSeparated.split(",")) {
      if (!part.isBlank()) {
        list.add(new Label(part));
      }
    }
    return new LabelSet(list);
  }

  /** Number of labels. */
  public int size() {
    return labels.size();
  }

  /** The label at position {@code i}. */
  public Label get(int i) {
    return labels.get(i);
  }

  /** The position of {@code label}, or -1. */
  public int indexOf(Label label) {
    Integer i = index.get(label);
    return i == null ? -1 : i;
  }

  /** True when the set holds {@code label}. */
  public boolean contains(Label label) {
    return index.containsKey(label);
  }

  /**
   * The label of this set named {@code name} (case-insensitive).
   *
   * @throws UnknownLabelException if there is none; the message lists the valid labels
   */
  public Label require(String name) {
    Label l = new Label(name);
    if (!contains(l)) {
      throw new UnknownLabelException(name, "unknown label; expected one of " + labels);
    }
    return l;
  }

  /** The labels, in order. */
  public List<Label> labels() {
    return labels;
  }

  @Override
  public Iterator<Label> iterator() {
    return labels.iterator();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LabelSet s && s.labels.equals(labels);
  }

  @Override
  public int hashCode() {
    return labels.hashCode();
  }

  @Override
  public String toString() {
    return labels.toString();
  }
}
