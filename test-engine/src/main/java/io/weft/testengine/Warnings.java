package io.weft.testengine;

import java.util.ArrayList;
import java.util.List;

/** What weakens the checks of an {@code @AsyncTest} run, said once per method (see {@link Plan#warnOnce}). */
final class Warnings {

  private Warnings() {}

  /** The warnings for runs under {@code settings}; empty when every check works. */
  static List<String> forRun(Settings settings) {
    List<String> out = new ArrayList<>();
    if (!FreshRuns.available()) {
      out.add("junit-platform-launcher is not on the class path, so shrinking and self-check runs reuse the test"
          + " instance instead of a fresh one (add org.junit.platform:junit-platform-launcher with test scope)");
    }
    return out;
  }
}
