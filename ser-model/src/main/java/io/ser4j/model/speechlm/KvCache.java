package io.ser4j.model.speechlm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import io.ser4j.core.RecognitionException;
import java.util.Arrays;

/**
 * The keys and values of one generation request: per decoder layer, post-RoPE keys and values
 * {@code (B, KV, length, head_dim)} for {@code B} rows (1 for {@link SpeechLm#newCache()}, more for
 * {@link SpeechLm#prefillBatch} and {@link #select}), plus each row's number of left-padding columns.
 * Owned by a sub-manager of the model; close it when the request ends (try-with-resources).
 *
 * <p>Not thread-safe: one request, one thread.
 */
public final class KvCache implements AutoCloseable {
  private final NDManager manager;
  private final NDArray[] keys;
  private final NDArray[] values;
  private final int[] padding;
  private int length;

  KvCache(NDManager manager, int layers, int[] padding) {
    this.manager = manager;
    this.keys = new NDArray[layers];
    this.values = new NDArray[layers];
    this.padding = padding.clone();
  }

  /** Positions held per row, padding included (the next token's column). */
  public int length() {
    return length;
  }

  /** Number of rows (sequences) {@code B}. */
  public int batchSize() {
    return padding.length;
  }

  /** Per row, the number of left-padding columns (masked in attention). */
  int[] padding() {
    return padding.clone();
  }

  /**
   * Appends one layer's new keys and values and returns the full ones.
   *
   * @param layer decoder layer index
   * @param k new keys {@code (B, KV, T, d)} (moved into this cache)
   * @param v new values {@code (B, KV, T, d)} (moved into this cache)
   * @param caller the calling step's manager, which receives the returned views
   * @return views of the keys and values {@code (B, KV, length + T, d)} attached to {@code caller}
   */
  NDList append(int layer, NDArray k, NDArray v, NDManager caller) {
    checkOpen();
    if (k.getShape().get(0) != padding.length) {
      throw new RecognitionException("KV cache", "step of " + k.getShape().get(0) + " rows for a cache of "
          + padding.length);
    }
    if (keys[layer] == null) {
      k.attach(manager);
      v.attach(manager);
      keys[layer] = k;
      values[layer] = v;
    } else {
      NDArray kc = keys[layer].concat(k, 2);
      NDArray vc = values[layer].concat(v, 2);
      keys[layer].close();
      values[layer].close();
      keys[layer] = kc;
      values[layer] = vc;
    }
    // views in the caller's manager, so that the caller's derived arrays do not attach to this cache
    NDIndex all = new NDIndex(":");
    return new NDList(keys[layer].get(caller, all), values[layer].get(caller, all));
  }

  /** Records that every layer has appended {@code t} positions. */
  void advance(int t) {
    length += t;
  }

  /**
   * A new cache whose row {@code i} is a copy of this cache's row {@code rows[i]} (rows may repeat):
   * forks a prefix for beam search or label scoring. This cache is unchanged; close both.
   *
   * @param rows source row per new row, each in {@code [0, batchSize())}
   * @return the new cache, same length
   * @throws RecognitionException if this cache is closed or a row is out of range
   */
  public KvCache select(int... rows) {
    checkOpen();
    if (rows == null || rows.length == 0) {
      throw new RecognitionException("KV cache rows", "empty selection");
    }
    int[] pad = new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i] < 0 || rows[i] >= padding.length) {
        throw new RecognitionException("KV cache rows", "row " + rows[i] + " outside [0, " + padding.length + ")");
      }
      pad[i] = padding[rows[i]];
    }
    KvCache out = new KvCache(manager.getParentManager().newSubManager(), keys.length, pad);
    out.length = length;
    for (int layer = 0; layer < keys.length; layer++) {
      if (keys[layer] != null) {
        out.keys[layer] = gather(keys[layer], rows, out.manager);
        out.values[layer] = gather(values[layer], rows, out.manager);
      }
    }
    return out;
  }

  /**
   * Rolls the cache back to its first {@code newLength} positions (every row, every layer), e.g. to
   * continue a prompt differently without prefilling it again. Left padding is kept.
   *
   * @param newLength positions to keep, {@code max(padding) <= newLength <= length()}
   * @throws RecognitionException if the cache is closed or {@code newLength} is out of range
   */
  public void truncate(int newLength) {
    checkOpen();
    int minLength = 0;
    for (int p : padding) {
      minLength = Math.max(minLength, p);
    }
    if (newLength < minLength || newLength > length) {
      throw new RecognitionException("KV cache", "cannot truncate " + length + " positions to " + newLength
          + " (allowed " + minLength + " .. " + length + ")");
    }
    if (newLength == length) {
      return;
    }
    NDIndex keep = new NDIndex(":, :, 0:{}", newLength);
    for (int layer = 0; layer < keys.length; layer++) {
      if (keys[layer] != null) {
        NDArray k = keys[layer].get(keep).duplicate();
        NDArray v = values[layer].get(keep).duplicate();
        k.attach(manager);
        v.attach(manager);
        keys[layer].close();
        values[layer].close();
        keys[layer] = k;
        values[layer] = v;
      }
    }
    length = newLength;
  }

  private static NDArray gather(NDArray a, int[] rows, NDManager into) {
    NDList parts = new NDList(rows.length);
    for (int r : rows) {
      parts.add(a.get(new NDIndex("{}:{}", r, r + 1)));
    }
    NDArray out = parts.size() == 1 ? parts.get(0).duplicate() : NDArrays.concat(parts, 0);
    out.attach(into);
    parts.close();
    return out;
  }

  private void checkOpen() {
    if (!manager.isOpen()) {
      throw new RecognitionException("KV cache", "already closed");
    }
  }

  @Override
  public String toString() {
    return "KvCache[" + padding.length + " rows, " + length + " positions, padding " + Arrays.toString(padding) + "]";
  }

  /** Frees the cached keys and values. */
  @Override
  public void close() {
    manager.close();
  }
}
