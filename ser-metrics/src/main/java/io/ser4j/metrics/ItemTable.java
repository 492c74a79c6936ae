package io.ser4j.metrics;

import io.ser4j.core.Label;
import io.ser4j.core.LabelDistribution;
import io.ser4j.core.LabelSet;
import io.ser4j.core.UnknownLabelException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Items turned into primitive columns once, plus every per-item quantity a metric needs, so that a
 * metric over any multiset of item indices (the identity for point estimates, a resample for the
 * bootstrap) is one pass over an {@code int[]} with no allocation. Immutable after construction;
 * thread-safe. Kernels take a caller-owned {@link Workspace}.
 *
 * <p>Every column is indexed by the full label set {@link #labels} (every label that occurs, or the
 * given set). The majority-based and annotator-aware metrics average over the subsets {@link
 * #majorityClasses} and {@link #awareClasses} of it: the whole set when the label set was given,
 * else only the classes that occur as reference or prediction among the items with a majority (as
 * scikit-learn's default {@code unique_labels(y_true, y_pred)}). Classes outside such a subset have
 * an empty row and column in that confusion matrix, so the subset changes only the averages.
 *
 * <p>The soft-label columns are allocated only when some item carries a distribution.
 */
final class ItemTable {
  /** Number of equal-width confidence bins of the expected calibration error. */
  static final int ECE_BINS = 15;
  /** Lower clip of predicted probabilities inside the cross-entropy logarithm (as sklearn 1.2). */
  static final double CROSS_ENTROPY_EPSILON = 1e-15;

  final LabelSet labels;
  final int n;
  final int c;
  /**
   * Indices (into {@link #labels}, ascending) of the classes the majority-based metrics average
   * over.
   */
  final int[] majorityClasses;
  /** Indices (ascending) of the classes the annotator-aware metrics average over. */
  final int[] awareClasses;
  final String[] ids;
  /** Vote counts, row-major (n, c). */
  final int[] votes;
  /**
   * Confusion cell per item, {@code majority * c + prediction}, or {@code c * c} (a discard cell)
   * when the item has no majority label: lets the bootstrap count a resample with one lookup per
   * draw.
   */
  final int[] cellMajority;
  /**
   * As {@link #cellMajority} with the annotator-aware reference (the prediction when any annotator
   * chose it, else the majority label).
   */
  final int[] cellAware;
  /** Votes per item. */
  final int[] raters;
  /**
   * Speaker stratum per item (items without a speaker share one stratum); null when there is only
   * one stratum (resampling within it is plain resampling).
   */
  final int[] stratum;
  final int nStrata;
  final int nNoMajority;

  // soft metrics: defined where hasDist[i]; the columns below are null when nDist == 0
  final boolean[] hasDist;
  final int nDist;
  final double[] softMin;
  final double[] refSum;
  final double[] predSum;
  final double[] jsd;
  final double[] crossEntropy;
  final double[] entropyRef;
  final double[] entropyPred;
  final double[] confidence;
  final boolean[] argmaxCorrect;
  final int[] eceBin;
  /** All-inclusive multi-hot reference and prediction, row-major (n, c). */
  final boolean[] hotRef;
  final boolean[] hotPred;


  /** A table over a given label set: every class counts in every average. */
  ItemTable(List<EvaluationItem> items, LabelSet labels) {
    this(items, labels, false);
  }

  /**
   * A table over {@code labels}.
   *
   * @param observedOnly when true, the majority-based (annotator-aware) averages run only over the
   *     classes that occur as majority (annotator-aware) reference or prediction among the items
   *     with a majority; when false over the whole label set
   */
  ItemTable(List<EvaluationItem> items, LabelSet labels, boolean observedOnly) {
    this.labels = labels;
    this.n = items.size();
    this.c = labels.size();
    ids = new String[n];
    votes = new int[n * c];
    raters = new int[n];
    cellMajority = new int[n];
    cellAware = new int[n];
    int[] strat = null; // allocated when a second speaker appears
    hasDist = new boolean[n];
    int withDist = 0;
    for (int i = 0; i < n; i++) {
      if (items.get(i).distribution() != null) {
        withDist++;
      }
    }
    nDist = withDist;
    boolean soft = withDist > 0;
    softMin = soft ? new double[n] : null;
    refSum = soft ? new double[n] : null;
    predSum = soft ? new double[n] : null;
    jsd = soft ? new double[n] : null;
    crossEntropy = soft ? new double[n] : null;
    entropyRef = soft ? new double[n] : null;
    entropyPred = soft ? new double[n] : null;
    confidence = soft ? new double[n] : null;
    argmaxCorrect = soft ? new boolean[n] : null;
    eceBin = soft ? new int[n] : null;
    hotRef = soft ? new boolean[n * c] : null;
    hotPred = soft ? new boolean[n * c] : null;
    Map<String, Integer> strata = new HashMap<>();
    String lastSpeaker = null;
    int lastStratum = -1;
    int noMajority = 0;
    boolean[] inMajority = new boolean[c];
    boolean[] inAware = new boolean[c];
    double[] p = soft ? new double[c] : null;
    double[] y = soft ? new double[c] : null;
    for (int i = 0; i < n; i++) {
      EvaluationItem it = items.get(i);
      ids[i] = it.id();
      int pi = index(it.prediction(), it.id(), "prediction");
      List<Label> ann = it.annotations();
      int m = ann.size();
      raters[i] = m;
      int base = i * c;
      for (int r = 0; r < m; r++) {
        votes[base + index(ann.get(r), it.id(), "annotation")]++;
      }
      int mj;
      if (it.majority() != null) {
        mj = index(it.majority(), it.id(), "majority");
      } else {
        mj = plurality(i);
      }
      if (mj < 0) {
        noMajority++;
        cellMajority[i] = c * c;
        cellAware[i] = c * c;
      } else {
        int aw = votes[base + pi] > 0 ? pi : mj;
        cellMajority[i] = mj * c + pi;
        cellAware[i] = aw * c + pi;
        inMajority[mj] = true;
        inMajority[pi] = true;
        inAware[aw] = true;
        inAware[pi] = true;
      }
      String speaker = it.speaker() == null ? "" : it.speaker();
      if (!speaker.equals(lastSpeaker)) {
        Integer s = strata.get(speaker);
        if (s == null) {
          s = strata.size();
          strata.put(speaker, s);
        }
        lastSpeaker = speaker;
        lastStratum = s;
        if (s > 0 && strat == null) {
          strat = new int[n]; // items so far are all in stratum 0
        }
      }
      if (strat != null) {
        strat[i] = lastStratum;
      }
      // soft columns
      if (it.distribution() != null) {
        hasDist[i] = true;
        fillDistribution(it.distribution(), it.id(), p);
        for (int k = 0; k < c; k++) {
          y[k] = share(i, k);
        }
        softColumns(i, y, p, m, mj);
      }
    }
    nStrata = strata.size();
    stratum = strat;
    nNoMajority = noMajority;
    boolean anyScored = noMajority < n;
    majorityClasses = observedOnly && anyScored ? indices(inMajority) : all(c);
    awareClasses = observedOnly && anyScored ? indices(inAware) : all(c);
  }

  /** The vote share n_ic / n_i of class k in item i. */
  double share(int i, int k) {
    return votes[i * c + k] / (double) raters[i];
  }

  private static int[] indices(boolean[] mask) {
    int cnt = 0;
    for (boolean b : mask) {
      cnt += b ? 1 : 0;
    }
    int[] out = new int[cnt];
    int j = 0;
    for (int k = 0; k < mask.length; k++) {
      if (mask[k]) {
        out[j++] = k;
      }
    }
    return out;
  }

  private static int[] all(int c) {
    int[] out = new int[c];
    for (int k = 0; k < c; k++) {
      out[k] = k;
    }
    return out;
  }

  private int index(Label l, String id, String role) {
    int k = labels.indexOf(l);
    if (k < 0) {
      throw new UnknownLabelException(
          id, role + " '" + l + "' is not in the label set " + labels);
    }
    return k;
  }

  private int plurality(int i) {
    int best = -1;
    int bestCount = 0;
    boolean tie = false;
    for (int k = 0; k < c; k++) {
      int v = votes[i * c + k];
      if (v > bestCount) {
        best = k;
        bestCount = v;
        tie = false;
      } else if (v == bestCount && v > 0) {
        tie = true;
      }
    }
    return tie ? -1 : best;
  }

  private void fillDistribution(LabelDistribution d, String id, double[] p) {
    java.util.Arrays.fill(p, 0);
    LabelSet dl = d.labels();
    double[] probs = d.toArray();
    for (int j = 0; j < probs.length; j++) {
      int k = labels.indexOf(dl.get(j));
      if (k < 0) {
        if (probs[j] > 0) {
          throw new UnknownLabelException(
              id,
              "distribution label '" + dl.get(j) + "' (p=" + probs[j] + ") is not in the label set "
                  + labels + "; restrict the distribution with LabelDistribution.restrictTo");
        }
        continue;
      }
      p[k] = probs[j];
    }
  }

  private void softColumns(int i, double[] y, double[] p, int m, int mj) {
    double min = 0;
    double ys = 0;
    double ps = 0;
    double ce = 0;
    double hy = 0;
    double hp = 0;
    double klPm = 0;
    double klQm = 0;
    int am = 0;
    for (int k = 0; k < c; k++) {
      double yk = y[k];
      double pk = p[k];
      min += Math.min(yk, pk);
      ys += yk;
      ps += pk;
      ce -= yk * Math.log(Math.max(pk, CROSS_ENTROPY_EPSILON));
      if (yk > 0) {
        hy -= yk * Math.log(yk);
      }
      if (pk > 0) {
        hp -= pk * Math.log(pk);
      }
      double mid = 0.5 * (yk + pk);
      if (yk > 0) {
        klPm += yk * log2(yk / mid);
      }
      if (pk > 0) {
        klQm += pk * log2(pk / mid);
      }
      if (pk > p[am]) {
        am = k;
      }
      int v = votes[i * c + k];
      hotRef[i * c + k] = (long) v * c > m;
      hotPred[i * c + k] = pk > 1.0 / c;
    }
    softMin[i] = min;
    refSum[i] = ys;
    predSum[i] = ps;
    crossEntropy[i] = ce;
    entropyRef[i] = hy;
    entropyPred[i] = hp;
    jsd[i] = 0.5 * klPm + 0.5 * klQm;
    confidence[i] = p[am];
    argmaxCorrect[i] = am == mj;
    int b = (int) Math.ceil(p[am] * ECE_BINS) - 1;
    eceBin[i] = Math.max(0, Math.min(ECE_BINS - 1, b));
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }

  /** An identity index array 0..n-1. */
  int[] identity() {
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    return idx;
  }

  // ------------------------------------------------------------------------------------------
  // kernels over a multiset of item indices idx[0..len)
  // ------------------------------------------------------------------------------------------

  /**
   * Fills {@code cm} (length c*c+1; rows = reference, columns = prediction, last cell = items
   * without a majority) and returns the number of counted items.
   */
  long confusion(int[] idx, int len, boolean annotatorAware, long[] cm) {
    java.util.Arrays.fill(cm, 0);
    int[] cell = annotatorAware ? cellAware : cellMajority;
    for (int k = 0; k < len; k++) {
      cm[cell[idx[k]]]++;
    }
    return len - cm[c * c];
  }

  /**
   * The majority (or annotator-aware) confusion counts of {@code idx}, computed once per resample:
   * later calls until {@link Workspace#reset()} return the cached counts.
   */
  long[] counts(int[] idx, int len, boolean annotatorAware, Workspace ws) {
    if (annotatorAware) {
      if (!ws.awareReady) {
        ws.awareTotal = confusion(idx, len, true, ws.cmAware);
        ws.awareReady = true;
      }
      return ws.cmAware;
    }
    if (!ws.majorityReady) {
      ws.majorityTotal = confusion(idx, len, false, ws.cm);
      ws.majorityReady = true;
    }
    return ws.cm;
  }

  /** sklearn-style F1 of class k from a confusion matrix (zero_division = 0). */
  double f1(long[] cm, int k) {
    double pr = precision(cm, k);
    double rc = recall(cm, k);
    double denom = pr + rc;
    return denom == 0 ? 0 : 2 * pr * rc / denom;
  }

  double precision(long[] cm, int k) {
    long col = 0;
    for (int r = 0; r < c; r++) {
      col += cm[r * c + k];
    }
    return col == 0 ? 0 : cm[k * c + k] / (double) col;
  }

  double recall(long[] cm, int k) {
    long row = support(cm, k);
    return row == 0 ? 0 : cm[k * c + k] / (double) row;
  }

  long support(long[] cm, int k) {
    long row = 0;
    for (int j = 0; j < c; j++) {
      row += cm[k * c + j];
    }
    return row;
  }

  /** Unweighted mean of per-class F1 over {@code classes}; NaN when no item is counted. */
  double macroF1(long[] cm, long total, int[] classes) {
    if (total == 0) {
      return Double.NaN;
    }
    double s = 0;
    for (int k : classes) {
      s += f1(cm, k);
    }
    return s / classes.length;
  }

  /** Support-weighted mean of per-class F1 over {@code classes}; NaN when no item is counted. */
  double weightedF1(long[] cm, long total, int[] classes) {
    if (total == 0) {
      return Double.NaN;
    }
    double s = 0;
    for (int k : classes) {
      s += f1(cm, k) * support(cm, k);
    }
    return s / total;
  }

  /** Unweighted mean of per-class recall over {@code classes}; NaN when no item is counted. */
  double uar(long[] cm, long total, int[] classes) {
    if (total == 0) {
      return Double.NaN;
    }
    double s = 0;
    for (int k : classes) {
      s += recall(cm, k);
    }
    return s / classes.length;
  }

  double accuracy(long[] cm, long total) {
    if (total == 0) {
      return Double.NaN;
    }
    long t = 0;
    for (int k = 0; k < c; k++) {
      t += cm[k * c + k];
    }
    return t / (double) total;
  }

  /** Mean of a per-item column over items with a distribution; NaN when there are none. */
  double meanSoft(double[] column, int[] idx, int len) {
    if (nDist == 0) {
      return Double.NaN;
    }
    double s = 0;
    long cnt = 0;
    for (int k = 0; k < len; k++) {
      int i = idx[k];
      if (hasDist[i]) {
        s += column[i];
        cnt++;
      }
    }
    return cnt == 0 ? Double.NaN : s / cnt;
  }

  double softMicroF1(int[] idx, int len) {
    if (nDist == 0) {
      return Double.NaN;
    }
    double num = 0;
    double den = 0;
    for (int k = 0; k < len; k++) {
      int i = idx[k];
      if (hasDist[i]) {
        num += softMin[i];
        den += refSum[i] + predSum[i];
      }
    }
    return den == 0 ? Double.NaN : 2 * num / den;
  }

  double entropyCorrelation(int[] idx, int len) {
    if (nDist == 0) {
      return Double.NaN;
    }
    double sx = 0;
    double sy = 0;
    long cnt = 0;
    for (int k = 0; k < len; k++) {
      int i = idx[k];
      if (hasDist[i]) {
        sx += entropyRef[i];
        sy += entropyPred[i];
        cnt++;
      }
    }
    if (cnt < 2) {
      return Double.NaN;
    }
    double mx = sx / cnt;
    double my = sy / cnt;
    double sxx = 0;
    double syy = 0;
    double sxy = 0;
    for (int k = 0; k < len; k++) {
      int i = idx[k];
      if (hasDist[i]) {
        double dx = entropyRef[i] - mx;
        double dy = entropyPred[i] - my;
        sxx += dx * dx;
        syy += dy * dy;
        sxy += dx * dy;
      }
    }
    double den = Math.sqrt(sxx * syy);
    return den == 0 ? Double.NaN : sxy / den;
  }

  /** Fills the reliability bins (count, confidence sum, correct count) and returns the ECE. */
  double ece(int[] idx, int len, long[] count, double[] confSum, long[] correct) {
    java.util.Arrays.fill(count, 0);
    java.util.Arrays.fill(confSum, 0);
    java.util.Arrays.fill(correct, 0);
    long total = 0;
    for (int k = 0; k < len; k++) {
      int i = idx[k];
      if (hasDist[i] && cellMajority[i] != c * c) {
        int b = eceBin[i];
        count[b]++;
        confSum[b] += confidence[i];
        if (argmaxCorrect[i]) {
          correct[b]++;
        }
        total++;
      }
    }
    if (total == 0) {
      return Double.NaN;
    }
    double e = 0;
    for (int b = 0; b < ECE_BINS; b++) {
      if (count[b] > 0) {
        double acc = correct[b] / (double) count[b];
        double conf = confSum[b] / count[b];
        e += count[b] / (double) total * Math.abs(acc - conf);
      }
    }
    return e;
  }

  double allInclusiveMacroF1(int[] idx, int len, long[] tp, long[] fp, long[] fn) {
    java.util.Arrays.fill(tp, 0);
    java.util.Arrays.fill(fp, 0);
    java.util.Arrays.fill(fn, 0);
    if (nDist == 0) {
      return Double.NaN;
    }
    long cnt = 0;
    for (int k = 0; k < len; k++) {
      int i = idx[k];
      if (!hasDist[i]) {
        continue;
      }
      cnt++;
      int base = i * c;
      for (int j = 0; j < c; j++) {
        boolean r = hotRef[base + j];
        boolean q = hotPred[base + j];
        if (r && q) {
          tp[j]++;
        } else if (q) {
          fp[j]++;
        } else if (r) {
          fn[j]++;
        }
      }
    }
    if (cnt == 0) {
      return Double.NaN;
    }
    double s = 0;
    for (int j = 0; j < c; j++) {
      double pr = tp[j] + fp[j] == 0 ? 0 : tp[j] / (double) (tp[j] + fp[j]);
      double rc = tp[j] + fn[j] == 0 ? 0 : tp[j] / (double) (tp[j] + fn[j]);
      s += pr + rc == 0 ? 0 : 2 * pr * rc / (pr + rc);
    }
    return s / c;
  }

  /** Fleiss' κ with variable raters per item (Gwet's generalisation); NaN when undefined. */
  double fleissKappa(int[] idx, int len, double[] pi) {
    java.util.Arrays.fill(pi, 0);
    double pa = 0;
    long withPairs = 0;
    for (int k = 0; k < len; k++) {
      int i = idx[k];
      int m = raters[i];
      double md = m;
      int base = i * c;
      long pairs = 0;
      for (int j = 0; j < c; j++) {
        int v = votes[base + j];
        pairs += (long) v * (v - 1);
        pi[j] += v / md; // the vote share n_ij / n_i
      }
      if (m >= 2) {
        // the item's agreement sum_j n_ij(n_ij-1) / (n_i(n_i-1))
        pa += pairs / ((double) m * (m - 1));
        withPairs++;
      }
    }
    if (withPairs == 0 || len == 0) {
      return Double.NaN;
    }
    pa /= withPairs;
    double pe = 0;
    for (int j = 0; j < c; j++) {
      double q = pi[j] / len;
      pe += q * q;
    }
    return pe >= 1 ? Double.NaN : (pa - pe) / (1 - pe);
  }

  /** Krippendorff's α (nominal), coincidence-matrix form; NaN when undefined. */
  double krippendorffNominal(int[] idx, int len, double[] nc) {
    java.util.Arrays.fill(nc, 0);
    double d = 0;
    double total = 0;
    for (int k = 0; k < len; k++) {
      int i = idx[k];
      int m = raters[i];
      if (m < 2) {
        continue;
      }
      int base = i * c;
      long sumSq = 0;
      for (int j = 0; j < c; j++) {
        int v = votes[base + j];
        sumSq += (long) v * v;
        nc[j] += v;
      }
      // the unit's disagreement (m^2 - sum_j n_j^2) / (m - 1)
      d += ((double) m * m - sumSq) / (m - 1);
      total += m;
    }
    double sumSq = 0;
    for (int j = 0; j < c; j++) {
      sumSq += nc[j] * nc[j];
    }
    double de = total * total - sumSq;
    if (total < 2 || de == 0) {
      return Double.NaN;
    }
    return 1 - (total - 1) * d / de;
  }

  /** Caller-owned scratch buffers for the kernels; one per thread. */
  static final class Workspace {
    final long[] cm;
    final long[] cmAware;
    boolean majorityReady;
    boolean awareReady;
    long majorityTotal;
    long awareTotal;
    final long[] a;
    final long[] b;
    final long[] d;
    final double[] x;
    final long[] binCount = new long[ECE_BINS];
    final double[] binConf = new double[ECE_BINS];
    final long[] binCorrect = new long[ECE_BINS];

    /** Forgets cached counts; call before scoring a new resample. */
    void reset() {
      majorityReady = false;
      awareReady = false;
    }

    Workspace(int c) {
      cm = new long[c * c + 1];
      cmAware = new long[c * c + 1];
      a = new long[c];
      b = new long[c];
      d = new long[c];
      x = new double[c];
    }
  }
}
