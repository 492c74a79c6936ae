package io.ser4j.audio.cues;

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
   * @param unvoicedBelowIntensity frames whose intensity (local peak / global peak) is below this
   *     get only the unvoiced candidate, without computing their correlation; callers pass {@link
   *     #provablyUnvoicedIntensity} (or 0 to analyse every frame)
   * @return the candidates, or {@code null} when the signal is too short for one frame
   */
  static Candidates analyze(double[] x, int sampleRate, double timeStep, double minimumPitch,
      double periodsPerWindow, int maxCandidatesRequested, boolean crossCorrelation, boolean accurate,
      double voicingThreshold, double octaveCost, double ceiling, int keepStrongest,
      double unvoicedBelowIntensity) {
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

    final Frame fr = new Frame(r, rCenter, rLength, brentIxMax, maximumLag, imax, position, maxLag,
        maxHeight, keep, maxCandidates, refineDepth, minimumPitch, sampleRate, ceiling,
        voicingThreshold, octaveCost, keepStrongest);
    if (!crossCorrelation) {
      analyzeAc(x, sampleRate, out, fr, gaussian, nsampWindow, halfNsampWindow, nsampPeriod,
          halfNsampPeriod, interpolationDepth, globalPeak, unvoicedBelowIntensity);
      return out;
    }
    analyzeCc(x, sampleRate, out, fr, nsampWindow, halfNsampWindow, nsampPeriod, halfNsampPeriod,
        dtWindow, globalPeak, unvoicedBelowIntensity);
    return out;
  }

  /** Mean of {@code x} over one longest period to both sides of the frame centre, as Praat. */
  private static double localMean(double[] x, int leftSample, int rightSample, int nsampPeriod) {
    int start = Math.max(0, rightSample - nsampPeriod);
    int end = Math.min(x.length - 1, leftSample + nsampPeriod);
    double sum = 0.0;
    for (int i = start; i <= end; i++) {
      sum += x[i];
    }
    return sum / (2 * nsampPeriod);
  }

  /**
   * Largest {@code |(x − localMean)·window|} over half a longest period to both sides of the frame
   * centre (frame offsets {@code peakStart−1..peakEnd−1}); {@code window} null means rectangular.
   * Samples outside the signal count as zero.
   */
  private static double localPeak(double[] x, int frameStart, double localMean, double[] window,
      int halfNsampWindow, int halfNsampPeriod, int nsampWindow) {
    int peakStart = Math.max(1, halfNsampWindow + 1 - halfNsampPeriod);
    int peakEnd = Math.min(nsampWindow, halfNsampWindow + halfNsampPeriod);
    // Samples outside the signal contribute |0| and cannot raise the peak: skip them.
    int jFrom = Math.max(peakStart - 1, -frameStart);
    int jTo = Math.min(peakEnd, x.length - frameStart);
    double peak = 0.0;
    if (window != null) {
      for (int j = jFrom; j < jTo; j++) {
        peak = Math.max(peak, Math.abs((x[frameStart + j] - localMean) * window[j]));
      }
    } else {
      for (int j = jFrom; j < jTo; j++) {
        peak = Math.max(peak, Math.abs(x[frameStart + j] - localMean));
      }
    }
    return peak;
  }

  /** Frames per batch of the "ac" autocorrelation FFTs (a few SIMD vectors of doubles wide). */
  static final int AC_BATCH = 32;

  /** Cached batch FFT plans by size (immutable, shared). */
  private static final java.util.concurrent.ConcurrentHashMap<Integer, BatchRealFft> AC_PLANS =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** Per-thread "ac" workspace of the last plan used (the plans are few: one per rate). */
  private static final ThreadLocal<AcWorkspace> AC_WORKSPACE = new ThreadLocal<>();

  /**
   * The cheapest FFT length {@code ≥ minimum} for {@link BatchRealFft}: even, with a half that
   * factors into 2, 3 and 5 (its radices); any such length gives the same (non-circular)
   * correlation over the lags used, so the choice only affects speed. Cost model: {@code n/2} times
   * the summed per-point cost of the Stockham stages (radix 4 greedily first, as the FFT factors),
   * weights {@link #RADIX_COST} measured on the batched FFT; ties go to the shorter length. E.g.
   * 1246 → 1280 (not 1250 or 1350), 584 → 640 (not 600).
   */
  static int acFftSize(int minimum) {
    return FFT_SIZES.computeIfAbsent(minimum, PeriodicityAnalysis::cheapestFftSize);
  }

  private static final java.util.concurrent.ConcurrentHashMap<Integer, Integer> FFT_SIZES =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Searches up to twice the next power of two: beyond it every length costs more (radix 4 has the
   * lowest cost per halving, and a power of two pays at most one radix-2 stage extra).
   */
  private static int cheapestFftSize(int minimum) {
    int start = Math.max(2, minimum + (minimum & 1));
    int pow2 = Integer.highestOneBit(start - 1) << 1;
    int best = -1;
    long bestCost = Long.MAX_VALUE;
    for (int n = start; n <= 2 * pow2; n += 2) {
      long cost = fftCost(n);
      if (cost < bestCost) {
        bestCost = cost;
        best = n;
      }
    }
    return best;
  }

  /** Relative per-point cost of a Stockham stage of radix 4, 2, 3, 5 (measured, rounded). */
  private static final int[][] RADIX_COST = {{4, 27}, {2, 20}, {3, 35}, {5, 37}};

  /** Modelled cost of a length-{@code n} batch FFT, or {@code Long.MAX_VALUE} if unsupported. */
  private static long fftCost(int n) {
    int rest = n / 2;
    long perPoint = 0;
    for (int[] rc : RADIX_COST) {
      while (rest % rc[0] == 0) {
        rest /= rc[0];
        perPoint += rc[1];
      }
    }
    return rest == 1 ? perPoint * (n / 2) : Long.MAX_VALUE;
  }

  /**
   * The "ac" frame loop: windowed frames are gathered in batches of {@link #AC_BATCH}; per batch
   * one FFT gives the power spectra and a second one (of the power spectra, which are real and even)
   * their inverse, i.e. the autocorrelations; each is divided by the window's autocorrelation and
   * its maxima registered. The FFT length is the cheapest 2·3·5-smooth one ({@link #acFftSize}) of
   * at least {@code nsampWindow + lastLagRead}: the circular autocorrelation is then exact for every
   * lag the candidate search reads ({@link Frame#lastLagRead}; 1280 for the 880-sample window at
   * 22.05 kHz, where lags up to 366 are read), and lags beyond are not filled in. Praat takes the
   * next power of two of {@code nsampWindow·(1 + interpolationDepth)}; the values agree up to
   * rounding.
   */
  private static void analyzeAc(double[] x, int sampleRate, Candidates out, Frame fr,
      boolean gaussian, int nsampWindow, int halfNsampWindow, int nsampPeriod, int halfNsampPeriod,
      double interpolationDepth, double globalPeak, double unvoicedBelowIntensity) {
    final double[] window = new double[nsampWindow];
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
    final int nfft = acPairFftSize(nsampWindow + fr.lastLagRead);
    final int half = nfft / 2;
    final AcPlan plan = AC_PAIR_PLANS.computeIfAbsent(nfft, AcPlan::new);
    AcWorkspace ws = AC_WORKSPACE.get();
    if (ws == null || ws.plan != plan || ws.acf.length <= fr.lastLagRead) {
      ws = new AcWorkspace(plan, fr.lastLagRead);
      AC_WORKSPACE.set(ws);
    }
    final double[][] acf = ws.acf;
    final int brentIxMax = fr.brentIxMax;
    // The window's own autocorrelation, normalised at lag 0 (slot 0 of one batch).
    loadFrame(ws.forward, 0, window, nsampWindow, half);
    autocorrelate(ws, 1, fr.lastLagRead);
    final double[] windowR = new double[brentIxMax + 1];
    for (int lag = 0; lag <= fr.lastLagRead; lag++) {
      windowR[lag] = acf[lag][0] / acf[0][0];
    }

    final int[] batchFrames = new int[AC_BATCH];
    final double[][] frames = new double[AC_BATCH][nsampWindow];
    int filled = 0;
    for (int iframe = 0; iframe < out.numberOfFrames; iframe++) {
      final double t = out.firstTime + iframe * out.timeStep;
      final int leftSample = (int) Math.floor(t * sampleRate - 0.5); // 0-based
      final int rightSample = leftSample + 1;
      final double localMean = localMean(x, leftSample, rightSample, nsampPeriod);
      final int frameStart = rightSample - halfNsampWindow;
      final double localPeak = localPeak(x, frameStart, localMean, window, halfNsampWindow,
          halfNsampPeriod, nsampWindow);
      out.intensity[iframe] = localPeak > globalPeak ? 1.0 : localPeak / globalPeak;
      out.count[iframe] = 1; // the unvoiced candidate
      out.frequency[iframe][0] = 0.0;
      out.strength[iframe][0] = 0.0;
      if (localPeak == 0.0 || out.intensity[iframe] < unvoicedBelowIntensity) {
        continue;
      }
      windowFrame(frames[filled], x, frameStart, localMean, window, nsampWindow);
      batchFrames[filled++] = iframe;
      if (filled == AC_BATCH || iframe == out.numberOfFrames - 1) {
        plan.forward.load(ws.forward, frames, filled, nsampWindow);
        finishAcBatch(ws, filled, batchFrames, windowR, out, fr);
        filled = 0;
      }
    }
    if (filled > 0) {
      plan.forward.load(ws.forward, frames, filled, nsampWindow);
      finishAcBatch(ws, filled, batchFrames, windowR, out, fr);
    }
  }

  /** Per-thread FFT workspace of the "cc" analysis (separate from the "ac" one). */
  private static final ThreadLocal<BatchRealFft.Workspace> CC_WORKSPACE = new ThreadLocal<>();

  /**
   * The forward cross-correlation ("cc") frame loop: per frame the span of one window plus the
   * longest lag (mean removed) is gathered; per batch of {@link #AC_BATCH} frames the spectra of
   * the first window ({@code A}) and of the span ({@code B}) give {@code X = conj(A)·B}, whose
   * inverse DFT is the cross-correlation {@code c(lag) = Σ_k s[k]·s[k+lag]}; the inverse of the
   * Hermitian {@code X} is taken as a forward transform of {@code re X + im X} (laid out over the
   * full period), whose {@code (re + im)/n} is {@code c}. The FFT length is the cheapest
   * 2·3·5-smooth one ({@link #acFftSize}) of at least the span (640 for 292 + 292 samples at
   * 22.05 kHz; Praat: 1024), enough for no circular wrap. Then {@code r(lag) = c(lag)/sqrt(E(0)·E(lag))} with the running window energies.
   */
  private static void analyzeCc(double[] x, int sampleRate, Candidates out, Frame fr,
      int nsampWindow, int halfNsampWindow, int nsampPeriod, int halfNsampPeriod, double dtWindow,
      double globalPeak, double unvoicedBelowIntensity) {
    final int nx = x.length;
    final int localSpanMax = fr.maximumLag + nsampWindow;
    final int nfft = acFftSize(localSpanMax);
    final int half = nfft / 2;
    final BatchRealFft fft = AC_PLANS.computeIfAbsent(nfft, n -> new BatchRealFft(n, AC_BATCH));
    BatchRealFft.Workspace ws = CC_WORKSPACE.get();
    if (ws == null || ws.owner() != fft) {
      ws = fft.newWorkspace();
      CC_WORKSPACE.set(ws);
    }
    final double[][] spans = new double[AC_BATCH][localSpanMax];
    final int[] spanLength = new int[AC_BATCH];
    final int[] batchFrames = new int[AC_BATCH];
    final double[][] aRe = new double[half + 1][AC_BATCH];
    final double[][] aIm = new double[half + 1][AC_BATCH];
    int filled = 0;
    for (int iframe = 0; iframe < out.numberOfFrames; iframe++) {
      final double t = out.firstTime + iframe * out.timeStep;
      final int leftSample = (int) Math.floor(t * sampleRate - 0.5); // 0-based
      final int rightSample = leftSample + 1;
      final double localMean = localMean(x, leftSample, rightSample, nsampPeriod);
      final int frameStart = rightSample - halfNsampWindow;
      final double localPeak =
          localPeak(x, frameStart, localMean, null, halfNsampWindow, halfNsampPeriod, nsampWindow);
      out.intensity[iframe] = localPeak > globalPeak ? 1.0 : localPeak / globalPeak;
      out.count[iframe] = 1; // the unvoiced candidate
      out.frequency[iframe][0] = 0.0;
      out.strength[iframe][0] = 0.0;
      if (localPeak == 0.0 || out.intensity[iframe] < unvoicedBelowIntensity) {
        continue;
      }
      double startTime = t - 0.5 * (1.0 / fr.minimumPitch + dtWindow);
      int startSample = Math.max(0, (int) Math.floor(startTime * sampleRate - 0.5));
      int localSpan = Math.max(0, Math.min(localSpanMax, nx - startSample));
      double[] span = spans[filled];
      for (int k = 0; k < localSpan; k++) {
        span[k] = x[startSample + k] - localMean;
      }
      java.util.Arrays.fill(span, localSpan, localSpanMax, 0.0);
      spanLength[filled] = localSpan;
      batchFrames[filled++] = iframe;
      if (filled == AC_BATCH) {
        finishCcBatch(fft, ws, filled, half, spans, spanLength, batchFrames, aRe, aIm,
            nsampWindow, out, fr);
        filled = 0;
      }
    }
    if (filled > 0) {
      finishCcBatch(fft, ws, filled, half, spans, spanLength, batchFrames, aRe, aIm, nsampWindow,
          out, fr);
    }
  }

  private static void finishCcBatch(BatchRealFft fft, BatchRealFft.Workspace ws, int count,
      int half, double[][] spans, int[] spanLength, int[] batchFrames, double[][] aRe,
      double[][] aIm, int nsampWindow, Candidates out, Frame fr) {
    final int n = 2 * half;
    // A: spectra of the first window of each span.
    fft.load(ws, spans, count, nsampWindow);
    fft.spectrum(ws, count);
    for (int k = 0; k <= half; k++) {
      System.arraycopy(ws.power[k], 0, aRe[k], 0, count);
      System.arraycopy(ws.imag[k], 0, aIm[k], 0, count);
    }
    // B: spectra of the spans.
    // (spans are zero beyond their length up to localSpanMax <= n)
    fft.load(ws, spans, count, spans[0].length);
    fft.spectrum(ws, count);
    // X = conj(A)·B; Hartley sequence re X ± im X (+ for k <= n/2, − for the mirrored half).
    for (int k = 0; k <= half; k++) {
      double[] ar = aRe[k];
      double[] ai = aIm[k];
      double[] br = ws.power[k];
      double[] bi = ws.imag[k];
      for (int f = 0; f < count; f++) {
        double xr = ar[f] * br[f] + ai[f] * bi[f];
        double xi = ar[f] * bi[f] - ai[f] * br[f];
        br[f] = xr + xi;
        bi[f] = xr - xi;
      }
    }
    for (int j = 0; j < half; j++) {
      int e = 2 * j;
      int o = 2 * j + 1;
      System.arraycopy(e <= half ? ws.power[e] : ws.imag[n - e], 0, ws.even[j], 0, count);
      System.arraycopy(o <= half ? ws.power[o] : ws.imag[n - o], 0, ws.odd[j], 0, count);
    }
    fft.spectrum(ws, count);
    final double[] r = fr.r;
    final int rCenter = fr.rCenter;
    final int brentIxMax = fr.brentIxMax;
    final double invN = 1.0 / n;
    // c(lag) = (re + im)/n point-major over the batch, then one row per frame.
    final int lastRow = Math.min(brentIxMax, fr.maximumLag); // <= half, as nfft >= span
    final double[][] cRows = ws.rows(count, lastRow + 1);
    for (int lag = 1; lag <= lastRow; lag++) {
      final double[] re = ws.power[lag];
      final double[] im = ws.imag[lag];
      for (int f = 0; f < count; f++) {
        re[f] = (re[f] + im[f]) * invN;
      }
    }
    BatchRealFft.unload(ws.power, 1, lastRow, count, cRows);
    for (int slot = 0; slot < count; slot++) {
      final double[] cRow = cRows[slot];
      double[] span = spans[slot];
      int localMaximumLag = spanLength[slot] - nsampWindow;
      double sumx2 = 0.0;
      for (int k = 0; k < nsampWindow; k++) {
        sumx2 += span[k] * span[k];
      }
      r[rCenter] = 1.0;
      double sumy2 = sumx2;
      int lastLag = Math.min(localMaximumLag, brentIxMax);
      for (int lag = 1; lag <= lastLag; lag++) {
        double y0 = span[lag - 1];
        double yz = span[lag + nsampWindow - 1];
        sumy2 += yz * yz - y0 * y0;
        double denom = Math.sqrt(sumx2 * sumy2);
        double c = cRow[lag];
        double value = denom > 0 ? c / denom : 0.0;
        r[rCenter + lag] = value;
        r[rCenter - lag] = value;
      }
      for (int lag = Math.max(lastLag + 1, 1); lag <= brentIxMax; lag++) {
        r[rCenter + lag] = 0.0;
        r[rCenter - lag] = 0.0;
      }
      fr.registerCandidates(out, batchFrames[slot]);
    }
  }

  /**
   * Writes {@code (x[frameStart + j] − mean)·window[j]}, {@code j < length}, into {@code frame}
   * (zero for samples outside the signal).
   */
  private static void windowFrame(double[] frame, double[] x, int frameStart, double mean,
      double[] window, int length) {
    int jFrom = Math.max(0, Math.min(length, -frameStart));
    int jTo = Math.max(jFrom, Math.min(length, x.length - frameStart));
    java.util.Arrays.fill(frame, 0, jFrom, 0.0);
    for (int j = jFrom; j < jTo; j++) {
      frame[j] = (x[frameStart + j] - mean) * window[j];
    }
    java.util.Arrays.fill(frame, jTo, length, 0.0);
  }

  /** Writes one zero-padded frame into batch slot {@code slot} of the FFT input. */
  private static void loadFrame(BatchRealFft.Workspace ws, int slot, double[] frame, int length,
      int half) {
    for (int j = 0; j < half; j++) {
      int i = 2 * j;
      ws.even[j][slot] = i < length ? frame[i] : 0.0;
      ws.odd[j][slot] = i + 1 < length ? frame[i + 1] : 0.0;
    }
  }

  /**
   * Autocorrelations of the frames in the first {@code count} slots of {@code ws.forward}, into
   * {@code ws.acf[lag][slot]} (unnormalised, times twice the FFT length), {@code lag = 0..lastLag}.
   *
   * <p>The power spectrum {@code P[0..N]} ({@code N} = half the FFT length) is real and even, so its
   * inverse DFT is a DCT-I, {@code A[l] = 2·T(l)} with {@code T(l) = ½(P[0] + (−1)^l P[N]) +
   * Σ_{j=1}^{N−1} P[j]·cos(πjl/N)}, taken with a real FFT of half the length: with {@code y[j] =
   * ½(P[j] + P[N−j]) − sin(πj/N)·(P[j] − P[N−j])}, {@code j < N}, and {@code Y = DFT(y)} one has
   * {@code T(2m) = re Y[m]} and {@code T(2m+1) = T(2m−1) − im Y[m]}, with {@code T(1)} summed
   * directly. This halves the cost of the inverse transform; the values agree with a full-length
   * inverse up to rounding.
   */
  private static void autocorrelate(AcWorkspace ws, int count, int lastLag) {
    final AcPlan plan = ws.plan;
    final BatchRealFft.Workspace fw = ws.forward;
    final BatchRealFft.Workspace hw = ws.inverse;
    plan.forward.power(fw, count);
    final int nHalf = plan.nHalf;
    final double[][] p = fw.power;
    final double[] sinTab = plan.sinTab;
    final double[] cosTab = plan.cosTab;
    final double[] t1 = ws.t1;
    {
      double[] p0 = p[0];
      double[] pn = p[nHalf];
      double[] ye = hw.even[0];
      for (int f = 0; f < count; f++) {
        ye[f] = 0.5 * (p0[f] + pn[f]);
        t1[f] = 0.5 * (p0[f] - pn[f]);
      }
    }
    for (int j = 1; j < nHalf; j++) {
      double[] pj = p[j];
      double[] pm = p[nHalf - j];
      double sj = sinTab[j];
      double cj = cosTab[j];
      double[] y = (j & 1) == 0 ? hw.even[j >> 1] : hw.odd[j >> 1];
      for (int f = 0; f < count; f++) {
        double a = pj[f];
        double b = pm[f];
        y[f] = 0.5 * (a + b) - sj * (a - b);
        t1[f] += a * cj;
      }
    }
    plan.inverse.spectrum(hw, count);
    final double[][] acf = ws.acf;
    final double[][] re = hw.power;
    final double[][] im = hw.imag;
    for (int m = 0; 2 * m <= lastLag; m++) {
      double[] out = acf[2 * m];
      double[] rm = re[m];
      for (int f = 0; f < count; f++) {
        out[f] = 2.0 * rm[f];
      }
    }
    for (int m = 0; 2 * m + 1 <= lastLag; m++) {
      double[] out = acf[2 * m + 1];
      double[] im0 = im[m];
      for (int f = 0; f < count; f++) {
        if (m > 0) {
          t1[f] -= im0[f];
        }
        out[f] = 2.0 * t1[f];
      }
    }
  }

  private static void finishAcBatch(AcWorkspace ws, int count, int[] batchFrames,
      double[] windowR, Candidates out, Frame fr) {
    autocorrelate(ws, count, fr.lastLagRead);
    final double[][] acf = ws.acf;
    final int lastLag = fr.lastLagRead;
    // Normalise point-major (a loop over the batch), then transpose to one row per frame.
    final double[] ac0 = acf[0];
    for (int lag = 1; lag <= lastLag; lag++) {
      final double[] row = acf[lag];
      final double wr = windowR[lag];
      for (int f = 0; f < count; f++) {
        row[f] = row[f] / (ac0[f] * wr);
      }
    }
    BatchRealFft.unload(acf, 1, lastLag, count, ws.rows);
    final double[] r = fr.r;
    final int rCenter = fr.rCenter;
    for (int slot = 0; slot < count; slot++) {
      final double[] values = ws.rows[slot];
      r[rCenter] = 1.0;
      System.arraycopy(values, 1, r, rCenter + 1, lastLag);
      for (int lag = 1; lag <= lastLag; lag++) {
        r[rCenter - lag] = values[lag];
      }
      fr.registerCandidates(out, batchFrames[slot]);
    }
  }

  /**
   * The two transforms of the "ac" autocorrelation for one FFT length {@code n}: the forward real
   * FFT of length {@code n} (power spectra) and the half-length one of the DCT-I ({@link
   * #autocorrelate}), with the DCT's tables. Immutable, shared between threads.
   */
  private static final class AcPlan {
    final BatchRealFft forward;
    final BatchRealFft inverse;
    final int nHalf;
    /** {@code sin(πj/N)}, {@code j < N}. */
    final double[] sinTab;
    /** {@code cos(πj/N)}, {@code j < N}. */
    final double[] cosTab;

    AcPlan(int n) {
      this.nHalf = n / 2;
      this.forward = new BatchRealFft(n, AC_BATCH);
      this.inverse = new BatchRealFft(nHalf, AC_BATCH);
      this.sinTab = new double[nHalf];
      this.cosTab = new double[nHalf];
      for (int j = 0; j < nHalf; j++) {
        sinTab[j] = Math.sin(Math.PI * j / nHalf);
        cosTab[j] = Math.cos(Math.PI * j / nHalf);
      }
    }
  }

  /** Per-thread buffers of one {@link AcPlan}. Not thread-safe. */
  private static final class AcWorkspace {
    final AcPlan plan;
    final BatchRealFft.Workspace forward;
    final BatchRealFft.Workspace inverse;
    /** {@code acf[lag][slot]}: the autocorrelations of a batch. */
    final double[][] acf;
    /** {@code rows[slot][lag]}: the normalised autocorrelations, one row per frame. */
    final double[][] rows;
    /** Running odd-lag values {@code T(2m+1)} per slot. */
    final double[] t1 = new double[AC_BATCH];

    AcWorkspace(AcPlan plan, int lastLag) {
      this.plan = plan;
      this.forward = plan.forward.newWorkspace();
      this.inverse = plan.inverse.newWorkspace();
      this.acf = new double[lastLag + 1][AC_BATCH];
      this.rows = new double[AC_BATCH][lastLag + 1];
    }
  }

  /** Cached "ac" plans by FFT length. */
  private static final java.util.concurrent.ConcurrentHashMap<Integer, AcPlan> AC_PAIR_PLANS =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * The cheapest "ac" FFT length {@code ≥ minimum}: a multiple of 4 such that both the length
   * and its half suit {@link BatchRealFft}, minimising the modelled cost of the forward transform
   * plus the half-length inverse ({@link #autocorrelate}); e.g. 1246 → 1280.
   */
  static int acPairFftSize(int minimum) {
    return PAIR_FFT_SIZES.computeIfAbsent(minimum, PeriodicityAnalysis::cheapestPairFftSize);
  }

  private static final java.util.concurrent.ConcurrentHashMap<Integer, Integer> PAIR_FFT_SIZES =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static int cheapestPairFftSize(int minimum) {
    int start = Math.max(4, (minimum + 3) / 4 * 4);
    int pow2 = Integer.highestOneBit(start - 1) << 1;
    int best = -1;
    long bestCost = Long.MAX_VALUE;
    for (int n = start; n <= 2 * pow2; n += 4) {
      long c1 = fftCost(n);
      long c2 = fftCost(n / 2);
      if (c1 == Long.MAX_VALUE || c2 == Long.MAX_VALUE) {
        continue;
      }
      if (c1 + c2 < bestCost) {
        bestCost = c1 + c2;
        best = n;
      }
    }
    return best;
  }

  /**
   * Candidates refined by {@link Frame#registerCandidates} get the 700-point sinc only above 0.3 of
   * the sample rate, which needs a ceiling above about 0.207 of it (the refined lag is at least the
   * ceiling lag minus 1.5 samples); at or below this fraction the refinement depth is the normal one.
   */
  private static final double MAX_CEILING_FRACTION_FOR_REFINE_DEPTH = 0.2;

  /** Per-analysis settings and scratch of the candidate search on one correlation function. */
  private static final class Frame {
    final double[] r;
    final int rCenter;
    final int rLength;
    final int brentIxMax;
    final int maximumLag;
    final int[] imax;
    final double[] position;
    final int[] maxLag;
    final double[] maxHeight;
    final boolean[] keep;
    final int maxCandidates;
    final int refineDepth;
    final double minimumPitch;
    final int sampleRate;
    final double ceiling;
    final double voicingThreshold;
    final double octaveCost;
    final int keepStrongest;
    /**
     * The largest lag of {@code r} that {@link #registerCandidates} can read: maxima are searched
     * below {@code lagLimit = min(maximumLag, brentIxMax)} and refined by sinc interpolation within
     * one sample of them, which reads at most {@code depth} samples beyond; the depth is at most
     * {@link #refineDepth} (and the first-estimate depth) unless the ceiling exceeds 0.2 of the
     * sample rate, the only case in which a refined candidate can lie above 0.3 of the rate and get
     * the 700-point depth. Lags beyond it need not be computed (the "ac" FFT is sized to be exact up
     * to it).
     */
    final int lastLagRead;

    Frame(double[] r, int rCenter, int rLength, int brentIxMax, int maximumLag, int[] imax,
        double[] position, int[] maxLag, double[] maxHeight, boolean[] keep, int maxCandidates,
        int refineDepth, double minimumPitch, int sampleRate, double ceiling,
        double voicingThreshold, double octaveCost, int keepStrongest) {
      this.r = r;
      this.rCenter = rCenter;
      this.rLength = rLength;
      this.brentIxMax = brentIxMax;
      this.maximumLag = maximumLag;
      this.imax = imax;
      this.position = position;
      this.maxLag = maxLag;
      this.maxHeight = maxHeight;
      this.keep = keep;
      this.maxCandidates = maxCandidates;
      this.refineDepth = refineDepth;
      this.minimumPitch = minimumPitch;
      this.sampleRate = sampleRate;
      this.ceiling = ceiling;
      this.voicingThreshold = voicingThreshold;
      this.octaveCost = octaveCost;
      this.keepStrongest = keepStrongest;
      int lagLimit = Math.min(maximumLag, brentIxMax);
      int maxDepth = Math.max(FIRST_ESTIMATE_SINC_DEPTH,
          ceiling > MAX_CEILING_FRACTION_FOR_REFINE_DEPTH * sampleRate ? SINC_DEPTH_ACCURATE
              : refineDepth);
      this.lastLagRead = (int) Math.min(brentIxMax, (long) lagLimit + 1 + maxDepth);
    }

    /**
     * Registers the local maxima of {@code r} (lag 0 at {@code rCenter}, filled for lags up to
     * {@code brentIxMax}) as candidates of frame {@code iframe} and refines them.
     */
    void registerCandidates(Candidates out, int iframe) {
      final double dx = 1.0 / sampleRate;
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
      final double ceilingLag = sampleRate / ceiling;
      // The first (30-point sinc) strength estimate only matters when the list can fill up (it then
      // decides replacements) or for a candidate that the second pass leaves unrefined; otherwise
      // the refinement below overwrites it, so it is not computed.
      final boolean listCanFill = Math.min(nMaxima, keepStrongest) >= maxCandidates - 1;
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
        double strengthOfMaximum = listCanFill || i + 1 < ceilingLag
            ? PeakInterpolation.sinc(r, rLength, lagOfMaximum + rCenter, FIRST_ESTIMATE_SINC_DEPTH)
            : 0.0;
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
   * An intensity below which {@link #choosePath} provably picks "unvoiced" for a frame, whatever its
   * voiced candidates, so that their (costly) correlation analysis can be skipped without changing
   * the path.
   *
   * <p>Why: a voiced candidate's local score is {@code strength − octaveCost·log2(ceiling/f) ≤ 1}
   * (strengths are at most 1, and {@code f < ceiling}, {@code octaveCost ≥ 0}); the unvoiced one
   * scores {@code U = voicingThreshold + max(0, 2 − intensity·(1+voicingThreshold)/silenceThreshold)}.
   * Replacing a voiced candidate at one frame of any path by "unvoiced" gains {@code U − local ≥ U −
   * 1} and changes the two adjacent transition costs from some {@code c1, c2 ≥ 0} to at most the
   * voiced/unvoiced cost {@code v} each, so it strictly improves every path through that frame
   * when {@code U > 1 + 2v}; then no best partial path (hence no Viterbi score, back-pointer or the
   * final path) uses a voiced candidate of that frame, and the frame's candidates need not exist.
   * {@code U > 1 + 2v} holds when {@code intensity < (1 + voicingThreshold − 2v)·silenceThreshold /
   * (1 + voicingThreshold)}; a relative margin of 1e-9 keeps rounding away from the boundary.
   *
   * @param voicedUnvoicedCost the voiced/unvoiced cost after time-step correction
   * @return the bound, or 0 (skip nothing) when a cost is negative or the silence threshold is not
   *     positive, where the argument does not hold
   */
  static double provablyUnvoicedIntensity(double silenceThreshold, double voicingThreshold,
      double octaveCost, double octaveJumpCost, double voicedUnvoicedCost) {
    if (!(silenceThreshold > 0) || !(octaveCost >= 0) || !(octaveJumpCost >= 0)
        || !(voicedUnvoicedCost >= 0) || !(voicingThreshold > -1)) {
      return 0.0;
    }
    double bound = (1.0 + voicingThreshold - 2.0 * voicedUnvoicedCost) * silenceThreshold
        / (1.0 + voicingThreshold);
    return Math.max(0.0, bound * (1.0 - SKIP_MARGIN));
  }

  /** Relative safety margin of {@link #provablyUnvoicedIntensity}. */
  private static final double SKIP_MARGIN = 1e-9;

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
}
