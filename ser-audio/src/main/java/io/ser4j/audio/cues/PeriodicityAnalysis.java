package io.ser4j.audio.cues;

import org.jtransforms.fft.DoubleFFT_1D;

/**
 * Short-term periodicity analysis after Boersma (1993), the engine behind {@link Pitch} (Hanning-
 * windowed autocorrelation, "ac") and {@link Harmonicity} (forward cross-correlation, "cc").
 *
 * <p>Per frame: subtract the local mean (one longest period to each side), measure the local peak
 * relative to the global peak (the frame "intensity" used by the silence threshold), compute the
 * normalised correlation function {@code r(τ)} and register its local maxima as pitch candidates
 * with sinc-interpolated strengths; then a Viterbi path finder ({@link #choosePath}) picks one
 * candidate (or "unvoiced") per frame using the voicing threshold, octave cost, octave-jump cost
 * and voiced/unvoiced cost.
 *
 * <p>For "ac" the autocorrelation of the windowed frame is computed by FFT (power spectrum, inverse
 * FFT) and divided by the autocorrelation of the Hanning window. For "cc" the cross-correlation of
 * the first window with the following span is computed by FFT as well, normalised by the running
 * energies of both windows.
 *
 * <p>Sample {@code k} (0-based) sits at time {@code (k + 0.5) / sampleRate}, as in Praat. Stateless:
 * every call allocates its own buffers, so concurrent calls are safe.
 */
final class PeriodicityAnalysis {
  /** Sinc depth used for the first strength estimate of a candidate. */
  static final int FIRST_ESTIMATE_SINC_DEPTH = 30;
  /** Sinc depth of the "normal" peak refinement. */
  static final int SINC_DEPTH_NORMAL = 70;
  /** Sinc depth of the "accurate" peak refinement. */
  static final int SINC_DEPTH_ACCURATE = 700;

  /** Result of the frame analysis: candidates per frame, candidate 0 being "unvoiced". */
  static final class Candidates {
    final int numberOfFrames;
    final double firstTime;
    final double timeStep;
    final int maxCandidates;
    final double[] intensity;
    final int[] count;
    final double[][] frequency;
    final double[][] strength;

    Candidates(int numberOfFrames, double firstTime, double timeStep, int maxCandidates) {
      this.numberOfFrames = numberOfFrames;
      this.firstTime = firstTime;
      this.timeStep = timeStep;
      this.maxCandidates = maxCandidates;
      this.intensity = new double[numberOfFrames];
      this.count = new int[numberOfFrames];
      this.frequency = new double[numberOfFrames][maxCandidates];
      this.strength = new double[numberOfFrames][maxCandidates];
    }
  }

  private PeriodicityAnalysis() {}

