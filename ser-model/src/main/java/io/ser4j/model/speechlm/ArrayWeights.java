package io.ser4j.model.speechlm;

import io.ser4j.core.ModelLoadException;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@link Weights} over float32 arrays held in memory (a freshly initialised model). Not thread-safe
 * (used while a model is built).
 */
final class ArrayWeights implements Weights {
  private final Map<String, float[]> values;
  private final Map<String, long[]> shapes;
  private final String location;

  /**
   * @param values row-major values by key
   * @param shapes shapes by key (the same keys)
   * @param location a name for error messages
   */
  ArrayWeights(Map<String, float[]> values, Map<String, long[]> shapes, String location) {
    this.values = new LinkedHashMap<>(values);
    this.shapes = new LinkedHashMap<>(shapes);
    this.location = location;
  }

  @Override
  public float[] get(String name, long... expectedShape) {
    float[] v = values.get(name);
    if (v == null) {
      throw new ModelLoadException(location + ":" + name, "tensor missing (expected shape "
          + Arrays.toString(expectedShape) + ")");
    }
    if (!Arrays.equals(shapes.get(name), expectedShape)) {
      throw new ModelLoadException(location + ":" + name, "shape " + Arrays.toString(shapes.get(name))
          + ", expected " + Arrays.toString(expectedShape));
    }
    return v;
  }

  @Override
  public boolean has(String name) {
    return values.containsKey(name);
  }

  @Override
  public Set<String> names() {
    return Collections.unmodifiableSet(values.keySet());
  }

  @Override
  public long parameterCount() {
    long n = 0;
    for (float[] v : values.values()) {
      n += v.length;
    }
    return n;
  }

  @Override
  public String dtype() {
    return "float32";
  }

  @Override
  public void close() {
    // nothing to release
  }
}
