package io.ser4j.model.safetensors;

/**
 * Conversions between {@code float} and the two 16-bit float formats of checkpoints, written for
 * Java 17 (which lacks {@code Float.float16ToFloat}). Stateless and thread-safe.
 *
 * <ul>
 *   <li>Widening ({@link #f16ToFloat}, {@link #bf16ToFloat}) is exact: every 16-bit value, including
 *       subnormals, signed zeros, infinities and NaN payloads, has an exact {@code float}.
 *   <li>Narrowing ({@link #floatToF16}, {@link #floatToBf16}) rounds to nearest, ties to even (IEEE
 *       754's default, as PyTorch and NumPy do); values too large become infinity; NaN stays NaN (made
 *       quiet, sign and upper payload bits kept).
 * </ul>
 */
public final class HalfFloats {
  private static final int F16_EXP_BIAS = 15;
  private static final int F32_EXP_BIAS = 127;
  private static final int F16_MANTISSA_BITS = 10;
  private static final int F32_MANTISSA_BITS = 23;
  private static final int MANTISSA_SHIFT = F32_MANTISSA_BITS - F16_MANTISSA_BITS; // 13
  /** Value of one F16 subnormal unit: 2^-24. */
  private static final float F16_SUBNORMAL_UNIT = 0x1p-24f;

  private HalfFloats() {}

  /** The exact {@code float} value of an IEEE binary16 bit pattern (the low 16 bits of {@code h}). */
  public static float f16ToFloat(short h) {
    int bits = h & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> F16_MANTISSA_BITS) & 0x1f;
    int mant = bits & 0x3ff;
    if (exp == 0) {
      // zero or subnormal: mant * 2^-24, exact in float
      float v = mant * F16_SUBNORMAL_UNIT;
      return sign != 0 ? -v : v;
    }
    if (exp == 0x1f) {
      // infinity or NaN (payload kept)
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << MANTISSA_SHIFT));
    }
    return Float.intBitsToFloat(
        sign | ((exp - F16_EXP_BIAS + F32_EXP_BIAS) << F32_MANTISSA_BITS) | (mant << MANTISSA_SHIFT));
  }

  /** The binary16 bit pattern nearest to {@code f} (ties to even). */
  public static short floatToF16(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int exp = (bits >>> F32_MANTISSA_BITS) & 0xff;
    int mant = bits & 0x7fffff;
    if (exp == 0xff) {
      if (mant == 0) {
        return (short) (sign | 0x7c00);
      }
      return (short) (sign | 0x7c00 | 0x200 | (mant >>> MANTISSA_SHIFT)); // quiet NaN
    }
    int e = exp - F32_EXP_BIAS + F16_EXP_BIAS;
    if (e >= 0x1f) {
      return (short) (sign | 0x7c00);
    }
    if (e <= 0) {
      // result is an F16 subnormal (or zero, or rounds up to the smallest normal)
      if (e < -10) {
        return (short) sign; // below half of the smallest subnormal (float subnormals included)
      }
      int m = mant | 0x800000; // explicit leading 1; value = m * 2^(exp - 150)
      int shift = 14 - e; // 14..24: h = m * 2^(exp - 126) = m >> (126 - exp)
      int h = m >>> shift;
      int rem = m & ((1 << shift) - 1);
      int halfway = 1 << (shift - 1);
      if (rem > halfway || (rem == halfway && (h & 1) != 0)) {
        h++;
      }
      return (short) (sign | h);
    }
    int h = (e << F16_MANTISSA_BITS) | (mant >>> MANTISSA_SHIFT);
    int rem = mant & 0x1fff;
    if (rem > 0x1000 || (rem == 0x1000 && (h & 1) != 0)) {
      h++; // a carry into the exponent is correct, up to infinity (0x7c00)
    }
    return (short) (sign | h);
  }

  /** The exact {@code float} value of a bfloat16 bit pattern: the bits shifted left by 16. */
  public static float bf16ToFloat(short b) {
    return Float.intBitsToFloat((b & 0xffff) << 16);
  }

  /** The bfloat16 bit pattern nearest to {@code f} (ties to even). */
  public static short floatToBf16(float f) {
    int bits = Float.floatToRawIntBits(f);
    if ((bits & 0x7fffffff) > 0x7f800000) {
      return (short) ((bits >>> 16) | 0x40); // NaN: keep sign and upper payload, make it quiet
    }
    int roundingBias = 0x7fff + ((bits >>> 16) & 1);
    return (short) ((bits + roundingBias) >>> 16);
  }
}
