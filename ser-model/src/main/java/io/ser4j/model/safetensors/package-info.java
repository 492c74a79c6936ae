/**
 * Reading and writing checkpoints in the safetensors format, in pure Java (no DJL, never
 * unpickling): {@link io.ser4j.model.safetensors.SafeTensorsFile} (validated, memory-mapped, long
 * offsets), {@link io.ser4j.model.safetensors.WeightSource} (a checkpoint directory, sharded or not,
 * looked up by exact checkpoint names), {@link io.ser4j.model.safetensors.SafeTensorsWriter} (atomic
 * writes, sharding) and {@link io.ser4j.model.safetensors.HalfFloats} (F16/BF16 conversions). Every
 * problem with a file is an {@link io.ser4j.core.ModelLoadException} naming the file and the tensor.
 * Format and rules: docs/checkpoints.md.
 */
package io.ser4j.model.safetensors;
