package io.weft.sim.net;

import io.weft.sim.Schedule;
import io.weft.sim.SimResult;
import io.weft.sim.Simulation;

/**
 * Prints, for each schedule given (in its printable form), the trace hash of
 * {@link SimNetworkDeterminismTests#echoProgram()} under it, one a line. Run by {@link SimNetworkDeterminismTests} in
 * a second JVM.
 */
public final class SimNetworkHashMain {

  private SimNetworkHashMain() {}

  public static void main(String[] args) {
    for (String a : args) {
      SimResult<String> r = Simulation.run(Schedule.parse(a), SimNetworkDeterminismTests::echoProgram);
      System.out.println(r.trace().hashHex() + (r.passed() ? "" : " " + r.failure().kind()));
    }
  }
}
