package io.ser4j.model.speechlm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ser4j.core.ModelLoadException;
import io.ser4j.core.RecognitionException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * LoRA settings with PEFT's field names ({@code adapter_config.json}): rank {@code r},
 * {@code lora_alpha}, {@code lora_dropout}, {@code target_modules} (short module names such as
 * {@code q_proj}, matched in the text decoder's layers), {@code bias} (only {@code "none"}) and
 * {@code task_type} (only {@code "CAUSAL_LM"}). The update is scaled by {@code lora_alpha / r}
 * (no rsLoRA).
 *
 * @param r adapter rank, {@code >= 1}
 * @param loraAlpha the scaling numerator, {@code > 0}
 * @param loraDropout dropout on the adapter input during training, in {@code [0, 1)}
 * @param targetModules short names from {@link #SUPPORTED_TARGETS}, non-empty
 * @param bias {@code "none"}
 * @param taskType {@code "CAUSAL_LM"}
 */
public record LoraConfig(
    int r, double loraAlpha, double loraDropout, List<String> targetModules, String bias, String taskType) {
  /** Short target names and the decoder projection each selects. */
  public static final Map<String, String> SUPPORTED_TARGETS = Map.of(
      "q_proj", "self_attn.q_proj", "k_proj", "self_attn.k_proj", "v_proj", "self_attn.v_proj",
      "o_proj", "self_attn.o_proj", "gate_proj", "mlp.gate_proj", "up_proj", "mlp.up_proj",
      "down_proj", "mlp.down_proj");
  /** {@code adapter_config.json}. */
  public static final String CONFIG_FILE = "adapter_config.json";

  /**
   * Validates and copies.
   *
   * @throws RecognitionException naming the field on a value out of range
   */
  public LoraConfig {
    if (r < 1) {
      throw new RecognitionException("r", r + " < 1");
    }
    if (!(loraAlpha > 0) || Double.isInfinite(loraAlpha)) {
      throw new RecognitionException("lora_alpha", loraAlpha + " is not positive and finite");
    }
    if (!(loraDropout >= 0 && loraDropout < 1)) {
      throw new RecognitionException("lora_dropout", loraDropout + " is outside [0, 1)");
    }
    if (targetModules == null || targetModules.isEmpty()) {
      throw new RecognitionException("target_modules", "empty");
    }
    targetModules = List.copyOf(targetModules);
    for (String t : targetModules) {
      if (!SUPPORTED_TARGETS.containsKey(t)) {
        throw new RecognitionException("target_modules", "unsupported module " + t + "; supported: "
            + new java.util.TreeSet<>(SUPPORTED_TARGETS.keySet()));
      }
    }
    if (!"none".equals(bias)) {
      throw new RecognitionException("bias", bias + " (only \"none\" is supported)");
    }
    if (!"CAUSAL_LM".equals(taskType)) {
      throw new RecognitionException("task_type", taskType + " (only \"CAUSAL_LM\" is supported)");
    }
  }

  /** A config with {@code bias "none"} and {@code task_type "CAUSAL_LM"}. */
  public static LoraConfig of(int r, double loraAlpha, double loraDropout, List<String> targetModules) {
    return new LoraConfig(r, loraAlpha, loraDropout, targetModules, "none", "CAUSAL_LM");
  }

  /** {@code lora_alpha / r}. */
  public double scaling() {
    return loraAlpha / r;
  }

  /** The PEFT {@code adapter_config.json} document. */
  ObjectNode toJson(String baseModel) {
    ObjectNode n = new ObjectMapper().createObjectNode();
    n.put("peft_type", "LORA");
    n.put("task_type", taskType);
    n.put("base_model_name_or_path", baseModel);
    n.put("r", r);
    n.put("lora_alpha", loraAlpha);
    n.put("lora_dropout", loraDropout);
    ArrayNode t = n.putArray("target_modules");
    targetModules.forEach(t::add);
    n.put("bias", bias);
    n.put("fan_in_fan_out", false);
    n.put("use_rslora", false);
    n.put("init_lora_weights", true);
    n.putNull("modules_to_save");
    n.put("inference_mode", true);
    return n;
  }

  /**
   * Reads {@code adapter_config.json} of a PEFT adapter directory.
   *
   * @param dir the adapter directory
   * @return the config
   * @throws ModelLoadException naming the file when it is missing, unreadable or not a supported LoRA
   *     config
   */
  public static LoraConfig load(Path dir) {
    Path file = dir.resolve(CONFIG_FILE);
    JsonNode n;
    try {
      n = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new ModelLoadException(file.toString(), "cannot read: " + e.getMessage(), e);
    }
    if (n == null || !n.isObject() || !"LORA".equals(n.path("peft_type").asText("LORA"))) {
      throw new ModelLoadException(file.toString(), "not a LoRA adapter config");
    }
    if (n.path("use_rslora").asBoolean(false) || n.path("fan_in_fan_out").asBoolean(false)) {
      throw new ModelLoadException(file.toString(), "use_rslora / fan_in_fan_out are not supported");
    }
    JsonNode t = n.path("target_modules");
    if (!t.isArray()) {
      throw new ModelLoadException(file.toString(), "target_modules is not a list of module names");
    }
    List<String> targets = new java.util.ArrayList<>();
    t.forEach(x -> targets.add(x.asText()));
    try {
      return new LoraConfig(n.path("r").asInt(0), n.path("lora_alpha").asDouble(0),
          n.path("lora_dropout").asDouble(0), targets, n.path("bias").asText("none"),
          n.path("task_type").asText("CAUSAL_LM"));
    } catch (RecognitionException e) {
      throw new ModelLoadException(file.toString(), e.getMessage(), e);
    }
  }
}
