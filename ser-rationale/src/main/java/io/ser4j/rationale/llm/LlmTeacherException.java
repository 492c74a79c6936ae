package io.ser4j.rationale.llm;

import io.ser4j.core.TeacherException;
import java.util.Objects;

/**
 * The LLM teacher could not produce a valid rationale for one utterance. {@link #input()} is the
 * utterance id, {@link #reason()} says what went wrong, and the message names the endpoint and the
 * last problem seen. Messages never contain the API key (server text is redacted before it is
 * quoted).
 */
public class LlmTeacherException extends TeacherException {
  private static final long serialVersionUID = 1L;

  /** Why no rationale was produced. */
  public enum Reason {
    /** The input has no majority label to explain (not sent). */
    NO_LABEL(false),
    /** The endpoint stayed unavailable: 429, 5xx, timeouts or connection faults after all retries. */
    UNAVAILABLE(false),
    /**
     * The endpoint refused the request with a non-retryable HTTP status (400, 401, 403, 404, ...):
     * every further request would fail the same way.
     */
    HTTP_ERROR(true),
    /** The HTTP body is not a Chat Completions reply (no {@code choices[0].message.content}). */
    BAD_ENVELOPE(false),
    /** The model's reply is not a JSON object. */
    NOT_JSON(false),
    /** The reply was cut off ({@code finish_reason: length}, or JSON ending early). */
    TRUNCATED(false),
    /** The reply's JSON lacks a string {@code label} or {@code rationale}. */
    MISSING_FIELD(false),
    /** The reply's label is not the majority label it was asked to explain. */
    WRONG_LABEL(false),
    /** The rationale is empty or blank. */
    EMPTY(false),
    /** The rationale is shorter than the configured minimum. */
    TOO_SHORT(false),
    /** The rationale is longer than the configured maximum. */
    TOO_LONG(false),
    /** The faithfulness checker found a contradicted acoustic claim (REJECT mode). */
    UNFAITHFUL(false),
    /** The thread was interrupted while waiting. */
    INTERRUPTED(true),
    /** An unexpected error inside the teacher (a bug); the message says which. */
    INTERNAL(false);

    private final boolean fatal;

    Reason(boolean fatal) {
      this.fatal = fatal;
    }

    /**
     * True when the failure will recur for every further utterance (bad key, unknown model, bad
     * request, interruption), so a batch should stop submitting.
     */
    public boolean fatal() {
      return fatal;
    }

    /** True for the reasons that describe an invalid reply (retried with a corrective message). */
    public boolean invalidReply() {
      return switch (this) {
        case NOT_JSON, TRUNCATED, MISSING_FIELD, WRONG_LABEL, EMPTY, TOO_SHORT, TOO_LONG, UNFAITHFUL ->
            true;
        default -> false;
      };
    }
  }

  private final Reason reason;

  /**
   * @param utteranceId the utterance concerned
   * @param reason why it failed
   * @param problem what is wrong, in plain words (never the key)
   */
  public LlmTeacherException(String utteranceId, Reason reason, String problem) {
    this(utteranceId, reason, problem, null);
  }

  /**
   * @param utteranceId the utterance concerned
   * @param reason why it failed
   * @param problem what is wrong, in plain words (never the key)
   * @param cause the underlying exception (its message must not contain the key), or null
   */
  public LlmTeacherException(String utteranceId, Reason reason, String problem, Throwable cause) {
    super(utteranceId, problem, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** The utterance id (same as {@link #input()}). */
  public String utteranceId() {
    return input();
  }

  /** Why no rationale was produced. */
  public Reason reason() {
    return reason;
  }
}
