package io.ser4j.rationale.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.ser4j.core.ModelLoadException;
import io.ser4j.model.safetensors.SafeTensorsFile;
import io.ser4j.model.safetensors.SafeTensorsWriter;
import io.ser4j.model.safetensors.TensorData;
import io.ser4j.model.train.ParameterGroups;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW with parameter groups whose state can be saved and restored bit for bit, for resumable
 * training. The update is the one of {@link io.ser4j.model.train.AdamW} (and {@code
 * torch.optim.AdamW}): {@code p ← p·(1 − lr·wd)} (decay group only), {@code m ← β1·m + (1−β1)·g},
 * {@code v ← β2·v + (1−β2)·g²}, {@code p ← p − (lr/(1−β1ᵗ))·m/(sqrt(v)/sqrt(1−β2ᵗ) + ε)}, written
 * with the same NDArray operations in the same order. It exists because that class keeps its
 * moments private (keyed by array identity), so they cannot be checkpointed; here they are keyed by
 * the parameter's checkpoint name.
 *
 * <p>Memory: moments in a sub-manager of the given manager; step temporaries in a sub-manager closed
 * each step. Not thread-safe. Call {@link #step} outside a {@code GradientCollector}.
 */
public final class CheckpointableAdamW implements AutoCloseable {
  private static final String STEP_KEY = "step";

  private final NDManager state;
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final double weightDecay;
  private double learningRate;
  private int steps;
  private final Map<String, NDArray[]> moments = new LinkedHashMap<>();

  /**
   * @param parent the moments live in a sub-manager of it
   * @param learningRate initial learning rate ({@code > 0}; schedules call {@link #setLearningRate})
   * @param beta1 in [0, 1)
   * @param beta2 in [0, 1)
   * @param eps {@code > 0}
   * @param weightDecay {@code >= 0}
   * @throws IllegalArgumentException on a value out of range
   */
  public CheckpointableAdamW(NDManager parent, double learningRate, double beta1, double beta2, double eps,
      double weightDecay) {
    if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1 && eps > 0 && weightDecay >= 0)) {
      throw new IllegalArgumentException("AdamW hyper-parameters out of range");
    }
    setLearningRate(learningRate);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.state = parent.newSubManager();
    state.setName("sft-adamw-state");
  }

  /** Sets the learning rate of the next steps. */
  public void setLearningRate(double lr) {
    if (!(lr > 0) || Double.isInfinite(lr)) {
      throw new IllegalArgumentException("learning rate must be positive: " + lr);
    }
    this.learningRate = lr;
  }

  /** Optimizer steps taken (restored by {@link #load}). */
  public int stepCount() {
    return steps;
  }

  /** One update of every parameter of both groups from its gradient. */
  public void step(ParameterGroups groups) {
    steps++;
    double bc1 = 1 - Math.pow(beta1, steps);
    double bc2 = 1 - Math.pow(beta2, steps);
    float stepSize = (float) (learningRate / bc1);
    float sqrtBc2 = (float) Math.sqrt(bc2);
    try (NDManager tmp = state.newSubManager()) {
      update(tmp, groups.decay(), (float) (1 - learningRate * weightDecay), stepSize, sqrtBc2);
      update(tmp, groups.noDecay(), 1f, stepSize, sqrtBc2);
    }
  }

  private void update(NDManager tmp, Map<String, NDArray> params, float decayFactor, float stepSize, float sqrtBc2) {
    for (Map.Entry<String, NDArray> e : params.entrySet()) {
      NDArray p = e.getValue();
      NDArray g = p.getGradient();
      g.attach(tmp);
      NDArray[] mv = moments.computeIfAbsent(e.getKey(), k -> new NDArray[] {
          state.zeros(p.getShape(), p.getDataType()), state.zeros(p.getShape(), p.getDataType())});
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
   * Writes the step count and both moments of every parameter (F32 safetensors, keys {@code
   * <name>.exp_avg} and {@code <name>.exp_avg_sq}, the step in the metadata).
   *
   * @throws ModelLoadException on an I/O error
   */
  public void save(Path file) {
    Map<String, TensorData> t = new LinkedHashMap<>();
    for (Map.Entry<String, NDArray[]> e : moments.entrySet()) {
      long[] shape = e.getValue()[0].getShape().getShape();
      t.put(e.getKey() + ".exp_avg", TensorData.f32(shape, e.getValue()[0].toFloatArray()));
      t.put(e.getKey() + ".exp_avg_sq", TensorData.f32(shape, e.getValue()[1].toFloatArray()));
    }
    try {
      SafeTensorsWriter.write(file, t, Map.of(STEP_KEY, Integer.toString(steps)));
    } catch (IOException e) {
      throw new ModelLoadException(file.toString(), "cannot write optimizer state: " + e.getMessage(), e);
    }
  }

  /**
   * Restores a state written by {@link #save} for these parameters (moments of parameters missing
   * from the file start at zero only if the file has no step yet).
   *
   * @throws ModelLoadException when the file is unreadable or a moment's shape differs
   */
  public void load(Path file, ParameterGroups groups) {
    try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
      String s = f.metadata().get(STEP_KEY);
      if (s == null) {
        throw new ModelLoadException(file.toString(), "no step count in the metadata");
      }
      closeMoments();
      steps = Integer.parseInt(s);
      Map<String, NDArray> all = new LinkedHashMap<>(groups.decay());
      all.putAll(groups.noDecay());
      for (Map.Entry<String, NDArray> e : all.entrySet()) {
        String k = e.getKey();
        if (!f.contains(k + ".exp_avg")) {
          if (steps > 0) {
            throw new ModelLoadException(file.toString(), "no moments for parameter " + k);
          }
          continue;
        }
        Shape shape = e.getValue().getShape();
        float[] m = new float[(int) shape.size()];
        float[] v = new float[(int) shape.size()];
        f.readInto(k + ".exp_avg", m, shape.getShape());
        f.readInto(k + ".exp_avg_sq", v, shape.getShape());
        moments.put(k, new NDArray[] {state.create(m, shape), state.create(v, shape)});
      }
    } catch (NumberFormatException e) {
      throw new ModelLoadException(file.toString(), "bad step count: " + e.getMessage(), e);
    }
  }

  private void closeMoments() {
    for (NDArray[] mv : moments.values()) {
      mv[0].close();
      mv[1].close();
    }
    moments.clear();
  }

  /** Frees the moments. */
  @Override
  public void close() {
    moments.clear();
    state.close();
  }
}
