package io.ser4j.rationale;

/** The outcome of checking one claim against a clip's measured cues. */
public enum Verdict {
  /** The measured cues support the claim. */
  CONSISTENT,
  /** The measured cues contradict the claim. */
  CONTRADICTED,
  /** No measured cue decides the claim (undefined cue, or a proxy that neither supports nor refutes). */
  UNVERIFIABLE
}
