package io.ser4j.core;

import io.ser4j.core.spi.AudioDecoder;
import io.ser4j.core.spi.RationaleTeacher;
import io.ser4j.core.spi.Recognizer;
import io.ser4j.core.spi.RecognizerOptions;
import io.ser4j.core.spi.RecognizerProvider;
import io.ser4j.core.spi.TeacherProvider;
import io.ser4j.core.stream.PcmSource;
import io.ser4j.core.stream.StreamListener;
import io.ser4j.core.stream.StreamOptions;
import io.ser4j.core.stream.StreamSummary;
import io.ser4j.core.stream.StreamingAnalyzer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The entry point of ser4j: recognise the emotion of speech in one line.
 *
 * <pre>{@code
 * try (Ser ser = Ser.create()) {
 *   Recognition r = ser.analyze(Path.of("call.wav"));
 *   System.out.println(r.label() + " " + r.probabilities());
 * }
 * }</pre>
 *
 * <p>{@link #create()} uses the default model, offline, on the CPU. {@link #builder()} chooses the
 * model ({@code "default"}, {@code "baseline"}, a checkpoint directory or an {@code http(s)://}
 * endpoint), device, candidate labels, decoding options, cue options, a rationale teacher, a
 * progress listener and the batch thread count. Models, audio decoders and teachers are found
 * through {@link java.util.ServiceLoader} ({@link RecognizerProvider}, {@link AudioDecoder}, {@link
 * TeacherProvider}): this class has no compile-time dependency on any implementation, so the
 * modules on the class path ({@code ser-model}, {@code ser-audio}, {@code ser-rationale}) decide
 * what is available, and a missing one gives a typed exception listing what is installed.
 *
 * <p>Inputs: a file, an {@link InputStream} of encoded audio, float PCM with its sample rate, or a
 * decoded {@link AudioClip}; batches ({@link #analyzeAll}, {@link #submitAll}) return one result per
 * item in input order, a bad item never aborting the batch; streams ({@link #analyzeStream}, {@link
 * #openStream}) are analysed over sliding windows with voice-activity segmentation.
 *
 * <p><b>Thread safety.</b> A {@code Ser} is thread-safe: share one instance between any number of
 * threads and call every {@code analyze*} method concurrently; the results are identical to
 * sequential calls (tested with 8 threads on 200 clips). The model is loaded once, in {@link
 * Builder#build()}; its recognizer is called concurrently when it declares itself {@link
 * Recognizer#isThreadSafe() thread-safe} (all of ser4j's do) and under a lock otherwise (the same
 * for teachers). Batch work runs on an internal pool of {@link Builder#optThreads(int)} daemon
 * threads, created on first use. A {@link StreamingAnalyzer} returned by {@link #openStream} is for
 * one feeding thread. {@link #close()} waits for running batch items and releases the model; calls
 * after it throw {@link IllegalStateException}.
 */
public final class Ser implements AutoCloseable {
  /** The model of {@link #create()}: the best installed provider for {@code "default"}. */
  public static final String DEFAULT_MODEL = "default";

  private final Recognizer recognizer;
  private final RationaleTeacher teacher;
  private final LabelSet candidates;
  private final CueOptions cueOptions;
  private final ProgressListener progress;
  private final int threads;
  private final String modelSpec;
  private final ReentrantLock recognizerLock;
  private final ReentrantLock teacherLock;
  private final Object poolLock = new Object();
  private ExecutorService pool;
  private volatile boolean closed;

  private Ser(Builder b, Recognizer recognizer, RationaleTeacher teacher) {
    this.recognizer = recognizer;
    this.teacher = teacher;
    this.candidates = b.labels;
    this.cueOptions = b.cues;
    this.progress = b.progress;
    this.threads = b.threads;
    this.modelSpec = b.model;
    this.recognizerLock = recognizer.isThreadSafe() ? null : new ReentrantLock();
    this.teacherLock = teacher == null || teacher.isThreadSafe() ? null : new ReentrantLock();
  }

  /**
   * A facade on the default model, offline, on the CPU.
   *
   * @throws UnknownModelException when no installed provider supports {@code "default"} (no
   *     {@code ser-model} on the class path)
   * @throws ModelLoadException when the default model cannot be loaded
   */
  public static Ser create() {
    return builder().build();
  }

  /**
   * A facade on {@code model} with default options.
   *
   * @param model {@code "default"}, {@code "baseline"}, a checkpoint directory or an {@code
   *     http(s)://} URL
   * @throws UnknownModelException when no installed provider supports it
   * @throws ModelLoadException when it cannot be loaded
   */
  public static Ser create(String model) {
    return builder().optModel(model).build();
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The model's name as reported in recognitions (e.g. {@code "baseline"}). */
  public String modelName() {
    return recognizer.name();
  }

  /** The model specification this facade was built with (e.g. {@code "default"}). */
  public String modelSpec() {
    return modelSpec;
  }

  /** The labels results are distributed over: the candidates, or all the model's labels. */
  public LabelSet labels() {
    return candidates != null ? candidates : recognizer.labels();
  }

  /** The teacher's name, when a teacher was configured. */
  public java.util.Optional<String> teacherName() {
    return java.util.Optional.ofNullable(teacher).map(RationaleTeacher::name);
  }

  /**
   * Recognises an audio file (WAV, or any format an installed decoder handles).
   *
   * @throws AudioFormatException if the file is missing, unreadable, corrupt or unsupported
   * @throws SerException when the model fails (typed subtypes)
   * @throws IllegalStateException after {@link #close()}
   */
  public Recognition analyze(Path file) {
    Objects.requireNonNull(file, "file");
    checkOpen();
    long t0 = System.nanoTime();
    AudioClip clip = decode(file);
    return recognise(clip, System.nanoTime() - t0);
  }

  /**
   * Recognises encoded audio read from {@code in} (not closed).
   *
   * @param sourceId the name used in results and messages
   * @throws AudioFormatException if the data is empty, corrupt or unsupported
   * @throws SerException when the model fails
   */
  public Recognition analyze(InputStream in, String sourceId) {
    Objects.requireNonNull(in, "in");
    checkOpen();
    long t0 = System.nanoTime();
    AudioClip clip = decode(in, sourceId);
    return recognise(clip, System.nanoTime() - t0);
  }

  /**
   * Recognises float PCM (mono, in [-1, 1]; copied).
   *
   * @param sampleRateHz samples per second, &gt; 0
   * @param sourceId the name used in results and messages
   * @throws AudioFormatException for a non-positive rate or NaN/Inf samples
   * @throws SerException when the model fails
   */
  public Recognition analyze(float[] pcm, int sampleRateHz, String sourceId) {
    return analyze(AudioClip.of(pcm, sampleRateHz, sourceId));
  }

  /**
   * Recognises a decoded clip.
   *
   * @throws SerException when the model fails (e.g. {@link AudioFormatException} for a clip too
   *     short to analyse)
   */
  public Recognition analyze(AudioClip clip) {
    Objects.requireNonNull(clip, "clip");
    checkOpen();
    return recognise(clip, 0);
  }

  /**
   * Analyses a batch on the internal thread pool with the builder's progress listener and waits.
   * See {@link #submitAll(List, ProgressListener)}; interrupting the calling thread cancels the
   * remaining items.
   *
   * @return one result per input, in input order
   */
  public List<BatchResult> analyzeAll(List<? extends AudioInput> inputs) {
    return submitAll(inputs, progress).await();
  }

  /**
   * Starts analysing a batch on the internal pool of {@link Builder#optThreads(int)} threads and
   * returns at once. Every item gets a {@link BatchResult}: its recognition, or the {@link
   * SerException} that stopped it (other exceptions are wrapped in a {@link RecognitionException});
   * a bad item never aborts the batch. {@code listener} gets {@code onStart("analyze", n)}, one
   * {@code onProgress} per finished item (from worker threads; it must be thread-safe) and {@code
   * onFinish} when the last item is done.
   *
   * @param inputs the items (a {@link AudioInput.Stream} is read once and closed)
   * @param listener progress receiver ({@link ProgressListener#NONE} for none)
   * @return a handle to cancel the batch or wait for its results
   * @throws IllegalStateException after {@link #close()}
   */
  public BatchJob submitAll(List<? extends AudioInput> inputs, ProgressListener listener) {
    Objects.requireNonNull(inputs, "inputs");
    ProgressListener pl = listener == null ? ProgressListener.NONE : listener;
    checkOpen();
    List<AudioInput> items = List.copyOf(inputs);
    BatchJob job = new BatchJob(items.size());
    int n = items.size();
    pl.onStart("analyze", n);
    if (n == 0) {
      pl.onFinish();
      return job;
    }
    ExecutorService ex = pool();
    for (int i = 0; i < n; i++) {
      int index = i;
      AudioInput item = items.get(i);
      Runnable task =
          () -> {
            BatchResult r = runItem(index, item, job);
            long done = job.complete(r);
            pl.onProgress(done, n, r.input());
            if (done == n) {
              pl.onFinish();
            }
          };
      try {
        ex.execute(task);
      } catch (RejectedExecutionException e) {
        job.complete(new BatchResult(index, item.id(), null, new AnalysisCancelledException(item.id())));
      }
    }
    return job;
  }

  /**
   * Analyses an audio file as a stream: sliding windows, a smoothed running distribution and
   * utterances, delivered to {@code listener} as they are produced. Memory stays bounded for
   * recordings of any length.
   *
   * @throws AudioFormatException if the file is missing, unreadable, corrupt or unsupported
   * @throws SerException when the model fails on a window
   */
  public StreamSummary analyzeStream(Path file, StreamOptions options, StreamListener listener) {
    Objects.requireNonNull(file, "file");
    checkOpen();
    try (InputStream in = openFile(file)) {
      return analyzeStream(in, file.toString(), options, listener);
    } catch (IOException e) {
      throw new AudioFormatException(file.toString(), "I/O error: " + e.getMessage(), e);
    }
  }

  /**
   * Analyses encoded audio read incrementally from {@code in} (not closed) as a stream; see {@link
   * #analyzeStream(Path, StreamOptions, StreamListener)}.
   *
   * @throws AudioFormatException if the data is empty, corrupt or unsupported
   * @throws SerException when the model fails on a window
   */
  public StreamSummary analyzeStream(
      InputStream in, String sourceId, StreamOptions options, StreamListener listener) {
    Objects.requireNonNull(in, "in");
    checkOpen();
    String id = sourceId == null ? "<stream>" : sourceId;
    BufferedInputStream bin = new BufferedInputStream(in, 1 << 16);
    AudioDecoder d = AudioDecoder.forHeader(peek(bin, id), id);
    try (PcmSource src = d.open(bin, id)) {
      return analyzeStream(src, options, listener);
    }
  }

  /**
   * Analyses PCM read from {@code source} until its end (the source is not closed).
   *
   * @throws SerException when reading or the model fails
   */
  public StreamSummary analyzeStream(PcmSource source, StreamOptions options, StreamListener listener) {
    Objects.requireNonNull(source, "source");
    StreamingAnalyzer a = openStream(source.sampleRate(), source.sourceId(), options, listener);
    float[] buf = new float[8192];
    int n;
    while ((n = source.read(buf, 0, buf.length)) >= 0) {
      if (Thread.currentThread().isInterrupted()) {
        throw new AudioFormatException(source.sourceId(), "interrupted while streaming");
      }
      a.accept(buf, 0, n);
    }
    return a.finish();
  }

  /**
   * A streaming analyzer to feed with PCM as it arrives (e.g. from a microphone): call {@link
   * StreamingAnalyzer#accept} with each block and {@link StreamingAnalyzer#finish()} at the end.
   * Windows and utterances are recognised by this facade's model (with its labels, cue options and
   * teacher).
   *
   * @param sampleRateHz the rate of the PCM that will be fed
   * @param sourceId the stream's name
   * @param options windows, smoothing and VAD ({@code null} for {@link StreamOptions#DEFAULTS})
   * @param listener receives windows and utterances ({@code null} for none)
   * @throws IllegalArgumentException for a non-positive rate
   */
  public StreamingAnalyzer openStream(
      int sampleRateHz, String sourceId, StreamOptions options, StreamListener listener) {
    checkOpen();
    return StreamingAnalyzer.create(
        sampleRateHz,
        sourceId,
        options == null ? StreamOptions.DEFAULTS : options,
        this::analyze,
        listener == null ? StreamListener.NONE : listener);
  }

  /**
   * Decodes a file with the best installed {@link AudioDecoder} (mono, source rate).
   *
   * @throws AudioFormatException if the file is missing, unreadable, corrupt or unsupported
   * @throws ProviderNotFoundException when no decoder is installed
   */
  public static AudioClip decode(Path file) {
    String id = file.toString();
    byte[] head;
    try (InputStream in = openFile(file)) {
      head = readHeader(in, id);
    } catch (IOException e) {
      throw new AudioFormatException(id, "I/O error: " + e.getMessage(), e);
    }
    return AudioDecoder.forHeader(head, id).decode(file);
  }

  /**
   * Decodes encoded audio from a stream (not closed) with the best installed {@link AudioDecoder}.
   *
   * @throws AudioFormatException if the data is empty, corrupt or unsupported
   * @throws ProviderNotFoundException when no decoder is installed
   */
  public static AudioClip decode(InputStream in, String sourceId) {
    String id = sourceId == null ? "<stream>" : sourceId;
    BufferedInputStream bin = new BufferedInputStream(in, 1 << 16);
    return AudioDecoder.forHeader(peek(bin, id), id).decode(bin, id);
  }

  /**
   * Waits for running batch items, stops the pool and releases the model and teacher. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    ExecutorService ex;
    synchronized (poolLock) {
      ex = pool;
      pool = null;
    }
    if (ex != null) {
      ex.shutdown();
      try {
        while (!ex.awaitTermination(1, java.util.concurrent.TimeUnit.SECONDS)) {
          // running items are single recognitions; keep waiting
        }
      } catch (InterruptedException e) {
        ex.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    try {
      recognizer.close();
    } finally {
      if (teacher != null) {
        teacher.close();
      }
    }
  }

  @Override
  public String toString() {
    return "Ser[model=" + recognizer.name() + ", labels=" + labels() + ", threads=" + threads + "]";
  }

  // ---------------------------------------------------------------------------------------------

  private BatchResult runItem(int index, AudioInput item, BatchJob job) {
    String id = item.id();
    if (job.isCancelled() || closed) {
      closeQuietly(item);
      return new BatchResult(index, id, null, new AnalysisCancelledException(id));
    }
    try {
      Recognition r;
      if (item instanceof AudioInput.File f) {
        r = analyze(f.file());
      } else if (item instanceof AudioInput.Stream s) {
        try (InputStream in = s.in()) {
          r = analyze(in, s.id());
        }
      } else if (item instanceof AudioInput.Pcm p) {
        r = analyze(p.pcm(), p.sampleRateHz(), p.id());
      } else {
        r = analyze(((AudioInput.Clip) item).clip());
      }
      return new BatchResult(index, id, r, null);
    } catch (SerException e) {
      return new BatchResult(index, id, null, e);
    } catch (IOException e) {
      return new BatchResult(index, id, null, new AudioFormatException(id, "I/O error: " + e.getMessage(), e));
    } catch (RuntimeException | OutOfMemoryError e) {
      return new BatchResult(
          index, id, null, new RecognitionException(id, "unexpected error: " + e, e));
    }
  }

  private static void closeQuietly(AudioInput item) {
    if (item instanceof AudioInput.Stream s) {
      try {
        s.in().close();
      } catch (IOException e) {
        // nothing to report for a skipped item
      }
    }
  }

  private Recognition recognise(AudioClip clip, long decodeNanos) {
    Recognition r;
    if (recognizerLock == null) {
      r = recognizer.recognize(clip, candidates);
    } else {
      recognizerLock.lock();
      try {
        r = recognizer.recognize(clip, candidates);
      } finally {
        recognizerLock.unlock();
      }
    }
    String rationale = r.rationale();
    if (teacher != null && r.label() != null && rationale.isEmpty()) {
      if (teacherLock == null) {
        rationale = teacher.explain(clip, r);
      } else {
        teacherLock.lock();
        try {
          rationale = teacher.explain(clip, r);
        } finally {
          teacherLock.unlock();
        }
      }
    }
    Cues cues = r.cues();
    if (cues != null) {
      if (!cueOptions.include()) {
        cues = null;
      } else if (!cueOptions.contour()) {
        cues = cues.withoutContour();
      }
    }
    Recognition.Timings t = r.timings();
    if (decodeNanos > 0) {
      t = new Recognition.Timings(Duration.ofNanos(decodeNanos), t.features(), t.inference());
    }
    return new Recognition(
        r.sourceId(), r.model(), r.transcript(), r.label(), r.probabilities(), rationale, cues, t);
  }

  private ExecutorService pool() {
    synchronized (poolLock) {
      checkOpen();
      if (pool == null) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory tf =
            r -> {
              Thread t = new Thread(r, "ser4j-analyze-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            };
        pool = Executors.newFixedThreadPool(threads, tf);
      }
      return pool;
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this Ser has been closed");
    }
  }

  private static InputStream openFile(Path file) {
    String id = file.toString();
    if (Files.isDirectory(file)) {
      throw new AudioFormatException(id, "is a directory, not an audio file");
    }
    try {
      return Files.newInputStream(file);
    } catch (NoSuchFileException e) {
      throw new AudioFormatException(id, "no such file", e);
    } catch (AccessDeniedException e) {
      throw new AudioFormatException(id, "permission denied", e);
    } catch (IOException e) {
      throw new AudioFormatException(id, "cannot open: " + e.getMessage(), e);
    }
  }

  private static byte[] readHeader(InputStream in, String id) throws IOException {
    byte[] head = new byte[AudioDecoder.HEADER_BYTES];
    int got = 0;
    while (got < head.length) {
      int r = in.read(head, got, head.length - got);
      if (r < 0) {
        break;
      }
      got += r;
    }
    if (got == 0) {
      throw new AudioFormatException(id, "empty input");
    }
    return java.util.Arrays.copyOf(head, got);
  }

  private static byte[] peek(BufferedInputStream in, String id) {
    try {
      in.mark(AudioDecoder.HEADER_BYTES);
      byte[] head = readHeader(in, id);
      in.reset();
      return head;
    } catch (IOException e) {
      throw new AudioFormatException(id, "I/O error: " + e.getMessage(), e);
    }
  }

  /**
   * Builder of {@link Ser}; every setting is optional ({@code opt*}) and validated in {@link
   * #build()}, which loads the model. Not thread-safe; the built {@code Ser} is.
   */
  public static final class Builder {
    /** Default batch thread count: the available processors. */
    public static final int DEFAULT_THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());

    private String model = DEFAULT_MODEL;
    private String device = "cpu";
    private LabelSet labels;
    private GenerationOptions generation = GenerationOptions.DEFAULTS;
    private CueOptions cues = CueOptions.DEFAULTS;
    private final Map<String, String> properties = new LinkedHashMap<>();
    private String teacherSpec;
    private long teacherSeed;
    private Map<String, String> teacherProperties = Map.of();
    private ProgressListener progress = ProgressListener.NONE;
    private int threads = DEFAULT_THREADS;

    private Builder() {}

    /**
     * The model: {@code "default"} (the best installed model; the default), {@code "baseline"} (the
     * acoustic baseline), a checkpoint directory, a baseline model {@code .json} file or an {@code
     * http(s)://} URL of an OpenAI-compatible endpoint.
     */
    public Builder optModel(String model) {
      this.model = Objects.requireNonNull(model, "model").trim();
      return this;
    }

    /** A checkpoint directory or model file as the model. */
    public Builder optModel(Path model) {
      return optModel(model.toString());
    }

    /** The device: {@code "cpu"} (default), {@code "gpu"}, {@code "gpu:N"} or {@code "auto"}. */
    public Builder optDevice(String device) {
      this.device = Objects.requireNonNull(device, "device");
      return this;
    }

    /**
     * The candidate labels: every distribution is over exactly these (a subset of the model's
     * labels); {@code null} (default) for all the model's labels.
     */
    public Builder optLabels(LabelSet labels) {
      this.labels = labels;
      return this;
    }

    /** Decoding options for generative models (greedy, beam, sampling with a seed). */
    public Builder optGeneration(GenerationOptions generation) {
      this.generation = Objects.requireNonNull(generation, "generation");
      return this;
    }

    /** Which cues the results carry. */
    public Builder optCues(CueOptions cues) {
      this.cues = Objects.requireNonNull(cues, "cues");
      return this;
    }

    /** A provider-specific setting passed in {@link RecognizerOptions#properties()}. */
    public Builder optProperty(String key, String value) {
      properties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * A rationale teacher (found through {@link TeacherProvider}), e.g. {@code "cue-grounded"}:
     * it writes the rationale of every recognition whose model gave none.
     */
    public Builder optTeacher(String teacherSpec) {
      return optTeacher(teacherSpec, 0, Map.of());
    }

    /**
     * A rationale teacher with a seed and provider-specific settings.
     *
     * @param teacherSpec e.g. {@code "cue-grounded"}, or an endpoint URL for an LLM teacher
     * @param seed seed of teachers that vary their phrasing
     * @param properties settings such as {@code "model"} or {@code "api_key_env"}
     */
    public Builder optTeacher(String teacherSpec, long seed, Map<String, String> properties) {
      this.teacherSpec = Objects.requireNonNull(teacherSpec, "teacherSpec");
      this.teacherSeed = seed;
      this.teacherProperties = Map.copyOf(properties);
      return this;
    }

    /** Receives the progress of {@link Ser#analyzeAll}; must be thread-safe. */
    public Builder optProgressListener(ProgressListener listener) {
      this.progress = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** Threads of the batch pool (default: available processors), 1 to 1024. */
    public Builder optThreads(int threads) {
      this.threads = threads;
      return this;
    }

    /**
     * Validates the settings, loads the model (and the teacher) and returns the facade.
     *
     * @throws IllegalArgumentException for a thread count outside 1..1024 or an invalid device
     * @throws UnknownModelException when no installed provider supports the model (the message
     *     lists the installed providers)
     * @throws ModelLoadException when the model cannot be loaded
     * @throws UnknownLabelException when a candidate label is not one of the model's labels
     * @throws ProviderNotFoundException when no installed provider supports the teacher
     */
    public Ser build() {
      if (threads < 1 || threads > 1024) {
        throw new IllegalArgumentException("threads must be in 1..1024, got " + threads);
      }
      if (model.isEmpty()) {
        throw new UnknownModelException(model, RecognizerProvider.installed().stream()
            .map(RecognizerProvider::name).toList());
      }
      RecognizerOptions options = new RecognizerOptions(device, generation, cues, properties);
      Recognizer recognizer = RecognizerProvider.open(model, options);
      RationaleTeacher teacher = null;
      try {
        if (labels != null) {
          for (Label l : labels) {
            if (!recognizer.labels().contains(l)) {
              throw new UnknownLabelException(
                  l.name(), "not a label of model " + recognizer.name() + "; it knows " + recognizer.labels());
            }
          }
        }
        if (teacherSpec != null) {
          teacher = TeacherProvider.open(teacherSpec, teacherSeed, teacherProperties);
        }
        return new Ser(this, recognizer, teacher);
      } catch (RuntimeException e) {
        recognizer.close();
        throw e;
      }
    }
  }
}
