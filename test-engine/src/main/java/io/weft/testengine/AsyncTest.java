package io.weft.testengine;

import io.weft.Api;
import io.weft.sim.Mode;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the annotated method as the main task of a simulated loop, once per schedule.
 *
 * <p>Each schedule is its own invocation, named with its seed: {@code [i] seed=0x… RANDOM FAITHFUL}. Schedule
 * {@code i} (0-based) uses the seed {@code SimRandom.derive(seed, i)}. The method may declare parameters of type
 * {@link io.weft.EventLoop}, {@link io.weft.spi.VirtualClock}, {@link io.weft.sim.Simulation} and
 * {@link io.weft.sim.Schedule}: each receives the current run's object. Other parameters are resolved by JUnit as
 * usual ({@code TestInfo}, {@code @TempDir}, …).
 *
 * <p>A failing schedule is first shrunk toward the fewest deviations from asyncio's FIFO order with no jitter, then
 * reported by an {@link AsyncTestFailure} that gives the original and the shrunk schedule, the mode, the failure,
 * each involved task's await site, a trace file, and the lines that replay it:
 * {@code @AsyncTest(replay = "weft:1:…")} to paste, or {@code -Dweft.replay=weft:1:…} together with
 * {@code -Dtest=Class#method}. The shrunk schedule is also appended to the regression file (see
 * {@link RegressionDatabase}), whose schedules run first, before the generated ones, on every later run.
 *
 * <p>Every attribute can be overridden for a whole run by a JUnit configuration parameter or a system property
 * (configuration parameters are read from the launcher, {@code junit-platform.properties} and system properties):
 * {@code weft.schedules}, {@code weft.seed}, {@code weft.strategy}, {@code weft.mode}, {@code weft.stepLimit},
 * {@code weft.virtualTimeLimitSeconds}, {@code weft.earlyBoundMicros}, {@code weft.lateBoundMicros},
 * {@code weft.shrink}, {@code weft.replay}, {@code weft.selfCheck}, {@code weft.faults}; and only there: {@code weft.shard.index} and
 * {@code weft.shard.count} (invocation {@code i} runs only if {@code i % count == index}), {@code weft.regressions}
 * (the regression file, default {@code src/test/resources/weft-regressions.txt}; {@code none} turns it off),
 * {@code weft.traceDir} (default {@code target/weft-traces}), {@code weft.shrinkBudget} (most runs spent shrinking,
 * default 500), {@code weft.shrinkSeconds} (most real time spent shrinking, default 10; also the most one shrinking run may take) and
 * {@code weft.shrinkProofBudget} (most one-deviation schedules run to prove a result minimal, default 300; see
 * {@link Shrinker}). The stored regressions
 * run on shard 0 only. {@code weft.replay} applies to every {@code @AsyncTest} method a run selects: give it together
 * with {@code -Dtest=Class#method}.
 *
 * <p>The method runs inside the simulation, on the main task; {@code @BeforeEach} and {@code @AfterEach} run once per
 * invocation, outside it. Shrinking and {@code selfCheck} invoke the method again on the same test instance, so keep
 * the state a run changes local to the method.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@TestTemplate
@ExtendWith(AsyncTestExtension.class)
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public @interface AsyncTest {

  /** How many schedules to run (after the stored regressions); at least 1. */
  int schedules() default 100;

  /**
   * The base seed: a number in decimal or {@code 0x} hexadecimal, or {@code random} for a fresh seed on every run
   * (it shows in every invocation's name and in the report).
   */
  String seed() default "0";

  /**
   * The strategy (see {@link io.weft.sim.ScheduleSeries} and {@link io.weft.sim.SchedulingStrategy}):
   * {@code PORTFOLIO}, the default, takes RANDOM, PCT with iterative deepening and POS in turn; {@code RANDOM},
   * {@code POS}, {@code FIFO}; {@code PCT<d>} such as {@code PCT3} (PCT of depth d, its horizon measured on the
   * method's earlier runs); or {@code PCT} (PCT deepening over d = 1, 2, 3, ...). Each invocation's name and replay
   * line name the strategy that ran it, such as {@code PCT3_57} (depth 3, horizon 57 steps).
   */
  String strategy() default "PORTFOLIO";

  /** The fidelity mode: {@link Mode#FAITHFUL} keeps asyncio's FIFO order of ready callbacks, CHAOS permutes it. */
  Mode mode() default Mode.FAITHFUL;

  /** The most callbacks (task steps included) one run may run before it fails as a livelock. */
  long stepLimit() default 1_000_000;

  /** The most virtual time, in seconds, one run may reach. */
  long virtualTimeLimitSeconds() default 86_400;

  /** The most virtual time, in microseconds, a busy iteration may take (0 turns the early jitter off). */
  long earlyBoundMicros() default 1000;

  /** The most, in microseconds, an idle loop may wake late for a timer (0 turns the late jitter off). */
  long lateBoundMicros() default 1000;

  /** Whether a failing schedule is shrunk before it is reported. */
  boolean shrink() default true;

  /** A printed schedule ({@code weft:1:…}): when set, only this schedule runs. */
  String replay() default "";

  /** Whether each schedule runs twice and fails with {@code NONDETERMINISM} if the two traces differ. */
  boolean selfCheck() default false;

  /**
   * The fault plan of the simulated network, in {@link io.weft.fault.FaultPlan}'s printable form or a preset's name
   * ({@code none}, the default; {@code mild}; {@code harsh}): for example
   * {@code "client<->server: latency=uniform(1ms,10ms), loss=2%"}. It is set on the run's network before anything
   * else runs (before the {@link AsyncBeforeEach} methods), in every run of the method, so the faults it allows are
   * choices of each schedule: recorded, replayed, shrunk toward none, and named in the failure report. Overridden by
   * {@code weft.faults}.
   */
  String faults() default "none";

  /**
   * Hosts added to the run's simulated network, in this order, before anything else runs (so their addresses,
   * 10.0.0.2, 10.0.0.3, ..., are the same in every run): code runs on one after {@code SimHost.makeCurrent()}, and
   * finds it with {@code network.host(name)} (declare a {@link io.weft.sim.net.SimNetwork} parameter to get the
   * network). Names must be distinct, not empty, and not the network's first host, {@code localhost-1}.
   */
  String[] hosts() default {};
}
