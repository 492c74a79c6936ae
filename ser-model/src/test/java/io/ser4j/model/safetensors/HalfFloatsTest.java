package io.ser4j.model.safetensors;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** F16/BF16 conversions: exhaustive over all 65536 bit patterns, plus torch's narrowing results. */
class HalfFloatsTest {

  /** The value of a binary16 pattern computed from the IEEE definition in double arithmetic. */
  private static double f16Reference(int bits) {
    int sign = (bits >> 15) & 1;
    int exp = (bits >> 10) & 0x1f;
    int mant = bits & 0x3ff;
    double v;
    if (exp == 0) {
      v = Math.scalb(mant / 1024.0, -14);
    } else if (exp == 31) {
      v = mant == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
    } else {
      v = Math.scalb(1 + mant / 1024.0, exp - 15);
    }
    return sign == 1 ? -v : v;
  }

  /** The value of a bfloat16 pattern from its fields (8-bit exponent, 7-bit mantissa). */
  private static double bf16Reference(int bits) {
    int sign = (bits >> 15) & 1;
    int exp = (bits >> 7) & 0xff;
    int mant = bits & 0x7f;
    double v;
    if (exp == 0) {
      v = Math.scalb(mant / 128.0, -126);
    } else if (exp == 255) {
      v = mant == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
    } else {
      v = Math.scalb(1 + mant / 128.0, exp - 127);
    }
    return sign == 1 ? -v : v;
  }

  @Test
  void f16WideningMatchesTheDefinitionForAll65536Patterns() {
    int nan = 0;
    for (int h = 0; h < 0x10000; h++) {
      float got = HalfFloats.f16ToFloat((short) h);
      double want = f16Reference(h);
      if (Double.isNaN(want)) {
        assertThat(got).as("0x%04x", h).isNaN();
        // payload and sign are kept
        assertThat(HalfFloats.floatToF16(got) & 0xffff).as("0x%04x", h).isEqualTo(h | 0x200);
        nan++;
      } else {
        assertThat((double) got).as("0x%04x", h).isEqualTo(want);
        // signed zeros are distinguished
        assertThat(Float.floatToRawIntBits(got) >>> 31).as("sign of 0x%04x", h).isEqualTo(h >>> 15);
      }
    }
    assertThat(nan).isEqualTo(2 * 1023);
  }

  @Test
  void f16NarrowingRoundTripsEveryFiniteAndInfinitePattern() {
    for (int h = 0; h < 0x10000; h++) {
      if ((h & 0x7c00) == 0x7c00 && (h & 0x3ff) != 0) {
        continue; // NaN, checked above
      }
      assertThat(HalfFloats.floatToF16(HalfFloats.f16ToFloat((short) h)) & 0xffff)
          .as("0x%04x", h)
          .isEqualTo(h);
    }
  }

  @Test
  void f16NarrowingRoundsTiesToEvenBetweenEveryPairOfNeighbours() {
    // every finite non-negative pattern and its finite upper neighbour (65504 -> inf: edge cases)
    for (int h = 0; h < 0x7bff; h++) {
      for (int sign : new int[] {0, 0x8000}) {
        int lo = h | sign;
        int hi = (h + 1) | sign;
        double mid = (f16Reference(lo) + f16Reference(hi)) / 2; // exact in float (12 bits)
        float m = (float) mid;
        assertThat((double) m).isEqualTo(mid);
        int even = (h & 1) == 0 ? lo : hi;
        assertThat(HalfFloats.floatToF16(m) & 0xffff).as("tie above 0x%04x", lo).isEqualTo(even);
        float below = sign == 0 ? Math.nextDown(m) : Math.nextUp(m);
        float above = sign == 0 ? Math.nextUp(m) : Math.nextDown(m);
        assertThat(HalfFloats.floatToF16(below) & 0xffff).as("just below tie 0x%04x", lo).isEqualTo(lo);
        assertThat(HalfFloats.floatToF16(above) & 0xffff).as("just above tie 0x%04x", lo).isEqualTo(hi);
      }
    }
  }

