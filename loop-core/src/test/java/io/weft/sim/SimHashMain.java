package io.weft.sim;

/**
 * Prints, for each schedule given (in its printable form), the trace hash of {@link SimPrograms#mixed} under it, one
 * hexadecimal hash a line. Run by {@link SimulationDeterminismTests} in a second JVM.
 */
public final class SimHashMain {

  private SimHashMain() {}

  public static void main(String[] args) {
    for (String a : args) {
      SimResult<String> r = Simulation.run(Schedule.parse(a), SimPrograms::mixed);
      System.out.println(r.trace().hashHex() + (r.passed() ? "" : " " + r.failure().kind()));
    }
  }
}
