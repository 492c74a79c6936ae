package io.ser4j.model.safetensors;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * A tensor to write: dtype, shape and values. Either {@code float} values narrowed to the dtype when
 * written ({@link #ofFloats}: F64, F32, F16, BF16; F16/BF16 round to nearest, ties to even, see
 * {@link HalfFloats}), or raw little-endian bytes of any dtype ({@link #ofBytes}). Immutable and
 * thread-safe: arrays are copied in.
 */
public final class TensorData {
  private final DType dtype;
  private final long[] shape;
  private final float[] floats;
  private final byte[] bytes;

  private TensorData(DType dtype, long[] shape, float[] floats, byte[] bytes) {
    this.dtype = dtype;
    this.shape = shape;
    this.floats = floats;
    this.bytes = bytes;
  }

  /**
   * Float values stored as {@code dtype}.
   *
   * @param dtype F64, F32, F16 or BF16
   * @param shape dimensions (empty for a scalar)
   * @param values row-major values; length must equal the product of the shape
   * @throws IllegalArgumentException if the dtype is not floating-point, a dimension is negative, or
   *     the value count does not match the shape
   */
  public static TensorData ofFloats(DType dtype, long[] shape, float[] values) {
    Objects.requireNonNull(dtype, "dtype");
    if (!dtype.isFloatingPoint()) {
      throw new IllegalArgumentException("ofFloats needs a floating-point dtype, not " + dtype);
    }
    long[] s = checkShape(shape);
    if (TensorInfo.elementCount(s) != values.length) {
      throw new IllegalArgumentException(
          values.length + " values for shape " + Arrays.toString(s) + " (" + TensorInfo.elementCount(s) + " elements)");
    }
    return new TensorData(dtype, s, values.clone(), null);
  }

  /** Shorthand for {@code ofFloats(DType.F32, shape, values)}. */
  public static TensorData f32(long[] shape, float[] values) {
    return ofFloats(DType.F32, shape, values);
  }

  /**
   * Raw little-endian element bytes of any dtype.
   *
   * @throws IllegalArgumentException if a dimension is negative or the byte count is not element
   *     count × element size
   */
  public static TensorData ofBytes(DType dtype, long[] shape, byte[] littleEndianBytes) {
    Objects.requireNonNull(dtype, "dtype");
    long[] s = checkShape(shape);
    long n = TensorInfo.elementCount(s);
    if (n > Integer.MAX_VALUE || n * dtype.byteSize() != littleEndianBytes.length) {
      throw new IllegalArgumentException(
          littleEndianBytes.length + " bytes for " + n + " " + dtype + " elements of shape " + Arrays.toString(s));
    }
    return new TensorData(dtype, s, null, littleEndianBytes.clone());
  }

  private static long[] checkShape(long[] shape) {
    long[] s = shape.clone();
    if (TensorInfo.elementCount(s) < 0) {
      throw new IllegalArgumentException("invalid shape " + Arrays.toString(s));
    }
    return s;
  }

  /** The dtype written. */
  public DType dtype() {
    return dtype;
  }

  /** A copy of the shape. */
  public long[] shape() {
    return shape.clone();
  }

  /** Number of elements. */
  public long numel() {
    return TensorInfo.elementCount(shape);
  }

  /** Size of the encoded data in bytes. */
  public long byteSize() {
    return numel() * dtype.byteSize();
  }

  /**
   * Encodes elements {@code [from, from + count)} into {@code out} (little-endian), which must have
   * room for {@code count × element size} bytes.
   */
  void encode(long from, int count, ByteBuffer out) {
    out.order(ByteOrder.LITTLE_ENDIAN);
    int f = (int) from;
    if (bytes != null) {
      out.put(bytes, f * dtype.byteSize(), count * dtype.byteSize());
      return;
    }
    if (dtype == DType.F32) {
      out.asFloatBuffer().put(floats, f, count);
      out.position(out.position() + count * Float.BYTES);
      return;
    }
    for (int i = f; i < f + count; i++) {
      float v = floats[i];
      switch (dtype) {
        case F64 -> out.putDouble(v);
        case F32 -> out.putFloat(v);
        case F16 -> out.putShort(HalfFloats.floatToF16(v));
        case BF16 -> out.putShort(HalfFloats.floatToBf16(v));
        default -> throw new IllegalStateException("not a float dtype: " + dtype);
      }
    }
  }
}
