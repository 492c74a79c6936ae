package io.ser4j.rationale;

import java.util.Objects;

/**
 * One record of a {@link RationaleStore}: a rationale, or a failure to produce one.
 *
 * @param key utterance &times; teacher &times; version
 * @param status {@link Status#OK} or {@link Status#FAILED}
 * @param label the label explained (empty for failures)
 * @param text the rationale (empty for failures)
 * @param seed the teacher's seed
 * @param error the failure message (empty for OK records)
 */
public record StoredRationale(
    RationaleKey key, Status status, String label, String text, long seed, String error) {

  /** Record status. */
  public enum Status {
    /** A rationale was produced. */
    OK,
    /** The teacher (or the audio) failed; retried on resume. */
    FAILED
  }

  /** Validates. */
  public StoredRationale {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(error, "error");
  }

  /** The record of a produced rationale. */
  public static StoredRationale ok(Rationale r) {
    return new StoredRationale(r.key(), Status.OK, r.label().name(), r.text(), r.seed(), "");
  }

  /** The record of a failure. */
  public static StoredRationale failed(RationaleKey key, long seed, String error) {
    return new StoredRationale(key, Status.FAILED, "", "", seed, error);
  }
}