  /**
   * Runs the frame analysis.
   *
   * @param x the signal
   * @param sampleRate its rate in Hz
   * @param timeStep hop in seconds
   * @param minimumPitch pitch floor in Hz
   * @param periodsPerWindow window length in periods of the floor (3 for ac, 1 for harmonicity)
   * @param maxCandidatesRequested maximum number of candidates (raised to ceiling/floor as Praat does)
   * @param crossCorrelation {@code true} for the cc method, {@code false} for Hanning ac
   * @param accurate for ac: Praat's "very accurate" variant (Gaussian window of twice the periods,
   *     700-point sinc refinement); for cc: 700- instead of 70-point sinc refinement
   * @param voicingThreshold candidates need {@code r > voicingThreshold / 2}
   * @param octaveCost favours high candidates when the candidate list is full
   * @param ceiling the pitch ceiling in Hz (already clipped to Nyquist)
   * @param keepStrongest keep only this many local maxima per frame, those with the largest
   *     parabolically interpolated heights; {@code Integer.MAX_VALUE} keeps all, as Praat does
   * @return the candidates, or {@code null} when the signal is too short for one frame
   */
  static Candidates analyze(double[] x, int sampleRate, double timeStep, double minimumPitch,
      double periodsPerWindow, int maxCandidatesRequested, boolean crossCorrelation, boolean accurate,
      double voicingThreshold, double octaveCost, double ceiling, int keepStrongest) {
    final int nx = x.length;
    final double dx = 1.0 / sampleRate;
    int maxCandidates = maxCandidatesRequested;
    if (maxCandidates < ceiling / minimumPitch) {
      maxCandidates = (int) Math.floor(ceiling / minimumPitch);
    }
    final int refineDepth = accurate ? SINC_DEPTH_ACCURATE : SINC_DEPTH_NORMAL;
    final boolean gaussian = accurate && !crossCorrelation;
    if (gaussian) {
      periodsPerWindow *= 2; // the Gaussian window is twice as long
    }
    final double interpolationDepth = crossCorrelation ? 1.0 : gaussian ? 0.25 : 0.5;
    final double duration = dx * nx;
    if (nx == 0 || minimumPitch < periodsPerWindow / duration) {
      return null;
    }
    final int nsampPeriod = (int) Math.floor(1.0 / dx / minimumPitch);
    final int halfNsampPeriod = nsampPeriod / 2 + 1;
    final double dtWindow = periodsPerWindow / minimumPitch;
    int nsampWindow = (int) Math.floor(dtWindow / dx);
    final int halfNsampWindow = nsampWindow / 2 - 1;
    if (halfNsampWindow < 2) {
      return null;
    }
    nsampWindow = halfNsampWindow * 2;
    final int maximumLag = Math.min((int) Math.floor(nsampWindow / periodsPerWindow) + 2, nsampWindow);

    // Frames: as many as fit symmetrically in the signal.
    final double analysisWindow = crossCorrelation ? 1.0 / minimumPitch + dtWindow : dtWindow;
    if (analysisWindow > duration) {
      return null;
    }
    final int numberOfFrames = (int) Math.floor((duration - analysisWindow) / timeStep) + 1;
    final double midTime = 0.5 * dx - 0.5 * dx + 0.5 * duration;
    final double firstTime = midTime - 0.5 * numberOfFrames * timeStep + 0.5 * timeStep;
    Candidates out = new Candidates(numberOfFrames, firstTime, timeStep, maxCandidates);

    double mean = 0.0;
    for (double v : x) {
      mean += v;
    }
    mean /= nx;
    double globalPeak = 0.0;
    for (double v : x) {
      globalPeak = Math.max(globalPeak, Math.abs(v - mean));
    }
    if (globalPeak == 0.0) {
      java.util.Arrays.fill(out.count, 1); // only the unvoiced candidate in every frame
      return out;
    }

    final int brentIxMax = (int) Math.floor(nsampWindow * interpolationDepth);
    final int rCenter = brentIxMax;
    final int rLength = 2 * brentIxMax + 1;
    final double[] r = new double[rLength];
    final int[] imax = new int[maxCandidates];
    final double[] position = new double[1];
    final int[] maxLag = new int[brentIxMax + 1];
    final double[] maxHeight = new double[brentIxMax + 1];
    final boolean[] keep = new boolean[brentIxMax + 1];

    // Method-specific buffers.
    final double[] window = new double[nsampWindow];
    double[] windowR = null;
    final int nfft;
    final int localSpanMax = maximumLag + nsampWindow;
    if (crossCorrelation) {
      int n = 1;
      while (n < localSpanMax) {
        n *= 2;
      }
      nfft = n;
    } else {
      int n = 1;
      while (n < nsampWindow * (1 + interpolationDepth)) {
        n *= 2;
      }
      nfft = n;
      if (gaussian) {
        double mid = 0.5 * (nsampWindow + 1);
        double edge = Math.exp(-12.0);
        double len2 = (double) (nsampWindow + 1) * (nsampWindow + 1);
        for (int i = 0; i < nsampWindow; i++) {
          double d = i + 1 - mid;
          window[i] = (Math.exp(-48.0 * d * d / len2) - edge) / (1.0 - edge);
        }
      } else {
        for (int i = 0; i < nsampWindow; i++) {
          window[i] = 0.5 - 0.5 * Math.cos((i + 1) * 2 * Math.PI / (nsampWindow + 1));
        }
      }
    }
    final DoubleFFT_1D fft = new DoubleFFT_1D(nfft);
    final double[] frame = new double[nfft];
    final double[] span = crossCorrelation ? new double[nfft] : null;
    final double[] spanSpectrum = crossCorrelation ? new double[nfft] : null;
    if (!crossCorrelation) {
      windowR = new double[nfft];
      System.arraycopy(window, 0, windowR, 0, nsampWindow);
      powerThenInverse(fft, windowR, null);
      double w0 = windowR[0];
      for (int i = 0; i < nfft; i++) {
        windowR[i] /= w0;
      }
    }

    for (int iframe = 0; iframe < numberOfFrames; iframe++) {
      final double t = firstTime + iframe * timeStep;
      final int leftSample = (int) Math.floor(t * sampleRate - 0.5); // 0-based
      final int rightSample = leftSample + 1;

      // Local mean over one longest period to both sides.
      int start = Math.max(0, rightSample - nsampPeriod);
      int end = Math.min(nx - 1, leftSample + nsampPeriod);
      double localMean = 0.0;
      for (int i = start; i <= end; i++) {
        localMean += x[i];
      }
      localMean /= 2 * nsampPeriod;

      // Copy the window to the frame with the mean removed (and windowed for ac).
      final int frameStart = rightSample - halfNsampWindow;
      for (int j = 0; j < nsampWindow; j++) {
        int i = frameStart + j;
        double v = i >= 0 && i < nx ? x[i] - localMean : 0.0;
        frame[j] = crossCorrelation ? v : v * window[j];
      }
      java.util.Arrays.fill(frame, nsampWindow, nfft, 0.0);

      // Local peak: half a longest period to both sides of the frame centre.
      int peakStart = Math.max(1, halfNsampWindow + 1 - halfNsampPeriod);
      int peakEnd = Math.min(nsampWindow, halfNsampWindow + halfNsampPeriod);
      double localPeak = 0.0;
      for (int j = peakStart; j <= peakEnd; j++) {
        localPeak = Math.max(localPeak, Math.abs(frame[j - 1]));
      }
      out.intensity[iframe] = localPeak > globalPeak ? 1.0 : localPeak / globalPeak;
      out.count[iframe] = 1; // the unvoiced candidate
      out.frequency[iframe][0] = 0.0;
      out.strength[iframe][0] = 0.0;
      if (localPeak == 0.0) {
        continue;
      }

      // Correlation function r(lag), lag 0..brentIxMax, mirrored around rCenter.
      r[rCenter] = 1.0;
      if (crossCorrelation) {
        double startTime = t - 0.5 * (1.0 / minimumPitch + dtWindow);
        int startSample = Math.max(0, (int) Math.floor(startTime * sampleRate - 0.5));
        int localSpan = Math.min(localSpanMax, nx - startSample);
        int localMaximumLag = localSpan - nsampWindow;
        for (int k = 0; k < localSpan; k++) {
          span[k] = x[startSample + k] - localMean;
        }
        java.util.Arrays.fill(span, Math.max(localSpan, 0), nfft, 0.0);
        double sumx2 = 0.0;
        for (int k = 0; k < nsampWindow; k++) {
          frame[k] = span[k];
          sumx2 += span[k] * span[k];
        }
        System.arraycopy(span, 0, spanSpectrum, 0, nfft);
        crossCorrelate(fft, frame, spanSpectrum); // frame[lag] = sum_k seg[k] * seg[k + lag]
        double sumy2 = sumx2;
        int lastLag = Math.min(localMaximumLag, brentIxMax);
        for (int lag = 1; lag <= lastLag; lag++) {
          double y0 = span[lag - 1];
          double yz = span[lag + nsampWindow - 1];
          sumy2 += yz * yz - y0 * y0;
          double denom = Math.sqrt(sumx2 * sumy2);
          double value = denom > 0 ? frame[lag] / denom : 0.0;
          r[rCenter + lag] = value;
          r[rCenter - lag] = value;
        }
        for (int lag = Math.max(lastLag + 1, 1); lag <= brentIxMax; lag++) {
          r[rCenter + lag] = 0.0;
          r[rCenter - lag] = 0.0;
        }
      } else {
        powerThenInverse(fft, frame, null);
        double ac0 = frame[0];
        for (int lag = 1; lag <= brentIxMax; lag++) {
          double value = frame[lag] / (ac0 * windowR[lag]);
          r[rCenter + lag] = value;
          r[rCenter - lag] = value;
        }
      }

      // Local maxima of r above half the voicing threshold.
      int lagLimit = Math.min(maximumLag, brentIxMax);
      int nMaxima = 0;
      for (int i = 2; i < lagLimit; i++) {
        double ri = r[rCenter + i];
        if (ri > 0.5 * voicingThreshold && ri > r[rCenter + i - 1] && ri >= r[rCenter + i + 1]) {
          maxLag[nMaxima] = i;
          double rm = r[rCenter + i - 1];
          double rp = r[rCenter + i + 1];
          double dr = 0.5 * (rp - rm);
          double d2r = 2.0 * ri - rm - rp;
          maxHeight[nMaxima] = ri + 0.5 * dr * dr / d2r;
          nMaxima++;
        }
      }
      if (keepStrongest < nMaxima) {
        keepStrongestMaxima(maxLag, maxHeight, nMaxima, keepStrongest, keep);
      } else {
        java.util.Arrays.fill(keep, 0, nMaxima, true);
      }

      // Register them as candidates (weakest replaced when the list is full).
      double[] freq = out.frequency[iframe];
      double[] str = out.strength[iframe];
      int n = 1;
      for (int m = 0; m < nMaxima; m++) {
        if (!keep[m]) {
          continue;
        }
        int i = maxLag[m];
        double ri = r[rCenter + i];
        double rm = r[rCenter + i - 1];
        double rp = r[rCenter + i + 1];
        double dr = 0.5 * (rp - rm);
        double d2r = 2.0 * ri - rm - rp;
        double lagOfMaximum = i + dr / d2r;
        double frequencyOfMaximum = 1.0 / dx / lagOfMaximum;
        double strengthOfMaximum =
            PeakInterpolation.sinc(r, rLength, lagOfMaximum + rCenter, FIRST_ESTIMATE_SINC_DEPTH);
        if (strengthOfMaximum > 1.0) {
          strengthOfMaximum = 1.0 / strengthOfMaximum;
        }
        int place = -1;
        if (n < maxCandidates) {
          place = n++;
        } else {
          double weakest = 2.0;
          for (int k = 1; k < maxCandidates; k++) {
            double local = str[k] - octaveCost * log2(minimumPitch / freq[k]);
            if (local < weakest) {
              weakest = local;
              place = k;
            }
          }
          if (strengthOfMaximum - octaveCost * log2(minimumPitch / frequencyOfMaximum) <= weakest) {
            place = -1;
          }
        }
        if (place >= 0) {
          freq[place] = frequencyOfMaximum;
          str[place] = strengthOfMaximum;
          imax[place] = i;
        }
      }
      out.count[iframe] = n;

      // Second pass: refine every candidate by maximising the sinc interpolant. Candidates whose
      // refined lag (within one sample of the integer maximum) must stay shorter than the ceiling
      // period are unvoiced whatever their strength, so they are left as they are.
      final double ceilingLag = sampleRate / ceiling;
      for (int k = 1; k < n; k++) {
        if (imax[k] + 1 < ceilingLag) {
          continue;
        }
        int depth = freq[k] > 0.3 / dx ? SINC_DEPTH_ACCURATE : refineDepth;
        double ymid = PeakInterpolation.improveMaximum(r, rLength, imax[k] + rCenter, depth, position);
        double xmid = position[0] - rCenter;
        freq[k] = 1.0 / dx / xmid;
        str[k] = ymid > 1.0 ? 1.0 / ymid : ymid;
      }
    }
    return out;
  }

