package io.weft.bench;

import io.weft.examples.kv.KvCluster;
import io.weft.examples.kv.RacyKvScenario;
import io.weft.examples.kv.Visits;
import io.weft.fault.FaultPlan;
import io.weft.sim.Mode;
import io.weft.sim.Schedule;
import io.weft.sim.SimOptions;
import io.weft.sim.Simulation;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Issue-10 case "schedules per second of the example's test with a fault plan": whole simulated runs of the fixed
 * replicated counter's test body ({@code examples/.../kv}: hosts {@code f1}, {@code f2}, {@code leader},
 * {@code client}; three clients count five visits each through the leader, which replicates to both followers),
 * with the example's fault plan set on the network, as {@code KvLeaderTests} runs it under {@code @AsyncTest}. Each
 * invocation is one {@code Simulation.run} under a new seed (FAITHFUL mode, RANDOM: every fault the plan allows is
 * a choice of that schedule); a run that does not pass throws. Score: schedules/s.
 *
 * <p>{@code faults}: the example's plan ({@link RacyKvScenario#FAULTS}, a 300 ms partition started by 2% of the
 * sends between client and leader) or {@code none} (the same program on the perfect network, for comparison).
 */
@State(Scope.Thread)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED"})
public class KvFaultScheduleBench {

  /** The fault plan's printable form; {@code example} stands for {@link RacyKvScenario#FAULTS}. */
  @Param({"example", "none"})
  public String faults;

  long seed = 0x5eed_0000L;

  /** One simulated run of the fixed counter's test under a new seed. */
  @Benchmark
  public long faultedSchedule() {
    FaultPlan plan = FaultPlan.parse(faults.equals("example") ? RacyKvScenario.FAULTS : faults);
    long s = seed++;
    return SimWorkloads.simulate(Schedule.of(Mode.FAITHFUL, "RANDOM", s), SimOptions.DEFAULTS, () -> {
      plan.applyTo(Simulation.current().network());
      try (KvCluster cluster = KvCluster.simulated(KvCluster.Version.FIXED)) {
        Visits.countOnce(cluster, 3, 5);
        return cluster.leaderValue(Visits.KEY);
      }
    }).value();
  }
}
