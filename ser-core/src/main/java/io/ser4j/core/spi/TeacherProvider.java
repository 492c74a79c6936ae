package io.ser4j.core.spi;

import io.ser4j.core.ProviderNotFoundException;
import io.ser4j.core.TeacherException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Service-provider interface for rationale teachers, discovered lazily with {@link ServiceLoader}
 * (register in {@code META-INF/services/io.ser4j.core.spi.TeacherProvider}). A teacher
 * specification is a string such as {@code "cue-grounded"} (the offline teacher in {@code
 * ser-rationale}) or an {@code http(s)://} base URL of an OpenAI-compatible endpoint; the
 * highest-ranked provider that {@link #supports} it creates the teacher. Providers must be
 * stateless and load nothing before {@link #create}.
 */
public interface TeacherProvider {
  /** The provider's name, e.g. {@code "cue-grounded"}. */
  String name();

  /** Higher ranks win when several providers support one specification. */
  default int rank() {
    return 0;
  }

  /** True when this provider can build a teacher for {@code teacherSpec}. */
  boolean supports(String teacherSpec);

  /**
   * Builds the teacher.
   *
   * @param teacherSpec a specification this provider supports
   * @param seed seed for teachers that vary their phrasing
   * @param properties provider-specific settings (e.g. {@code "model"}, {@code "api_key_env"})
   * @throws TeacherException when the teacher cannot be set up
   */
  RationaleTeacher create(String teacherSpec, long seed, Map<String, String> properties);

  /** All providers on the class path, highest rank first (discovered on each call). */
  static List<TeacherProvider> installed() {
    List<TeacherProvider> list = new ArrayList<>();
    ServiceLoader.load(TeacherProvider.class).forEach(list::add);
    list.sort(Comparator.comparingInt(TeacherProvider::rank).reversed());
    return list;
  }

  /**
   * The teacher for {@code teacherSpec} from the best provider that supports it.
   *
   * @throws ProviderNotFoundException naming the specification and listing the installed
   *     providers when none supports it
   * @throws TeacherException when the provider cannot set the teacher up
   */
  static RationaleTeacher open(String teacherSpec, long seed, Map<String, String> properties) {
    List<TeacherProvider> all = installed();
    for (TeacherProvider p : all) {
      if (p.supports(teacherSpec)) {
        return p.create(teacherSpec, seed, properties);
      }
    }
    throw new ProviderNotFoundException(
        String.valueOf(teacherSpec), "teacher", all.stream().map(TeacherProvider::name).toList(),
        "io.ser4j:ser-rationale");
  }
}
