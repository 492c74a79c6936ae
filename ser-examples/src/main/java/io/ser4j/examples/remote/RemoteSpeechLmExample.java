package io.ser4j.examples.remote;

import io.ser4j.audio.AudioLoader;
import io.ser4j.core.LabelSet;
import io.ser4j.core.Recognition;
import io.ser4j.model.remote.RemoteOptions;
import io.ser4j.model.remote.RemoteSpeechLm;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Use a remote SpeechLM: a vLLM server (or any OpenAI-compatible endpoint that accepts {@code
 * input_audio}) serving Qwen2-Audio-7B-Instruct. The clip is sent as 16 kHz WAV with its measured
 * cues; the answer's transcript, label and rationale are parsed, and the label distribution comes
 * from the server's first-token log-probabilities when it returns them.
 *
 * <p>Start a server (on a GPU machine): {@code vllm serve Qwen/Qwen2-Audio-7B-Instruct --port 8000}.
 * The API key, if the server wants one, is read from the environment variable {@code
 * OPENAI_API_KEY} (never from the command line). Without the builder, the same recognizer is {@code
 * ser analyze --model http://localhost:8000 clip.wav} or {@code RecognizerProvider.open(url)}.
 *
 * <p>Run: {@code mvn -q -pl ser-examples -am compile exec:java@remote
 * -Dexec.args="http://localhost:8000 examples/audio/angry.wav"} (arguments: {@code BASE_URL FILE
 * [MODEL_NAME]}).
 */
public final class RemoteSpeechLmExample {
  /** Labels offered to the model (the unified set minus the rarest acted-only ones). */
  public static final LabelSet LABELS =
      LabelSet.of("anger", "disgust", "fear", "happiness", "neutral", "sadness", "surprise");

  private RemoteSpeechLmExample() {}

  /**
   * Entry point.
   *
   * @param args {@code BASE_URL FILE [MODEL_NAME]}
   */
  public static void main(String[] args) {
    if (args.length < 2) {
      System.err.println("usage: RemoteSpeechLmExample BASE_URL FILE [MODEL_NAME]");
      return;
    }
    String model = args.length > 2 ? args[2] : RemoteOptions.DEFAULT_MODEL;
    run(args[0], model, Path.of(args[1]), System.out);
  }

  /**
   * Sends {@code file} to the server at {@code baseUrl} and prints what came back.
   *
   * @param baseUrl the server, e.g. {@code http://localhost:8000} ({@code /v1/chat/completions} is
   *     appended)
   * @param model the served model's name
   * @param file the audio file
   * @param out where to print
   * @return the remote call's result
   * @throws io.ser4j.core.SerException on unreadable audio or a failed request (after retries)
   */
  public static RemoteSpeechLm.Result run(String baseUrl, String model, Path file, PrintStream out) {
    RemoteOptions options =
        RemoteOptions.builder()
            .setBaseUrl(baseUrl)
            .optModel(model)
            .optLabels(LABELS)
            .optTimeout(Duration.ofSeconds(60))
            .optMaxRetries(2)
            .build();
    RemoteSpeechLm speechLm = new RemoteSpeechLm(options); // thread-safe: share it
    RemoteSpeechLm.Result result = speechLm.analyze(AudioLoader.load(file), null);
    Recognition r = result.recognition();
    out.println("model:       " + r.model());
    out.println("transcript:  " + r.transcript());
    out.println("label:       " + r.labelIfAny().map(l -> l.name()).orElse("?")
        + "  (distribution from " + result.distributionSource() + ")");
    r.probabilities().asMap().forEach((k, v) -> {
      if (v > 0) {
        out.printf(Locale.ROOT, "  %-10s %.3f%n", k.name(), v);
      }
    });
    out.println("rationale:   " + r.rationale());
    for (String w : result.warnings()) {
      out.println("warning:     " + w);
    }
    return result;
  }
}
