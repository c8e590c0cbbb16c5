package io.weft.fault;

import io.weft.EventLoop;
import java.util.function.IntFunction;

/**
 * Asks a simulated loop's scheduling strategy for a fault decision, as the simulated network does: the kernel's
 * {@code chooseFault(loop, weights, describe)}, which records the choice in the schedule, replays it and describes a
 * nonzero one as a deviation, through {@link io.weft.sim.Simulation#chooseFault}.
 */
final class FaultChoices {

  private FaultChoices() {}

  /**
   * Returns the alternative {@code loop}'s strategy chose, in {@code [0, weights.length)}; alternative 0 is no fault.
   *
   * @param weights each alternative's probability, at least 2, summing to 1
   * @param describe words a nonzero alternative for the report
   */
  static int choose(EventLoop loop, double[] weights, IntFunction<String> describe) {
    return io.weft.sim.Simulation.current().chooseFault(weights, describe);
  }
}
