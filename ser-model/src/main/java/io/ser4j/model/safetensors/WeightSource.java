package io.ser4j.model.safetensors;

import io.ser4j.core.ModelLoadException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * The weights of a checkpoint, looked up by their exact checkpoint names: the small interface model
 * code loads from. Implementations: one {@link SafeTensorsFile}, or a sharded checkpoint followed
 * through {@code model.safetensors.index.json}.
 *
 * <p>Thread-safety: all read methods may be called concurrently; {@link #close} must not race with
 * reads.
 */
public interface WeightSource extends AutoCloseable {
  /** Name of the single-file weights in a Hugging Face checkpoint directory. */
  String SINGLE_FILE = "model.safetensors";
  /** Name of the shard index in a sharded Hugging Face checkpoint directory. */
  String INDEX_FILE = "model.safetensors.index.json";

  /**
   * Opens the weights of a checkpoint. A directory is opened through {@value #INDEX_FILE} when
   * present (every shard is opened and validated, and the index checked against the shards' headers),
   * else through {@value #SINGLE_FILE}; a regular file is opened as one safetensors file.
   *
   * @param checkpoint a checkpoint directory or a {@code .safetensors} file
   * @throws ModelLoadException naming the file (and tensor) if the weights are missing, corrupt or
   *     inconsistent
   */
  static WeightSource open(Path checkpoint) {
    if (Files.isRegularFile(checkpoint)) {
      return SafeTensorsFile.open(checkpoint);
    }
    if (!Files.isDirectory(checkpoint)) {
      throw new ModelLoadException(checkpoint.toString(), "no such checkpoint directory or file");
    }
    Path index = checkpoint.resolve(INDEX_FILE);
    if (Files.exists(index)) {
      return ShardedWeightSource.open(index);
    }
    Path single = checkpoint.resolve(SINGLE_FILE);
    if (Files.exists(single)) {
      return SafeTensorsFile.open(single);
    }
    throw new ModelLoadException(
        checkpoint.toString(), "neither " + SINGLE_FILE + " nor " + INDEX_FILE + " in the directory");
  }

  /** The file the weights were opened from (the safetensors file, or the index of a sharded set). */
  Path location();

  /** All tensor names, in a stable order; unmodifiable. */
  Set<String> names();

  /** Whether a tensor of that exact name exists. */
  boolean contains(String name);

  /**
   * The header entry of a tensor.
   *
   * @throws ModelLoadException naming the file and tensor if there is no such tensor
   */
  TensorInfo info(String name);

  /**
   * A floating-point tensor (F64, F32, F16 or BF16) widened to {@code float}, row-major.
   *
   * @throws ModelLoadException naming the file and tensor if it is missing, not floating-point, or has
   *     more elements than an array can hold
   */
  float[] readFloats(String name);

  /**
   * Reads a floating-point tensor into {@code dst} (from index 0) after checking its shape.
   *
   * @throws ModelLoadException naming the file and tensor if it is missing, not floating-point, or its
   *     shape is not {@code expectedShape} (the message gives both shapes)
   * @throws IllegalArgumentException if {@code dst} is shorter than the tensor
   */
  void readInto(String name, float[] dst, long[] expectedShape);

  /**
   * The tensor's raw little-endian bytes, read-only, without copying.
   *
   * @throws ModelLoadException naming the file and tensor if it is missing or too large for one buffer
   */
  ByteBuffer rawBuffer(String name);

  /** Releases the underlying files. */
  @Override
  void close();
}
