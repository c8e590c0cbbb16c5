package io.weft.testengine;

import io.weft.sim.Schedule;
import io.weft.sim.SimResult;

/**
 * How an {@code @AsyncTest} invocation runs a schedule again: in a fresh test instance through a nested JUnit
 * launch ({@link FreshRuns}), or, where that is impossible, on the invocation's own instance.
 */
interface Reruns {

  /**
   * Runs {@code schedule} once more and returns what the simulation found; never null.
   *
   * @throws Impossible if the schedule could not be run again (a {@code @BeforeEach} that threw in the fresh
   *     instance, a test JUnit skipped)
   */
  SimResult<Object> run(Schedule schedule);

  /**
   * Runs {@code schedule} once more with at most {@code runTimeout} of real time (a shorter watchdog than the
   * settings' when it is less); see {@link #run(Schedule)}.
   */
  SimResult<Object> run(Schedule schedule, java.time.Duration runTimeout);

  /** How re-runs are made, for the report: "a fresh test instance each (JUnit lifecycle)" or why not. */
  String description();

  /**
   * A re-run that could not happen: the method never ran, so nothing is known about the schedule. The caller keeps
   * the failure it already has and says why it could not be confirmed or shrunk.
   */
  final class Impossible extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    Impossible(String message) {
      super(message);
    }
  }
}
