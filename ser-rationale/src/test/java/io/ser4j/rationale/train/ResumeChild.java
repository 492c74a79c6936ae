package io.ser4j.rationale.train;

import io.ser4j.core.ProgressListener;
import io.ser4j.core.corpus.Corpora;
import io.ser4j.core.corpus.Corpus;
import java.nio.file.Path;
import java.util.List;

/**
 * Child JVM of {@link SftTrainerResumeTest}: trains the micro preset on 6 EmoDB clips of speaker 03
 * (2 epochs of 3 steps, checkpoint after every step, default augmentation, dev fold of 4 clips of
 * speaker 08) into {@code args[1]}; {@code args[2]} = "resume" continues; {@code args[3]} = sleep per
 * step in ms (gives the parent time to kill it mid-run). Prints {@code resumed-from=<step>}.
 */
public final class ResumeChild {
  private ResumeChild() {}

  /** Entry point. */
  public static void main(String[] args) {
    Path data = Path.of(args[0]);
    Path out = Path.of(args[1]);
    boolean resume = args[2].equals("resume");
    long sleepMs = Long.parseLong(args[3]);
    Corpus emodb = Corpora.readEmoDb(data.resolve("emodb/manifest.csv"));
    List<SftExample> all = SftDataset.build(List.of(emodb), SftFormatTest.rationales(emodb, 1), null, false).examples();
    List<SftExample> train = all.stream().filter(e -> e.speaker().equals("emodb/03")).limit(6).toList();
    List<SftExample> dev = all.stream().filter(e -> e.speaker().equals("emodb/08")).limit(4).toList();
    SftConfig cfg = SftConfig.builder().epochs(2).batchSize(2).learningRate(3e-3).checkpointEvery(1)
        .patience(0).seed(5).build();
    ProgressListener slow = new ProgressListener() {
      @Override
      public void onProgress(long done, long total, String message) {
        if (sleepMs > 0 && done > 0) {
          try {
            Thread.sleep(sleepMs);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }
    };
    SftTrainer.Result r = new SftTrainer(slow).train(new SftTrainer.Request(cfg, train, dev, out, null,
        ModelShapes.preset("micro"), out.resolveSibling("cache"), resume));
    System.out.println("resumed-from=" + r.resumedFromStep() + " steps=" + r.steps());
  }
}
