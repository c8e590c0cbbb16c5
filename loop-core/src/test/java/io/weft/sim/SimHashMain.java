package io.weft.sim;

/**
 * Prints, for each schedule given (in its printable form), the trace hash of {@link SimPrograms#mixed} under it, one
 * hexadecimal hash a line. Run by {@link SimulationDeterminismTests} in a second JVM.
 */
public final class SimHashMain {

  /** Before a schedule: run {@link RealWorkPrograms#twoWorkers} instead. */
  static final String TWO_WORKERS = "two-workers:";

  private SimHashMain() {}

  public static void main(String[] args) {
    for (String a : args) {
      SimResult<String> r = a.startsWith(TWO_WORKERS)
          ? Simulation.run(Schedule.parse(a.substring(TWO_WORKERS.length())), RealWorkPrograms::twoWorkers)
          : Simulation.run(Schedule.parse(a), SimPrograms::mixed);
      System.out.println(r.trace().hashHex() + (r.passed() ? "" : " " + r.failure().kind()));
    }
  }
}
