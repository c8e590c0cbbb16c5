package io.weft.testengine;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;

/**
 * Finds the project a test class belongs to, so that relative paths such as the regression file's mean the same
 * whatever the working directory (Maven runs tests in the module's directory; a console launcher or an IDE may not).
 *
 * <p>The project is the directory that holds the class's build output when its code source is in Maven's or Gradle's
 * layout ({@code module/target/test-classes}, {@code module/build/classes/java/test}); otherwise the nearest directory,
 * from the code source upward, that holds a build file ({@code pom.xml}, {@code build.gradle},
 * {@code build.gradle.kts}); failing that, the {@code basedir} system property that Surefire sets; failing that, the
 * working directory.
 */
final class ProjectDir {

  private static final String[] BUILD_FILES = {"pom.xml", "build.gradle", "build.gradle.kts"};

  private ProjectDir() {}

  /** The project directory of {@code testClass}; never null. */
  static Path of(Class<?> testClass) {
    Path fromClass = fromCodeSource(testClass);
    if (fromClass != null) {
      return fromClass;
    }
    String basedir = System.getProperty("basedir");
    if (basedir != null && !basedir.isBlank() && Files.isDirectory(Path.of(basedir))) {
      return Path.of(basedir).toAbsolutePath();
    }
    return Path.of("").toAbsolutePath();
  }

  private static Path fromCodeSource(Class<?> testClass) {
    try {
      CodeSource cs = testClass.getProtectionDomain().getCodeSource();
      if (cs == null || cs.getLocation() == null || !"file".equals(cs.getLocation().getProtocol())) {
        return null;
      }
      return fromLocation(Path.of(cs.getLocation().toURI()));
    } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * The project of a class directory or jar: the directory holding its build output if {@code location} is in a
   * known layout (Maven's {@code target/classes}, {@code target/test-classes}; Gradle's {@code build/classes/LANG/SET},
   * {@code build/resources/SET}), so that a Gradle subproject without a build file of its own, or a {@code pom.xml}
   * among the test resources, does not move it; otherwise the nearest directory upward with a build file; or null.
   */
  static Path fromLocation(Path location) {
    Path dir = location.toAbsolutePath().normalize();
    Path layout = layoutOwner(dir);
    if (layout != null) {
      return layout;
    }
    for (; dir != null; dir = dir.getParent()) {
      for (String f : BUILD_FILES) {
        if (Files.isRegularFile(dir.resolve(f))) {
          return dir;
        }
      }
    }
    return null;
  }

  /** {@code X} for {@code X/target/(test-)classes}, {@code X/build/classes/*&#47;*} or {@code X/build/resources/*}. */
  private static Path layoutOwner(Path dir) {
    Path p1 = dir.getParent();
    if (p1 != null && name(p1).equals("target") && (name(dir).equals("classes") || name(dir).equals("test-classes"))) {
      return p1.getParent();
    }
    Path p2 = p1 == null ? null : p1.getParent();
    if (p2 != null && name(p2).equals("build") && name(p1).equals("resources")) {
      return p2.getParent();
    }
    Path p3 = p2 == null ? null : p2.getParent();
    if (p3 != null && name(p3).equals("build") && name(p2).equals("classes")) {
      return p3.getParent();
    }
    return null;
  }

  private static String name(Path p) {
    Path n = p.getFileName();
    return n == null ? "" : n.toString();
  }
}
