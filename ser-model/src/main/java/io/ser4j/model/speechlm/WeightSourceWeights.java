package io.ser4j.model.speechlm;

import io.ser4j.core.ModelLoadException;
import io.ser4j.model.safetensors.DType;
import io.ser4j.model.safetensors.WeightSource;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * {@link Weights} over the shared safetensors reader ({@link WeightSource}: single file or sharded
 * index, F32/F16/BF16 widened to float32). Not thread-safe (used while a model loads).
 */
final class WeightSourceWeights implements Weights {
  private final WeightSource source;

  private WeightSourceWeights(WeightSource source) {
    this.source = source;
  }

  /**
   * Opens the weights of a checkpoint directory.
   *
   * @throws ModelLoadException naming the file if the weights are missing, corrupt or inconsistent
   */
  static WeightSourceWeights open(Path checkpointDir) {
    return new WeightSourceWeights(WeightSource.open(checkpointDir));
  }

  @Override
  public float[] get(String name, long... expectedShape) {
    if (!source.contains(name)) {
      throw new ModelLoadException(source.location() + ":" + name,
          "tensor missing from the checkpoint (expected shape " + Arrays.toString(expectedShape) + ")");
    }
    long numel = 1;
    for (long d : expectedShape) {
      numel = Math.multiplyExact(numel, d);
    }
    if (numel > Integer.MAX_VALUE - 8) {
      throw new ModelLoadException(source.location() + ":" + name, numel + " elements exceed one Java array");
    }
    float[] out = new float[(int) numel];
    source.readInto(name, out, expectedShape);
    return out;
  }

  @Override
  public boolean has(String name) {
    return source.contains(name);
  }

  @Override
  public Set<String> names() {
    return source.names();
  }

  @Override
  public long parameterCount() {
    long total = 0;
    for (String n : source.names()) {
      total += source.info(n).numel();
    }
    return total;
  }

  @Override
  public String dtype() {
    EnumSet<DType> types = EnumSet.noneOf(DType.class);
    for (String n : source.names()) {
      types.add(source.info(n).dtype());
    }
    if (types.size() != 1) {
      return types.isEmpty() ? "float32" : "mixed";
    }
    return switch (types.iterator().next()) {
      case BF16 -> "bfloat16";
      case F16 -> "float16";
      case F64 -> "float64";
      case F32 -> "float32";
      default -> "mixed";
    };
  }

  @Override
  public void close() {
    source.close();
  }
}
