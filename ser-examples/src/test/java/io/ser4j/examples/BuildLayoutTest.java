package io.ser4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The build's promises about examples and artifacts: every exec id runs an existing main class,
 * every example folder has a README and an exec id, and the BOM lists every module.
 */
class BuildLayoutTest {
  private static final Path REPO = ExamplesSmokeTest.REPO;
  private static final Path EXAMPLES = REPO.resolve("ser-examples/src/main/java/io/ser4j/examples");
  /**
   * Exec ids reserved for examples that other work streams add (teacher, fine-tuning, streaming);
   * their classes may be missing until those land. Remove an id from here once its class exists.
   */
  private static final Set<String> PENDING = Set.of();

  private static Document xml(Path p) throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(p.toFile());
  }

  /** exec id → main class, from ser-examples/pom.xml. */
  private static Map<String, String> execIds() throws Exception {
    Map<String, String> ids = new LinkedHashMap<>();
    NodeList plugins = xml(REPO.resolve("ser-examples/pom.xml")).getElementsByTagName("plugin");
    Element exec = null;
    for (int i = 0; i < plugins.getLength(); i++) {
      Element p = (Element) plugins.item(i);
      if (p.getElementsByTagName("artifactId").item(0).getTextContent().trim().equals("exec-maven-plugin")) {
        exec = p;
      }
    }
    assertThat(exec).as("exec-maven-plugin in ser-examples/pom.xml").isNotNull();
    NodeList executions = exec.getElementsByTagName("execution");
    for (int i = 0; i < executions.getLength(); i++) {
      Element e = (Element) executions.item(i);
      NodeList main = e.getElementsByTagName("mainClass");
      if (main.getLength() > 0) {
        ids.put(e.getElementsByTagName("id").item(0).getTextContent().trim(), main.item(0).getTextContent().trim());
      }
    }
    return ids;
  }

  @Test
  void everyExecIdRunsAnExistingMainClass() throws Exception {
    Map<String, String> ids = execIds();
    assertThat(ids).containsKeys("quickstart", "analyze", "batch", "evaluation", "remote", "finetune", "cli-docs");
    for (Map.Entry<String, String> e : ids.entrySet()) {
      Class<?> c;
      try {
        c = Class.forName(e.getValue());
      } catch (ClassNotFoundException missing) {
        assertThat(PENDING).as("exec id %s names %s, which does not exist", e.getKey(), e.getValue())
            .contains(e.getKey());
        continue;
      }
      Method m = c.getMethod("main", String[].class);
      assertThat(Modifier.isStatic(m.getModifiers())).as(e.getValue()).isTrue();
    }
  }

  @Test
  void everyExampleFolderHasAReadmeAndAnExecId() throws Exception {
    Map<String, String> ids = execIds();
    List<Path> folders = new ArrayList<>();
    try (Stream<Path> s = Files.list(EXAMPLES)) {
      s.filter(Files::isDirectory).filter(p -> !Set.of("bench", "tools").contains(p.getFileName().toString())).forEach(folders::add);
    }
    assertThat(folders).isNotEmpty();
    for (Path f : folders) {
      String pkg = "io.ser4j.examples." + f.getFileName();
      assertThat(f.resolve("README.md")).as("README of example " + f.getFileName()).exists();
      assertThat(ids.values().stream().anyMatch(c -> c.startsWith(pkg + ".")))
          .as("an exec id for example " + f.getFileName()).isTrue();
      String readme = Files.readString(f.resolve("README.md"));
      String id = ids.entrySet().stream().filter(e -> e.getValue().startsWith(pkg + ".")).findFirst()
          .orElseThrow().getKey();
      assertThat(readme).as("README of " + f.getFileName() + " shows how to run it").contains("exec:java@" + id);
    }
    assertThat(REPO.resolve("ser-examples/README.md")).exists();
    String index = Files.readString(REPO.resolve("ser-examples/README.md"));
    for (String id : ids.keySet()) {
      assertThat(index).as("ser-examples/README.md lists exec id " + id).contains("`" + id + "`");
    }
  }

  @Test
  void bomListsEveryModuleAtTheProjectVersion() throws Exception {
    Document root = xml(REPO.resolve("pom.xml"));
    String version = root.getDocumentElement().getElementsByTagName("version").item(0).getTextContent().trim();
    Document bom = xml(REPO.resolve("ser4j-bom/pom.xml"));
    String bomVersion = bom.getDocumentElement().getElementsByTagName("version").item(0).getTextContent().trim();
    assertThat(bomVersion).isEqualTo(version);
    assertThat(bom.getElementsByTagName("parent").getLength()).as("the BOM must not inherit the parent's"
        + " third-party dependencyManagement").isZero();
    List<String> listed = new ArrayList<>();
    NodeList artifacts = bom.getElementsByTagName("artifactId");
    for (int i = 0; i < artifacts.getLength(); i++) {
      listed.add(artifacts.item(i).getTextContent().trim());
    }
    NodeList modules = root.getElementsByTagName("module");
    int jarModules = 0;
    for (int i = 0; i < modules.getLength(); i++) {
      String module = modules.item(i).getTextContent().trim();
      if (module.equals("ser4j-bom")) {
        continue;
      }
      jarModules++;
      assertThat(listed).as("ser4j-bom lists module " + module).contains(module);
      String name = moduleName(REPO.resolve(module).resolve("pom.xml"));
      assertThat(name).as("Automatic-Module-Name (property ser4j.module.name) of " + module)
          .matches("io\\.ser4j\\.[a-z.]+");
    }
    assertThat(jarModules).isGreaterThanOrEqualTo(6);
  }

  private static String moduleName(Path pom) throws IOException {
    Matcher m = Pattern.compile("<ser4j\\.module\\.name>([^<]+)</ser4j\\.module\\.name>").matcher(Files.readString(pom));
    return m.find() ? m.group(1) : "";
  }
}
