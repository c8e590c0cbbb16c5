package io.weft.fault;

import io.weft.sim.Schedule;
import io.weft.sim.SimResult;
import java.util.Arrays;

/**
 * Prints, for each schedule given (in its printable form), the trace hash and the value of
 * {@link FaultsSecondJvmTests#run}, one line each. Run by {@link FaultsSecondJvmTests} in a second JVM.
 */
public final class FaultsHashMain {

  private FaultsHashMain() {}

  /** Prints the lines. */
  public static void main(String[] args) {
    for (String a : Arrays.asList(args)) {
      SimResult<String> r = FaultsSecondJvmTests.run(Schedule.parse(a));
      System.out.println(FaultsSecondJvmTests.line(r));
    }
  }
}
