package io.weft.fault;

import io.weft.fault.FaultPlan.HostClock;
import io.weft.sim.net.NetFaults.Chooser;
import io.weft.sim.net.SimNetwork;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * A plan's host clocks in a run: the rule of a host, and the offset and drift chosen from a rule's range, once per
 * host and run (the run's simulated network keys the memo).
 */
final class HostClocks {

  /** How many values of a range a decision chooses among. */
  static final int VALUES = 9;

  // The offsets and drifts chosen so far, per simulated network (one per run); guarded by itself.
  private static final Map<SimNetwork, Map<String, Long>> CHOSEN = new WeakHashMap<>();

  private HostClocks() {}

  /** The rule for {@code host}: its own, else the {@code *} rule, else null. */
  static HostClock of(List<HostClock> clocks, String host) {
    return forHost(clocks, HostClock::host, host);
  }

  /** Of host rules, each naming a host or {@code *}: {@code host}'s own, else the first {@code *} one, else null. */
  static <T> T forHost(List<T> rules, java.util.function.Function<T, String> hostOf, String host) {
    T any = null;
    for (T r : rules) {
      String h = hostOf.apply(r);
      if (h.equals(host)) {
        return r;
      }
      if (any == null && h.equals("*")) {
        any = r;
      }
    }
    return any;
  }

  static long offset(List<HostClock> clocks, String host, Chooser chooser) {
    HostClock h = of(clocks, host);
    if (h == null) {
      return 0;
    }
    return choose(host, "offset", h.offsetNanos(), h.offsetMaxNanos(), chooser, v -> "the wall clock of host " + host
        + " was set " + ahead(v) + " (clock_offset " + offset(h.offsetNanos()) + ".." + offset(h.offsetMaxNanos())
        + ")");
  }

  static long drift(List<HostClock> clocks, String host, Chooser chooser) {
    HostClock h = of(clocks, host);
    if (h == null) {
      return 0;
    }
    return choose(host, "drift", h.driftPpm(), h.driftMaxPpm(), chooser, v -> "the wall clock of host " + host
        + " runs " + Math.abs(v) + " ppm " + (v < 0 ? "slow" : "fast") + " (clock_drift " + h.driftPpm() + "ppm.."
        + h.driftMaxPpm() + "ppm)");
  }

  private static long choose(String host, String what, long low, long high, Chooser chooser,
      java.util.function.LongFunction<String> describe) {
    if (low == high) {
      return low;
    }
    Map<String, Long> chosen;
    synchronized (CHOSEN) {
      chosen = CHOSEN.computeIfAbsent(io.weft.sim.Simulation.current().network(), n -> new HashMap<>());
    }
    String key = host + " " + what;
    Long v = chosen.get(key);
    if (v == null) {
      long[] values = values(low, high);
      double[] weights = new double[values.length];
      java.util.Arrays.fill(weights, 1.0 / values.length);
      v = values[chooser.choose(weights, i -> describe.apply(values[i]))];
      chosen.put(key, v);
    }
    return v;
  }

  /** {@value #VALUES} evenly spaced values from {@code low} to {@code high}, the nearest 0 first (then by value). */
  static long[] values(long low, long high) {
    long[] v = new long[VALUES];
    for (int i = 0; i < VALUES; i++) {
      v[i] = low + (long) ((double) (high - low) * i / (VALUES - 1));
    }
    return java.util.Arrays.stream(v).boxed()
        .sorted(java.util.Comparator.comparingLong((Long x) -> Math.abs(x)).thenComparingLong(x -> x))
        .mapToLong(Long::longValue).toArray();
  }

  private static String ahead(long nanos) {
    return Durations.millis(Math.abs(nanos)) + (nanos < 0 ? " behind" : " ahead");
  }

  /** An offset as a plan writes it: {@code -40ms}. */
  static String offset(long nanos) {
    return (nanos < 0 ? "-" : "") + Durations.format(Math.abs(nanos));
  }
}
