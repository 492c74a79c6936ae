package io.ser4j.core.facade;

import io.ser4j.core.AudioClip;
import io.ser4j.core.LabelDistribution;
import io.ser4j.core.LabelSet;
import io.ser4j.core.Recognition;
import io.ser4j.core.RecognitionException;
import io.ser4j.core.spi.Recognizer;
import io.ser4j.core.spi.RecognizerOptions;
import io.ser4j.core.spi.RecognizerProvider;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real (tiny) recognizer for the facade's unit tests, registered through the test class path's
 * META-INF/services: "loudness" labels a clip {@code loud} or {@code quiet} from its RMS level,
 * p(loud) = 1 / (1 + exp(-(dBFS + 30) / 5)). "loudness-unsafe" is the same but declares itself not
 * thread-safe and records the highest concurrency it saw. "loudness-gated" waits on {@link #GATE}
 * before answering (for cancellation tests). The last options passed are kept in {@link #LAST_OPTIONS}.
 */
public final class LoudnessProvider implements RecognizerProvider {
  static final LabelSet LABELS = LabelSet.of("loud", "quiet");
  static volatile RecognizerOptions LAST_OPTIONS;
  static final AtomicInteger ACTIVE = new AtomicInteger();
  static final AtomicInteger MAX_ACTIVE = new AtomicInteger();
  static volatile CountDownLatch GATE = new CountDownLatch(0);
  static final AtomicInteger STARTED = new AtomicInteger();

  /** Used by ServiceLoader. */
  public LoudnessProvider() {}

  @Override
  public String name() {
    return "loudness-test";
  }

  @Override
  public boolean supports(String modelSpec) {
    return modelSpec.startsWith("loudness");
  }

  @Override
  public Recognizer create(String modelSpec) {
    return create(modelSpec, RecognizerOptions.DEFAULTS);
  }

  @Override
  public Recognizer create(String modelSpec, RecognizerOptions options) {
    LAST_OPTIONS = options;
    boolean safe = !modelSpec.equals("loudness-unsafe");
    boolean gated = modelSpec.equals("loudness-gated");
    return new Recognizer() {
      @Override
      public String name() {
        return modelSpec;
      }

      @Override
      public LabelSet labels() {
        return LABELS;
      }

      @Override
      public boolean isThreadSafe() {
        return safe;
      }

      @Override
      public Recognition recognize(AudioClip clip, LabelSet candidates) {
        int now = ACTIVE.incrementAndGet();
        MAX_ACTIVE.accumulateAndGet(now, Math::max);
        STARTED.incrementAndGet();
        try {
          if (gated && !GATE.await(10, TimeUnit.SECONDS)) {
            throw new RecognitionException(clip.sourceId(), "gate never opened");
          }
          if (!safe) {
            Thread.sleep(2);
          }
          if (clip.isEmpty()) {
            throw new RecognitionException(clip.sourceId(), "empty clip");
          }
          double sum = 0;
          for (int i = 0; i < clip.length(); i++) {
            sum += clip.sample(i) * (double) clip.sample(i);
          }
          double db = 10 * Math.log10(Math.max(sum / clip.length(), 1e-20));
          double loud = 1 / (1 + Math.exp(-(db + 30) / 5));
          LabelDistribution d = LabelDistribution.of(LABELS, new double[] {loud, 1 - loud});
          if (candidates != null) {
            d = d.restrictTo(candidates);
          }
          return new Recognition(clip.sourceId(), modelSpec, "", d.argmax(), d, "", null, null);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new RecognitionException(clip.sourceId(), "interrupted");
        } finally {
          ACTIVE.decrementAndGet();
        }
      }
    };
  }
}
