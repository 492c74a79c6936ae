package io.ser4j.model.speechlm;

import io.ser4j.core.LabelSet;
import java.util.Objects;

/**
 * Options of a {@link SpeechLmRecognizer}: decoding limits, the default candidate labels, the prompt
 * and the longest accepted clip. Immutable; build with {@link #builder()}.
 *
 * <p>Thread-safety: immutable, safe to share.
 */
public final class SpeechLmOptions {
  /** Default system prompt, as in {@code docs/speechlm-format.md}. */
  public static final String DEFAULT_SYSTEM_PROMPT =
      "You are a speech emotion recognizer. Transcribe the speech, name the speaker's emotion, and"
          + " explain it from what you hear.";

  private final GenerationConfig generationConfig;
  private final LabelSet labels;
  private final String systemPrompt;
  private final String instruction;
  private final boolean promptCues;
  private final boolean rationale;
  private final Double maxAudioSeconds;
  private final SpeechLmDevice device;

  private SpeechLmOptions(Builder b) {
    this.generationConfig = b.generationConfig;
    this.labels = b.labels;
    this.systemPrompt = b.systemPrompt;
    this.instruction = b.instruction;
    this.promptCues = b.promptCues;
    this.rationale = b.rationale;
    this.maxAudioSeconds = b.maxAudioSeconds;
    this.device = b.device;
  }

  /** The defaults: checkpoint generation config, unified labels, default prompt, model's window. */
  public static SpeechLmOptions defaults() {
    return builder().build();
  }

  /**
   * A builder holding the defaults.
   *
   * @throws io.ser4j.core.ModelLoadException if the system property {@value SpeechLmDevice#PROPERTY}
   *     holds an invalid device
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The decoding config (GREEDY or SAMPLE; {@code maxNewTokens} bounds the transcript phase and the
   * rationale phase separately; its stop tokens end the answer), or {@code null} for the checkpoint's
   * {@code generation_config.json} (greedy unless it says {@code do_sample}).
   */
  public GenerationConfig generationConfig() {
    return generationConfig;
  }

  /** The labels offered when a call names no candidates ({@link LabelSet#UNIFIED} by default). */
  public LabelSet labels() {
    return labels;
  }

  /** The system turn's text, or {@code null} for no system turn. */
  public String systemPrompt() {
    return systemPrompt;
  }

  /**
   * A fixed user instruction after the audio line, or {@code null} (default) for the format's own:
   * the {@code Labels:} line of the candidates, the optional {@code Cues:} line and the answer layout.
   */
  public String instruction() {
    return instruction;
  }

  /** Whether the default instruction carries a {@code Cues:} line (default false). */
  public boolean promptCues() {
    return promptCues;
  }

  /** Whether the rationale is generated after the label (default true). */
  public boolean rationale() {
    return rationale;
  }

  /**
   * The longest clip accepted, seconds, or {@code null} (default) for the model's window ({@code
   * 2 * max_source_positions} mel frames, 30 s for real checkpoints); a larger value than the window
   * is capped at the window.
   */
  public Double maxAudioSeconds() {
    return maxAudioSeconds;
  }

  /**
   * Where the model runs: {@link SpeechLmDevice#AUTO} (a GPU when DJL sees one, with float16 weights,
   * else the CPU in float32), {@link SpeechLmDevice#CPU} or a GPU. Default: the system property
   * {@value SpeechLmDevice#PROPERTY} when set (e.g. by {@code ser analyze --device}), else {@code auto}.
   */
  public SpeechLmDevice device() {
    return device;
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.generationConfig = generationConfig;
    b.labels = labels;
    b.systemPrompt = systemPrompt;
    b.instruction = instruction;
    b.promptCues = promptCues;
    b.rationale = rationale;
    b.maxAudioSeconds = maxAudioSeconds;
    b.device = device;
    return b;
  }

  @Override
  public String toString() {
    return "SpeechLmOptions{generation=" + generationConfig + ", labels=" + labels + ", cues="
        + promptCues + ", rationale=" + rationale + ", maxAudioSeconds=" + maxAudioSeconds + ", device=" + device + "}";
  }

  /** Builder of {@link SpeechLmOptions}; not thread-safe. */
  public static final class Builder {
    private GenerationConfig generationConfig;
    private LabelSet labels = LabelSet.UNIFIED;
    private String systemPrompt = DEFAULT_SYSTEM_PROMPT;
    private String instruction;
    private boolean promptCues;
    private boolean rationale = true;
    private Double maxAudioSeconds;
    private SpeechLmDevice device = SpeechLmDevice.fromSystemProperty();

    /** Starts from the defaults; the device defaults to {@link SpeechLmDevice#fromSystemProperty()}. */
    private Builder() {}

    /**
     * Sets the device ({@code auto}, {@code cpu}, {@code gpu[:N]}); a GPU that is not visible makes
     * {@link SpeechLmRecognizer#open} fail with a {@code ModelLoadException}.
     */
    public Builder device(SpeechLmDevice d) {
      this.device = Objects.requireNonNull(d, "device");
      return this;
    }

    /**
     * Sets the decoding config ({@code null}: the checkpoint's).
     *
     * @throws IllegalArgumentException for a BEAM config (the recognizer decodes token by token)
     */
    public Builder generationConfig(GenerationConfig c) {
      if (c != null && c.strategy() == GenerationConfig.Strategy.BEAM) {
        throw new IllegalArgumentException("SpeechLmRecognizer decodes GREEDY or SAMPLE, not BEAM");
      }
      this.generationConfig = c;
      return this;
    }

    /** Sets the default candidate labels (non-empty). */
    public Builder labels(LabelSet l) {
      Objects.requireNonNull(l, "labels");
      if (l.size() == 0) {
        throw new IllegalArgumentException("empty label set");
      }
      this.labels = l;
      return this;
    }

    /** Sets the system prompt ({@code null}: no system turn). */
    public Builder systemPrompt(String s) {
      this.systemPrompt = s;
      return this;
    }

    /** Sets a fixed instruction ({@code null}: the format's own, built from the candidates). */
    public Builder instruction(String s) {
      this.instruction = s;
      return this;
    }

    /** Whether the default instruction includes the clip's {@code Cues:} line. */
    public Builder promptCues(boolean b) {
      this.promptCues = b;
      return this;
    }

    /** Whether to generate the rationale after the label. */
    public Builder rationale(boolean b) {
      this.rationale = b;
      return this;
    }

    /**
     * Sets the longest accepted clip in seconds ({@code null}: the model's window).
     *
     * @throws IllegalArgumentException if not positive and finite
     */
    public Builder maxAudioSeconds(Double s) {
      if (s != null && !(s > 0 && Double.isFinite(s))) {
        throw new IllegalArgumentException("maxAudioSeconds must be positive: " + s);
      }
      this.maxAudioSeconds = s;
      return this;
    }

    /** The options. */
    public SpeechLmOptions build() {
      return new SpeechLmOptions(this);
    }
  }
}
