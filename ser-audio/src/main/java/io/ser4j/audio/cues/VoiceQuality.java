package io.ser4j.audio.cues;

import io.ser4j.core.SerException;
import java.util.Objects;

/**
 * Jitter (local) and shimmer (local) from a {@link PointProcess}, as Praat defines them
 * ("PointProcess: Get jitter (local)...", "Voice 3. Shimmer").
 *
 * <p><b>Jitter (local)</b>: the mean absolute difference between consecutive periods, divided by
 * the mean period. Only pairs of consecutive intervals that both lie in {@code [shortestPeriod,
 * longestPeriod]} and whose ratio is at most {@code maximumPeriodFactor} contribute to the
 * numerator; the mean period averages every interval in range that is not more than that factor
 * away from both of its neighbours. Undefined (NaN) with fewer than two qualifying periods.
 *
 * <p><b>Shimmer (local)</b>: for every pulse whose two adjacent intervals qualify as above, the
 * amplitude is the RMS of the waveform under an asymmetric Hann window reaching 0.2 of the left
 * interval to the left and 0.2 of the right interval to the right; shimmer is the mean absolute
 * difference of consecutive amplitudes (whose distance is in range and whose ratio is at most
 * {@code maximumAmplitudeFactor}) divided by the mean amplitude. NaN with fewer than 3 pulses or no
 * qualifying pair.
 *
 * <p>Stateless; thread-safe.
 */
public final class VoiceQuality {
  /** Praat's standard shortest period (s). */
  public static final double DEFAULT_SHORTEST_PERIOD_SECONDS = 0.0001;
  /** Praat's standard longest period (s). */
  public static final double DEFAULT_LONGEST_PERIOD_SECONDS = 0.02;
  /** Praat's standard maximum period factor. */
  public static final double DEFAULT_MAXIMUM_PERIOD_FACTOR = 1.3;
  /** Praat's standard maximum amplitude factor. */
  public static final double DEFAULT_MAXIMUM_AMPLITUDE_FACTOR = 1.6;
  private static final double HANN_REACH = 0.2;

  private VoiceQuality() {}

  /** Jitter (local) with Praat's standard 0.0001 / 0.02 / 1.3; a fraction (0.01 = 1%). */
  public static double jitterLocal(PointProcess pulses) {
    return jitterLocal(pulses, DEFAULT_SHORTEST_PERIOD_SECONDS, DEFAULT_LONGEST_PERIOD_SECONDS,
        DEFAULT_MAXIMUM_PERIOD_FACTOR);
  }

  /**
   * Jitter (local) over all pulses.
   *
   * @param pulses the period marks
   * @param shortestPeriod shortest interval that counts as a period (s)
   * @param longestPeriod longest interval that counts as a period (s)
   * @param maximumPeriodFactor largest ratio between consecutive periods
   * @return the jitter as a fraction, or NaN when undefined
   * @throws SerException for invalid bounds
   */
  public static double jitterLocal(PointProcess pulses, double shortestPeriod,
      double longestPeriod, double maximumPeriodFactor) {
    Objects.requireNonNull(pulses, "pulses");
    checkBounds(shortestPeriod, longestPeriod, maximumPeriodFactor);
    double[] t = pulses.timesSeconds();
    int numberOfPeriods = t.length - 1;
    if (numberOfPeriods < 2) {
      return Double.NaN;
    }
    double sum = 0.0;
    for (int i = 1; i < t.length - 1; i++) {
      double p1 = t[i] - t[i - 1];
      double p2 = t[i + 1] - t[i];
      if (qualifies(p1, p2, shortestPeriod, longestPeriod, maximumPeriodFactor)) {
        sum += Math.abs(p1 - p2);
      } else {
        numberOfPeriods--;
      }
    }
    if (numberOfPeriods < 2) {
      return Double.NaN;
    }
    return sum / (numberOfPeriods - 1)
        / meanPeriod(t, shortestPeriod, longestPeriod, maximumPeriodFactor);
  }

  /** Shimmer (local) with Praat's standard 0.0001 / 0.02 / 1.3 / 1.6; a fraction. */
  public static double shimmerLocal(PointProcess pulses, float[] samples, int sampleRate) {
    return shimmerLocal(pulses, samples, sampleRate, DEFAULT_SHORTEST_PERIOD_SECONDS,
        DEFAULT_LONGEST_PERIOD_SECONDS, DEFAULT_MAXIMUM_PERIOD_FACTOR,
        DEFAULT_MAXIMUM_AMPLITUDE_FACTOR);
  }

  /**
   * Shimmer (local) over all pulses.
   *
   * @param pulses the period marks of {@code samples}
   * @param samples the mono signal
   * @param sampleRate its rate in Hz
   * @param shortestPeriod shortest interval that counts as a period (s)
   * @param longestPeriod longest interval that counts as a period (s)
   * @param maximumPeriodFactor largest ratio between consecutive periods
   * @param maximumAmplitudeFactor largest ratio between consecutive amplitudes
   * @return the shimmer as a fraction, or NaN when undefined
   * @throws io.ser4j.core.AudioFormatException for null samples, a non-positive rate, NaN/Inf
   * @throws SerException for invalid bounds
   */
  public static double shimmerLocal(PointProcess pulses, float[] samples, int sampleRate,
      double shortestPeriod, double longestPeriod, double maximumPeriodFactor,
      double maximumAmplitudeFactor) {
    Objects.requireNonNull(pulses, "pulses");
    checkBounds(shortestPeriod, longestPeriod, maximumPeriodFactor);
    if (!(maximumAmplitudeFactor >= 1.0) || Double.isInfinite(maximumAmplitudeFactor)) {
      throw new SerException("shimmer", "maximum amplitude factor must be finite and >= 1");
    }
    double[] x = CueInput.toDouble(samples, sampleRate, "shimmer");
    return shimmerLocal(pulses.timesSeconds(), x, sampleRate, shortestPeriod, longestPeriod,
        maximumPeriodFactor, maximumAmplitudeFactor);
  }

