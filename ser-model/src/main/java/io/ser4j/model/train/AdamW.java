package io.ser4j.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.ser4j.core.RecognitionException;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW written on NDArrays, step for step as {@code torch.optim.AdamW} (decoupled decay, bias
 * correction): for each parameter {@code p} with gradient {@code g} at step {@code t},
 * {@code p ← p·(1 − lr·wd)} (decay group only), {@code m ← β1·m + (1−β1)·g},
 * {@code v ← β2·v + (1−β2)·g²}, {@code p ← p − (lr / (1−β1ᵗ)) · m / (sqrt(v) / sqrt(1−β2ᵗ) + ε)}.
 *
 * <p>The moments live in a sub-manager of the manager given to the constructor; every temporary of a
 * step (gradient handles included) lives in a sub-manager closed at the end of the step, so the
 * number of native arrays stays constant across steps. Call {@link #step} outside a
 * {@code GradientCollector} (grad mode off). Not thread-safe.
 */
public final class AdamW implements AutoCloseable {
  private final NDManager state;
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final double weightDecay;
  private double learningRate;
  private int steps;
  private final Map<NDArray, NDArray[]> moments = new IdentityHashMap<>();

  /**
   * @param parent the moments are kept in a sub-manager of it
   * @param learningRate {@code lr > 0}
   * @param beta1 in {@code [0, 1)}
   * @param beta2 in {@code [0, 1)}
   * @param eps {@code > 0}
   * @param weightDecay {@code >= 0}, applied to {@link ParameterGroups#decay()} only
   * @throws RecognitionException on a value out of range
   */
  public AdamW(NDManager parent, double learningRate, double beta1, double beta2, double eps, double weightDecay) {
    check("beta1", beta1 >= 0 && beta1 < 1, beta1);
    check("beta2", beta2 >= 0 && beta2 < 1, beta2);
    check("eps", eps > 0, eps);
    check("weightDecay", weightDecay >= 0 && Double.isFinite(weightDecay), weightDecay);
    setLearningRate(learningRate);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.state = parent.newSubManager();
    state.setName("adamw-state");
  }

  private static void check(String name, boolean ok, double value) {
    if (!ok || Double.isNaN(value)) {
      throw new RecognitionException(name, value + " is out of range");
    }
  }

  /** Sets the learning rate used by the next steps (for schedules). */
  public void setLearningRate(double learningRate) {
    check("learningRate", learningRate > 0 && Double.isFinite(learningRate), learningRate);
    this.learningRate = learningRate;
  }

  /** Steps taken so far. */
  public int stepCount() {
    return steps;
  }

  /**
   * One update of every parameter in both groups from its current gradient; a parameter whose
   * gradient is all zero is still updated (moments decay), as PyTorch does for a present gradient.
   *
   * @param groups the parameters (each with {@code setRequiresGradient(true)} and a gradient)
   */
  public void step(ParameterGroups groups) {
    steps++;
    double bc1 = 1 - Math.pow(beta1, steps);
    double bc2 = 1 - Math.pow(beta2, steps);
    float stepSize = (float) (learningRate / bc1);
    float sqrtBc2 = (float) Math.sqrt(bc2);
    try (NDManager tmp = state.newSubManager()) {
      update(tmp, groups.decay().values(), (float) (1 - learningRate * weightDecay), stepSize, sqrtBc2);
      update(tmp, groups.noDecay().values(), 1f, stepSize, sqrtBc2);
    }
  }

  private void update(NDManager tmp, Iterable<NDArray> params, float decayFactor, float stepSize, float sqrtBc2) {
    for (NDArray p : params) {
      NDArray g = p.getGradient();
      g.attach(tmp);
      NDArray[] mv = moments.computeIfAbsent(p, k -> new NDArray[] {
          state.zeros(k.getShape(), k.getDataType()), state.zeros(k.getShape(), k.getDataType())});
      if (decayFactor != 1f) {
        p.muli(decayFactor);
      }
      mv[0].muli((float) beta1).addi(g.mul((float) (1 - beta1)));
      mv[1].muli((float) beta2).addi(g.square().mul((float) (1 - beta2)));
      NDArray denom = mv[1].sqrt();
      denom.attach(tmp);
      denom.divi(sqrtBc2).addi((float) eps);
      NDArray upd = mv[0].div(denom);
      upd.attach(tmp);
      p.subi(upd.muli(stepSize));
    }
  }

  /**
   * Sets the gradients of the parameters to zero in place (PyTorch accumulates gradients across
   * backward passes); closes the handles it takes.
   *
   * @param params the parameters
   */
  public static void zeroGradients(List<NDArray> params) {
    for (NDArray p : params) {
      try (NDArray g = p.getGradient()) {
        g.muli(0f);
      }
    }
  }

  /**
   * The optimiser's state for checkpoints and resuming: step count, learning rate and both moments of
   * every parameter by name.
   *
   * @param steps steps taken
   * @param learningRate the current learning rate
   * @param firstMoments {@code m} by parameter name (row-major float32; absent before the first step)
   * @param secondMoments {@code v} by parameter name
   */
  public record State(int steps, double learningRate, Map<String, float[]> firstMoments,
      Map<String, float[]> secondMoments) {
    /** Copies the maps (unmodifiable; the arrays are not copied). */
    public State {
      firstMoments = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(firstMoments));
      secondMoments = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(secondMoments));
    }
  }

  /**
   * A copy of the state, moments named by the groups' keys; {@link #restore} puts it back bit for bit.
   *
   * @param groups the parameters this optimiser updates
   * @return the state (new arrays)
   */
  public State state(ParameterGroups groups) {
    Map<String, float[]> m = new java.util.LinkedHashMap<>();
    Map<String, float[]> v = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, NDArray> e : named(groups).entrySet()) {
      NDArray[] mv = moments.get(e.getValue());
      if (mv != null) {
        m.put(e.getKey(), mv[0].toFloatArray());
        v.put(e.getKey(), mv[1].toFloatArray());
      }
    }
    return new State(steps, learningRate, m, v);
  }

  /**
   * Replaces the state with a saved one (e.g. after restoring the parameters into a fresh model):
   * moments are matched to the groups' parameters by name.
   *
   * @param groups the parameters this optimiser will update
   * @param saved a {@link #state} of an optimiser over parameters of the same names and shapes
   * @throws RecognitionException naming the parameter when a moment's name is unknown or its length
   *     differs from the parameter's (the state is then unchanged)
   */
  public void restore(ParameterGroups groups, State saved) {
    Map<String, NDArray> named = named(groups);
    for (String k : saved.firstMoments().keySet()) {
      NDArray p = named.get(k);
      float[] m = saved.firstMoments().get(k);
      float[] v = saved.secondMoments().get(k);
      if (p == null || v == null || m.length != p.size() || v.length != p.size()) {
        throw new RecognitionException("AdamW state: " + k, p == null ? "no such parameter"
            : "moments do not match the parameter's " + p.size() + " values");
      }
    }
    for (NDArray[] mv : moments.values()) {
      mv[0].close();
      mv[1].close();
    }
    moments.clear();
    for (Map.Entry<String, float[]> e : saved.firstMoments().entrySet()) {
      NDArray p = named.get(e.getKey());
      NDArray m = state.create(e.getValue(), p.getShape());
      NDArray v = state.create(saved.secondMoments().get(e.getKey()), p.getShape());
      moments.put(p, new NDArray[] {m, v});
    }
    steps = saved.steps();
    setLearningRate(saved.learningRate());
  }

  private static Map<String, NDArray> named(ParameterGroups groups) {
    Map<String, NDArray> all = new java.util.LinkedHashMap<>(groups.decay());
    all.putAll(groups.noDecay());
    return all;
  }

  /** Frees the moments. */
  @Override
  public void close() {
    moments.clear();
    state.close();
  }
}
