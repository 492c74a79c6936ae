package io.ser4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ser4j.core.ModelLoadException;
import io.ser4j.core.SerException;
import io.ser4j.core.spi.RecognizerProvider;
import io.ser4j.model.baseline.BaselineModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ser models}: what is installed. Lists the {@link RecognizerProvider}s found through {@link
 * java.util.ServiceLoader} (and which one serves {@code --model default}), the models bundled in the
 * jars (with size and licence notes), and the checkpoints found in the model folders: each {@code
 * --dir}, and {@code ~/.ser4j/models} (moved by the environment variable {@value #ENV_MODELS_DIR}).
 * A checkpoint is a folder with a {@code config.json} (Hugging Face layout) or a baseline model
 * {@code *.json} file; each is matched against the providers without loading any weights.
 */
@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    description = {
      "List what is installed: recognizer providers (ServiceLoader), bundled models with sizes and",
      "licence notes, and checkpoints in ~/.ser4j/models and in each --dir."
    },
    footer = {
      "",
      "A checkpoint is a folder holding config.json (+ model.safetensors, tokenizer.json), or a",
      "baseline model file *.json (from 'ser train-baseline'). Use one with --model PATH.",
      "Set " + ModelsCommand.ENV_MODELS_DIR + " to look somewhere other than ~/.ser4j/models.",
      "",
      "Examples:",
      "  ser models",
      "  ser models --json --dir /data/checkpoints"
    })
final class ModelsCommand implements Callable<Integer> {
  /** Environment variable naming the default model folder (default {@code ~/.ser4j/models}). */
  static final String ENV_MODELS_DIR = "SER4J_MODELS_DIR";

  /** The models bundled in ser4j's jars: name, classpath resource, provider spec. */
  static final List<Bundled> BUNDLED =
      List.of(new Bundled("baseline", BaselineModel.BUNDLED_RESOURCE, "baseline"));

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int CHECKPOINT_DEPTH = 3;

  @Spec CommandSpec spec;
  @Mixin CommonOptions common;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description = "A folder of checkpoints (or one checkpoint) to list; repeatable.")
  List<Path> dirs = new ArrayList<>();

  /** A model shipped inside a jar. */
  record Bundled(String name, String resource, String spec) {}

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<RecognizerProvider> providers = RecognizerProvider.installed();
    String defaultProvider =
        providers.stream().filter(p -> p.supports("default")).map(RecognizerProvider::name).findFirst().orElse(null);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (RecognizerProvider p : providers) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kind", "provider");
      m.put("name", p.name());
      m.put("rank", p.rank());
      m.put("serves_default", p.name().equals(defaultProvider));
      m.put("class", p.getClass().getName());
      m.put("location", location(p.getClass()));
      rows.add(m);
    }
    for (Bundled b : BUNDLED) {
      rows.add(bundled(b, providers));
    }
    int exit = SerCli.EXIT_OK;
    List<Path> roots = new ArrayList<>(dirs);
    Path home = defaultDir();
    boolean homeExists = Files.isDirectory(home);
    if (homeExists && !dirs.contains(home)) {
      roots.add(home);
    }
    for (Path root : roots) {
      try {
        rows.addAll(checkpoints(root, providers));
      } catch (SerException e) {
        err.println("ser: " + e.getMessage());
        exit = SerCli.EXIT_BAD_INPUT;
      }
    }
    if (common.json) {
      rows.forEach(r -> out.println(Json.line(r)));
    } else {
      printText(out, rows, defaultProvider, home, homeExists);
    }
    out.flush();
    err.flush();
    return exit;
  }

  /** {@value #ENV_MODELS_DIR}, else {@code ~/.ser4j/models}. */
  static Path defaultDir() {
    String env = System.getenv(ENV_MODELS_DIR);
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    return Path.of(System.getProperty("user.home"), ".ser4j", "models");
  }

  private static Map<String, Object> bundled(Bundled b, List<RecognizerProvider> providers) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", "bundled");
    m.put("name", b.name());
    m.put("resource", "classpath:" + b.resource());
    m.put("provider", providerFor(b.spec(), providers));
    URL url = ModelsCommand.class.getResource(b.resource());
    if (url == null) {
      m.put("error", "not on the class path");
      return m;
    }
    try (InputStream in = url.openStream()) {
      byte[] bytes = in.readAllBytes();
      m.put("size_bytes", (long) bytes.length);
      m.putAll(baselineFacts(MAPPER.readTree(bytes)));
    } catch (IOException e) {
      m.put("error", "unreadable: " + e.getMessage());
    }
    return m;
  }

  /** Labels and licence notes from a baseline model file's JSON. */
  private static Map<String, Object> baselineFacts(JsonNode root) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format", root.path("format").asText(""));
    List<String> labels = new ArrayList<>();
    root.path("labels").forEach(l -> labels.add(l.asText()));
    m.put("labels", labels);
    JsonNode prov = root.path("provenance");
    String licence = prov.path("licence").asText("");
    String data = prov.path("data_licences").asText("");
    m.put("licence", licence.isEmpty() ? (data.isEmpty() ? "unknown (no licence in provenance)" : data) : licence);
    m.put("data_licences", data.isEmpty() ? null : data);
    m.put("trained_on", prov.path("corpora").asText(null));
    return m;
  }

  /** The checkpoints under {@code root} (which may itself be one). */
  static List<Map<String, Object>> checkpoints(Path root, List<RecognizerProvider> providers) {
    if (!Files.exists(root)) {
      throw new ModelLoadException(root.toString(), "no such directory");
    }
    List<Path> found = new ArrayList<>();
    if (Files.isRegularFile(root)) {
      found.add(root);
    } else {
      try (Stream<Path> s = Files.walk(root, CHECKPOINT_DEPTH)) {
        s.sorted()
            .forEach(
                p -> {
                  String n = p.getFileName().toString();
                  if (Files.isRegularFile(p) && n.equals("config.json")) {
                    found.add(p.getParent());
                  } else if (Files.isRegularFile(p)
                      && n.toLowerCase(Locale.ROOT).endsWith(".json")
                      && !Files.isRegularFile(p.resolveSibling("config.json"))
                      && isBaselineFile(p)) {
                    found.add(p);
                  }
                });
      } catch (IOException | UncheckedIOException e) {
        throw new ModelLoadException(root.toString(), "cannot list: " + e.getMessage(), e);
      }
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Path p : found) {
      rows.add(checkpoint(p, providers));
    }
    return rows;
  }

  private static boolean isBaselineFile(Path p) {
    try {
      return BaselineModel.FORMAT.equals(MAPPER.readTree(p.toFile()).path("format").asText(""));
    } catch (IOException e) {
      return false;
    }
  }

  private static Map<String, Object> checkpoint(Path p, List<RecognizerProvider> providers) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", "checkpoint");
    m.put("path", p.toString());
    m.put("provider", providerFor(p.toString(), providers));
    m.put("size_bytes", size(p));
    try {
      if (Files.isDirectory(p)) {
        JsonNode config = MAPPER.readTree(p.resolve("config.json").toFile());
        m.put("model_type", config.path("model_type").asText(null));
        List<String> arch = new ArrayList<>();
        config.path("architectures").forEach(a -> arch.add(a.asText()));
        m.put("architectures", arch);
        List<String> files = new ArrayList<>();
        for (String f :
            List.of("model.safetensors", "model.safetensors.index.json", "tokenizer.json", "generation_config.json")) {
          if (Files.exists(p.resolve(f))) {
            files.add(f);
          }
        }
        m.put("files", files);
        m.put("licence", readmeLicence(p));
      } else {
        m.putAll(baselineFacts(MAPPER.readTree(p.toFile())));
      }
    } catch (IOException e) {
      m.put("error", "unreadable: " + e.getMessage());
    }
    return m;
  }

  /** The {@code license:} of a Hugging Face model card's front matter, or a LICENSE file note. */
  static String readmeLicence(Path dir) throws IOException {
    Path readme = dir.resolve("README.md");
    if (Files.isRegularFile(readme)) {
      List<String> lines = Files.readAllLines(readme, StandardCharsets.UTF_8);
      if (!lines.isEmpty() && lines.get(0).strip().equals("---")) {
        for (int i = 1; i < lines.size() && !lines.get(i).strip().equals("---"); i++) {
          String l = lines.get(i).strip();
          if (l.startsWith("license:")) {
            return l.substring("license:".length()).strip();
          }
        }
      }
    }
    for (String f : List.of("LICENSE", "LICENSE.txt", "LICENSE.md")) {
      if (Files.isRegularFile(dir.resolve(f))) {
        return "see " + f;
      }
    }
    return "unknown (no README.md licence, no LICENSE file)";
  }

  private static String providerFor(String spec, List<RecognizerProvider> providers) {
    for (RecognizerProvider p : providers) {
      try {
        if (p.supports(spec)) {
          return p.name();
        }
      } catch (RuntimeException e) {
        // a provider that cannot judge the spec does not claim it
      }
    }
    return null;
  }

  private static long size(Path p) {
    if (Files.isRegularFile(p)) {
      try {
        return Files.size(p);
      } catch (IOException e) {
        return -1;
      }
    }
    try (Stream<Path> s = Files.walk(p)) {
      return s.filter(Files::isRegularFile)
          .mapToLong(
              f -> {
                try {
                  return Files.size(f);
                } catch (IOException e) {
                  return 0;
                }
              })
          .sum();
    } catch (IOException | UncheckedIOException e) {
      return -1;
    }
  }

  private static String location(Class<?> c) {
    CodeSource cs = c.getProtectionDomain().getCodeSource();
    if (cs == null || cs.getLocation() == null) {
      return "";
    }
    try {
      return Path.of(cs.getLocation().toURI()).toString();
    } catch (Exception e) {
      return cs.getLocation().toString();
    }
  }

  private static String human(Object bytes) {
    if (!(bytes instanceof Long b) || b < 0) {
      return "?";
    }
    if (b < 1024) {
      return b + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = b;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  private static void printText(
      PrintWriter out, List<Map<String, Object>> rows, String defaultProvider, Path home, boolean homeExists) {
    out.println("Recognizer providers (ServiceLoader, highest rank first):");
    for (Map<String, Object> r : rows) {
      if (r.get("kind").equals("provider")) {
        out.printf(
            Locale.ROOT,
            "  %-10s rank %5s  %s%s%n",
            r.get("name"), r.get("rank"), r.get("class"),
            Boolean.TRUE.equals(r.get("serves_default")) ? "  (serves --model default)" : "");
      }
    }
    if (defaultProvider == null) {
      out.println("  (no provider serves --model default)");
    }
    out.println();
    out.println("Bundled models:");
    for (Map<String, Object> r : rows) {
      if (r.get("kind").equals("bundled")) {
        out.printf(
            Locale.ROOT, "  %-10s %9s  %s%n", r.get("name"), human(r.get("size_bytes")), r.get("resource"));
        note(out, "labels", r.get("labels"));
        note(out, "licence", r.get("licence"));
        note(out, "trained on", r.get("trained_on"));
        note(out, "error", r.get("error"));
      }
    }
    out.println();
    out.println("Checkpoints (" + home + (homeExists ? "" : ": not present") + ", and each --dir):");
    boolean any = false;
    for (Map<String, Object> r : rows) {
      if (r.get("kind").equals("checkpoint")) {
        any = true;
        out.printf(Locale.ROOT, "  %s  %s%n", r.get("path"), human(r.get("size_bytes")));
        note(out, "provider", r.get("provider") == null ? "none installed supports it" : r.get("provider"));
        note(out, "model type", r.get("model_type"));
        note(out, "labels", r.get("labels"));
        note(out, "files", r.get("files"));
        note(out, "licence", r.get("licence"));
        note(out, "error", r.get("error"));
      }
    }
    if (!any) {
      out.println("  (none found)");
    }
  }

  private static void note(PrintWriter out, String key, Object value) {
    if (value != null && !(value instanceof String s && s.isEmpty())) {
      out.printf(Locale.ROOT, "    %-11s %s%n", key + ":", value);
    }
  }
}
