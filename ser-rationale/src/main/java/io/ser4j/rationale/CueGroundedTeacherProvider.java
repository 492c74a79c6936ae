package io.ser4j.rationale;

import io.ser4j.audio.cues.CueExtractor;
import io.ser4j.core.AudioClip;
import io.ser4j.core.Cues;
import io.ser4j.core.Recognition;
import io.ser4j.core.TeacherException;
import io.ser4j.core.spi.RationaleTeacher;
import io.ser4j.core.spi.TeacherProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@link TeacherProvider} service for the offline {@link CueGroundedTeacher} (specification
 * {@value CueGroundedTeacher#NAME}), registered in {@code
 * META-INF/services/io.ser4j.core.spi.TeacherProvider}. The facade's speaker is unknown, so cues
 * are judged against corpus norms: the bundled {@value #BUNDLED_NORMS} (the cues of the 1,608 EmoDB
 * and RAVDESS clips in {@code ../shared/data}, made by {@code io.ser4j.examples.tools.BundledNormsTool} in ser-examples) unless the
 * property {@value #PROPERTY_NORMS} names a norms JSON file written by {@code ser teach}. Stateless
 * and thread-safe.
 */
public final class CueGroundedTeacherProvider implements TeacherProvider {
  /** Class-path resource of the bundled corpus norms. */
  public static final String BUNDLED_NORMS = "/io/ser4j/rationale/corpus-norms.json";

  /** Property naming a norms JSON file to use instead of the bundled norms. */
  public static final String PROPERTY_NORMS = "norms";

  /** Used by {@link java.util.ServiceLoader}. */
  public CueGroundedTeacherProvider() {}

  @Override
  public String name() {
    return CueGroundedTeacher.NAME;
  }

  /** True for {@code "cue-grounded"} (any case, trimmed). */
  @Override
  public boolean supports(String teacherSpec) {
    return teacherSpec != null && teacherSpec.trim().equalsIgnoreCase(CueGroundedTeacher.NAME);
  }

  /**
   * The cue-grounded teacher with {@code seed} and the bundled or named norms.
   *
   * @throws TeacherException when the norms file cannot be read or is malformed
   */
  @Override
  public RationaleTeacher create(String teacherSpec, long seed, Map<String, String> properties) {
    String file = properties.get(PROPERTY_NORMS);
    CueNorms norms = file == null ? bundledNorms() : readNorms(Path.of(file));
    return new Adapter(CueGroundedTeacher.create(seed), norms);
  }

  /**
   * The bundled corpus norms.
   *
   * @throws TeacherException when the resource is missing (a broken build)
   */
  public static CueNorms bundledNorms() {
    try (InputStream in = CueGroundedTeacherProvider.class.getResourceAsStream(BUNDLED_NORMS)) {
      if (in == null) {
        throw new TeacherException(BUNDLED_NORMS, "bundled norms missing from the class path");
      }
      return CueNorms.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8), BUNDLED_NORMS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static CueNorms readNorms(Path file) {
    try {
      return CueNorms.fromJson(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    } catch (IOException e) {
      throw new TeacherException(file.toString(), "cannot read norms: " + e.getMessage(), e);
    } catch (RationaleStoreException e) {
      throw new TeacherException(file.toString(), e.problem(), e);
    }
  }

  /** The rationale teacher as the facade's SPI. Thread-safe (the teacher is immutable). */
  private static final class Adapter implements RationaleTeacher {
    private final CueGroundedTeacher teacher;
    private final CueNorms norms;
    private final CueExtractor extractor = CueExtractor.create();

    Adapter(CueGroundedTeacher teacher, CueNorms norms) {
      this.teacher = teacher;
      this.norms = norms;
    }

    @Override
    public String name() {
      return teacher.info().version();
    }

    /** Uses the recognition's cues, or measures them when the recognizer gave none. */
    @Override
    public String explain(AudioClip clip, Recognition recognition) {
      Objects.requireNonNull(recognition, "recognition");
      if (recognition.label() == null) {
        throw new TeacherException(recognition.sourceId(), "no label to explain");
      }
      Cues cues = recognition.cues() != null ? recognition.cues() : extractor.extract(clip, false);
      TeachingInput in =
          new TeachingInput(
              recognition.sourceId(), recognition.transcript(), "", cues, norms.profile("", cues),
              recognition.label(), List.of());
      return teacher.teach(in).text();
    }
  }
}
