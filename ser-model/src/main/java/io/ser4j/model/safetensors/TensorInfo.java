package io.ser4j.model.safetensors;

import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor's header entry: its checkpoint name, dtype, shape and byte range {@code [begin, end)}
 * relative to the start of the data region (the byte after the header). Immutable and thread-safe:
 * the shape array is copied in and out.
 *
 * @param name the tensor's exact checkpoint key
 * @param dtype element type
 * @param shape dimensions, row-major; empty for a scalar; entries are non-negative
 * @param begin first byte, relative to the data region
 * @param end one past the last byte, relative to the data region
 */
public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {

  /**
   * @throws IllegalArgumentException if a dimension is negative, the element count overflows, or
   *     {@code end - begin} differs from element count × element size
   */
  public TensorInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(dtype, "dtype");
    shape = shape.clone();
    long n = elementCount(shape);
    if (n < 0) {
      throw new IllegalArgumentException("invalid shape " + Arrays.toString(shape) + " of " + name);
    }
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException("invalid byte range [" + begin + ", " + end + ") of " + name);
    }
    long bytes;
    try {
      bytes = Math.multiplyExact(n, (long) dtype.byteSize());
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("byte size of " + name + " overflows", e);
    }
    if (end - begin != bytes) {
      throw new IllegalArgumentException(
          name + ": " + (end - begin) + " bytes for " + n + " " + dtype + " elements");
    }
  }

  /** A copy of the shape. */
  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** Number of dimensions (0 for a scalar). */
  public int rank() {
    return shape.length;
  }

  /** Number of elements: the product of the shape (1 for a scalar, 0 when a dimension is 0). */
  public long numel() {
    return elementCount(shape);
  }

  /** Size of the data in bytes: {@code end - begin}. */
  public long byteSize() {
    return end - begin;
  }

  /** Whether the shape equals {@code expected}. */
  public boolean hasShape(long... expected) {
    return Arrays.equals(shape, expected);
  }

  /** The shape as {@code [a, b]}. */
  public String shapeString() {
    return Arrays.toString(shape);
  }

  /**
   * The product of the dimensions, or -1 when a dimension is negative or the product overflows a
   * {@code long}.
   */
  static long elementCount(long[] shape) {
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        return -1;
      }
      try {
        n = Math.multiplyExact(n, d);
      } catch (ArithmeticException e) {
        return -1;
      }
    }
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorInfo t
        && name.equals(t.name)
        && dtype == t.dtype
        && Arrays.equals(shape, t.shape)
        && begin == t.begin
        && end == t.end;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, dtype, Arrays.hashCode(shape), begin, end);
  }

  @Override
  public String toString() {
    return "TensorInfo[" + name + " " + dtype + " " + shapeString() + " @[" + begin + ", " + end + ")]";
  }
}
