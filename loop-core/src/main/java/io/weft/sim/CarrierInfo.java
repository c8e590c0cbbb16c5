package io.weft.sim;

import io.weft.internal.Carrier;

/** What {@link Simulation#detectsBlockingCalls()} and {@link Simulation#carrierDescription()} say. */
final class CarrierInfo {

  private CarrierInfo() {}

  static boolean detectsBlockingCalls() {
    return Carrier.resolveAuto() == Carrier.Kind.LOOP;
  }

  static String description() {
    Carrier.Kind kind = Carrier.resolveAuto();
    String forced = System.getProperty("weft.carrier", "");
    String why = forced.isEmpty() ? "" : " (forced by -Dweft.carrier=" + forced + ")";
    return switch (kind) {
      case LOOP -> "loop-scheduled carrier" + why + ": each task is a virtual thread whose continuation the loop"
          + " thread runs; a blocking call in a task (Thread.sleep, blocking I/O, Object.wait, a foreign future's join)"
          + " fails the run as FOREIGN_RESUME, and a task blocked on another thread's monitor or lock blocks the loop"
          + " until it is released (BLOCKED_OUTSIDE past SimOptions.blockedWait)";
      case BATON -> "baton carrier (the fallback)" + why + ": blocking calls in tasks are NOT detected: a task calling"
          + " Thread.sleep, blocking I/O or another thread's lock keeps the baton, so the loop waits for it in real"
          + " time (virtual time stands still) and the run passes as if the call had not been made; only"
          + " SimOptions.stepTimeout bounds it. Run the JVM with --add-opens java.base/java.lang=ALL-UNNAMED (or the"
          + " module's name) to get the loop-scheduled carrier, which detects them";
      case CONTINUATION -> "continuation carrier (experimental)" + why + ": tasks run on the loop thread itself, so a"
          + " blocking call blocks the loop and is NOT detected; only SimOptions.stepTimeout bounds it";
      case AUTO -> throw new AssertionError("resolveAuto never answers AUTO");
    };
  }
}
