package io.ser4j.cli;

import io.ser4j.audio.AudioLoader;
import io.ser4j.audio.LogMelSpectrogram;
import io.ser4j.core.AudioClip;
import io.ser4j.model.speechlm.SpeechLm;
import io.ser4j.model.speechlm.SpeechLmDevice;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ser model-check}: load a SpeechLM checkpoint directory and run one forward pass (GUIDE §7).
 * Prints {@code model}, {@code architecture}, {@code parameters}, {@code dtype}, {@code device} and
 * {@code precision} ({@code --device}: float16 on a GPU, float32 on the CPU); with {@code --audio}
 * {@code audio_frames}; with {@code --input-ids} {@code logits_last_top10}; with {@code --greedy N}
 * {@code greedy_ids}. A broken checkpoint or bad audio exits 3 with one line on stderr.
 */
@Command(
    name = "model-check",
    mixinStandardHelpOptions = true,
    description = "Load a SpeechLM checkpoint (Hugging Face layout) and run one forward pass.",
    footer = {
      "",
      "Examples:",
      "  ser model-check --model ./qwen2-audio --json",
      "  ser model-check --model DIR --audio clip.wav --input-ids 1,20,7,3,7 --greedy 8 --json",
      "",
      "A single audio_token_index in --input-ids stands for all the clip's audio frames.",
      "Architecture and shapes: docs/speechlm.md"
    })
final class ModelCheckCommand implements Callable<Integer> {
  /** Number of (token id, logit) pairs printed for the last position. */
  static final int TOP_K = 10;
  /** slf4j-simple's per-logger level property for DJL's loggers. */
  static final String DJL_LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.log.ai.djl";

  @Spec CommandSpec spec;
  @Mixin CommonOptions common;
  @Mixin CommonOptions.DeviceOption deviceOption;

  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "Checkpoint directory: config.json + model.safetensors (or a sharded index).")
  Path model;

  @Option(names = "--audio", paramLabel = "FILE",
      description = "Audio clip (16 kHz Whisper log-mel of the config's num_mel_bins, no 30 s padding).")
  Path audio;

  @Option(names = "--input-ids", split = ",", paramLabel = "ID",
      description = "Prompt token ids, comma-separated; one audio_token_index marks the audio.")
  int[] inputIds;

  @Option(names = "--greedy", paramLabel = "N", description = "Generate N tokens greedily (needs --input-ids).")
  Integer greedy;

  @Override
  public Integer call() {
    if (greedy != null && (inputIds == null || greedy < 0)) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          greedy < 0 ? "--greedy must be >= 0" : "--greedy needs --input-ids");
    }
    if (!common.debug && System.getProperty(DJL_LOG_LEVEL_PROPERTY) == null) {
      // keep stderr to our one line on errors: DJL logs its engine start at INFO
      System.setProperty(DJL_LOG_LEVEL_PROPERTY, "error");
    }
    SpeechLmDevice device = deviceOption.parse(spec);
    PrintWriter out = spec.commandLine().getOut();
    Map<String, Object> m = new LinkedHashMap<>();
    try (SpeechLm lm = SpeechLm.load(model, device)) { // float16 on a GPU
      m.put("model", model.toString());
      m.put("architecture", lm.architecture());
      m.put("parameters", lm.parameterCount());
      m.put("dtype", lm.dtype());
      m.put("device", lm.device().isGpu() ? "gpu:" + lm.device().getDeviceId() : "cpu");
      m.put("precision", lm.precision().name().toLowerCase(java.util.Locale.ROOT));
      float[][] audioEmbeds = null;
      if (audio != null) {
        AudioClip clip = AudioLoader.load(audio, LogMelSpectrogram.SAMPLE_RATE_HZ);
        float[][] mel = LogMelSpectrogram.whisper(lm.config().audioConfig().numMelBins()).compute(clip.samples());
        double[] cue = null;
        if (lm.config().hasCuePrefix()) { // the cue prefix's feature vector, as SpeechLmRecognizer computes it
          io.ser4j.model.speechlm.SpeechLmRecognizer.checkCueFeatureSet(lm.config(), model.toString());
          cue = io.ser4j.model.baseline.BaselineFeatures.create().extract(AudioLoader.load(audio)).features(); // own rate
        }
        audioEmbeds = lm.encodeAudio(mel, cue);
        m.put("audio", audio.toString());
        m.put("audio_frames", audioEmbeds.length - lm.cueTokens());
        if (cue != null) {
          m.put("cue_prefix_rows", lm.cueTokens());
        }
      }
      if (inputIds != null) {
        float[][] logits = lm.logits(inputIds, audioEmbeds);
        m.put("sequence_length", logits.length);
        m.put("logits_last_top10", topK(logits[logits.length - 1], TOP_K));
        if (greedy != null) {
          m.put("greedy_ids", lm.greedy(inputIds, audioEmbeds, greedy));
        }
      }
    }
    if (common.json) {
      out.println(Json.line(m));
    } else {
      m.forEach((k, v) -> out.println(k + ": " + (v instanceof int[] a ? Arrays.toString(a) : v)));
    }
    out.flush();
    return SerCli.EXIT_OK;
  }

  /** The k largest logits as {@code [[id, logit], ...]}, descending; ties to the lowest id. */
  static List<List<Number>> topK(float[] logits, int k) {
    Integer[] order = new Integer[logits.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> logits[a] != logits[b] ? Float.compare(logits[b], logits[a]) : Integer.compare(a, b));
    List<List<Number>> top = new ArrayList<>();
    for (int i = 0; i < Math.min(k, order.length); i++) {
      top.add(List.of(order[i], (double) logits[order[i]]));
    }
    return top;
  }
}
