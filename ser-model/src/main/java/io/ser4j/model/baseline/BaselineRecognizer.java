package io.ser4j.model.baseline;

import io.ser4j.core.AudioClip;
import io.ser4j.core.LabelDistribution;
import io.ser4j.core.LabelSet;
import io.ser4j.core.Recognition;
import io.ser4j.core.RecognitionException;
import io.ser4j.core.spi.Recognizer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
  /** Fewest clips {@link #recognizeSpeaker} accepts for per-speaker statistics. */
  public static final int MIN_SPEAKER_CLIPS = 5;

  private final BaselineModel model;
  private final BaselineFeatures features;
  private final String name;
  private final boolean contour;

  private BaselineRecognizer(BaselineModel model, String name) {
    this(model, BaselineFeatures.create(), name, false);
  }

  private BaselineRecognizer(BaselineModel model, BaselineFeatures features, String name, boolean contour) {
    this.model = Objects.requireNonNull(model, "model");
    this.features = features;
    this.name = name;
    this.contour = contour;
  }

  /**
   * This recognizer, returning the F0 contour in its cues ({@code true}) or not (the default).
   * The features, and so the probabilities, are the same either way.
   */
  public BaselineRecognizer withContour(boolean includeContour) {
    return includeContour == contour ? this : new BaselineRecognizer(model, features, name, includeContour);
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
    BaselineFeatures.Result r = features.extract(clip, contour);
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

  /** Whether this recognizer's cues carry the F0 contour ({@link #withContour}). */
  public boolean includesContour() {
    return contour;
  }

  /**
   * As {@link #recognize(AudioClip, LabelSet)}, on features already extracted from {@code clip} by
   * {@link BaselineFeatures#create()} (feature set {@link BaselineFeatures#FEATURE_SET}), so a
   * caller that needs the feature vector too (a SpeechLM's cue prefix) analyses the clip once. The
   * result equals {@link #recognize(AudioClip, LabelSet)}'s except for the timings (no feature
   * time) and the cues, which are {@code features}'s (with or without contour as extracted).
   *
   * @param clip the clip the features were extracted from (its id names the recognition)
   * @param features {@code BaselineFeatures.create().extract(clip, ...)}
   * @param candidates labels to choose from, or {@code null} for all
   * @return the recognition
   * @throws RecognitionException when the vector's length is not the feature set's
   * @throws io.ser4j.core.UnknownLabelException for a candidate the model does not know
   */
  public Recognition recognize(AudioClip clip, BaselineFeatures.Result features, LabelSet candidates) {
    Objects.requireNonNull(clip, "clip");
    Objects.requireNonNull(features, "features");
    if (features.features().length != BaselineFeatures.dimension()) {
      throw new RecognitionException(clip.sourceId(), "baseline feature vector of length " + features.features().length
          + ", expected " + BaselineFeatures.dimension());
    }
    if (candidates != null) {
      for (var l : candidates) {
        model.labels().require(l.name());
      }
    }
    long t0 = System.nanoTime();
    LabelDistribution all =
        LabelDistribution.normalise(model.labels(), model.global().predictProba(features.features()));
    LabelDistribution dist = candidates == null ? all : all.restrictTo(candidates);
    long t1 = System.nanoTime();
    return new Recognition(clip.sourceId(), name, "", dist.argmax(), dist, "", features.cues(),
        new Recognition.Timings(Duration.ZERO, Duration.ZERO, Duration.ofNanos(t1 - t0)));
  }

  /**
   * Recognises several clips of <em>one</em> speaker with the model's speaker-normalised head:
   * each feature is z-scored with the mean and sd over these clips (no labels needed), as in
   * training and in the cross-validation of {@code docs/results.md}, where this head is clearly
   * more accurate on unseen speakers than {@link #recognize}. The statistics assume the clips
   * cover the speaker's range of emotions, as a corpus does; on clips that all share one emotion
   * the normalisation removes exactly the signal that separates it, and the results are
   * meaningless.
   *
   * @param clips at least {@value #MIN_SPEAKER_CLIPS} clips of the same speaker
   * @param candidates labels to choose from, or {@code null} for all
   * @return one recognition per clip, in order
   * @throws RecognitionException when there are too few clips or the model has no
   *     speaker-normalised head
   * @throws io.ser4j.core.UnknownLabelException for a candidate the model does not know
   */
  public List<Recognition> recognizeSpeaker(List<AudioClip> clips, LabelSet candidates) {
    Objects.requireNonNull(clips, "clips");
    if (clips.size() < MIN_SPEAKER_CLIPS) {
      throw new RecognitionException(
          clips.isEmpty() ? "clips" : clips.get(0).sourceId(),
          "per-speaker normalisation needs at least " + MIN_SPEAKER_CLIPS + " clips of the speaker, got "
              + clips.size());
    }
    LinearHead head = model.speakerNormalised();
    if (head == null) {
      throw new RecognitionException(name, "this model file has no speaker-normalised head");
    }
    if (candidates != null) {
      for (var l : candidates) {
        model.labels().require(l.name());
      }
    }
    List<BaselineFeatures.Result> results = new ArrayList<>();
    List<double[]> rows = new ArrayList<>();
    long t0 = System.nanoTime();
    for (AudioClip c : clips) {
      BaselineFeatures.Result r = features.extract(c);
      results.add(r);
      rows.add(r.features());
    }
    long perClipFeatures = (System.nanoTime() - t0) / clips.size();
    SpeakerNormaliser norm = SpeakerNormaliser.fit(rows);
    List<Recognition> out = new ArrayList<>();
    for (int i = 0; i < clips.size(); i++) {
      long t1 = System.nanoTime();
      LabelDistribution all =
          LabelDistribution.normalise(model.labels(), head.predictProba(norm.apply(rows.get(i))));
      LabelDistribution dist = candidates == null ? all : all.restrictTo(candidates);
      out.add(
          new Recognition(
              clips.get(i).sourceId(),
              name + " (speaker-normalised)",
              "",
              dist.argmax(),
              dist,
              "",
              results.get(i).cues(),
              new Recognition.Timings(
                  Duration.ZERO, Duration.ofNanos(perClipFeatures), Duration.ofNanos(System.nanoTime() - t1))));
    }
    return out;
  }
}
