package io.ser4j.core;

import java.util.Locale;
import java.util.Objects;

/**
 * An emotion label. Labels are open (corpora differ), compared by their normalised name: trimmed,
 * lower case. Use {@link LabelSet} to say which labels are valid in a given context.
 *
 * @param name the normalised label name, e.g. {@code "anger"}
 */
public record Label(String name) implements Comparable<Label> {
  /** Normalises the name; rejects null and blank names. */
  public Label {
    Objects.requireNonNull(name, "name");
    name = name.trim().toLowerCase(Locale.ROOT);
    if (name.isEmpty()) {
      throw new IllegalArgumentException("label name must not be blank");
    }
  }

  /** Shorthand for {@code new Label(name)}. */
  public static Label of(String name) {
    return new Label(name);
  }

  @Override
  public int compareTo(Label o) {
    return name.compareTo(o.name);
  }

  @Override
  public String toString() {
    return name;
  }
}
