package io.ser4j.model.safetensors;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The safetensors element types ser4j accepts (a whitelist), named exactly as in the header's
 * {@code "dtype"} field, with their size in bytes. Data is little-endian. Other dtypes of the format
 * (the 8-bit floats {@code F8_E4M3}/{@code F8_E5M2}, {@code U16}/{@code U32}/{@code U64}) are rejected
 * when a file is opened.
 *
 * <p>{@link #F64}, {@link #F32}, {@link #F16} and {@link #BF16} can be read as {@code float}
 * ({@link SafeTensorsFile#readFloats}); every dtype can be read raw ({@link SafeTensorsFile#rawBuffer}).
 */
public enum DType {
  /** IEEE 754 binary64. */
  F64(8, true, 12),
  /** IEEE 754 binary32. */
  F32(4, true, 11),
  /** IEEE 754 binary16 (half precision). */
  F16(2, true, 7),
  /** bfloat16: the upper 16 bits of a binary32. */
  BF16(2, true, 8),
  /** Signed 64-bit integer. */
  I64(8, false, 13),
  /** Signed 32-bit integer. */
  I32(4, false, 9),
  /** Signed 16-bit integer. */
  I16(2, false, 5),
  /** Signed 8-bit integer. */
  I8(1, false, 2),
  /** Unsigned 8-bit integer. */
  U8(1, false, 1),
  /** Boolean, one byte per element (0 or 1). */
  BOOL(1, false, 0);

  private final int byteSize;
  private final boolean floatingPoint;
  private final int layoutRank;

  DType(int byteSize, boolean floatingPoint, int layoutRank) {
    this.byteSize = byteSize;
    this.floatingPoint = floatingPoint;
    this.layoutRank = layoutRank;
  }

  /**
   * Position in the Hugging Face library's dtype enum (BOOL, U8, I8, F8_E5M2, F8_E4M3, I16, U16, F16,
   * BF16, I32, U32, F32, F64, I64, U64); writers lay tensors out by descending rank, then name.
   */
  int layoutRank() {
    return layoutRank;
  }

  /** Size of one element in bytes. */
  public int byteSize() {
    return byteSize;
  }

  /** Whether the dtype is a floating-point type that {@code readFloats} widens to {@code float}. */
  public boolean isFloatingPoint() {
    return floatingPoint;
  }

  /**
   * The dtype with this exact header name (case-sensitive, as the format spells it).
   *
   * @return the dtype, or empty when the name is not on the whitelist
   */
  public static Optional<DType> fromHeaderName(String name) {
    for (DType d : values()) {
      if (d.name().equals(name)) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }

  /** The whitelist as a comma-separated list, for messages. */
  static String supportedList() {
    return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
  }
}
