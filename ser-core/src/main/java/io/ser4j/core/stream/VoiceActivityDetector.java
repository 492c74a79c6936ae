package io.ser4j.core.stream;

import io.ser4j.core.AudioFormatException;
import java.util.Objects;

/**
 * Energy-based voice activity detection with an adaptive noise floor and hysteresis (see {@link
 * VadOptions}): the floor starts at {@code absoluteThresholdDb - marginDb} (or the first frame's
 * level, if lower), falls at once to any quieter frame and rises by {@code floorRiseDbPerSecond}
 * otherwise, so a sound that never pauses is eventually taken for noise. Feed samples with {@link #accept}; the detector calls its {@link Listener} with each
 * frame's decision and with every utterance (segment) once it has ended, in stream time. Pure PCM
 * arithmetic, no allocation per sample. Not thread-safe: one producer.
 */
public final class VoiceActivityDetector {
  /** Level assigned to digital silence, in dBFS (log of 0 is undefined). */
  public static final double SILENCE_FLOOR_DB = -100.0;

  /** Receives decisions. */
  public interface Listener {
    /**
     * One analysis frame was classified.
     *
     * @param frameIndex 0-based frame number (frame {@code i} covers samples {@code
     *     [i*frameSamples, (i+1)*frameSamples)})
     * @param levelDb the frame's RMS level in dBFS
     * @param active whether the frame is above the threshold
     */
    default void onFrame(long frameIndex, double levelDb, boolean active) {}

    /**
     * An utterance was detected (called when it has ended, or was cut at the maximum length, or
     * the stream finished).
     *
     * @param startSample first sample of the utterance
     * @param endSample one past its last sample
     */
    default void onSegment(long startSample, long endSample) {}
  }

  private final VadOptions options;
  private final String sourceId;
  private final int frameSamples;
  private final int minSpeechFrames;
  private final int minSilenceFrames;
  private final long maxSegmentFrames;
  private final double floorRisePerFrame;
  private final Listener listener;

  private double sumSquares;
  private int inFrame;
  private long frame;
  private long samples;
  private double floorDb = Double.NaN;

  private boolean inSpeech;
  private long runStart = -1; // first frame of the current active run while not in speech
  private int runLength;
  private long segmentStart; // first frame of the open segment
  private long lastActive; // last active frame of the open segment
  private int silentRun;

  /**
   * @param sampleRate samples per second of the input, &gt; 0
   * @param sourceId name for messages
   * @param options thresholds and timings
   * @param listener receives frames and segments
   * @throws IllegalArgumentException if the rate is not positive
   */
  public VoiceActivityDetector(int sampleRate, String sourceId, VadOptions options, Listener listener) {
    if (sampleRate <= 0) {
      throw new IllegalArgumentException("sample rate must be positive, got " + sampleRate);
    }
    this.options = Objects.requireNonNull(options, "options");
    this.sourceId = sourceId == null ? "<pcm>" : sourceId;
    this.listener = Objects.requireNonNull(listener, "listener");
    this.frameSamples = Math.max(1, (int) Math.round(options.frameSeconds() * sampleRate));
    double frameSec = frameSamples / (double) sampleRate;
    this.minSpeechFrames = Math.max(1, (int) Math.ceil(options.minSpeechSeconds() / frameSec - 1e-9));
    this.minSilenceFrames = Math.max(1, (int) Math.ceil(options.minSilenceSeconds() / frameSec - 1e-9));
    this.maxSegmentFrames = Math.max(minSpeechFrames + 1L, (long) Math.floor(options.maxSegmentSeconds() / frameSec));
    this.floorRisePerFrame = options.floorRiseDbPerSecond() * frameSec;
  }

  /** Samples per analysis frame. */
  public int frameSamples() {
    return frameSamples;
  }

  /** Samples consumed so far. */
  public long samplesSeen() {
    return samples;
  }

  /** True while an utterance is open. */
  public boolean inSpeech() {
    return inSpeech;
  }

  /**
   * The first sample that a segment still to be reported may start at: the open utterance's
   * start, the start of an active run that may open one, or the current position. Callers that
   * buffer audio for segments may drop everything before it.
   */
  public long earliestPendingSample() {
    if (inSpeech) {
      return segmentStart * frameSamples;
    }
    if (runLength > 0) {
      return runStart * frameSamples;
    }
    return frame * frameSamples;
  }

  /**
   * Consumes samples.
   *
   * @throws AudioFormatException naming the source and the position of a NaN or infinite sample
   */
  public void accept(float[] pcm, int off, int len) {
    Objects.checkFromIndexSize(off, len, pcm.length);
    for (int i = off; i < off + len; i++) {
      float x = pcm[i];
      if (!Float.isFinite(x)) {
        throw new AudioFormatException(
            sourceId, "sample " + (samples + i - off) + " is " + x + " (NaN/Inf samples are not audio)");
      }
      sumSquares += (double) x * x;
      if (++inFrame == frameSamples) {
        closeFrame();
      }
    }
    samples += len;
  }

  /** Ends the stream: a trailing partial frame is dropped and an open utterance is reported. */
  public void finish() {
    if (inSpeech) {
      endSegment();
    }
    runLength = 0;
  }

  private void closeFrame() {
    double rms = Math.sqrt(sumSquares / frameSamples);
    double db = rms > 0 ? Math.max(SILENCE_FLOOR_DB, 20 * Math.log10(rms)) : SILENCE_FLOOR_DB;
    sumSquares = 0;
    inFrame = 0;
    if (Double.isNaN(floorDb)) {
      // prior: a floor just low enough that a frame above the absolute threshold counts as speech,
      // so that a stream starting mid-utterance is not taken for noise
      floorDb = Math.min(db, options.absoluteThresholdDb() - options.marginDb());
    } else if (db < floorDb) {
      floorDb = db;
    } else {
      floorDb = Math.min(db, floorDb + floorRisePerFrame);
    }
    boolean active = db > floorDb + options.marginDb() && db > options.absoluteThresholdDb();
    listener.onFrame(frame, db, active);
    if (inSpeech) {
      if (active) {
        lastActive = frame;
        silentRun = 0;
      } else if (++silentRun >= minSilenceFrames) {
        endSegment();
      }
      if (inSpeech && frame - segmentStart + 1 >= maxSegmentFrames) {
        lastActive = frame;
        endSegment();
      }
    } else if (active) {
      if (runLength == 0) {
        runStart = frame;
      }
      if (++runLength >= minSpeechFrames) {
        inSpeech = true;
        segmentStart = runStart;
        lastActive = frame;
        silentRun = 0;
        runLength = 0;
      }
    } else {
      runLength = 0;
    }
    frame++;
  }

  private void endSegment() {
    inSpeech = false;
    silentRun = 0;
    runLength = 0;
    listener.onSegment(segmentStart * frameSamples, (lastActive + 1) * frameSamples);
  }
}
