package io.ser4j.model.speechlm;

import static io.ser4j.model.speechlm.SpeechLmFixtures.ints;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** Loads tiny-untied, its tokenizer and the fixture cases once per test class. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class GenerationTestBase {
  static final String CHECKPOINT = "tiny-untied";

  /** One fixture case: prompt ids, audio (or null), reference greedy ids. */
  record Case(String name, int[] ids, float[][] audio, int[] greedy) {}

  SpeechLm model;
  SpeechTokenizer tokenizer;
  Generator generator;
  List<Case> cases;
  int resident;

  @BeforeAll
  void load() {
    model = SpeechLm.load(SpeechLmFixtures.checkpoint(CHECKPOINT), Device.cpu());
    tokenizer = SpeechTokenizer.load(SpeechLmFixtures.checkpoint(CHECKPOINT));
    generator = new Generator(model, tokenizer);
    cases = new ArrayList<>();
    for (JsonNode c : SpeechLmFixtures.checkpointEntry(CHECKPOINT).get("cases")) {
      float[][] audio = null;
      String name = c.get("prompt").asText();
      if (c.hasNonNull("clip")) {
        name = c.get("clip").asText();
        audio = model.encodeAudio(SpeechLmFixtures.logMel(name));
      }
      cases.add(new Case(name, ints(c.get("input_ids")), audio, ints(c.get("greedy_ids"))));
    }
    resident = model.residentArrayCount();
  }

  @AfterAll
  void close() {
    int after = model.residentArrayCount();
    tokenizer.close();
    model.close();
    if (after != resident) {
      throw new AssertionError("arrays left in the model manager: " + resident + " -> " + after);
    }
  }

  GenerationConfig.Builder greedy(int maxNewTokens) {
    return GenerationConfig.builder().maxNewTokens(maxNewTokens);
  }
}
