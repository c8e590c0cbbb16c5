package io.weft.bench;

import io.weft.sim.SimOptions;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Issue-4 case "schedules per second": how many whole simulated runs of a standard small test the simulation gets
 * through, the figure that bounds how many schedules a search can explore. Anchor: the target of at least
 * 1,000 schedules/s on one core (each run executes on the simulation's supervised thread while the benchmark thread
 * waits; nothing else runs in parallel).
 *
 * <p>The standard test: 10 tasks each loop 100 times {@code try (Lock.Held h = lock.hold()) { x++;
 * Weft.sleep(Duration.ZERO); }} around one {@link io.weft.sync.Lock}, and the main task awaits them in creation
 * order. An "await" here is one round of that loop: one acquisition of the lock (which, for all but a round's first
 * acquisition, waits in the lock's queue) plus one {@code sleep(0)} with the lock held (which suspends the task for
 * exactly one loop iteration), so 1,000 awaits per run. Each invocation is one
 * {@code Simulation.run(schedule, SimOptions.DEFAULTS, main)} (default step limit of 1M, far above the run's needs,
 * default trace limit, every check on) with a fresh seed, so no two invocations run the same schedule (FIFO ignores
 * the seed). A run that does not pass, or that did not count 1,000 rounds, throws.
 *
 * <p>{@code schedule}: {@code RANDOM} (faithful mode, uniform random choices: the headline case),
 * {@code FIFO} (asyncio's own order), {@code CHAOS:RANDOM} (chaos mode: adds the early/late timing choices) and
 * {@code PCT3} (probabilistic concurrency testing, depth 3). Score: schedules/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED"})
public class SimScheduleBench {
  static final int TASKS = 10;
  static final int ROUNDS = 100;

  /** The schedule's strategy, with {@code CHAOS:} for chaos mode; set by JMH from {@code @Param}. */
  @Param({"RANDOM", "FIFO", "CHAOS:RANDOM", "PCT3"})
  public String schedule;

  long seed = 0x5eed_0000L;

  /** One simulated run of {@value #TASKS} tasks taking a lock {@value #ROUNDS} times each, under a new seed. */
  @Benchmark
  public long lockSchedule() {
    long s = seed++;
    long rounds = SimWorkloads.simulate(SimWorkloads.schedule(schedule, s), SimOptions.DEFAULTS,
        SimWorkloads.lock(TASKS, ROUNDS)).value();
    Loops.check("lock rounds counted (seed " + s + ")", (long) TASKS * ROUNDS, rounds);
    return rounds;
  }
}
