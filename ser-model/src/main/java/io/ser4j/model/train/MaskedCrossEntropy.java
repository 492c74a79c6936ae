package io.ser4j.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.ser4j.core.RecognitionException;

/**
 * Masked, optionally weighted, token-mean cross-entropy over logits {@code (N, V)}:
 * {@code loss = Σ_i m_i·w_i·(−log softmax(z_i)[y_i]) / Σ_i m_i·w_i}, computed with a log-softmax (stable
 * for large logits). With all weights 1 this is the mean over the masked-in tokens; the normalisation
 * by {@code Σ m·w} is the one {@code torch.nn.functional.cross_entropy(weight=...)} uses. Rows with
 * {@code m_i = 0} contribute nothing and may hold any target (e.g. {@code -100}).
 *
 * <p>Replaces DJL's {@code MaskedSoftmaxCrossEntropyLoss}, which throws on PyTorch and averages over
 * padding (GUIDE §2). Differentiable inside a {@code GradientCollector}. Stateless and thread-safe.
 */
public final class MaskedCrossEntropy {
  private MaskedCrossEntropy() {}

  /**
   * The loss as a scalar NDArray attached to {@code logits}' manager.
   *
   * @param logits {@code (N, V)} float32
   * @param targets {@code N} target ids; those with mask 1 must lie in {@code [0, V)}
   * @param mask {@code N} values, 1 to count a row and 0 to skip it (other values act as weights)
   * @param weights {@code N} non-negative per-token weights, or {@code null} for all 1
   * @return the scalar loss
   * @throws RecognitionException on a shape mismatch, a target out of range, a negative or
   *     non-finite weight, or a zero total weight
   */
  public static NDArray loss(NDArray logits, int[] targets, float[] mask, float[] weights) {
    Shape s = logits.getShape();
    if (s.dimension() != 2) {
      throw new RecognitionException("logits", "shape " + s + " is not (N, V)");
    }
    int n = (int) s.get(0);
    long v = s.get(1);
    if (targets == null || targets.length != n || mask == null || mask.length != n
        || (weights != null && weights.length != n)) {
      throw new RecognitionException("targets/mask/weights", "lengths do not match N = " + n);
    }
    long[] safe = new long[n];
    float[] wm = new float[n];
    double total = 0;
    for (int i = 0; i < n; i++) {
      float w = weights == null ? 1f : weights[i];
      if (!(w >= 0f) || Float.isInfinite(w) || !(mask[i] >= 0f) || Float.isInfinite(mask[i])) {
        throw new RecognitionException("weights", "row " + i + ": weight " + w + ", mask " + mask[i]
            + " (must be finite and >= 0)");
      }
      wm[i] = w * mask[i];
      if (wm[i] > 0f) {
        if (targets[i] < 0 || targets[i] >= v) {
          throw new RecognitionException("targets", "row " + i + ": id " + targets[i] + " outside [0, " + v + ")");
        }
        safe[i] = targets[i];
      }
      total += wm[i];
    }
    if (!(total > 0)) {
      throw new RecognitionException("mask", "no row counts (sum of mask·weight is 0)");
    }
    NDManager m = logits.getManager();
    NDArray idx = m.create(safe, new Shape(n, 1));
    // fold −1/Σ(m·w) into the per-row factors: DJL's Number-scalar ops (mul(float), div(float)) free
    // their scalar tensor right away, and a backward pass that reads it then sees garbage
    float[] coef = new float[n];
    for (int i = 0; i < n; i++) {
      coef[i] = (float) (-wm[i] / total);
    }
    NDArray coefNd = m.create(coef, new Shape(n));
    NDArray logp = logits.logSoftmax(-1);
    NDArray picked = logp.gather(idx, 1).reshape(n); // log p(y_i)
    return picked.mul(coefNd).sum();
  }
}
