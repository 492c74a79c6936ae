package io.ser4j.model.train;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trainable parameters split into a weight-decay group and a no-decay group, as Hugging Face's
 * Trainer does: biases, normalisation weights (names containing {@code norm} or {@code layer_norm},
 * or ending {@code _ln.weight}) and any parameter of fewer than 2 dimensions get no decay; embeddings
 * (names containing {@code embed}) optionally none either. DJL's AdamW decays every parameter (GUIDE
 * §2); {@link AdamW} applies decay to {@link #decay()} only.
 *
 * @param decay parameters that get weight decay, by name (iteration order kept)
 * @param noDecay parameters that get none, by name
 */
public record ParameterGroups(Map<String, NDArray> decay, Map<String, NDArray> noDecay) {
  /** Copies the maps (unmodifiable, order kept). */
  public ParameterGroups {
    decay = Collections.unmodifiableMap(new LinkedHashMap<>(decay));
    noDecay = Collections.unmodifiableMap(new LinkedHashMap<>(noDecay));
  }

  /**
   * Splits named parameters by the rule in the class comment.
   *
   * @param named trainable parameters by name
   * @param decayEmbeddings whether embedding matrices get weight decay
   * @return the two groups
   */
  public static ParameterGroups split(Map<String, NDArray> named, boolean decayEmbeddings) {
    Map<String, NDArray> decay = new LinkedHashMap<>();
    Map<String, NDArray> noDecay = new LinkedHashMap<>();
    for (Map.Entry<String, NDArray> e : named.entrySet()) {
      (isNoDecay(e.getKey(), e.getValue(), decayEmbeddings) ? noDecay : decay).put(e.getKey(), e.getValue());
    }
    return new ParameterGroups(decay, noDecay);
  }

  /** Whether the named parameter belongs to the no-decay group. */
  static boolean isNoDecay(String name, NDArray p, boolean decayEmbeddings) {
    String n = name.toLowerCase(java.util.Locale.ROOT);
    return n.endsWith(".bias") || n.equals("bias") || n.contains("norm") || n.endsWith("_ln.weight")
        || p.getShape().dimension() < 2 || (!decayEmbeddings && n.contains("embed"));
  }

  /** All parameters, decay group first. */
  public List<NDArray> all() {
    List<NDArray> out = new ArrayList<>(decay.values());
    out.addAll(noDecay.values());
    return out;
  }
}
