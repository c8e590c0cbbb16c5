package io.weft.bench;

import io.weft.AsyncCallable;
import io.weft.EventLoop;
import io.weft.sim.Schedule;
import io.weft.sim.SimOptions;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Issue-4 case "simulated vs production switch rate": the same async code run on a production loop with
 * {@code runUntilComplete} and through {@code Simulation.run} with the FIFO schedule. Anchor: the production loop's
 * own figure in the same session; the target is simulated >= 0.5x production.
 *
 * <ul>
 *   <li>{@link #lock}: the standard test of {@link SimScheduleBench} (10 tasks x 100 rounds of acquire the
 *       {@link io.weft.sync.Lock}, {@code sleep(0)}, release); a fresh loop per invocation, as every schedule is a
 *       fresh loop. Score: rounds/s (each round is one acquisition plus one sleep(0); on the FIFO order that is about
 *       two task switches, the sleep(0) and the wait in the lock's queue).
 *   <li>{@link #pingPong}: two tasks alternate via {@code sleep(0)}, 100,000 times each. Score: task switches/s (one
 *       per sleep(0), 200,000 per invocation).
 * </ul>
 *
 * <p>{@code loop}: {@code create} ({@code EventLoop.create()}: system clock, NIO selector), {@code createVirtual}
 * ({@code EventLoop.createVirtual()}: the virtual clock and poller the simulation also uses, without the strategy,
 * trace and checks), and {@code sim} ({@code Simulation.run(Schedule.fifo(), SimOptions.DEFAULTS
 * .withStepLimit(100_000_000), main)}: default trace limit and every check on). All three run on the loop-scheduled
 * carrier, checked. A run that fails or miscounts throws.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED"})
public class SimSwitchBench {
  static final int TASKS = 10;
  static final int ROUNDS = 100;
  static final int SLEEPS = 100_000;
  static final SimOptions OPTIONS = SimOptions.DEFAULTS.withStepLimit(100_000_000);

  @Param({"create", "createVirtual", "sim"})
  public String loop;

  private long run(AsyncCallable<Long> body) {
    if (loop.equals("sim")) {
      return SimWorkloads.simulate(Schedule.fifo(), OPTIONS, body).value();
    }
    try (EventLoop l = SimWorkloads.production(loop)) {
      return l.runUntilComplete(body);
    }
  }

  @Benchmark
  @OperationsPerInvocation(TASKS * ROUNDS)
  public long lock() {
    long rounds = run(SimWorkloads.lock(TASKS, ROUNDS));
    Loops.check("lock rounds counted", (long) TASKS * ROUNDS, rounds);
    return rounds;
  }

  @Benchmark
  @OperationsPerInvocation(2 * SLEEPS)
  public long pingPong() {
    long sleeps = run(SimWorkloads.pingPong(SLEEPS));
    Loops.check("sleep(0) calls counted", 2L * SLEEPS, sleeps);
    return sleeps;
  }
}
