package io.weft.testengine;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;

/**
 * Finds the project a test class belongs to, so that relative paths such as the regression file's mean the same
 * whatever the working directory (Maven runs tests in the module's directory; a console launcher or an IDE may not).
 *
 * <p>The project is the nearest directory, from the class's code source upward (for Maven,
 * {@code module/target/test-classes}), that holds a build file ({@code pom.xml}, {@code build.gradle},
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
      for (Path dir = Path.of(cs.getLocation().toURI()).toAbsolutePath(); dir != null; dir = dir.getParent()) {
        for (String f : BUILD_FILES) {
          if (Files.isRegularFile(dir.resolve(f))) {
            return dir;
          }
        }
      }
      return null;
    } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
      return null;
    }
  }
}
