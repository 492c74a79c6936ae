package io.ser4j.model.speechlm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import io.ser4j.core.RecognitionException;

/**
 * The keys and values of one generation request: per decoder layer, post-RoPE keys and values
 * {@code (KV, length, head_dim)}, owned by a sub-manager of the model. Obtain one with {@link
 * SpeechLm#newCache()}, close it when the request ends (try-with-resources).
 *
 * <p>Not thread-safe: one request, one thread.
 */
public final class KvCache implements AutoCloseable {
  private final NDManager manager;
  private final NDArray[] keys;
  private final NDArray[] values;
  private int length;

  KvCache(NDManager manager, int layers) {
    this.manager = manager;
    this.keys = new NDArray[layers];
    this.values = new NDArray[layers];
  }

  /** Positions held (the next token's position). */
  public int length() {
    return length;
  }

  /**
   * Appends one layer's new keys and values and returns the full ones.
   *
   * @param layer decoder layer index
   * @param k new keys {@code (KV, T, d)} (moved into this cache)
   * @param v new values {@code (KV, T, d)} (moved into this cache)
   * @param caller the calling step's manager, which receives the returned views
   * @return views of the keys and values {@code (KV, length + T, d)} attached to {@code caller}
   */
  NDList append(int layer, NDArray k, NDArray v, NDManager caller) {
    if (!manager.isOpen()) {
      throw new RecognitionException("KV cache", "already closed");
    }
    if (keys[layer] == null) {
      k.attach(manager);
      v.attach(manager);
      keys[layer] = k;
      values[layer] = v;
    } else {
      NDArray kc = keys[layer].concat(k, 1);
      NDArray vc = values[layer].concat(v, 1);
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

  /** Frees the cached keys and values. */
  @Override
  public void close() {
    manager.close();
  }
}
