package io.weft.fault;

import io.weft.sim.Simulation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MutableCallSite;
import io.weft.sim.net.SimNetwork;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Failpoints in a simulation: the plan applied to the simulation's network names them, and each evaluation is a fault
 * decision of the run's scheduling strategy ({@link Simulation#chooseFault}).
 */
final class SimulatedFailpoints {

  private SimulatedFailpoints() {}

  /**
   * Whether any fault plan with failpoints was built: false until then, true forever after; until then no simulation
   * has a failpoint to look up, and {@link Failpoints} returns at once. A call site whose target changes once rather
   * than a volatile field, so the JIT may fold the check to a constant instead of reading memory at every evaluation;
   * changing the target deoptimizes the code that folded it. ({@code FailpointBench} could not tell the two apart on
   * a loaded 2-CPU machine; see benchmarks/RESULTS.md.) Kept here, not in {@link Failpoints}, so building a plan does
   * not read the production property.
   */
  private static final MutableCallSite ARMED_SITE =
      new MutableCallSite(MethodHandles.constant(boolean.class, false));
  private static final MethodHandle ARMED = ARMED_SITE.dynamicInvoker();

  /** Whether any fault plan with failpoints was built in this JVM. */
  static boolean armed() {
    try {
      return (boolean) ARMED.invokeExact();
    } catch (Throwable t) {
      throw new AssertionError("a constant method handle threw", t);
    }
  }

  /** Called when a fault plan with failpoints is built. */
  static void arm() {
    if (!armed()) {
      synchronized (ARMED_SITE) {
        ARMED_SITE.setTarget(MethodHandles.constant(boolean.class, true));
        MutableCallSite.syncAll(new MutableCallSite[] {ARMED_SITE});
      }
    }
  }

  /**
   * How many times each counted action fired, per simulated network (one per run), by failpoint name and action
   * index. Guarded by itself: simulations may run on several threads at once.
   */
  private static final Map<SimNetwork, Map<String, int[]>> FIRED = new WeakHashMap<>();

  /** Evaluates {@code name} on the caller's simulated loop; returns true if it fired a return. */
  static boolean evaluate(String name, boolean canReturn) {
    Simulation sim = Simulation.current();
    SimNetwork network = sim.network();
    if (!(network.faults() instanceof FaultPlan plan)) {
      return false;
    }
    Failpoint point = plan.failpoint(name);
    if (point == null) {
      return false;
    }
    int n = point.actions().size();
    int[] fired = null;
    boolean counted = point.actions().stream().anyMatch(a -> a.count() > 0);
    if (counted) {
      synchronized (FIRED) {
        fired = FIRED.computeIfAbsent(network, k -> new HashMap<>()).computeIfAbsent(name, k -> new int[n]);
      }
    }
    // Alternatives: 0 is no fault, then each action that may still fire, in the rule's order.
    int[] live = new int[n];
    int alternatives = 0;
    double none = 1;
    for (int i = 0; i < n; i++) {
      Failpoint.Action a = point.actions().get(i);
      if (a.count() == 0 || fired[i] < a.count()) {
        live[alternatives++] = i;
        none -= a.probability();
      }
    }
    if (alternatives == 0) {
      return false;
    }
    double[] weights = new double[alternatives + 1];
    weights[0] = Math.max(0, none);
    for (int j = 0; j < alternatives; j++) {
      weights[j + 1] = point.actions().get(live[j]).probability();
    }
    int c = sim.chooseFault(weights,
        k -> Failpoints.describe(point, point.actions().get(live[k - 1])));
    if (c == 0) {
      return false;
    }
    int chosen = live[c - 1];
    if (fired != null) {
      fired[chosen]++;
    }
    return Failpoints.perform(point, point.actions().get(chosen), canReturn, true);
  }
}
