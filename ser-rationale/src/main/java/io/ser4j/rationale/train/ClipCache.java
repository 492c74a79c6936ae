package io.ser4j.rationale.train;

import io.ser4j.audio.AudioLoader;
import io.ser4j.core.AudioFormatException;
import io.ser4j.model.baseline.BaselineFeatures;
import io.ser4j.core.SerException;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The training clips, decoded and resampled to 16 kHz once, kept in memory as 16-bit samples and
 * on disk under a cache directory ({@code <dir>/<corpus>/<id>.pcm16}: a magic number, the source
 * file's size and modification time, the sample count, then big-endian 16-bit samples), so later
 * runs and epochs skip decoding and resampling. A cache file whose source changed is rebuilt; an
 * unreadable one is rebuilt as well. Files are written to a temporary name and moved into place.
 *
 * <p>It also caches each clip's cue-prefix feature vector ({@link #cueFeatures}), computed once from
 * the clean audio file at its own rate (as the baseline and {@code SpeechLmRecognizer} analyse a
 * clip) and stored as {@code <dir>/<corpus>/<id>.<feature set>.f64} (a magic
 * number, the source's size and modification time, the count, then big-endian doubles, NaN kept).
 *
 * <p>Thread-safe: the in-memory maps are concurrent; concurrent loads of one clip may both decode it.
 */
public final class ClipCache {
  /** Sample rate of the cached clips. */
  public static final int SAMPLE_RATE_HZ = 16_000;
  private static final int MAGIC = 0x53464331; // "SFC1"
  private static final float SHORT_SCALE = 32767f;
  private static final int FEATURE_MAGIC = 0x53464632; // "SFF2"

  private final Path dir;
  private final Map<String, short[]> memory = new ConcurrentHashMap<>();
  private final Map<String, double[]> featureMemory = new ConcurrentHashMap<>();

  /**
   * @param dir the cache directory (created on first write), or {@code null} for memory only
   */
  public ClipCache(Path dir) {
    this.dir = dir;
  }

  /**
   * The example's audio at 16 kHz, in [-1, 1].
   *
   * @throws AudioFormatException (or another {@link SerException}) when the audio cannot be read
   */
  public float[] samples(SftExample e) {
    short[] s = memory.computeIfAbsent(e.key(), k -> load(e));
    float[] out = new float[s.length];
    for (int i = 0; i < s.length; i++) {
      out[i] = s[i] / SHORT_SCALE;
    }
    return out;
  }

  /**
   * The example's {@link BaselineFeatures} vector ({@link BaselineFeatures#FEATURE_SET}), computed
   * from the clean (un-augmented) audio file at its own rate and cached in memory and on disk.
   *
   * @param e the example
   * @param features the extractor
   * @return the raw vector (NaN where a feature is undefined); the cache's own array: do not modify it
   * @throws SerException when the audio cannot be read or analysed
   */
  public double[] cueFeatures(SftExample e, BaselineFeatures features) {
    return featureMemory.computeIfAbsent(e.key(), k -> loadFeatures(e, features));
  }

  private double[] loadFeatures(SftExample e, BaselineFeatures features) {
    Path file = dir == null ? null
        : dir.resolve(safe(e.corpus())).resolve(safe(e.id()) + "." + safe(BaselineFeatures.FEATURE_SET) + ".f64");
    long size;
    long mtime;
    try {
      size = Files.size(e.audio());
      mtime = Files.getLastModifiedTime(e.audio()).toMillis();
    } catch (IOException ex) {
      throw new AudioFormatException(e.audio().toString(), "cannot read: " + ex.getMessage());
    }
    int dim = BaselineFeatures.dimension();
    if (file != null && Files.isRegularFile(file)) {
      try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 12)) {
        DataInputStream d = new DataInputStream(in);
        if (d.readInt() == FEATURE_MAGIC && d.readLong() == size && d.readLong() == mtime && d.readInt() == dim) {
          double[] f = new double[dim];
          for (int i = 0; i < dim; i++) {
            f[i] = d.readDouble();
          }
          return f;
        }
      } catch (IOException ex) {
        // rebuilt below
      }
    }
    // the clip as recorded (its own rate), as the baseline and SpeechLmRecognizer analyse it
    double[] f = features.extract(AudioLoader.load(e.audio())).features();
    if (file != null) {
      writeQuietly(file, 1 << 12, d -> {
        d.writeInt(FEATURE_MAGIC);
        d.writeLong(size);
        d.writeLong(mtime);
        d.writeInt(f.length);
        for (double v : f) {
          d.writeDouble(v);
        }
      });
    }
    return f;
  }

  private short[] load(SftExample e) {
    Path file = dir == null ? null : dir.resolve(safe(e.corpus())).resolve(safe(e.id()) + ".pcm16");
    long size;
    long mtime;
    try {
      size = Files.size(e.audio());
      mtime = Files.getLastModifiedTime(e.audio()).toMillis();
    } catch (IOException ex) {
      throw new AudioFormatException(e.audio().toString(), "cannot read: " + ex.getMessage());
    }
    if (file != null && Files.isRegularFile(file)) {
      try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
        DataInputStream d = new DataInputStream(in);
        if (d.readInt() == MAGIC && d.readLong() == size && d.readLong() == mtime) {
          int n = d.readInt();
          short[] s = new short[n];
          for (int i = 0; i < n; i++) {
            s[i] = d.readShort();
          }
          return s;
        }
      } catch (IOException ex) {
        // rebuilt below
      }
    }
    float[] x = AudioLoader.load(e.audio(), SAMPLE_RATE_HZ).samples();
    short[] s = new short[x.length];
    for (int i = 0; i < x.length; i++) {
      s[i] = (short) Math.round(Math.max(-1f, Math.min(1f, x[i])) * SHORT_SCALE);
    }
    if (file != null) {
      writeQuietly(file, 1 << 16, d -> {
        d.writeInt(MAGIC);
        d.writeLong(size);
        d.writeLong(mtime);
        d.writeInt(s.length);
        for (short v : s) {
          d.writeShort(v);
        }
      });
    }
    return s;
  }

  /** Writes one cache entry's bytes. */
  private interface EntryWriter {
    void write(DataOutputStream out) throws IOException;
  }

  /**
   * Writes a cache file under a temporary name (per process) and moves it into place, atomically
   * where the file system can. The cache is an optimisation: a failed write is dropped and only
   * costs time on the next run.
   */
  private static void writeQuietly(Path file, int bufferBytes, EntryWriter body) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp" + ProcessHandle.current().pid());
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), bufferBytes)) {
        body.write(new DataOutputStream(out));
      }
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException ex) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException ex) {
      // dropped: see above
    }
  }

  private static String safe(String name) {
    return name.replaceAll("[^A-Za-z0-9._-]", "_");
  }
}
