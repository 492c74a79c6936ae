package io.ser4j.model.safetensors;

import io.ser4j.core.ModelLoadException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One {@code .safetensors} file, opened read-only and memory-mapped. Never unpickles anything: the
 * format is an 8-byte little-endian header length {@code N}, {@code N} bytes of UTF-8 JSON, then the
 * raw little-endian tensor data (see docs/checkpoints.md).
 *
 * <p>{@link #open} validates the whole header before returning (header size limits, strict JSON
 * with duplicate keys rejected, dtype whitelist, shapes, offsets in range, byte sizes matching shapes,
 * tensors tiling the data region with no overlap and no gap), then maps the data region in windows of
 * at most {@value #WINDOW_BYTES} bytes (a tensor larger than that gets windows of its own), so files
 * and offsets beyond 2 GiB work; all offsets are {@code long}.
 *
 * <p>Thread-safety: after {@code open} returns, the object is immutable apart from its closed flag;
 * every read method may be called from several threads at once (reads use absolute positions on
 * shared mapped buffers). {@link #close} releases the file channel; buffers already returned by
 * {@link #rawBuffer} stay valid (the JDK unmaps them when they are garbage-collected), but further
 * calls on this object throw {@link IllegalStateException}. If the file is truncated by another
 * process while mapped, reading may fail with an {@link InternalError} (the JVM's SIGBUS handling).
 */
public final class SafeTensorsFile implements WeightSource {
  /** Size of the header-length prefix in bytes. */
  public static final int HEADER_LENGTH_PREFIX_BYTES = 8;
  /** Largest header accepted, in bytes (the Hugging Face library's limit). */
  public static final long MAX_HEADER_BYTES = 100_000_000L;
  /** Target size of one mapped window, in bytes; small tensors share windows up to this size. */
  public static final long WINDOW_BYTES = 1L << 30;
  /**
   * Largest tensor mapped as one buffer (the largest multiple of 8 that a {@link ByteBuffer} can
   * hold); larger tensors are mapped in several chunks and cannot be returned by {@link #rawBuffer}.
   */
  public static final long MAX_SINGLE_BUFFER_BYTES = Integer.MAX_VALUE & ~7L;
  /** Largest element count {@link #readFloats} can return (the JVM's array size limit). */
  public static final long MAX_ARRAY_ELEMENTS = Integer.MAX_VALUE - 8L;

  private static final int DECODE_CHUNK_ELEMENTS = 16_384;

  private final Path path;
  private final String file;
  private final FileChannel channel;
  private final Map<String, String> metadata;
  private final Map<String, TensorInfo> tensors;
  private final long dataStart;
  private final long[] windowStarts;
  private final ByteBuffer[] windows;
  private volatile boolean closed;

  private SafeTensorsFile(
      Path path,
      FileChannel channel,
      HeaderParser.Parsed header,
      long dataStart,
      long[] windowStarts,
      ByteBuffer[] windows) {
    this.path = path;
    this.file = path.toString();
    this.channel = channel;
    this.metadata = header.metadata();
    Map<String, TensorInfo> m = new LinkedHashMap<>();
    for (TensorInfo t : header.tensors()) {
      m.put(t.name(), t);
    }
    this.tensors = Collections.unmodifiableMap(m);
    this.dataStart = dataStart;
    this.windowStarts = windowStarts;
    this.windows = windows;
  }

  /**
   * Opens, validates and memory-maps a safetensors file.
   *
   * @param path the {@code .safetensors} file
   * @return the open file; close it when done
   * @throws ModelLoadException naming the file (and the tensor, when one is involved) if the file
   *     cannot be read or violates the format
   */
  public static SafeTensorsFile open(Path path) {
    return open(path, WINDOW_BYTES, MAX_SINGLE_BUFFER_BYTES);
  }

  /** {@link #open(Path)} with explicit window sizes (tests use small ones to exercise chunking). */
  static SafeTensorsFile open(Path path, long windowBytes, long maxSingleBufferBytes) {
    if (maxSingleBufferBytes <= 0 || maxSingleBufferBytes % 8 != 0 || maxSingleBufferBytes > MAX_SINGLE_BUFFER_BYTES) {
      throw new IllegalArgumentException("maxSingleBufferBytes must be a positive multiple of 8");
    }
    String file = path.toString();
    if (!Files.isRegularFile(path)) {
      throw new ModelLoadException(
          file, Files.exists(path) ? "not a regular file" : "no such file");
    }
    FileChannel ch;
    try {
      ch = FileChannel.open(path, StandardOpenOption.READ);
    } catch (IOException e) {
      throw new ModelLoadException(file, "cannot open: " + e.getMessage(), e);
    }
    try {
      long size = ch.size();
      if (size < HEADER_LENGTH_PREFIX_BYTES) {
        throw new ModelLoadException(
            file,
            "file is "
                + size
                + " bytes, shorter than the "
                + HEADER_LENGTH_PREFIX_BYTES
                + "-byte header length prefix");
      }
      ByteBuffer prefix = readFully(ch, 0, HEADER_LENGTH_PREFIX_BYTES, file);
      long n = prefix.order(ByteOrder.LITTLE_ENDIAN).getLong(0);
      if (n < 0 || n > MAX_HEADER_BYTES) {
        throw new ModelLoadException(
            file,
            "header length "
                + Long.toUnsignedString(n)
                + " exceeds the "
                + MAX_HEADER_BYTES
                + "-byte limit (not a safetensors file?)");
      }
      if (HEADER_LENGTH_PREFIX_BYTES + n > size) {
        throw new ModelLoadException(
            file,
            "header length " + n + " does not fit in the file of " + size + " bytes (truncated?)");
      }
      ByteBuffer headerBuf = readFully(ch, HEADER_LENGTH_PREFIX_BYTES, (int) n, file);
      byte[] headerBytes = new byte[(int) n];
      headerBuf.get(0, headerBytes);
      long dataStart = HEADER_LENGTH_PREFIX_BYTES + n;
      long dataLength = size - dataStart;
      HeaderParser.Parsed header = HeaderParser.parse(headerBytes, dataLength, file);
      List<long[]> plan = planWindows(header.tensors(), windowBytes, maxSingleBufferBytes);
      long[] starts = new long[plan.size()];
      ByteBuffer[] maps = new ByteBuffer[plan.size()];
      for (int i = 0; i < plan.size(); i++) {
        starts[i] = plan.get(i)[0];
        maps[i] =
            ch.map(FileChannel.MapMode.READ_ONLY, dataStart + plan.get(i)[0], plan.get(i)[1])
                .order(ByteOrder.LITTLE_ENDIAN);
      }
      return new SafeTensorsFile(path, ch, header, dataStart, starts, maps);
    } catch (IOException e) {
      closeQuietly(ch);
      throw new ModelLoadException(file, "cannot read: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(ch);
      throw e;
    }
  }

  /**
   * Groups tensors (in offset order) into mapping windows {start, length}: consecutive tensors share
   * a window while it stays within {@code windowBytes}; a tensor larger than {@code maxSingle} is cut
   * into chunks of {@code maxSingle} bytes (a multiple of 8, so chunks hold whole elements).
   */
  static List<long[]> planWindows(List<TensorInfo> sorted, long windowBytes, long maxSingle) {
    List<long[]> out = new ArrayList<>();
    long cs = -1;
    long ce = -1;
    for (TensorInfo t : sorted) {
      long size = t.byteSize();
      if (size == 0) {
        continue;
      }
      if (size > maxSingle) {
        if (cs >= 0) {
          out.add(new long[] {cs, ce - cs});
          cs = -1;
        }
        for (long p = t.begin(); p < t.end(); p += maxSingle) {
          out.add(new long[] {p, Math.min(maxSingle, t.end() - p)});
        }
      } else if (cs >= 0 && t.end() - cs <= windowBytes) {
        ce = t.end();
      } else {
        if (cs >= 0) {
          out.add(new long[] {cs, ce - cs});
        }
        cs = t.begin();
        ce = t.end();
      }
    }
    if (cs >= 0) {
      out.add(new long[] {cs, ce - cs});
    }
    return out;
  }

  private static ByteBuffer readFully(FileChannel ch, long position, int length, String file)
      throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(length);
    while (buf.hasRemaining()) {
      int r = ch.read(buf, position + buf.position());
      if (r < 0) {
        throw new ModelLoadException(file, "file ended while reading the header (truncated?)");
      }
    }
    return buf;
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // nothing more to release
    }
  }

  /** The file's path. */
  @Override
  public Path location() {
    return path;
  }

  /** Tensors by exact checkpoint name, in data-offset order; unmodifiable. */
  public Map<String, TensorInfo> tensors() {
    return tensors;
  }

  /** The header's {@code __metadata__} (empty when absent); unmodifiable, in header order. */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** Byte offset of the data region in the file ({@code 8 + N}). */
  public long dataStart() {
    return dataStart;
  }

  @Override
  public Set<String> names() {
    return tensors.keySet();
  }

  @Override
  public boolean contains(String name) {
    return tensors.containsKey(name);
  }

  @Override
  public TensorInfo info(String name) {
    checkOpen();
    TensorInfo t = tensors.get(name);
    if (t == null) {
      throw new ModelLoadException(file, "no tensor \"" + name + "\" " + describeNames(tensors.keySet()));
    }
    return t;
  }

  /** " (the file has N tensors: a, b, c, ...)" for missing-tensor messages. */
  static String describeNames(Set<String> names) {
    if (names.isEmpty()) {
      return "(the file has no tensors)";
    }
    String some = names.stream().limit(5).collect(Collectors.joining(", "));
    return "(" + names.size() + " tensors: " + some + (names.size() > 5 ? ", ..." : "") + ")";
  }

  @Override
  public float[] readFloats(String name) {
    TensorInfo t = info(name);
    float[] out = new float[checkedFloatCount(t)];
    decodeFloats(t, out, 0);
    return out;
  }

  @Override
  public void readInto(String name, float[] dst, long[] expectedShape) {
    readInto(name, dst, 0, expectedShape);
  }

  /**
   * Reads a floating-point tensor, widened to {@code float}, into {@code dst} starting at {@code
   * dstOffset}, after checking its shape.
   *
   * @throws ModelLoadException if the tensor is missing, its shape differs from {@code
   *     expectedShape}, or its dtype is not floating-point
   * @throws IllegalArgumentException if {@code dst} has no room for the tensor at {@code dstOffset}
   */
  public void readInto(String name, float[] dst, int dstOffset, long[] expectedShape) {
    TensorInfo t = info(name);
    checkShape(t, expectedShape, file);
    int n = checkedFloatCount(t);
    if (dstOffset < 0 || dstOffset > dst.length - n) {
      throw new IllegalArgumentException(
          "destination of length " + dst.length + " has no room for " + n + " elements of " + name
              + " at offset " + dstOffset);
    }
    decodeFloats(t, dst, dstOffset);
  }

  static void checkShape(TensorInfo t, long[] expectedShape, String file) {
    if (!t.hasShape(expectedShape)) {
      throw new ModelLoadException(
          file,
          "tensor \"" + t.name() + "\" has shape " + t.shapeString() + ", expected "
              + Arrays.toString(expectedShape));
    }
  }

  /**
   * The tensor's bytes as a read-only little-endian buffer over the mapping (no copy), positioned at
   * 0 with limit = byte size. Each call returns a new buffer object, so callers may move its position.
   *
   * @throws ModelLoadException if the tensor is missing or larger than {@value
   *     #MAX_SINGLE_BUFFER_BYTES} bytes
   */
  @Override
  public ByteBuffer rawBuffer(String name) {
    TensorInfo t = info(name);
    if (t.byteSize() == 0) {
      return ByteBuffer.allocate(0).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }
    int w = windowOf(t.begin());
    ByteBuffer win = windows[w];
    long rel = t.begin() - windowStarts[w];
    if (rel + t.byteSize() > win.capacity()) {
      throw new ModelLoadException(
          file,
          "tensor \"" + name + "\" is " + t.byteSize()
              + " bytes, more than one buffer can hold; use readFloats or readInto");
    }
    return win.slice((int) rel, (int) t.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * A zero-copy read-only view of an F32 tensor.
   *
   * @throws ModelLoadException if the tensor is missing, not F32, or too large for one buffer
   */
  public FloatBuffer floatBuffer(String name) {
    TensorInfo t = info(name);
    if (t.dtype() != DType.F32) {
      throw new ModelLoadException(
          file, "tensor \"" + name + "\" has dtype " + t.dtype() + ", a float view needs F32");
    }
    return rawBuffer(name).asFloatBuffer();
  }

  private int checkedFloatCount(TensorInfo t) {
    if (!t.dtype().isFloatingPoint()) {
      throw new ModelLoadException(
          file,
          "tensor \"" + t.name() + "\" has dtype " + t.dtype()
              + "; reading floats needs F64, F32, F16 or BF16");
    }
    if (t.numel() > MAX_ARRAY_ELEMENTS) {
      throw new ModelLoadException(
          file,
          "tensor \"" + t.name() + "\" has " + t.numel()
              + " elements, more than a Java array can hold");
    }
    return (int) t.numel();
  }

  /** Index of the window holding data offset {@code offset}. */
  private int windowOf(long offset) {
    int i = Arrays.binarySearch(windowStarts, offset);
    return i >= 0 ? i : -i - 2;
  }

  /** Decodes a floating-point tensor, possibly spread over several chunk windows, into dst. */
  private void decodeFloats(TensorInfo t, float[] dst, int dstOffset) {
    long pos = t.begin();
    int out = dstOffset;
    int elem = t.dtype().byteSize();
    while (pos < t.end()) {
      int w = windowOf(pos);
      ByteBuffer win = windows[w];
      int rel = (int) (pos - windowStarts[w]);
      int len = (int) Math.min(t.end() - pos, win.capacity() - rel);
      ByteBuffer seg = win.slice(rel, len).order(ByteOrder.LITTLE_ENDIAN);
      int n = len / elem;
      decodeSegment(t.dtype(), seg, n, dst, out);
      out += n;
      pos += len;
    }
  }

  private static void decodeSegment(DType dtype, ByteBuffer seg, int n, float[] dst, int off) {
    switch (dtype) {
      case F32 -> seg.asFloatBuffer().get(0, dst, off, n);
      case F64 -> {
        DoubleBuffer db = seg.asDoubleBuffer();
        for (int i = 0; i < n; i++) {
          dst[off + i] = (float) db.get(i);
        }
      }
      case F16, BF16 -> {
        ShortBuffer sb = seg.asShortBuffer();
        short[] chunk = new short[Math.min(n, DECODE_CHUNK_ELEMENTS)];
        boolean half = dtype == DType.F16;
        for (int start = 0; start < n; start += chunk.length) {
          int m = Math.min(chunk.length, n - start);
          sb.get(start, chunk, 0, m);
          for (int i = 0; i < m; i++) {
            dst[off + start + i] =
                half ? F16Table.VALUES[chunk[i] & 0xffff] : HalfFloats.bf16ToFloat(chunk[i]);
          }
        }
      }
      default -> throw new IllegalStateException("not a float dtype: " + dtype);
    }
  }

  /** All 65536 F16 values widened, built on first use (a table beats the branches of the bit math). */
  private static final class F16Table {
    static final float[] VALUES = new float[1 << 16];

    static {
      for (int h = 0; h < VALUES.length; h++) {
        VALUES[h] = HalfFloats.f16ToFloat((short) h);
      }
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException(file + " is closed");
    }
  }

  /** Closes the file channel; idempotent. */
  @Override
  public void close() {
    closed = true;
    closeQuietly(channel);
  }

  @Override
  public String toString() {
    return "SafeTensorsFile[" + file + ", " + tensors.size() + " tensors]";
  }
}
