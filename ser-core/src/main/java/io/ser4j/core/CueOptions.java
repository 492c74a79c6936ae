package io.ser4j.core;

/**
 * What the facade returns of the acoustic cues a recognizer measures. Immutable.
 *
 * @param include attach the measured {@link Cues} to each {@link Recognition} (default true);
 *     false drops them from the result (they may still be measured, since models such as the
 *     acoustic baseline need them)
 * @param contour also return the F0 contour ({@link Cues#contour()}, 10 ms hop) when the
 *     recognizer measures cues itself (default false); passed to the provider, which honours it
 *     when it can (the baseline does; remote models measure no cues)
 */
public record CueOptions(boolean include, boolean contour) {
  /** Cues without the contour. */
  public static final CueOptions DEFAULTS = new CueOptions(true, false);

  /** No cues in the results. */
  public static final CueOptions NONE = new CueOptions(false, false);

  /** Cues and the F0 contour. */
  public static final CueOptions WITH_CONTOUR = new CueOptions(true, true);
}
