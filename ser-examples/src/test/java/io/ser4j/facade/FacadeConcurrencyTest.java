package io.ser4j.facade;

import static org.assertj.core.api.Assertions.assertThat;

import io.ser4j.core.Recognition;
import io.ser4j.core.Ser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The javadoc's thread-safety claim: one {@link Ser} shared by 8 threads gives results identical
 * (bit for bit) to sequential calls, on 200 real clips (100 EmoDB, 100 RAVDESS), with the acoustic
 * baseline (truly parallel) and with the bundled default (SpeechLM calls serialised by the
 * recognizer; transcript and rationale compared too).
 */
class FacadeConcurrencyTest {
  static final int THREADS = 8;

  @ParameterizedTest
  @ValueSource(strings = {"baseline", "default"})
  void eightThreadsSharingOneSerMatchSequentialRunsOn200Clips(String model) throws Exception {
    List<Path> clips = new ArrayList<>(Clips.pick("emodb", 4, 100));
    clips.addAll(Clips.pick("ravdess", 12, 100));
    assertThat(clips).hasSize(200);
    try (Ser ser = Ser.create(model)) {
      List<Recognition> sequential = new ArrayList<>();
      for (Path p : clips) {
        sequential.add(ser.analyze(p));
      }
      AtomicReferenceArray<Recognition> parallel = new AtomicReferenceArray<>(clips.size());
      CyclicBarrier start = new CyclicBarrier(THREADS);
      ExecutorService ex = Executors.newFixedThreadPool(THREADS);
      try {
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          int first = t;
          fs.add(
              ex.submit(
                  () -> {
                    start.await();
                    // interleaved: every thread works on clips of both corpora at once
                    for (int i = first; i < clips.size(); i += THREADS) {
                      parallel.set(i, ser.analyze(clips.get(i)));
                    }
                    return null;
                  }));
        }
        for (Future<?> f : fs) {
          f.get();
        }
      } finally {
        ex.shutdown();
      }
      int labelsSeen = 0;
      for (int i = 0; i < clips.size(); i++) {
        Recognition s = sequential.get(i);
        Recognition p = parallel.get(i);
        assertThat(p.sourceId()).isEqualTo(clips.get(i).toString());
        assertThat(p.label()).as(clips.get(i).toString()).isEqualTo(s.label());
        assertThat(p.probabilities()).as(clips.get(i).toString()).isEqualTo(s.probabilities());
        assertThat(p.cues().asMap()).as(clips.get(i).toString()).isEqualTo(s.cues().asMap());
        assertThat(p.transcript()).as(clips.get(i).toString()).isEqualTo(s.transcript());
        assertThat(p.rationale()).as(clips.get(i).toString()).isEqualTo(s.rationale());
        assertThat(p.model()).isEqualTo(model);
        labelsSeen += s.label() == null ? 0 : 1;
      }
      assertThat(labelsSeen).isEqualTo(200);
      // not a degenerate model: the 200 clips get several different labels
      assertThat(sequential.stream().map(Recognition::label).distinct().count()).isGreaterThanOrEqualTo(4);
    }
  }
}
