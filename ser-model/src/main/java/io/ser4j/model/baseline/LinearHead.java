package io.ser4j.model.baseline;

import java.util.Objects;

/**
 * A standardiser followed by a multinomial logistic regression: {@code p = softmax(W z + b)} with
 * {@code z = (x - mean) / sd} and undefined (NaN) values of {@code z} imputed with 0, the training
 * mean. Immutable and thread-safe.
 *
 * @param normalisation what {@code x} is: {@link #GLOBAL} (raw features) or {@link
 *     #SPEAKER_NORMALISED} (features already z-scored per speaker)
 * @param mean training mean per feature
 * @param sd training standard deviation per feature (1 where it was 0)
 * @param lambda the L2 strength the regression was trained with
 * @param regression the classifier over standardised features
 */
public record LinearHead(
    String normalisation, double[] mean, double[] sd, double lambda, SoftmaxRegression regression) {
  /** Raw features, standardised with the training statistics only. */
  public static final String GLOBAL = "global";
  /** Features z-scored per speaker first, then standardised with the training statistics. */
  public static final String SPEAKER_NORMALISED = "speaker_normalised";

  /** Validates shapes and copies the arrays. */
  public LinearHead {
    Objects.requireNonNull(normalisation, "normalisation");
    Objects.requireNonNull(regression, "regression");
    if (mean.length != sd.length || mean.length != regression.features()) {
      throw new IllegalArgumentException(
          "mean/sd/weights disagree: " + mean.length + "/" + sd.length + "/" + regression.features());
    }
    mean = mean.clone();
    sd = sd.clone();
  }

  /** A copy of the means. */
  @Override
  public double[] mean() {
    return mean.clone();
  }

  /** A copy of the standard deviations. */
  @Override
  public double[] sd() {
    return sd.clone();
  }

  /** Standardises {@code x}; NaN (undefined) values become 0, the training mean. */
  public double[] standardise(double[] x) {
    if (x.length != mean.length) {
      throw new IllegalArgumentException("expected " + mean.length + " features, got " + x.length);
    }
    double[] z = new double[x.length];
    for (int j = 0; j < x.length; j++) {
      double v = (x[j] - mean[j]) / sd[j];
      z[j] = Double.isFinite(v) ? v : 0;
    }
    return z;
  }

  /** Class probabilities of the feature vector {@code x}. */
  public double[] predictProba(double[] x) {
    return regression.predictProba(standardise(x));
  }

  /**
   * Fits the standardiser on {@code x} (ignoring NaN) and the regression on the standardised rows.
   *
   * @param normalisation {@link #GLOBAL} or {@link #SPEAKER_NORMALISED}
   * @param x {@code [n][features]}
   * @param y class index per row
   * @param classes number of classes
   * @param lambda L2 strength
   * @param sampleWeights per-row weights or {@code null}
   * @param maxIterations L-BFGS iterations
   */
  public static LinearHead fit(
      String normalisation,
      double[][] x,
      int[] y,
      int classes,
      double lambda,
      double[] sampleWeights,
      int maxIterations) {
    int d = x[0].length;
    double[] mean = new double[d];
    double[] sd = new double[d];
    for (int j = 0; j < d; j++) {
      double s = 0;
      int n = 0;
      for (double[] row : x) {
        if (Double.isFinite(row[j])) {
          s += row[j];
          n++;
        }
      }
      double m = n == 0 ? 0 : s / n;
      double ss = 0;
      for (double[] row : x) {
        if (Double.isFinite(row[j])) {
          ss += (row[j] - m) * (row[j] - m);
        }
      }
      double v = n < 2 ? 0 : Math.sqrt(ss / n);
      mean[j] = m;
      sd[j] = v > 0 ? v : 1;
    }
    LinearHead tmp =
        new LinearHead(normalisation, mean, sd, lambda, new SoftmaxRegression(new double[classes][d], new double[classes]));
    double[][] z = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      z[i] = tmp.standardise(x[i]);
    }
    SoftmaxRegression r = SoftmaxRegression.train(z, y, classes, lambda, sampleWeights, maxIterations);
    return new LinearHead(normalisation, mean, sd, lambda, r);
  }
}
