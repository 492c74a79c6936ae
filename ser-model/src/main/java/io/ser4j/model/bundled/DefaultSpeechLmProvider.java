package io.ser4j.model.bundled;

import io.ser4j.core.AudioClip;
import io.ser4j.core.LabelSet;
import io.ser4j.core.ModelLoadException;
import io.ser4j.core.Recognition;
import io.ser4j.core.spi.Recognizer;
import io.ser4j.core.spi.RecognizerProvider;
import io.ser4j.model.speechlm.SpeechLmOptions;
import io.ser4j.model.speechlm.SpeechLmRecognizer;

/**
 * Provides the bundled SpeechLM ({@link BundledSpeechLm}) for the model specification {@code
 * "default"}: {@code ser analyze clip.wav} and {@code RecognizerProvider.open("default")} use it.
 * Rank {@value #RANK}, above the acoustic baseline's −100, which stays available as {@code
 * "baseline"} and answers {@code "default"} only in a build without the bundled model.
 *
 * <p>Stateless; thread-safe. The recognizer it creates is named {@code "default"} in every {@link
 * Recognition} and is as thread-safe as {@link SpeechLmRecognizer} (one clip at a time). Each {@link #create} loads the model anew (close the recognizer).
 */
public final class DefaultSpeechLmProvider implements RecognizerProvider {
  /** This provider's rank. */
  public static final int RANK = 60;
  /** The model specification this provider answers. */
  public static final String SPEC = "default";

  /** Used by {@link java.util.ServiceLoader}. */
  public DefaultSpeechLmProvider() {}

  @Override
  public String name() {
    return "default-speechlm";
  }

  @Override
  public int rank() {
    return RANK;
  }

  @Override
  public boolean supports(String modelSpec) {
    return modelSpec != null && modelSpec.trim().equals(SPEC) && BundledSpeechLm.isAvailable();
  }

  /**
   * Extracts (first use) and loads the bundled checkpoint with {@link SpeechLmOptions#defaults()}
   * (the nine unified labels; the prompt the model was trained with).
   *
   * @throws ModelLoadException when the bundled files are missing or corrupt
   */
  @Override
  public Recognizer create(String modelSpec) {
    return new Named(SpeechLmRecognizer.open(BundledSpeechLm.directory(), SpeechLmOptions.defaults()));
  }

  /** The bundled recognizer under the name {@code "default"} (not its cache directory). */
  private static final class Named implements Recognizer {
    private final SpeechLmRecognizer inner;

    Named(SpeechLmRecognizer inner) {
      this.inner = inner;
    }

    @Override
    public String name() {
      return SPEC;
    }

    @Override
    public LabelSet labels() {
      return inner.labels();
    }

    @Override
    public Recognition recognize(AudioClip clip, LabelSet candidates) {
      Recognition r = inner.recognize(clip, candidates);
      return new Recognition(r.sourceId(), SPEC, r.transcript(), r.label(), r.probabilities(), r.rationale(),
          r.cues(), r.timings());
    }

    @Override
    public void close() {
      inner.close();
    }
  }
}
