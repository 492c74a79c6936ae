package io.ser4j.model.train;

import ai.djl.ndarray.NDArray;
import io.ser4j.core.RecognitionException;
import java.util.List;

/**
 * Gradient clipping by global L2 norm, as {@code torch.nn.utils.clip_grad_norm_}: with
 * {@code n = sqrt(Σ_g ||g||²)}, every gradient is scaled in place by {@code maxNorm / (n + 1e-6)} when
 * that is below 1. DJL's {@code optClipGrad} clamps each element one-sidedly instead (GUIDE §2).
 *
 * <p>Every temporary NDArray is closed before returning; the caller owns (and must close) the
 * gradient handles it passes. Stateless; not safe for concurrent calls on the same gradients.
 */
public final class GradientClipping {
  /** Added to the norm before dividing, as PyTorch does. */
  public static final double NORM_EPS = 1e-6;

  private GradientClipping() {}

  /**
   * Clips the gradients in place.
   *
   * @param grads gradient arrays (e.g. {@code param.getGradient()} handles), float32
   * @param maxNorm the largest allowed global norm, {@code > 0}
   * @return the global norm before clipping
   * @throws RecognitionException if {@code maxNorm} is not positive and finite, or the norm is not
   *     finite (the gradients are then left unchanged)
   */
  public static double clipByGlobalNorm(List<NDArray> grads, double maxNorm) {
    if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) {
      throw new RecognitionException("maxNorm", maxNorm + " is not a positive finite number");
    }
    double sumSq = 0;
    for (NDArray g : grads) {
      try (NDArray sq = g.square(); NDArray s = sq.sum()) {
        sumSq += s.getFloat();
      }
    }
    double norm = Math.sqrt(sumSq);
    if (!Double.isFinite(norm)) {
      throw new RecognitionException("gradients", "global norm is " + norm);
    }
    double coef = maxNorm / (norm + NORM_EPS);
    if (coef < 1.0) {
      for (NDArray g : grads) {
        g.muli((float) coef);
      }
    }
    return norm;
  }
}
