package io.ser4j.model.baseline;

import io.ser4j.core.AudioClip;
import io.ser4j.core.LabelDistribution;
import io.ser4j.core.LabelSet;
import io.ser4j.core.Recognition;
import io.ser4j.core.spi.Recognizer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The acoustic baseline as a {@link Recognizer}: one cue analysis per clip, {@link
 * BaselineFeatures}, then the model's {@link LinearHead#GLOBAL global} head (the speaker of a
 * single clip is unknown, so no per-speaker normalisation; this is less accurate on new speakers
 * than the speaker-normalised numbers in {@code docs/results.md}, which also reports the global
 * ones). Returns the full distribution over the candidates, the cues and no transcript or rationale.
 *
 * <p>Immutable and thread-safe: share one instance between threads.
 */
public final class BaselineRecognizer implements Recognizer {
  /** The name reported in recognitions. */
  public static final String NAME = "baseline";

  private final BaselineModel model;
  private final BaselineFeatures features;
  private final String name;

  private BaselineRecognizer(BaselineModel model, String name) {
    this.model = Objects.requireNonNull(model, "model");
    this.features = BaselineFeatures.create();
    this.name = name;
  }

  /** A recognizer on the bundled model. */
  public static BaselineRecognizer bundled() {
    return new BaselineRecognizer(BaselineModel.bundled(), NAME);
  }

  /**
   * A recognizer on a model file.
   *
   * @throws io.ser4j.core.ModelLoadException when the file is missing or not a valid model
   */
  public static BaselineRecognizer load(Path modelFile) {
    return new BaselineRecognizer(BaselineModel.read(modelFile), NAME + ":" + modelFile);
  }

  /** A recognizer on an in-memory model (e.g. one fold of a cross-validation). */
  public static BaselineRecognizer of(BaselineModel model) {
    return new BaselineRecognizer(model, NAME);
  }

  /** The model in use. */
  public BaselineModel model() {
    return model;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public LabelSet labels() {
    return model.labels();
  }

  /**
   * {@inheritDoc}
   *
   * @throws io.ser4j.core.UnknownLabelException when {@code candidates} holds a label the model
   *     does not know
   */
  @Override
  public Recognition recognize(AudioClip clip, LabelSet candidates) {
    Objects.requireNonNull(clip, "clip");
    if (candidates != null) {
      for (var l : candidates) {
        model.labels().require(l.name());
      }
    }
    long t0 = System.nanoTime();
    BaselineFeatures.Result r = features.extract(clip);
    long t1 = System.nanoTime();
    LabelDistribution all =
        LabelDistribution.normalise(model.labels(), model.global().predictProba(r.features()));
    LabelDistribution dist = candidates == null ? all : all.restrictTo(candidates);
    long t2 = System.nanoTime();
    return new Recognition(
        clip.sourceId(),
        name,
        "",
        dist.argmax(),
        dist,
        "",
        r.cues(),
        new Recognition.Timings(Duration.ZERO, Duration.ofNanos(t1 - t0), Duration.ofNanos(t2 - t1)));
  }
}
