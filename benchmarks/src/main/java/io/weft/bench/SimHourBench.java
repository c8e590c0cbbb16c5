package io.weft.bench;

import io.weft.sim.Schedule;
import io.weft.sim.SimOptions;
import io.weft.sim.SimResult;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue-4 case "one simulated hour": 1,000 tasks ticking at 1 Hz for one hour of virtual time, each
 * {@code Weft.sleep(Duration.ofSeconds(1))} 3,600 times, 3.6M timer wakeups in all, through
 * {@code Simulation.run(Schedule.fifo(), options, main)}. Anchor: the target of at most 5 s of wall time per
 * run. Score: seconds per run (JMH single shot: every invocation is one whole run on a fresh simulated loop).
 *
 * <p>{@code trace}: {@code 0} ({@code SimOptions.DEFAULTS.withStepLimit(100_000_000).withTraceLimit(0)}: the trace
 * only hashes) or {@code default} (the same with the default trace limit, 100,000 kept events). A run that does not
 * pass, miscounts the wakeups or does not end at exactly one hour of virtual time throws.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED"})
public class SimHourBench {
  static final int TASKS = 1_000;
  static final int TICKS = 3_600;

  @Param({"0", "default"})
  public String trace;

  @Benchmark
  public long simulatedHour() {
    SimOptions options = SimOptions.DEFAULTS.withStepLimit(100_000_000);
    if (trace.equals("0")) {
      options = options.withTraceLimit(0);
    } else if (!trace.equals("default")) {
      throw new IllegalArgumentException("trace must be '0' or 'default', got '" + trace + "'");
    }
    SimResult<Long> r = SimWorkloads.simulate(Schedule.fifo(), options,
        SimWorkloads.ticking(TASKS, TICKS, Duration.ofSeconds(1)));
    Loops.check("wakeups counted", (long) TASKS * TICKS, r.value());
    Loops.check("virtual seconds at the end", TICKS, r.virtualTime().toSeconds());
    return r.value();
  }
}
