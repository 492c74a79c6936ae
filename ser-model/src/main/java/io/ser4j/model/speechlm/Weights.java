package io.ser4j.model.speechlm;

import io.ser4j.core.ModelLoadException;
import java.util.Set;

/**
 * Checkpoint tensors looked up by their exact safetensors keys, widened to float32.
 *
 * <p>Package-private seam between the model and a weight reader; {@link WeightSourceWeights} adapts
 * the shared {@code io.ser4j.model.safetensors.WeightSource}.
 * Implementations are not thread-safe; they are used only while a model loads.
 */
interface Weights extends AutoCloseable {

  /**
   * The tensor's values, row-major, widened to float32.
   *
   * @param name exact checkpoint key
   * @param expectedShape the shape the config implies
   * @throws ModelLoadException if the tensor is missing, corrupt or has another shape (the message
   *     names the file, the key and both shapes)
   */
  float[] get(String name, long... expectedShape);

  /** Whether the checkpoint holds a tensor with this key. */
  boolean has(String name);

  /** Every tensor key in the checkpoint. */
  Set<String> names();

  /** The sum of element counts of all tensors in the checkpoint files. */
  long parameterCount();

  /** Storage dtype in PyTorch words: {@code float32}, {@code bfloat16}, {@code float16} or {@code mixed}. */
  String dtype();

  /** Releases mapped files. */
  @Override
  void close();
}
