package io.ser4j.model.baseline;

import java.util.Arrays;
import java.util.Objects;

/**
 * Multinomial logistic regression with L2 regularisation, trained by L-BFGS on the full batch.
 *
 * <p>Model: {@code p(c | x) = softmax(W x + b)_c}. Training minimises the mean negative
 * log-likelihood plus {@code (lambda / 2) * ||W||^2} (the bias is not penalised), optionally with
 * per-class weights (e.g. inverse frequency, for unbalanced corpora). Immutable once trained;
 * {@link #predictProba} is thread-safe.
 *
 * @param weights {@code [classes][features]}
 * @param bias {@code [classes]}
 */
public record SoftmaxRegression(double[][] weights, double[] bias) {
  /** Checks shapes. */
  public SoftmaxRegression {
    Objects.requireNonNull(weights, "weights");
    Objects.requireNonNull(bias, "bias");
    if (weights.length != bias.length || weights.length < 2) {
      throw new IllegalArgumentException(
          "need >= 2 classes and one bias per class: " + weights.length + " vs " + bias.length);
    }
  }

  /** Number of classes. */
  public int classes() {
    return bias.length;
  }

  /** Number of input features. */
  public int features() {
    return weights[0].length;
  }

  /** Class probabilities for one feature vector. */
  public double[] predictProba(double[] x) {
    if (x.length != features()) {
      throw new IllegalArgumentException("expected " + features() + " features, got " + x.length);
    }
    double[] z = new double[classes()];
    for (int c = 0; c < z.length; c++) {
      double s = bias[c];
      double[] w = weights[c];
      for (int j = 0; j < x.length; j++) {
        s += w[j] * x[j];
      }
      z[c] = s;
    }
    softmaxInPlace(z);
    return z;
  }

  static void softmaxInPlace(double[] z) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (int i = 0; i < z.length; i++) {
      z[i] = Math.exp(z[i] - max);
      sum += z[i];
    }
    for (int i = 0; i < z.length; i++) {
      z[i] /= sum;
    }
  }

  /**
   * Trains a model.
   *
   * @param x {@code [n][features]} standardised features
   * @param y class index per row
   * @param classes number of classes
   * @param lambda L2 strength (on the mean loss)
   * @param sampleWeights weight per row, or {@code null} for 1
   * @param maxIterations L-BFGS iterations (e.g. 500)
   * @return the trained model
   */
  public static SoftmaxRegression train(
      double[][] x, int[] y, int classes, double lambda, double[] sampleWeights, int maxIterations) {
    int n = x.length;
    if (n == 0 || y.length != n) {
      throw new IllegalArgumentException("need rows and one label per row");
    }
    int d = x[0].length;
    double[] sw = sampleWeights == null ? filled(n, 1.0) : sampleWeights;
    double wsum = 0;
    for (double w : sw) {
      wsum += w;
    }
    final double norm = wsum;
    int dim = classes * (d + 1);
    Lbfgs.Objective f =
        (theta, grad) -> {
          Arrays.fill(grad, 0);
          double loss = 0;
          double[] z = new double[classes];
          for (int i = 0; i < n; i++) {
            double[] xi = x[i];
            for (int c = 0; c < classes; c++) {
              int off = c * (d + 1);
              double s = theta[off + d];
              for (int j = 0; j < d; j++) {
                s += theta[off + j] * xi[j];
              }
              z[c] = s;
            }
            double max = Double.NEGATIVE_INFINITY;
            for (double v : z) {
              max = Math.max(max, v);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
              sum += Math.exp(z[c] - max);
            }
            double logZ = max + Math.log(sum);
            double wi = sw[i] / norm;
            loss += wi * (logZ - z[y[i]]);
            for (int c = 0; c < classes; c++) {
              double g = wi * (Math.exp(z[c] - logZ) - (c == y[i] ? 1 : 0));
              int off = c * (d + 1);
              for (int j = 0; j < d; j++) {
                grad[off + j] += g * xi[j];
              }
              grad[off + d] += g;
            }
          }
          for (int c = 0; c < classes; c++) {
            int off = c * (d + 1);
            for (int j = 0; j < d; j++) {
              loss += 0.5 * lambda * theta[off + j] * theta[off + j];
              grad[off + j] += lambda * theta[off + j];
            }
          }
          return loss;
        };
    double[] theta = Lbfgs.minimize(f, new double[dim], maxIterations, 1e-9);
    double[][] w = new double[classes][d];
    double[] b = new double[classes];
    for (int c = 0; c < classes; c++) {
      System.arraycopy(theta, c * (d + 1), w[c], 0, d);
      b[c] = theta[c * (d + 1) + d];
    }
    return new SoftmaxRegression(w, b);
  }

  private static double[] filled(int n, double v) {
    double[] a = new double[n];
    Arrays.fill(a, v);
    return a;
  }
}