  static double shimmerLocal(double[] t, double[] x, int sampleRate, double pmin, double pmax,
      double periodFactor, double amplitudeFactor) {
    if (t.length < 3) {
      return Double.NaN;
    }
    double[] at = new double[t.length];
    double[] amp = new double[t.length];
    int n = 0;
    for (int i = 1; i < t.length - 1; i++) {
      double p1 = t[i] - t[i - 1];
      double p2 = t[i + 1] - t[i];
      if (qualifies(p1, p2, pmin, pmax, periodFactor)) {
        double a = hannWindowedRms(x, sampleRate, t[i], HANN_REACH * p1, HANN_REACH * p2);
        if (a > 0.0) {
          at[n] = t[i];
          amp[n] = a;
          n++;
        }
      }
    }
    double numerator = 0.0;
    int pairs = 0;
    for (int i = 1; i < n; i++) {
      double p = at[i] - at[i - 1];
      if (pmin == pmax || (p >= pmin && p <= pmax)) {
        double a1 = amp[i - 1];
        double a2 = amp[i];
        double factor = a1 > a2 ? a1 / a2 : a2 / a1;
        if (factor <= amplitudeFactor) {
          numerator += Math.abs(a1 - a2);
          pairs++;
        }
      }
    }
    if (pairs < 1) {
      return Double.NaN;
    }
    numerator /= pairs;
    double denominator = 0.0;
    for (int i = 0; i < n - 1; i++) {
      denominator += amp[i];
    }
    denominator /= n - 1;
    return denominator == 0.0 ? Double.NaN : numerator / denominator;
  }

  private static boolean qualifies(double p1, double p2, double pmin, double pmax, double factor) {
    double intervalFactor = p1 > p2 ? p1 / p2 : p2 / p1;
    return pmin == pmax
        || (p1 >= pmin && p1 <= pmax && p2 >= pmin && p2 <= pmax && intervalFactor <= factor);
  }

  private static double meanPeriod(double[] t, double pmin, double pmax, double factor) {
    double sum = 0.0;
    int n = 0;
    for (int i = 0; i < t.length - 1; i++) {
      if (isPeriod(t, i, pmin, pmax, factor)) {
        sum += t[i + 1] - t[i];
        n++;
      }
    }
    return n > 0 ? sum / n : Double.NaN;
  }

  private static boolean isPeriod(double[] t, int left, double pmin, double pmax, double factor) {
    int right = left + 1;
    if (pmin == pmax) {
      return true;
    }
    double interval = t[right] - t[left];
    if (interval <= 0.0 || interval < pmin || interval > pmax) {
      return false;
    }
    double prevFactor = Double.NaN;
    double nextFactor = Double.NaN;
    if (left > 0) {
      double prev = t[left] - t[left - 1];
      if (prev > 0) {
        prevFactor = interval / prev;
      }
    }
    if (right < t.length - 1) {
      double next = t[right + 1] - t[right];
      if (next > 0) {
        nextFactor = interval / next;
      }
    }
    if (Double.isNaN(prevFactor) && Double.isNaN(nextFactor)) {
      return true;
    }
    if (prevFactor > 0 && prevFactor < 1) {
      prevFactor = 1 / prevFactor;
    }
    if (nextFactor > 0 && nextFactor < 1) {
      nextFactor = 1 / nextFactor;
    }
    return !(prevFactor > factor && nextFactor > factor);
  }

  /** RMS under an asymmetric Hann window centred at {@code tmid}; NaN with fewer than 3 samples. */
  private static double hannWindowedRms(double[] x, int sampleRate, double tmid, double widthLeft,
      double widthRight) {
    double dx = 1.0 / sampleRate;
    // Sample i (1-based) sits at (i - 0.5) * dx.
    int imin = Math.max(1, (int) Math.ceil((tmid - widthLeft) / dx + 0.5));
    int imax = Math.min(x.length, (int) Math.floor((tmid + widthRight) / dx + 0.5));
    if (imax - imin + 1 < 3) {
      return Double.NaN;
    }
    double sumOfSquares = 0.0;
    double windowSumOfSquares = 0.0;
    for (int i = imin; i <= imax; i++) {
      double time = (i - 0.5) * dx;
      double width = time < tmid ? widthLeft : widthRight;
      double w = 0.5 + 0.5 * Math.cos(Math.PI * (time - tmid) / width);
      double v = x[i - 1] * w;
      sumOfSquares += v * v;
      windowSumOfSquares += w * w;
    }
    return Math.sqrt(sumOfSquares / windowSumOfSquares);
  }

  private static void checkBounds(double pmin, double pmax, double factor) {
    if (!(pmin >= 0) || !(pmax >= pmin) || Double.isInfinite(pmax) || !(factor >= 1.0)
        || Double.isInfinite(factor)) {
      throw new SerException("jitter/shimmer", "need 0 <= shortest period <= longest period "
          + "(finite) and a finite maximum period factor >= 1");
    }
  }
}
