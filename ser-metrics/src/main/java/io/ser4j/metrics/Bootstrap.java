package io.ser4j.metrics;

import io.ser4j.core.LabelSet;
import io.ser4j.core.ManifestException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seeded percentile bootstrap over items: confidence intervals for any {@link Metric} and a
 * paired test between two systems. Each replicate draws {@code n} item indices with replacement
 * (optionally within each speaker, keeping every speaker's item count) from one {@link
 * SplittableRandom} seeded with {@link #seed()}, then recomputes the metrics from integer counts
 * and per-item terms: one index array and one workspace per call, no allocation per replicate.
 * Replicate {@code b} draws the same indices whatever metrics are asked for, so intervals of
 * several metrics come from the same resamples and the same seed always gives the same result.
 *
 * <p>Immutable and thread-safe (each call has its own generator and buffers).
 *
 * <pre>{@code
 * Bootstrap boot = Bootstrap.withReplicates(1000).seed(42).stratifiedBySpeaker(true);
 * ConfidenceInterval ci = boot.confidenceInterval(ev, Metric.MACRO_F1_MAJORITY);
 * PairedTestResult t = boot.pairedTest(evA, evB, Metric.MACRO_F1_MAJORITY);
 * }</pre>
 */
public final class Bootstrap {
  /** Default number of replicates. */
  public static final int DEFAULT_REPLICATES = 1000;
  /** Default seed. */
  public static final long DEFAULT_SEED = 42L;
  /** Default confidence level. */
  public static final double DEFAULT_LEVEL = 0.95;

  private final int replicates;
  private final long seed;
  private final double level;
  private final boolean stratified;

  private Bootstrap(int replicates, long seed, double level, boolean stratified) {
    if (replicates < 1) {
      throw new IllegalArgumentException("replicates must be at least 1, got " + replicates);
    }
    if (!(level > 0 && level < 1)) {
      throw new IllegalArgumentException("level must be in (0, 1), got " + level);
    }
    this.replicates = replicates;
    this.seed = seed;
    this.level = level;
    this.stratified = stratified;
  }

  /** 1000 replicates, seed 42, 95 %, not stratified. */
  public static Bootstrap defaults() {
    return new Bootstrap(DEFAULT_REPLICATES, DEFAULT_SEED, DEFAULT_LEVEL, false);
  }

  /**
   * Default settings with {@code replicates} replicates.
   *
   * @throws IllegalArgumentException if {@code replicates < 1}
   */
  public static Bootstrap withReplicates(int replicates) {
    return new Bootstrap(replicates, DEFAULT_SEED, DEFAULT_LEVEL, false);
  }

  /** This bootstrap with another seed. */
  public Bootstrap seed(long seed) {
    return new Bootstrap(replicates, seed, level, stratified);
  }

  /**
   * This bootstrap with another confidence level.
   *
   * @throws IllegalArgumentException unless {@code 0 < level < 1}
   */
  public Bootstrap level(double level) {
    return new Bootstrap(replicates, seed, level, stratified);
  }

  /** This bootstrap resampling within speakers (items without a speaker form one stratum). */
  public Bootstrap stratifiedBySpeaker(boolean stratified) {
    return new Bootstrap(replicates, seed, level, stratified);
  }

  /** Number of replicates. */
  public int replicates() {
    return replicates;
  }

  /** The seed. */
  public long seed() {
    return seed;
  }

  /** The confidence level. */
  public double level() {
    return level;
  }

  /** Whether resampling is within speakers. */
  public boolean isStratifiedBySpeaker() {
    return stratified;
  }

  /** The percentile interval of one metric. */
  public ConfidenceInterval confidenceInterval(Evaluation evaluation, Metric metric) {
    return confidenceIntervals(evaluation, List.of(metric)).get(metric);
  }

  /**
   * Percentile intervals of several metrics from the same resamples. Metrics undefined on the
   * evaluation (NaN point estimate, e.g. soft metrics without distributions) are left out.
   */
  public Map<Metric, ConfidenceInterval> confidenceIntervals(
      Evaluation evaluation, Collection<Metric> metrics) {
    ItemTable t = evaluation.table();
    List<Metric> ms = new ArrayList<>();
    for (Metric m : metrics) {
      if (!Double.isNaN(evaluation.metric(m)) && !ms.contains(m)) {
        ms.add(m);
      }
    }
    double[][] reps = new double[ms.size()][replicates];
    Resampler rs = new Resampler(t, stratified, seed);
    ItemTable.Workspace ws = new ItemTable.Workspace(t.c);
    // metrics that read only confusion counts: count each draw directly, no index array
    boolean countsOnly = !ms.isEmpty();
    boolean majority = false;
    boolean aware = false;
    for (Metric m : ms) {
      majority |= m.family() == Metric.Family.MAJORITY;
      aware |= m.family() == Metric.Family.ANNOTATOR_AWARE;
      countsOnly &=
          m.family() == Metric.Family.MAJORITY || m.family() == Metric.Family.ANNOTATOR_AWARE;
    }
    for (int b = 0; b < replicates; b++) {
      ws.reset();
      int[] idx;
      if (countsOnly) {
        idx = rs.nextCounts(t, ws, majority, aware);
      } else {
        idx = rs.next();
      }
      for (int j = 0; j < ms.size(); j++) {
        reps[j][b] = ms.get(j).compute(t, idx, idx.length, ws);
      }
    }
    EnumMap<Metric, ConfidenceInterval> out = new EnumMap<>(Metric.class);
    for (int j = 0; j < ms.size(); j++) {
      double[] v = finite(reps[j]);
      Metric m = ms.get(j);
      double lo = v.length == 0 ? Double.NaN : percentile(v, 100 * (1 - level) / 2);
      double hi = v.length == 0 ? Double.NaN : percentile(v, 100 * (1 + level) / 2);
      out.put(m, new ConfidenceInterval(m, evaluation.metric(m), lo, hi, level, v.length, seed));
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * Paired bootstrap test of {@code a} against {@code b} on {@code metric}: both evaluations must
   * hold the same item ids in the same order; each replicate scores both systems on the same
   * resampled items. The p-value is two-sided, from the replicate differences shifted to the
   * null: {@code (1 + #{|δ*_b − δ| ≥ |δ|}) / (B' + 1)} with B' the defined replicates.
   * Each system keeps its own label sets; evaluations built without a label set may average over
   * different classes (a class only one system predicts), so give both the same label set ({@link
   * Evaluation#of(Collection, LabelSet)}) for a like-for-like comparison.
   *
   * @throws ManifestException if the two evaluations do not cover the same items in order
   */
  public PairedTestResult pairedTest(Evaluation a, Evaluation b, Metric metric) {
    ItemTable ta = a.table();
    ItemTable tb = b.table();
    if (ta.n != tb.n || !Arrays.equals(ta.ids, tb.ids)) {
      throw new ManifestException(
          "items", "a paired test needs both systems scored on the same item ids in the same order");
    }
    double ea = a.metric(metric);
    double eb = b.metric(metric);
    double delta = ea - eb;
    Resampler rs = new Resampler(ta, stratified, seed);
    ItemTable.Workspace wa = new ItemTable.Workspace(ta.c);
    ItemTable.Workspace wb = new ItemTable.Workspace(tb.c);
    int defined = 0;
    int extreme = 0;
    for (int r = 0; r < replicates; r++) {
      int[] idx = rs.next();
      wa.reset();
      wb.reset();
      double d = metric.compute(ta, idx, idx.length, wa) - metric.compute(tb, idx, idx.length, wb);
      if (Double.isNaN(d)) {
        continue;
      }
      defined++;
      if (Math.abs(d - delta) >= Math.abs(delta)) {
        extreme++;
      }
    }
    double p = Double.isNaN(delta) ? Double.NaN : (1.0 + extreme) / (defined + 1.0);
    return new PairedTestResult(metric, ea, eb, delta, p, defined, seed);
  }

  private static double[] finite(double[] v) {
    int k = 0;
    double[] out = new double[v.length];
    for (double x : v) {
      if (!Double.isNaN(x)) {
        out[k++] = x;
      }
    }
    out = Arrays.copyOf(out, k);
    Arrays.sort(out);
    return out;
  }

  /** Percentile with linear interpolation between order statistics (numpy's default). */
  static double percentile(double[] sorted, double q) {
    double pos = q / 100 * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, sorted.length - 1);
    double frac = pos - lo;
    return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
  }

  /**
   * Draws index arrays into one reused buffer. With one stratum (not resampling within speakers,
   * or a single speaker) the draws are the item indices themselves, with no member table to look
   * up. Not thread-safe; one per call.
   */
  private static final class Resampler {
    /** Most classes for which every confusion cell index (up to c * c) fits in an unsigned byte. */
    static final int MAX_BYTE_CELL_CLASSES = 15;

    private final SplittableRandom rng;
    private final int[] idx;
    private final int[] members; // item indices grouped by stratum; null when not stratified
    private final int[] start; // stratum s occupies members[start[s]..start[s+1])

    Resampler(ItemTable t, boolean stratified, long seed) {
      this.rng = new SplittableRandom(seed);
      this.intCellMajority = t.cellMajority;
      this.intCellAware = t.cellAware;
      this.idx = new int[t.n];
      int strata = stratified && t.stratum != null ? t.nStrata : 1;
      start = new int[strata + 1];
      if (strata == 1) {
        members = null;
        start[1] = t.n;
      } else {
        members = new int[t.n];
        for (int i = 0; i < t.n; i++) {
          start[t.stratum[i] + 1]++;
        }
        for (int s = 0; s < strata; s++) {
          start[s + 1] += start[s];
        }
        int[] fill = Arrays.copyOf(start, strata);
        for (int i = 0; i < t.n; i++) {
          members[fill[t.stratum[i]]++] = i;
        }
      }
    }

    /** Draws one resample into the index buffer and returns it. */
    int[] next() {
      draw();
      return idx;
    }

    /**
     * Draws one resample (the same draws as {@link #next()}) and counts it straight into the
     * majority and/or annotator-aware confusion counts of {@code ws}, marking them ready; the index
     * buffer is not written. Returns the (stale) index buffer, which a metric reading only these
     * counts never looks at.
     */
    int[] nextCounts(ItemTable t, ItemTable.Workspace ws, boolean majority, boolean aware) {
      countMajority = majority ? ws.cm : null;
      countAware = aware ? ws.cmAware : null;
      if (majority && cellMajority == null) {
        cellMajority = compact(t.cellMajority, t.c);
      }
      if (aware && cellAware == null) {
        cellAware = compact(t.cellAware, t.c);
      }
      if (majority) {
        Arrays.fill(ws.cm, 0);
      }
      if (aware) {
        Arrays.fill(ws.cmAware, 0);
      }
      try {
        draw();
      } finally {
        countMajority = null;
        countAware = null;
      }
      int discard = t.c * t.c;
      if (majority) {
        ws.majorityTotal = idx.length - ws.cm[discard];
        ws.majorityReady = true;
      }
      if (aware) {
        ws.awareTotal = idx.length - ws.cmAware[discard];
        ws.awareReady = true;
      }
      return idx;
    }

    // counts are set only during nextCounts; the cell columns are built on first use
    private long[] countMajority;
    private long[] countAware;
    private byte[] cellMajority;
    private byte[] cellAware;

    /**
     * The cell column as unsigned bytes when every cell index fits (at most {@value
     * #MAX_BYTE_CELL_CLASSES} classes): a quarter of the memory, so the random lookups of the draws
     * stay in cache. Null when it does not fit (then the int column is used).
     */
    private static byte[] compact(int[] cells, int c) {
      if (c > MAX_BYTE_CELL_CLASSES) {
        return null;
      }
      byte[] out = new byte[cells.length];
      for (int i = 0; i < cells.length; i++) {
        out[i] = (byte) cells[i];
      }
      return out;
    }

    private int[] intCellMajority;
    private int[] intCellAware;

    /** Records draw {@code u} (a position in the member table) as the k-th item of the resample. */
    private void put(int k, int u) {
      int i = members == null ? u : members[u];
      if (countMajority == null && countAware == null) {
        idx[k] = i;
        return;
      }
      if (countMajority != null) {
        countMajority[cellMajority != null ? cellMajority[i] & 0xff : intCellMajority[i]]++;
      }
      if (countAware != null) {
        countAware[cellAware != null ? cellAware[i] & 0xff : intCellAware[i]]++;
      }
    }

    private void draw() {
      int k = 0;
      for (int s = 0; s + 1 < start.length; s++) {
        int from = start[s];
        int size = start[s + 1] - from;
        long bound = size;
        long threshold = (0x100000000L - bound) % bound;
        int j = 0;
        // two draws per 64 random bits (Lemire's multiply-shift; rejection keeps it unbiased)
        for (; j + 1 < size; j += 2) {
          long bits = rng.nextLong();
          long m1 = (bits & 0xffffffffL) * bound;
          long m2 = (bits >>> 32) * bound;
          if ((m1 & 0xffffffffL) < threshold) {
            m1 = redraw(bound, threshold);
          }
          if ((m2 & 0xffffffffL) < threshold) {
            m2 = redraw(bound, threshold);
          }
          put(k++, from + (int) (m1 >>> 32));
          put(k++, from + (int) (m2 >>> 32));
        }
        if (j < size) {
          put(k++, from + nextBounded(size));
        }
      }
    }

    private long redraw(long bound, long threshold) {
      long m;
      do {
        m = (next32() & 0xffffffffL) * bound;
      } while ((m & 0xffffffffL) < threshold);
      return m;
    }

    /**
     * Uniform in [0, bound) from 32 random bits by Lemire's multiply-shift with rejection
     * (unbiased; "Fast random integer generation in an interval", ACM TOMACS 2019). Uses both
     * halves of each {@code nextLong()}.
     */
    private int nextBounded(int bound) {
      long m = (next32() & 0xffffffffL) * bound;
      long low = m & 0xffffffffL;
      if (low < bound) {
        long threshold = (0x100000000L - bound) % bound;
        while (low < threshold) {
          m = (next32() & 0xffffffffL) * bound;
          low = m & 0xffffffffL;
        }
      }
      return (int) (m >>> 32);
    }

    private long spare;
    private boolean hasSpare;

    private int next32() {
      if (hasSpare) {
        hasSpare = false;
        return (int) (spare >>> 32);
      }
      spare = rng.nextLong();
      hasSpare = true;
      return (int) spare;
    }
  }

  @Override
  public String toString() {
    return "Bootstrap[replicates=" + replicates + ", seed=" + seed + ", level=" + level
        + ", stratifiedBySpeaker=" + stratified + "]";
  }
}
