package io.ser4j.model.speechlm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.Dropout;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ser4j.core.ModelLoadException;
import io.ser4j.core.RecognitionException;
import io.ser4j.model.safetensors.SafeTensorsFile;
import io.ser4j.model.safetensors.SafeTensorsWriter;
import io.ser4j.model.safetensors.TensorData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * LoRA adapters on the text decoder's projections of one {@link SpeechLm}: for each targeted
 * projection {@code W (out, in)}, {@code y = x·Wᵀ + b + (α/r)·dropout(x)·Aᵀ·Bᵀ} with {@code A (r, in)}
 * initialised as PEFT does ({@code kaiming_uniform_(a=√5)}, i.e. uniform in {@code ±1/√in}, from a
 * seeded {@link Random}) and {@code B (out, r)} zeros, so a new adapter leaves the model unchanged.
 * The audio tower and projector are not adapted.
 *
 * <p>Storage: the parameters live in this object's own {@link NDManager}, held transposed
 * ({@code Aᵀ (in, r)}, {@code Bᵀ (r, out)}) so that the forward needs no per-step transpose, with
 * {@code setRequiresGradient(true)}; the base weights never require a gradient (frozen).
 * {@link #save} writes PEFT's layout: {@code adapter_config.json} and {@code adapter_model.safetensors}
 * with keys {@code base_model.model.<module path>.lora_A.weight} {@code (r, in)} and
 * {@code ...lora_B.weight} {@code (out, r)} (PEFT's state-dict names with the adapter name
 * {@code default} removed, as {@code get_peft_model_state_dict} writes them), where the module path is
 * the checkpoint's, e.g. {@code language_model.model.layers.0.self_attn.q_proj}.
 *
 * <p>{@link #merge} adds {@code (α/r)·B·A} to the model's weights in place (the forward then skips the
 * adapters); {@link #unmerge} subtracts it again (float rounding aside, the original weights).
 *
 * <p>Thread-safety: not thread-safe; training steps, merge/unmerge and save must not overlap each
 * other or a forward of the model.
 */
public final class LoraAdapters implements AutoCloseable {
  /** The safetensors file name PEFT uses. */
  public static final String WEIGHTS_FILE = "adapter_model.safetensors";
  /** Key prefix PEFT gives a wrapped model's modules. */
  public static final String PEFT_PREFIX = "base_model.model.";

  /** One adapted projection: parameters held transposed. */
  private record Adapter(int layer, String module, NDArray aT, NDArray bT) {}

  private final SpeechLm model;
  private final LoraConfig config;
  private final NDManager manager;
  private final NDArray scale;
  private final Map<String, Adapter> adapters = new LinkedHashMap<>(); // by "layer:module"
  private boolean merged;

  private LoraAdapters(SpeechLm model, LoraConfig config) {
    this.model = model;
    this.config = config;
    this.manager = ai.djl.engine.Engine.getEngine(SpeechLm.ENGINE).newBaseManager(model.device());
    manager.setName("lora");
    this.scale = manager.create((float) config.scaling());
  }

  /**
   * New adapters ({@code B = 0}: the model's output is unchanged until trained).
   *
   * @param model the base model (adapters are tied to it)
   * @param config rank, alpha, dropout, targets
   * @param seed seed of {@code A}'s initialisation
   * @return adapters (not yet set on the model: call {@link SpeechLm#setAdapters})
   */
  public static LoraAdapters create(SpeechLm model, LoraConfig config, long seed) {
    LoraAdapters l = new LoraAdapters(model, config);
    Random rnd = new Random(seed);
    for (int i = 0; i < model.decoderLayerCount(); i++) {
      for (String target : config.targetModules()) {
        String module = LoraConfig.SUPPORTED_TARGETS.get(target);
        long[] io = model.decoderProjectionShape(module);
        int in = (int) io[0];
        int out = (int) io[1];
        float[] aT = new float[in * config.r()];
        double bound = 1.0 / Math.sqrt(in);
        for (int k = 0; k < config.r(); k++) { // A[k][j] → aT[j][k], drawn in A's row-major order
          for (int j = 0; j < in; j++) {
            aT[j * config.r() + k] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
          }
        }
        l.add(i, module, aT, new float[config.r() * out], in, out);
      }
    }
    return l;
  }

  private void add(int layer, String module, float[] aT, float[] bT, int in, int out) {
    NDArray a = manager.create(aT, new Shape(in, config.r()));
    NDArray b = manager.create(bT, new Shape(config.r(), out));
    a.setRequiresGradient(true);
    b.setRequiresGradient(true);
    adapters.put(layer + ":" + module, new Adapter(layer, module, a, b));
  }

  /** The model these adapters belong to. */
  public SpeechLm model() {
    return model;
  }

  /** The LoRA settings. */
  public LoraConfig config() {
    return config;
  }

  /** Whether {@link #merge} folded the adapters into the model's weights. */
  public boolean merged() {
    return merged;
  }

  /**
   * The trainable parameters by PEFT key ({@code base_model.model.<path>.lora_A.weight}, ...). The
   * arrays are held transposed: {@code Aᵀ (in, r)}, {@code Bᵀ (r, out)}; update them in place only.
   */
  public Map<String, NDArray> parameters() {
    Map<String, NDArray> out = new LinkedHashMap<>();
    for (Adapter a : adapters.values()) {
      String base = PEFT_PREFIX + SpeechLm.decoderLayerPrefix(a.layer()) + a.module();
      out.put(base + ".lora_A.weight", a.aT());
      out.put(base + ".lora_B.weight", a.bT());
    }
    return Collections.unmodifiableMap(out);
  }

  /** Number of native arrays these adapters hold (constant while training — a leak check). */
  public int residentArrayCount() {
    return manager.getManagedArrays().size();
  }

  /**
   * The LoRA term of projection {@code module} of decoder layer {@code layer} for input {@code x}, in
   * {@code x}'s manager; {@code null} when that projection is not adapted.
   */
  NDArray delta(int layer, String module, NDArray x, boolean training) {
    Adapter a = adapters.get(layer + ":" + module);
    if (a == null) {
      return null;
    }
    NDArray in = training && config.loraDropout() > 0
        ? Dropout.dropout(x, (float) config.loraDropout(), true).singletonOrThrow() : x;
    return in.matMul(a.aT()).matMul(a.bT()).mul(scale);
  }

  /**
   * Adds {@code (α/r)·B·A} to every adapted weight of the model.
   *
   * @throws RecognitionException if already merged
   */
  public void merge() {
    if (merged) {
      throw new RecognitionException("LoRA adapters", "already merged");
    }
    fold(true);
    merged = true;
  }

  /**
   * Subtracts what {@link #merge} added, restoring the base weights (up to float rounding).
   *
   * @throws RecognitionException if not merged
   */
  public void unmerge() {
    if (!merged) {
      throw new RecognitionException("LoRA adapters", "not merged");
    }
    fold(false);
    merged = false;
  }

  private void fold(boolean add) {
    try (NDManager sub = manager.newSubManager()) {
      for (Adapter a : adapters.values()) {
        NDArray aT = sub.create(a.aT().toFloatArray(), a.aT().getShape());
        NDArray bT = sub.create(a.bT().toFloatArray(), a.bT().getShape());
        NDArray deltaT = aT.matMul(bT).mul(scale); // (in, out) = ((α/r)·B·A)ᵀ
        NDArray delta = deltaT.transpose(); // (out, in), in sub
        NDArray w = model.decoderWeight(a.layer(), a.module());
        if (add) {
          w.addi(delta);
        } else {
          w.subi(delta);
        }
      }
    }
  }

  /** Sets every {@code B} to normal noise of standard deviation {@code std} (tests of merge). */
  void randomizeB(long seed, double std) {
    Random rnd = new Random(seed);
    for (Adapter a : adapters.values()) {
      float[] v = new float[(int) a.bT().size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (rnd.nextGaussian() * std);
      }
      a.bT().set(FloatBuffer.wrap(v));
    }
  }

  /**
   * Writes {@code adapter_config.json} and {@code adapter_model.safetensors} (float32, PEFT
   * orientation) into {@code dir}, creating it if needed.
   *
   * @param dir the adapter directory
   * @throws UncheckedIOException if writing fails
   */
  public void save(Path dir) {
    Map<String, TensorData> tensors = new LinkedHashMap<>();
    for (Adapter a : adapters.values()) {
      String base = PEFT_PREFIX + SpeechLm.decoderLayerPrefix(a.layer()) + a.module();
      long in = a.aT().getShape().get(0);
      long out = a.bT().getShape().get(1);
      int r = config.r();
      tensors.put(base + ".lora_A.weight", TensorData.f32(new long[] {r, in},
          transpose(a.aT().toFloatArray(), (int) in, r)));
      tensors.put(base + ".lora_B.weight", TensorData.f32(new long[] {out, r},
          transpose(a.bT().toFloatArray(), r, (int) out)));
    }
    try {
      Files.createDirectories(dir);
      new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(
          dir.resolve(LoraConfig.CONFIG_FILE).toFile(), config.toJson(model.checkpointDir().toString()));
      SafeTensorsWriter.write(dir.resolve(WEIGHTS_FILE), tensors, Map.of("format", "pt"));
    } catch (IOException e) {
      throw new UncheckedIOException("writing LoRA adapters to " + dir, e);
    }
  }

  /**
   * Reads a PEFT LoRA adapter directory written by {@link #save} or by PEFT for this architecture.
   *
   * @param model the base model
   * @param dir the adapter directory
   * @return the adapters (not yet set on the model)
   * @throws ModelLoadException naming the file and tensor when the config is unsupported or a tensor
   *     is missing, extra or of the wrong shape
   */
  public static LoraAdapters load(SpeechLm model, Path dir) {
    LoraConfig config = LoraConfig.load(dir);
    Path file = dir.resolve(WEIGHTS_FILE);
    LoraAdapters l = new LoraAdapters(model, config);
    try (SafeTensorsFile st = SafeTensorsFile.open(file)) {
      java.util.Set<String> unused = new java.util.TreeSet<>(st.names());
      int r = config.r();
      for (int i = 0; i < model.decoderLayerCount(); i++) {
        for (String target : config.targetModules()) {
          String module = LoraConfig.SUPPORTED_TARGETS.get(target);
          long[] io = model.decoderProjectionShape(module);
          int in = (int) io[0];
          int out = (int) io[1];
          String base = PEFT_PREFIX + SpeechLm.decoderLayerPrefix(i) + module;
          float[] a = read(st, file, base + ".lora_A.weight", r, in);
          float[] b = read(st, file, base + ".lora_B.weight", out, r);
          unused.remove(base + ".lora_A.weight");
          unused.remove(base + ".lora_B.weight");
          l.add(i, module, transpose(a, r, in), transpose(b, out, r), in, out);
        }
      }
      if (!unused.isEmpty()) {
        throw new ModelLoadException(file.toString(), "tensors not covered by adapter_config.json: " + unused);
      }
      return l;
    } catch (RuntimeException e) {
      l.close();
      throw e instanceof ModelLoadException ? e : new ModelLoadException(file.toString(), e.getMessage(), e);
    }
  }

  private static float[] read(SafeTensorsFile st, Path file, String name, long rows, long cols) {
    if (!st.contains(name)) {
      throw new ModelLoadException(file + ": " + name, "missing tensor");
    }
    if (!st.info(name).hasShape(rows, cols)) {
      throw new ModelLoadException(file + ": " + name, "shape " + st.info(name).shapeString()
          + ", expected [" + rows + ", " + cols + "]");
    }
    return st.readFloats(name);
  }

  /** Row-major {@code (rows, cols)} → {@code (cols, rows)}. */
  private static float[] transpose(float[] v, int rows, int cols) {
    float[] out = new float[v.length];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        out[j * rows + i] = v[i * cols + j];
      }
    }
    return out;
  }

  /** Frees the adapter parameters (unset them from the model first; unmerge first to restore it). */
  @Override
  public void close() {
    manager.close();
  }

  @Override
  public String toString() {
    return "LoraAdapters[r=" + config.r() + ", alpha=" + config.loraAlpha() + ", " + adapters.size()
        + " projections" + (merged ? ", merged" : "") + "]";
  }
}
