package io.weft.fault;

import io.weft.EventLoop;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.function.IntFunction;

/**
 * Asks a simulated loop's scheduling strategy for a fault decision, as the simulated network does: the kernel's
 * {@code chooseFault(loop, weights, describe)}, which records the choice in the schedule, replays it and describes a
 * nonzero one as a deviation.
 *
 * <p>loop-core offers that operation only in its unexported {@code io.weft.internal} package, so this class reaches
 * it through a method handle, resolved once. That works on the class path (where Weft's tests and most programs run
 * it); on the module path it needs {@code exports io.weft.internal to io.weft.fault} in loop-core's module-info (or
 * {@code --add-exports io.weft.core/io.weft.internal=io.weft.fault}), and without it an armed failpoint in a
 * simulation fails with a message that says so. A public entry point in {@code io.weft.sim} would remove the need.
 */
final class FaultChoices {

  private FaultChoices() {}

  /** kernel.chooseFault(loop, weights, describe) bound to the published kernel, or null with {@link #PROBLEM}. */
  private static final MethodHandle CHOOSE;
  private static final Throwable PROBLEM;

  static {
    MethodHandle h = null;
    Throwable problem = null;
    try {
      Class<?> kernel = Class.forName("io.weft.internal.Kernel", true, EventLoop.class.getClassLoader());
      MethodHandles.Lookup lookup = MethodHandles.publicLookup();
      Object instance = lookup.findStatic(kernel, "get", MethodType.methodType(kernel)).invoke();
      h = lookup.findVirtual(kernel, "chooseFault",
          MethodType.methodType(int.class, EventLoop.class, double[].class, IntFunction.class)).bindTo(instance);
    } catch (Throwable t) {
      problem = t;
    }
    CHOOSE = h;
    PROBLEM = problem;
  }

  /**
   * Returns the alternative {@code loop}'s strategy chose, in {@code [0, weights.length)}; alternative 0 is no fault.
   *
   * @param weights each alternative's probability, at least 2, summing to 1
   * @param describe words a nonzero alternative for the report
   */
  static int choose(EventLoop loop, double[] weights, IntFunction<String> describe) {
    if (CHOOSE == null) {
      throw new IllegalStateException("a failpoint in a simulation asks the scheduling strategy through loop-core's"
          + " io.weft.internal.Kernel, which is not accessible here (" + PROBLEM + "); on the module path add"
          + " --add-exports io.weft.core/io.weft.internal=io.weft.fault", PROBLEM);
    }
    try {
      return (int) CHOOSE.invokeExact(loop, weights, describe);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("chooseFault failed: " + t, t);
    }
  }
}