  /** Marks in {@code keep} the {@code limit} maxima with the largest parabolic heights. */
  private static void keepStrongestMaxima(int[] lags, double[] heights, int n, int limit,
      boolean[] keep) {
    java.util.Arrays.fill(keep, 0, n, false);
    for (int k = 0; k < limit; k++) {
      int best = -1;
      for (int m = 0; m < n; m++) {
        if (!keep[m] && (best < 0 || heights[m] > heights[best])) {
          best = m;
        }
      }
      keep[best] = true;
    }
  }

  /**
   * Viterbi path through the candidates (Boersma 1993, §4): the local score of a voiced candidate is
   * its strength minus {@code octaveCost·log2(ceiling/f)}, that of the unvoiced candidate is {@code
   * voicingThreshold + max(0, 2 − intensity/(silenceThreshold/(1+voicingThreshold)))}; a voiced/
   * unvoiced switch costs {@code voicedUnvoicedCost} and a voiced-voiced step {@code
   * octaveJumpCost·|log2(f1/f2)|}, both scaled by {@code 0.01 s / timeStep}. Candidates at or above
   * the ceiling count as unvoiced.
   *
   * @return per frame the index of the chosen candidate (0 = unvoiced)
   */
  static int[] choosePath(Candidates c, double silenceThreshold, double voicingThreshold,
      double octaveCost, double octaveJumpCost, double voicedUnvoicedCost, double ceiling) {
    int nFrames = c.numberOfFrames;
    int[] path = new int[nFrames];
    if (nFrames == 0) {
      return path;
    }
    double timeStepCorrection = 0.01 / c.timeStep;
    double jumpCost = octaveJumpCost * timeStepCorrection;
    double vuvCost = voicedUnvoicedCost * timeStepCorrection;
    double[][] delta = new double[nFrames][];
    int[][] psi = new int[nFrames][];
    for (int f = 0; f < nFrames; f++) {
      int n = c.count[f];
      delta[f] = new double[n];
      psi[f] = new int[n];
      double unvoicedStrength = silenceThreshold <= 0 ? 0.0
          : 2.0 - c.intensity[f] / (silenceThreshold / (1.0 + voicingThreshold));
      unvoicedStrength = voicingThreshold + Math.max(0.0, unvoicedStrength);
      for (int k = 0; k < n; k++) {
        double fk = c.frequency[f][k];
        boolean voiceless = !(fk > 0.0 && fk < ceiling);
        delta[f][k] = voiceless ? unvoicedStrength
            : c.strength[f][k] - octaveCost * log2(ceiling / fk);
      }
    }
    for (int f = 1; f < nFrames; f++) {
      double[] prev = delta[f - 1];
      double[] cur = delta[f];
      double[] fPrev = c.frequency[f - 1];
      double[] fCur = c.frequency[f];
      for (int k2 = 0; k2 < cur.length; k2++) {
        double f2 = fCur[k2];
        boolean currentVoiceless = !(f2 > 0.0 && f2 < ceiling);
        double maximum = Double.NEGATIVE_INFINITY;
        int place = 0;
        for (int k1 = 0; k1 < prev.length; k1++) {
          double f1 = fPrev[k1];
          boolean previousVoiceless = !(f1 > 0.0 && f1 < ceiling);
          double transitionCost;
          if (previousVoiceless != currentVoiceless) {
            transitionCost = vuvCost;
          } else if (currentVoiceless) {
            transitionCost = 0.0;
          } else {
            transitionCost = jumpCost * Math.abs(log2(f1 / f2));
          }
          double value = prev[k1] - transitionCost + cur[k2];
          if (value > maximum) {
            maximum = value;
            place = k1;
          }
        }
        cur[k2] = maximum;
        psi[f][k2] = place;
      }
    }
    double[] last = delta[nFrames - 1];
    int place = 0;
    for (int k = 1; k < last.length; k++) {
      if (last[k] > last[place]) {
        place = k;
      }
    }
    for (int f = nFrames - 1; f >= 0; f--) {
      path[f] = place;
      place = psi[f][place];
    }
    return path;
  }

