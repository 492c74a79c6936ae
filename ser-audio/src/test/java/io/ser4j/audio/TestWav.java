package io.ser4j.audio;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A small, deliberately independent RIFF/WAVE writer for tests: every encoding, EXTENSIBLE headers,
 * extra chunks anywhere, and header fields that can be overridden to build broken files.
 */
final class TestWav {
  private TestWav() {}

  /** A chunk with its pad byte when the body has odd length. */
  static byte[] chunk(String id, byte[] body) {
    ByteBuffer b = ByteBuffer.allocate(8 + body.length + (body.length & 1));
    b.order(ByteOrder.LITTLE_ENDIAN);
    b.put(id.getBytes(StandardCharsets.US_ASCII)).putInt(body.length).put(body);
    return b.array();
  }

  /** A chunk header declaring {@code declaredSize}, followed by {@code body} as is. */
  static byte[] rawChunk(String id, long declaredSize, byte[] body) {
    ByteBuffer b = ByteBuffer.allocate(8 + body.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(id.getBytes(StandardCharsets.US_ASCII)).putInt((int) declaredSize).put(body);
    return b.array();
  }

  /**
   * Encodes raw sample values: for integer PCM the integers as stored (0..255 for 8-bit, signed
   * otherwise), for float the values themselves.
   */
  static byte[] encode(WavFormat.Encoding enc, double[] raw) {
    ByteBuffer b =
        ByteBuffer.allocate(raw.length * enc.bytesPerSample()).order(ByteOrder.LITTLE_ENDIAN);
    for (double v : raw) {
      switch (enc) {
        case PCM_U8 -> b.put((byte) (long) v);
        case PCM_S16 -> b.putShort((short) (long) v);
        case PCM_S24 -> {
          int x = (int) (long) v;
          b.put((byte) x).put((byte) (x >> 8)).put((byte) (x >> 16));
        }
        case PCM_S32 -> b.putInt((int) (long) v);
        case FLOAT32 -> b.putFloat((float) v);
        case FLOAT64 -> b.putDouble(v);
        default -> throw new IllegalArgumentException();
      }
    }
    return b.array();
  }

  /** The value the decoder must produce for one raw sample (before channel averaging). */
  static double expected(WavFormat.Encoding enc, double raw) {
    return switch (enc) {
      case PCM_U8 -> (raw - 128) / 128.0;
      case PCM_S16 -> raw / 32768.0;
      case PCM_S24 -> raw / 8388608.0;
      case PCM_S32 -> raw / 2147483648.0;
      case FLOAT32 -> (float) raw;
      case FLOAT64 -> raw;
    };
  }

  /** Expected mono output for interleaved raw values. */
  static float[] expectedMono(WavFormat.Encoding enc, int channels, double[] raw) {
    float[] out = new float[raw.length / channels];
    for (int f = 0; f < out.length; f++) {
      double sum = 0;
      for (int c = 0; c < channels; c++) {
        sum += expected(enc, raw[f * channels + c]);
      }
      out[f] = (float) (channels == 1 ? sum : sum / channels);
    }
    return out;
  }

  /** Random raw values covering the encoding's full range, extremes included. */
  static double[] randomRaw(WavFormat.Encoding enc, int n, java.util.Random rnd) {
    double[] r = new double[n];
    for (int i = 0; i < n; i++) {
      r[i] =
          switch (enc) {
            case PCM_U8 -> rnd.nextInt(256);
            case PCM_S16 -> rnd.nextInt(65536) - 32768;
            case PCM_S24 -> rnd.nextInt(1 << 24) - (1 << 23);
            case PCM_S32 -> rnd.nextInt();
            case FLOAT32 -> (float) (rnd.nextDouble() * 2 - 1);
            case FLOAT64 -> rnd.nextDouble() * 2 - 1;
          };
    }
    if (n >= 2 && enc != WavFormat.Encoding.FLOAT32 && enc != WavFormat.Encoding.FLOAT64) {
      int bits = enc.bytesPerSample() * 8;
      r[0] = enc == WavFormat.Encoding.PCM_U8 ? 0 : -Math.pow(2, bits - 1);
      r[1] = enc == WavFormat.Encoding.PCM_U8 ? 255 : Math.pow(2, bits - 1) - 1;
    }
    return r;
  }

  /** Builder for a WAV file. */
  static final class Builder {
    WavFormat.Encoding enc = WavFormat.Encoding.PCM_S16;
    int channels = 1;
    long rate = 16000;
    boolean extensible;
    int validBits;
    byte[] data = new byte[0];
    final List<byte[]> beforeFmt = new ArrayList<>();
    final List<byte[]> betweenFmtAndData = new ArrayList<>();
    final List<byte[]> afterData = new ArrayList<>();
    Long riffSize;
    Long dataSize;
    Integer tag;
    Integer bits;
    Integer blockAlign;
    int fmtExtraBytes = -1; // -1: plain 16-byte fmt (non-extensible)
    byte[] subFormatGuid;

    Builder encoding(WavFormat.Encoding e) {
      enc = e;
      return this;
    }

    Builder channels(int c) {
      channels = c;
      return this;
    }

    Builder rate(long r) {
      rate = r;
      return this;
    }

    Builder extensible(boolean x) {
      extensible = x;
      return this;
    }

    Builder raw(double[] interleaved) {
      data = encode(enc, interleaved);
      return this;
    }

    Builder data(byte[] d) {
      data = d;
      return this;
    }

    byte[] fmtBody() {
      int bps = bits != null ? bits : enc.bytesPerSample() * 8;
      int align = blockAlign != null ? blockAlign : channels * enc.bytesPerSample();
      int t = tag != null ? tag : extensible ? 0xFFFE : enc.isFloat() ? 3 : 1;
      int size = extensible ? 40 : fmtExtraBytes >= 0 ? 18 + fmtExtraBytes : 16;
      ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
      b.putShort((short) t).putShort((short) channels).putInt((int) rate);
      b.putInt((int) (rate * align)).putShort((short) align).putShort((short) bps);
      if (extensible) {
        b.putShort((short) 22).putShort((short) (validBits == 0 ? bps : validBits));
        b.putInt(channels == 2 ? 3 : 0);
        if (subFormatGuid != null) {
          b.put(subFormatGuid);
        } else {
          b.putShort((short) (enc.isFloat() ? 3 : 1));
          b.put(new byte[] {0, 0, 0, 0, 0x10, 0, (byte) 0x80, 0, 0, (byte) 0xAA, 0, 0x38,
              (byte) 0x9B, 0x71});
        }
      } else if (fmtExtraBytes >= 0) {
        b.putShort((short) fmtExtraBytes);
        b.put(new byte[fmtExtraBytes]);
      }
      return b.array();
    }

    byte[] build() {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      body.writeBytes("WAVE".getBytes(StandardCharsets.US_ASCII));
      beforeFmt.forEach(body::writeBytes);
      body.writeBytes(chunk("fmt ", fmtBody()));
      betweenFmtAndData.forEach(body::writeBytes);
      if (dataSize == null) {
        body.writeBytes(chunk("data", data));
      } else {
        body.writeBytes(rawChunk("data", dataSize, data));
      }
      afterData.forEach(body::writeBytes);
      byte[] b = body.toByteArray();
      ByteBuffer out = ByteBuffer.allocate(8 + b.length).order(ByteOrder.LITTLE_ENDIAN);
      out.put("RIFF".getBytes(StandardCharsets.US_ASCII));
      out.putInt((int) (riffSize != null ? riffSize : b.length));
      out.put(b);
      return out.array();
    }
  }
}
