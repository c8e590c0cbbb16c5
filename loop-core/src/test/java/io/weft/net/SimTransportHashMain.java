package io.weft.net;

import io.weft.sim.Schedule;
import io.weft.sim.SimResult;
import io.weft.sim.Simulation;
import java.util.Arrays;

/**
 * Prints, for each schedule given (in its printable form) after the program's name ({@code protocols} or
 * {@code streams}), the trace hash of that program of {@link SimTransportSecondJvmTests} under it, one a line. Run
 * by {@link SimTransportSecondJvmTests} in a second JVM.
 */
public final class SimTransportHashMain {

  private SimTransportHashMain() {}

  /** Prints the hashes; the first argument names the program, the others are schedules. */
  public static void main(String[] args) {
    io.weft.AsyncCallable<String> program = SimTransportSecondJvmTests.program(args[0]);
    for (String a : Arrays.asList(args).subList(1, args.length)) {
      SimResult<String> r = Simulation.run(Schedule.parse(a), program);
      System.out.println(r.trace().hashHex() + (r.passed() ? "" : " " + r.failure().kind()));
    }
  }
}
