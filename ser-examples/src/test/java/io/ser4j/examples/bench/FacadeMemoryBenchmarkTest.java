package io.ser4j.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Smoke test of the memory harness on a short run (the 10 000-recognition run is in docs/benchmarks.md). */
class FacadeMemoryBenchmarkTest {
  @Test
  void shortRunMeasuresRssAndFailsNoItem() throws Exception {
    String data = System.getProperty("ser4j.data.dir");
    assertThat(data).as("system property ser4j.data.dir").isNotNull();
    FacadeMemoryBenchmark.Result r =
        FacadeMemoryBenchmark.run(new String[] {Path.of(data, "emodb/wav").toString(), "20", "2", "baseline", "4", "5"});
    assertThat(r.recognitions()).isEqualTo(20);
    assertThat(r.failures()).isZero();
    // a JVM with the model loaded is well above 50 MiB and below the 2 GiB test heap + natives
    assertThat(r.rssBeforeKib()).isBetween(50L * 1024, 4L * 1024 * 1024);
    assertThat(r.growthPercent())
        .isCloseTo(100.0 * (r.rssAfterKib() - r.rssBeforeKib()) / r.rssBeforeKib(), org.assertj.core.api.Assertions.within(1e-9));
  }
}
