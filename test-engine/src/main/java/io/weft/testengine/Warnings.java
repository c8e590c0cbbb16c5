package io.weft.testengine;

import io.weft.sim.Simulation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;

/** What weakens the checks of an {@code @AsyncTest} run, said once per method (see {@link Plan#warnOnce}). */
final class Warnings {

  private Warnings() {}

  /** Says {@code warning} about {@code method}: a report entry {@code weft.warning} and a line on standard output. */
  static void publish(ExtensionContext ec, String method, String warning) {
    System.out.println("[weft] warning: " + method + ": " + warning);
    ec.publishReportEntry(Explorer.ENTRY_WARNING, warning);
  }

  /** The warnings for runs under {@code settings}; empty when every check works. */
  static List<String> forRun(Settings settings) {
    List<String> out = new ArrayList<>();
    if (!Simulation.detectsBlockingCalls()) {
      out.add(Simulation.carrierDescription() + " (set weft.requireBlockingDetection=true to fail such runs instead)");
    }
    if (!FreshRuns.available()) {
      out.add("junit-platform-launcher is not on the class path, so shrinking and self-check runs reuse the test"
          + " instance instead of a fresh one (add org.junit.platform:junit-platform-launcher with test scope)");
    }
    return out;
  }
}