  static double log2(double v) {
    return Math.log(v) * 1.4426950408889634;
  }

  /** In place: a (real, length nfft) → its autocorrelation (unnormalised) via the power spectrum. */
  private static void powerThenInverse(DoubleFFT_1D fft, double[] a, double[] unused) {
    int nfft = a.length;
    fft.realForward(a);
    a[0] = a[0] * a[0];
    a[1] = a[1] * a[1];
    for (int k = 2; k < nfft; k += 2) {
      a[k] = a[k] * a[k] + a[k + 1] * a[k + 1];
      a[k + 1] = 0.0;
    }
    fft.realInverse(a, false);
  }

  /**
   * In place: {@code a} ← circular cross-correlation {@code c[i] = Σ_k a[k]·b[k+i]}; {@code b} is
   * overwritten with its spectrum. Both have length {@code nfft}.
   */
  private static void crossCorrelate(DoubleFFT_1D fft, double[] a, double[] b) {
    int nfft = a.length;
    fft.realForward(a);
    fft.realForward(b);
    a[0] = a[0] * b[0];
    a[1] = a[1] * b[1];
    for (int k = 2; k < nfft; k += 2) {
      double ar = a[k];
      double ai = a[k + 1];
      double br = b[k];
      double bi = b[k + 1];
      a[k] = ar * br + ai * bi;
      a[k + 1] = ar * bi - ai * br;
    }
    fft.realInverse(a, true);
  }
}
