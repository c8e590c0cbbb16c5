package io.weft.testengine;

import io.weft.sim.Schedule;
import io.weft.sim.SimResult;

/**
 * How an {@code @AsyncTest} invocation runs a schedule again: in a fresh test instance through a nested JUnit
 * launch ({@link FreshRuns}), or, where that is impossible, on the invocation's own instance.
 */
interface Reruns {

  /** Runs {@code schedule} once more and returns what the simulation found; never null. */
  SimResult<Object> run(Schedule schedule);

  /** How re-runs are made, for the report: "a fresh test instance each (JUnit lifecycle)" or why not. */
  String description();
}