  @Test
  void f16NarrowingEdgeCases() {
    assertThat(HalfFloats.floatToF16(65504f)).isEqualTo((short) 0x7bff);
    assertThat(HalfFloats.floatToF16(65519.996f)).isEqualTo((short) 0x7bff);
    assertThat(HalfFloats.floatToF16(65520f)).isEqualTo((short) 0x7c00); // tie to even = infinity
    assertThat(HalfFloats.floatToF16(-1e9f)).isEqualTo((short) 0xfc00);
    assertThat(HalfFloats.floatToF16(0x1p-25f)).isEqualTo((short) 0); // tie with 0: even
    assertThat(HalfFloats.floatToF16(Math.nextUp(0x1p-25f))).isEqualTo((short) 1);
    assertThat(HalfFloats.floatToF16(Float.MIN_VALUE)).isEqualTo((short) 0);
    assertThat(HalfFloats.floatToF16(-Float.MIN_VALUE)).isEqualTo((short) 0x8000);
    assertThat(HalfFloats.floatToF16(Float.NaN) & 0x7c00).isEqualTo(0x7c00);
    assertThat(HalfFloats.f16ToFloat(HalfFloats.floatToF16(Float.NaN))).isNaN();
  }

  @Test
  void bf16WideningMatchesTheDefinitionForAll65536Patterns() {
    for (int b = 0; b < 0x10000; b++) {
      float got = HalfFloats.bf16ToFloat((short) b);
      double want = bf16Reference(b);
      if (Double.isNaN(want)) {
        assertThat(got).as("0x%04x", b).isNaN();
      } else {
        assertThat((double) got).as("0x%04x", b).isEqualTo(want);
        assertThat(HalfFloats.floatToBf16(got) & 0xffff).as("round trip 0x%04x", b).isEqualTo(b);
      }
    }
  }

  @Test
  void bf16NarrowingRoundsTiesToEven() {
    for (int b = 0; b < 0x7f80; b++) {
      int tie = (b << 16) | 0x8000;
      int even = (b & 1) == 0 ? b : b + 1;
      assertThat(HalfFloats.floatToBf16(Float.intBitsToFloat(tie)) & 0xffff).isEqualTo(even);
      assertThat(HalfFloats.floatToBf16(Float.intBitsToFloat(tie - 1)) & 0xffff).isEqualTo(b);
      assertThat(HalfFloats.floatToBf16(Float.intBitsToFloat(tie + 1)) & 0xffff).isEqualTo(b + 1);
    }
    assertThat(HalfFloats.floatToBf16(Float.MAX_VALUE)).isEqualTo((short) 0x7f80); // rounds to inf
    assertThat(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(Float.NaN))).isNaN();
    assertThat(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(Float.intBitsToFloat(0x7f800001)))).isNaN();
  }

  @Test
  void narrowingMatchesTorch() throws Exception {
    JsonNode fx;
    try (InputStream in = getClass().getResourceAsStream("/fixtures/safetensors/narrowing.json")) {
      fx = new ObjectMapper().readTree(in);
    }
    int n = fx.get("f32_bits").size();
    assertThat(n).isGreaterThan(4000);
    int compared = 0;
    for (int i = 0; i < n; i++) {
      float x = Float.intBitsToFloat(fx.get("f32_bits").get(i).asInt());
      if (Float.isNaN(x)) {
        continue;
      }
      assertThat(HalfFloats.floatToF16(x)).as("F16 of %s", x).isEqualTo((short) fx.get("f16_bits").get(i).asInt());
      assertThat(HalfFloats.floatToBf16(x)).as("BF16 of %s", x).isEqualTo((short) fx.get("bf16_bits").get(i).asInt());
      compared++;
    }
    assertThat(compared).isEqualTo(n);
  }
}
