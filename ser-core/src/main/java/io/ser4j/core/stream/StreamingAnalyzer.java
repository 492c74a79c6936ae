package io.ser4j.core.stream;

import io.ser4j.core.AudioClip;
import io.ser4j.core.LabelDistribution;
import io.ser4j.core.Recognition;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Analyses a PCM stream as it arrives: sliding windows ({@link StreamOptions#windowSeconds()} long,
 * one every {@link StreamOptions#hopSeconds()}) are recognised as soon as their samples are in; a
 * running distribution is smoothed exponentially over the speech windows (time constant {@link
 * StreamOptions#smoothingSeconds()}, weight {@code 1 - exp(-hop/tau)} per window); a {@link
 * VoiceActivityDetector} cuts the stream into utterances, each recognised as a whole when it ends.
 * Results go to a {@link StreamListener} in time order, timestamps in seconds from the first sample.
 *
 * <p>Memory is bounded by the window plus the longest utterance ({@link
 * VadOptions#maxSegmentSeconds()}), whatever the stream's length. Windows with less speech than
 * {@link StreamOptions#minSpeechFraction()} are reported as silence without calling the
 * recognizer. At {@link #finish()} a last window ending at the end of the stream is analysed when
 * at least half a hop of audio came after the last full window (or the whole stream, when it was
 * shorter than one window but at least {@link StreamOptions#MIN_WINDOW_SECONDS}).
 *
 * <p>Not thread-safe: feed it from one thread (the recognizer it calls may itself be shared).
 */
public final class StreamingAnalyzer implements AutoCloseable {
  private final int sampleRate;
  private final String sourceId;
  private final StreamOptions options;
  private final ClipRecognizer recognizer;
  private final StreamListener listener;
  private final VoiceActivityDetector vad;
  private final int windowSamples;
  private final int hopSamples;
  private final double smoothingWeight;

  private final SampleBuffer buffer = new SampleBuffer();
  private final FrameFlags frames = new FrameFlags();
  private final List<SpeechSegment> segments = new ArrayList<>();
  private long nextWindowStart;
  private long lastWindowEnd;
  private int windowCount;
  private int speechWindows;
  private double[] smoothed;
  private LabelDistribution smoothedDist;
  private boolean finished;
  private StreamSummary summary;

  private StreamingAnalyzer(
      int sampleRate, String sourceId, StreamOptions options, ClipRecognizer recognizer,
      StreamListener listener) {
    this.sampleRate = sampleRate;
    this.sourceId = sourceId;
    this.options = options;
    this.recognizer = recognizer;
    this.listener = listener;
    this.windowSamples = (int) Math.round(options.windowSeconds() * sampleRate);
    this.hopSamples = Math.max(1, (int) Math.round(options.hopSeconds() * sampleRate));
    this.smoothingWeight =
        options.smoothingSeconds() == 0 ? 1.0 : 1 - Math.exp(-options.hopSeconds() / options.smoothingSeconds());
    this.vad =
        new VoiceActivityDetector(
            sampleRate, sourceId, options.vad(),
            new VoiceActivityDetector.Listener() {
              @Override
              public void onFrame(long frameIndex, double levelDb, boolean active) {
                frames.set(frameIndex, active);
              }

              @Override
              public void onSegment(long startSample, long endSample) {
                segmentEnded(startSample, endSample);
              }
            });
  }

  /**
   * A new analyzer.
   *
   * @param sampleRate samples per second of the PCM that will be fed, &gt; 0
   * @param sourceId the stream's name (used in recognitions and messages)
   * @param options windows, smoothing and VAD
   * @param recognizer recognises windows and utterances
   * @param listener receives the results
   * @throws IllegalArgumentException if the rate is not positive or the window is shorter than 2
   *     samples at this rate
   */
  public static StreamingAnalyzer create(
      int sampleRate, String sourceId, StreamOptions options, ClipRecognizer recognizer,
      StreamListener listener) {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(recognizer, "recognizer");
    Objects.requireNonNull(listener, "listener");
    if (sampleRate <= 0) {
      throw new IllegalArgumentException("sample rate must be positive, got " + sampleRate);
    }
    if (options.windowSeconds() * sampleRate < 2) {
      throw new IllegalArgumentException("window too short for " + sampleRate + " Hz");
    }
    return new StreamingAnalyzer(
        sampleRate, sourceId == null ? "<stream>" : sourceId, options, recognizer, listener);
  }

  /** Samples per second of the input. */
  public int sampleRate() {
    return sampleRate;
  }

  /** Seconds of audio consumed so far. */
  public double positionSeconds() {
    return vad.samplesSeen() / (double) sampleRate;
  }

  /** Feeds all of {@code pcm}. See {@link #accept(float[], int, int)}. */
  public void accept(float[] pcm) {
    accept(pcm, 0, pcm.length);
  }

  /**
   * Feeds samples; every window completed by them is analysed before this returns.
   *
   * @param pcm mono samples in [-1, 1] at {@link #sampleRate()}
   * @throws io.ser4j.core.AudioFormatException for NaN or infinite samples (naming the position)
   * @throws io.ser4j.core.SerException when the recognizer fails on a window or utterance
   * @throws IllegalStateException after {@link #finish()}
   */
  public void accept(float[] pcm, int off, int len) {
    if (finished) {
      throw new IllegalStateException("stream already finished: " + sourceId);
    }
    Objects.checkFromIndexSize(off, len, pcm.length);
    int pos = off;
    int end = off + len;
    while (pos < end) {
      // feed up to the end of the next window so that windows are emitted promptly
      long need = nextWindowStart + windowSamples - buffer.end();
      int n = (int) Math.max(1, Math.min(end - pos, need));
      buffer.append(pcm, pos, n);
      vad.accept(pcm, pos, n);
      pos += n;
      while (buffer.end() >= nextWindowStart + windowSamples) {
        emitWindow(nextWindowStart, nextWindowStart + windowSamples);
        nextWindowStart += hopSamples;
      }
      discardOld();
    }
  }

  /**
   * Ends the stream: analyses the last partial window, closes an open utterance and returns the
   * summary. Calling it again returns the same summary.
   *
   * @throws io.ser4j.core.SerException when the recognizer fails
   */
  public StreamSummary finish() {
    if (finished) {
      return summary;
    }
    finished = true;
    long total = buffer.end();
    long minSamples = (long) Math.ceil(StreamOptions.MIN_WINDOW_SECONDS * sampleRate);
    if (windowCount == 0) {
      if (total >= minSamples) {
        emitWindow(0, total);
      }
    } else if (total - lastWindowEnd >= hopSamples / 2 && total > lastWindowEnd) {
      emitWindow(Math.max(0, total - windowSamples), total);
    }
    vad.finish();
    summary =
        new StreamSummary(
            sourceId, total / (double) sampleRate, windowCount, speechWindows, segments, smoothedDist);
    return summary;
  }

  /** Same as {@link #finish()}, ignoring the summary. */
  @Override
  public void close() {
    finish();
  }

  private void emitWindow(long start, long end) {
    double speech = frames.activeFraction(start, end, vad.frameSamples());
    Recognition r = null;
    boolean recognise =
        options.minSpeechFraction() == 0 || (speech > 0 && speech >= options.minSpeechFraction());
    if (recognise) {
      r = recognizer.recognize(clip(start, end));
      if (r.probabilities() != null) {
        smooth(r.probabilities());
      }
      speechWindows++;
    }
    lastWindowEnd = end;
    listener.onWindow(
        new WindowResult(windowCount++, start / (double) sampleRate, end / (double) sampleRate, speech, r,
            smoothedDist));
  }

  private void smooth(LabelDistribution p) {
    double[] x = p.toArray();
    if (smoothed == null || smoothedDist.labels().size() != x.length
        || !smoothedDist.labels().equals(p.labels())) {
      smoothed = x;
    } else {
      for (int i = 0; i < x.length; i++) {
        smoothed[i] += smoothingWeight * (x[i] - smoothed[i]);
      }
    }
    smoothedDist = LabelDistribution.normalise(p.labels(), smoothed);
  }

  private void segmentEnded(long startSample, long endSample) {
    long end = Math.min(endSample, buffer.end());
    Recognition r = null;
    if (options.recognizeSegments() && end > startSample) {
      r = recognizer.recognize(clip(Math.max(startSample, buffer.start()), end));
    }
    SpeechSegment s =
        new SpeechSegment(segments.size(), startSample / (double) sampleRate, end / (double) sampleRate, r);
    segments.add(s);
    listener.onSegment(s);
  }

  private AudioClip clip(long start, long end) {
    String id =
        String.format(Locale.ROOT, "%s@%.2f-%.2fs", sourceId, start / (double) sampleRate, end / (double) sampleRate);
    return AudioClip.wrap(buffer.copy(start, end), sampleRate, id);
  }

  private void discardOld() {
    // the last partial window at finish() may start up to one hop before the next full window
    long keep = Math.max(0, nextWindowStart - hopSamples);
    if (options.recognizeSegments()) {
      keep = Math.min(keep, vad.earliestPendingSample());
    }
    buffer.discardBefore(keep);
    frames.discardBefore(Math.min(nextWindowStart, keep) / vad.frameSamples());
  }

  /** Growable float buffer addressed by absolute sample index. */
  static final class SampleBuffer {
    private float[] data = new float[1 << 14];
    private int head; // index in data of absolute sample `base`
    private long base;
    private int size;

    long start() {
      return base;
    }

    long end() {
      return base + size;
    }

    void append(float[] src, int off, int len) {
      if (head + size + len > data.length) {
        if (size + len <= data.length / 2) {
          System.arraycopy(data, head, data, 0, size);
        } else {
          float[] bigger = new float[Math.max(data.length * 2, size + len)];
          System.arraycopy(data, head, bigger, 0, size);
          data = bigger;
        }
        head = 0;
      }
      System.arraycopy(src, off, data, head + size, len);
      size += len;
    }

    float[] copy(long from, long to) {
      if (from < base || to > end() || from > to) {
        throw new IllegalStateException("samples [" + from + ", " + to + ") no longer buffered");
      }
      float[] out = new float[(int) (to - from)];
      System.arraycopy(data, head + (int) (from - base), out, 0, out.length);
      return out;
    }

    void discardBefore(long index) {
      if (index <= base) {
        return;
      }
      int drop = (int) Math.min(index - base, size);
      head += drop;
      size -= drop;
      base += drop;
      if (size == 0) {
        head = 0;
      }
    }
  }

  /** Per-frame activity flags addressed by absolute frame index. */
  static final class FrameFlags {
    private boolean[] data = new boolean[1 << 10];
    private long base;
    private int size;

    void set(long frame, boolean active) {
      if (frame != base + size) {
        throw new IllegalStateException("frames out of order: " + frame);
      }
      if (size == data.length) {
        boolean[] bigger = new boolean[data.length * 2];
        System.arraycopy(data, 0, bigger, 0, size);
        data = bigger;
      }
      data[size++] = active;
    }

    double activeFraction(long startSample, long endSample, int frameSamples) {
      long f0 = Math.max(base, (startSample + frameSamples - 1) / frameSamples);
      long f1 = Math.min(base + size, endSample / frameSamples);
      if (f1 <= f0) {
        return 0;
      }
      int active = 0;
      for (long f = f0; f < f1; f++) {
        if (data[(int) (f - base)]) {
          active++;
        }
      }
      return active / (double) (f1 - f0);
    }

    void discardBefore(long frame) {
      if (frame <= base) {
        return;
      }
      int drop = (int) Math.min(frame - base, size);
      System.arraycopy(data, drop, data, 0, size - drop);
      size -= drop;
      base += drop;
    }
  }
}
