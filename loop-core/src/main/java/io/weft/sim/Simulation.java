package io.weft.sim;

import io.weft.Api;
import io.weft.AsyncCallable;
import io.weft.AsyncRunnable;
import io.weft.EventLoop;
import io.weft.ExceptionContext;
import io.weft.Task;
import io.weft.internal.Durations;
import io.weft.internal.Kernel;
import io.weft.internal.SimHooks;
import io.weft.sim.net.SimNetwork;
import io.weft.spi.SystemClock;
import io.weft.spi.VirtualClock;
import io.weft.spi.VirtualPoller;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs async code on a simulated loop: the production {@link EventLoop} with a {@link VirtualClock}, a
 * {@link VirtualPoller} and a {@link SchedulingStrategy} making every choice asyncio leaves open.
 *
 * <h2>A run</h2>
 *
 * <p>{@link #run} creates the loop, runs {@code main} as its main task until it is done or the run fails, checks what
 * is left, then cancels the remaining tasks, lets them finish and closes the loop. The result carries the trace (and
 * its hash), the choices made (as a {@code REPLAY} schedule that reproduces the run, and as data: {@link Choice}), and
 * the failure, if any.
 *
 * <p>The loop runs on a pooled platform daemon thread ({@code weft-sim-N}) while the calling thread (a platform or a
 * virtual thread) supervises it, so the real-time bounds ({@link SimOptions#watchdog}, {@link SimOptions#stepTimeout})
 * fire even when a task never gives control back. A run stuck in a step is reported and abandoned: its thread is
 * interrupted and left behind, and the caller gets the failed result at once and can run again. A thread that
 * ignores interrupts cannot be stopped on JDK 25 (there is no Thread.stop), so a pure CPU spin keeps one core busy
 * until it ends; if it does end, its run stops and cleans up on its own thread. {@link EventLoop#running()} inside the
 * body is the simulated loop, and nothing outside it sees an abandoned run as current.
 *
 * <h2>Network</h2>
 *
 * <p>The loop's {@link EventLoop#network()} is a {@link SimNetwork} ({@link #network()}): hosts, a name table, bounded
 * socket buffers and per-link latency in memory, every delivery a timer on virtual time and a {@code net} event in
 * the trace.
 *
 * <h2>Time</h2>
 *
 * <p>Time is virtual and moves only when nothing is ready: it jumps to the next timer. While {@linkplain
 * EventLoop#beginRealWork real work} is in flight it does not move; the work's messages enter the loop where the
 * strategy decides ({@link Decision#REAL_WORK}), and the loop waits in real time for the chosen one. A real-time
 * watchdog bounds every run. A timeout raised in a simulation says the time was virtual.
 *
 * <h2>Checks</h2>
 *
 * <p>A run fails ({@link SimFailure.Kind}) when the main task fails; on a deadlock (with every task, what it awaits,
 * where, and the wait-for cycle); when tasks are still pending, timers still set or sockets of the simulated network
 * still open as the main task ends (LEAKED_SOCKETS, naming where each was opened); when a task
 * exception was never retrieved; when a callback's exception reached the exception handler; on the step and
 * virtual-time limits; on the real-time bounds (WATCHDOG, with the stack of what was running and every pending task);
 * and when a task parks outside an await, so that a thread other than the loop would resume it (Thread.sleep,
 * blocking I/O, Object.wait, a foreign thread's future: FOREIGN_RESUME).
 *
 * <p>A task that blocks entering a monitor or in a {@code java.util.concurrent} lock held by another thread is not a
 * failure: as asyncio's loop does on a blocking call, the loop blocks (in real time, running nothing else, virtual time
 * standing still) until the JDK hands the task back, then runs it on within the same step, so the interleaving is
 * the same in every run and no choice is recorded. Only a lock not released within {@link SimOptions#blockedWait}
 * fails the run (BLOCKED_OUTSIDE). These two checks need the loop-scheduled carrier: see
 * {@link #detectsBlockingCalls()}.
 *
 * <h2>Determinism</h2>
 *
 * <p>Everything that could differ between runs goes through the loop: time, I/O readiness, the order of free choices
 * (the strategy, seeded), task ids and names, and {@link #random()}. The same schedule gives the same trace hash in
 * every run and every JVM; {@link #selfCheck} runs a schedule twice and fails with {@code NONDETERMINISM} if the
 * hashes differ (code under test that reads the wall clock or iterates an identity-hashed set would do that).
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public final class Simulation {

  private static final Map<EventLoop, Simulation> ACTIVE = new ConcurrentHashMap<>();
  private static final long CLEANUP_STEPS = 100_000;
  // A schedule longer than this is summarized in messages (Schedule.abbreviated); the trace file has it whole.
  private static final int REPORTED_SCHEDULE_CHARS = 300;

  private final Schedule schedule;
  private final SimOptions options;
  private final SchedulingStrategy strategy;
  private final Trace trace;
  private final Deviations deviations;
  private final SimRandom random;
  private final VirtualClock clock;
  private final EventLoop loop;
  private final SimNetwork network;
  private final long virtualLimitNanos;
  private final long startNanos;
  private final long watchdogDeadline;

  private int[] choices = new int[64];
  private int choiceCount;
  // The observations of the world made so far, as (stream, value) pairs (Schedule#world); loop thread.
  private int[] world = new int[16];
  private int worldCount;
  // A replay's recorded observations, by stream, in order; empty for any other run.
  private final java.util.Map<Integer, java.util.ArrayDeque<Integer>> recordedWorld = new java.util.HashMap<>();
  // How the recorded observations did not fit the run, or null.
  private String worldMismatch;
  // The same choices as data (decision, alternatives, task, time) for SimResult.choices, the first RECORDED_CHOICES.
  private final ChoiceLog choiceLog = new ChoiceLog();
  // Whether the run was given a strategy and no schedule of its own: its result names its replay as the schedule.
  private final boolean strategyOnly;
  private long steps;
  private long cleanupSteps;
  // What the loop thread tells the supervisor.
  private final Heartbeat heart = new Heartbeat();
  // Set by the supervisor when a real-time bound passed: the head of the WATCHDOG report; then only WATCHDOG is kept.
  private volatile String expiry;
  // Invariant: moves forward only (see enter). Written by the loop thread; volatile because fail() and the supervisor
  // read it from other threads. An expiry set once the phase has left RUNNING stopped nothing, so it neither becomes
  // the run's WATCHDOG nor hides what the end-of-run checks find.
  private volatile Phase phase = Phase.RUNNING;
  // Volatile: a foreign thread may record a failure (foreignThread) while the loop runs.
  private volatile boolean stop;
  private volatile SimFailure failure;
  private Task<?> main;

  /** Where a run is. */
  private enum Phase {
    /** The loop runs the main task; failures are recorded. */
    RUNNING,
    /** The loop has returned; the end-of-run checks run. */
    CHECKING,
    /** What is left is cancelled and drained: nothing more is recorded, and every choice is asyncio's. */
    CLEANING_UP
  }

  /** Moves to {@code next}, which must follow one of {@code from}. */
  private void enter(Phase next, Phase... from) {
    Phase now = phase;
    if (!List.of(from).contains(now)) {
      throw new IllegalStateException("a simulated run enters " + next + " from " + List.of(from) + ", not from "
          + now);
    }
    phase = next;
  }

  private Simulation(Schedule schedule, SimOptions options, SchedulingStrategy strategy, boolean strategyOnly) {
    this.schedule = schedule;
    this.strategyOnly = strategyOnly;
    this.options = options;
    this.strategy = strategy != null ? strategy : schedule.newStrategy();
    this.trace = new Trace(options.traceLimit());
    this.deviations = new Deviations(trace);
    this.random = new SimRandom(SimRandom.derive(schedule.seed(), 0));
    int[] observed = schedule.world();
    for (int i = 0; i + 1 < observed.length; i += 2) {
      recordedWorld.computeIfAbsent(observed[i], k -> new java.util.ArrayDeque<>()).add(observed[i + 1]);
    }
    this.clock = new VirtualClock(0, false);
    this.virtualLimitNanos = Durations.saturatedNanos(options.virtualTimeLimit());
    this.startNanos = SystemClock.INSTANCE.nanoTime();
    this.watchdogDeadline = startNanos + Durations.saturatedNanos(options.watchdog());
    VirtualPoller poller = new VirtualPoller(clock);
    this.network = new SimNetwork(poller);
    this.loop = Kernel.get().newSimulatedLoop(clock, poller, network, new Hooks(), options.debug());
  }

  /** Runs {@code main} under {@code schedule} with the default options; see {@link #run(Schedule, SimOptions, AsyncCallable)}. */
  public static <T> SimResult<T> run(Schedule schedule, AsyncCallable<T> main) {
    return run(schedule, SimOptions.DEFAULTS, main);
  }

  /**
   * Runs {@code main} as the main task of a new simulated loop under {@code schedule}. A failure of the code under
   * test is returned in the result, not thrown.
   *
   * @throws IllegalStateException if called on a thread that is running a loop
   */
  public static <T> SimResult<T> run(Schedule schedule, SimOptions options, AsyncCallable<T> main) {
    return start(schedule, options, null, false, main);
  }

  /**
   * Runs {@code main} as {@link #run(Schedule, SimOptions, AsyncCallable)} does, with {@code strategy} making the
   * choices instead of the one {@code schedule} names; the schedule still gives the mode, the seed and the bounds.
   * The result's {@link SimResult#replay()} replays the run whatever the strategy was.
   *
   * @throws IllegalStateException if called on a thread that is running a loop
   */
  public static <T> SimResult<T> run(Schedule schedule, SimOptions options, SchedulingStrategy strategy,
      AsyncCallable<T> main) {
    return start(schedule, options, Objects.requireNonNull(strategy, "strategy must not be null"), false, main);
  }

  /**
   * Runs {@code main} with {@code strategy} making every choice and the default options; see
   * {@link #run(SchedulingStrategy, SimOptions, AsyncCallable)}.
   *
   * @throws IllegalStateException if called on a thread that is running a loop
   */
  public static <T> SimResult<T> run(SchedulingStrategy strategy, AsyncCallable<T> main) {
    return run(strategy, SimOptions.DEFAULTS, main);
  }

  /**
   * Runs {@code main} with a strategy of one's own making every choice, without a schedule to name: in faithful mode,
   * with the default jitter bounds ({@link Schedule#DEFAULT_EARLY_NANOS}, {@link Schedule#DEFAULT_LATE_NANOS}) and
   * seed 0 for {@link #random()}. The result's {@link SimResult#schedule()} and {@link SimResult#replay()} are both the
   * {@code REPLAY} of the choices made, which reproduces the run. For another mode, bounds or seed, pass a schedule
   * with them to {@link #run(Schedule, SimOptions, SchedulingStrategy, AsyncCallable)}.
   *
   * @throws IllegalStateException if called on a thread that is running a loop
   */
  public static <T> SimResult<T> run(SchedulingStrategy strategy, SimOptions options, AsyncCallable<T> main) {
    return start(Schedule.fifo(), options, Objects.requireNonNull(strategy, "strategy must not be null"), true, main);
  }

  private static <T> SimResult<T> start(Schedule schedule, SimOptions options, SchedulingStrategy strategy,
      boolean strategyOnly, AsyncCallable<T> main) {
    Objects.requireNonNull(schedule, "schedule must not be null");
    Objects.requireNonNull(options, "options must not be null");
    Objects.requireNonNull(main, "main must not be null");
    EventLoop running = EventLoop.running();
    if (running != null) {
      throw new IllegalStateException("Simulation.run() cannot be called from a running loop: " + running);
    }
    return new Simulation(schedule, options, strategy, strategyOnly).execute(main);
  }

  /**
   * Runs {@code schedule} twice and compares the trace hashes: the second result, failed with
   * {@link SimFailure.Kind#NONDETERMINISM} if they differ.
   */
  public static <T> SimResult<T> selfCheck(Schedule schedule, SimOptions options, AsyncCallable<T> main) {
    return compareRuns(run(schedule, options, main), run(schedule, options, main));
  }

  /**
   * Compares two runs of one schedule made by the caller (for instance each on a fresh test instance): {@code second},
   * failed with {@link SimFailure.Kind#NONDETERMINISM} if the trace hashes differ.
   *
   * @throws IllegalArgumentException if the two results are of different schedules
   */
  public static <T> SimResult<T> compareRuns(SimResult<T> first, SimResult<T> second) {
    Objects.requireNonNull(first, "first must not be null");
    Objects.requireNonNull(second, "second must not be null");
    if (!first.schedule().equals(second.schedule())) {
      throw new IllegalArgumentException("compareRuns needs two runs of one schedule, got " + first.schedule()
          + " and " + second.schedule());
    }
    if (first.traceHash() == second.traceHash()) {
      return second;
    }
    Schedule schedule = second.schedule();
    SimFailure f = new SimFailure(SimFailure.Kind.NONDETERMINISM, schedule.mode(),
        SimMessages.nondeterminism(schedule.abbreviated(REPORTED_SCHEDULE_CHARS), first.trace(), second.trace()),
        List.of(), second.failure());
    return new SimResult<>(second.schedule(), second.replay(), second.trace(), second.steps(),
        second.virtualTime(), f, null, second.deviations(), second.replayMismatch(), second.choices(),
        second.choiceCount());
  }

  /**
   * Returns the simulation whose loop is running the caller.
   *
   * @throws IllegalStateException if the caller is not on a simulated loop
   */
  public static Simulation current() {
    EventLoop running = EventLoop.running();
    Simulation s = running == null ? null : ACTIVE.get(running);
    if (s == null) {
      throw new IllegalStateException("Simulation.current() must be called from a simulated loop, but the running"
          + " loop is " + running);
    }
    return s;
  }

  /** Whether the caller runs on a simulated loop. */
  public static boolean isSimulated() {
    EventLoop running = EventLoop.running();
    return running != null && ACTIVE.containsKey(running);
  }

  /**
   * Whether simulated runs in this JVM detect blocking calls in tasks (FOREIGN_RESUME, BLOCKED_OUTSIDE): true on the
   * loop-scheduled carrier, which needs {@code --add-opens java.base/java.lang=ALL-UNNAMED}; false on the fallback
   * carriers, where such a call silently blocks the loop (see {@link #carrierDescription()}).
   */
  public static boolean detectsBlockingCalls() {
    return CarrierInfo.detectsBlockingCalls();
  }

  /** Names the coroutine carrier simulated runs use in this JVM and what it detects; for logs and reports. */
  public static String carrierDescription() {
    return CarrierInfo.description();
  }

  /** The run's seeded generator: use it, not {@code Math.random()}, for randomness a replay must reproduce. */
  public SimRandom random() {
    return random;
  }

  /** The simulated loop. */
  public EventLoop loop() {
    return loop;
  }

  /**
   * Asks this run's scheduling strategy for a fault decision, as the simulated network does for its fault plan: for
   * fault injectors outside the network (the {@code fault} module's failpoints). The choice is recorded in the
   * schedule, replayed exactly and shrunk toward 0; a nonzero one becomes a deviation of the report, worded by
   * {@code describe}. Random strategies draw alternative {@code i} with probability {@code weights[i]}; FIFO always
   * answers 0. Call it on this simulation's loop, while the run is going.
   *
   * @param weights each alternative's probability: at least 2, none negative, summing to 1 (within 1e-9);
   *     alternative 0 must be "no fault"
   * @param describe words a nonzero alternative for the report, "failpoint db.commit threw ... at Store.java:36"
   * @return the chosen alternative, in {@code [0, weights.length)}
   * @throws IllegalArgumentException naming the weights if they are not probabilities
   * @throws IllegalStateException if called off this simulation's loop
   */
  public int chooseFault(double[] weights, java.util.function.IntFunction<String> describe) {
    java.util.Objects.requireNonNull(weights, "weights must not be null");
    java.util.Objects.requireNonNull(describe, "describe must not be null");
    double sum = 0;
    for (double w : weights) {
      if (!(w >= 0)) {
        throw new IllegalArgumentException("weights must be probabilities, got " + Arrays.toString(weights));
      }
      sum += w;
    }
    if (weights.length < 2 || Math.abs(sum - 1) > 1e-9) {
      throw new IllegalArgumentException("weights must be at least 2 probabilities summing to 1, got "
          + Arrays.toString(weights));
    }
    if (EventLoop.running() != loop) {
      throw new IllegalStateException("chooseFault must be called on the simulation's loop, not from "
          + Thread.currentThread());
    }
    return Kernel.get().chooseFault(loop, weights, describe);
  }

  /**
   * Runs the garbage collector now and acts on what it took, as asyncio does when objects are collected: a future
   * whose exception nobody retrieved is reported to the loop's exception handler ("Future exception was never
   * retrieved"), and an async generator dropped before it finished gets a task that closes it, so its {@code finally}
   * blocks run. It all happens here, in the order the objects were registered (the future's exception set, the
   * generator's first iteration), so a run that calls this at the same point of its program is the same run.
   *
   * <p>Outside this call a simulation never acts on the collector: when it runs is outside any schedule, and a report
   * or a task it caused would make runs with the same schedule differ. (Task reports are the end-of-run checks'.) The
   * reachability this call observes must itself not vary: drop a reference by leaving the method that held it, or by
   * setting the variable to null, rather than by relying on a local variable's last use, which the JIT compiler and
   * the interpreter see differently. {@code System.gc()} must collect ({@code -XX:+DisableExplicitGC} makes this a
   * no-op).
   *
   * <p>With no handler of its own set, a report fails the run as a callback exception (CALLBACK_EXCEPTION).
   *
   * @return how many collected objects were acted on
   * @throws IllegalStateException if called off this simulation's loop
   */
  public int collectGarbage() {
    if (EventLoop.running() != loop) {
      throw new IllegalStateException("collectGarbage must be called on the simulation's loop, not from "
          + Thread.currentThread());
    }
    return Kernel.get().collectGarbage(loop);
  }

  /** The simulated network: the loop's {@link EventLoop#network()}, where the run's hosts are added. */
  public SimNetwork network() {
    return network;
  }

  /** The virtual clock. */
  public VirtualClock clock() {
    return clock;
  }

  /**
   * The schedule being run; for a run of a strategy without a schedule ({@link #run(SchedulingStrategy, SimOptions,
   * AsyncCallable)}), {@link Schedule#fifo()}, whose mode, bounds and seed it runs with.
   */
  public Schedule schedule() {
    return schedule;
  }

  /** The mode being run. */
  public Mode mode() {
    return schedule.mode();
  }

  // ------------------------------------------------------------------------------------------------------------
  // The run
  // ------------------------------------------------------------------------------------------------------------

  private <T> SimResult<T> execute(AsyncCallable<T> body) {
    return Supervisor.run(this, () -> executeHere(body));
  }

  private <T> SimResult<T> executeHere(AsyncCallable<T> body) {
    ACTIVE.put(loop, this);
    T value = null;
    try {
      loop.setExceptionHandler((l, ctx) -> callbackException(ctx));
      Task<T> mainTask = loop.createTask(body, "main", null);
      main = mainTask;
      mainTask.addDoneCallback(f -> loop.stop());
      try {
        loop.runForever();
      } catch (Throwable e) {
        if (e instanceof VirtualMachineError vme && !(e instanceof StackOverflowError)) {
          throw vme;
        }
        fail(SimFailure.Kind.TEST_FAILED, "the loop raised " + e, List.of(), e);
      }
      enter(Phase.CHECKING, Phase.RUNNING);
      if (failure == null && expiry != null) {
        List<TaskReport> r = SimReports.reports(new ArrayList<>(loop.allTasks()));
        fail(SimFailure.Kind.WATCHDOG, expiry + "\n  pending tasks:" + SimReports.lines(r), r, null);
      }
      if (failure == null) {
        value = finish(mainTask);
      }
    } finally {
      cleanUp();
      ACTIVE.remove(loop);
    }
    long vt = clock.nanoTime();
    Schedule replay = schedule.replaying(Arrays.copyOf(choices, choiceCount), Arrays.copyOf(world, worldCount));
    String mismatch = strategy instanceof Strategies.Replay r ? r.mismatch() : null;
    if (worldMismatch != null) {
      mismatch = (mismatch == null ? "the replayed schedule does not fit this test: " : mismatch + "; and ")
          + worldMismatch;
    }
    return new SimResult<>(strategyOnly ? replay : schedule, replay, trace, steps, Duration.ofNanos(vt), failure,
        failure == null ? value : null, deviations.sentences(), mismatch, choiceLog.view(trace), choiceLog.count());
  }

  /** Checks the finished main task and what it left behind; returns its value if all is well. */
  private <T> T finish(Task<T> mainTask) {
    // An async generator left open is not a leak: asyncio.run closes the generators still open when main ends
    // (shutdown_asyncgens). So their bodies are left out of the first check, then closed here, under the schedule
    // (an error from closing reaches the exception handler, as in asyncio), and what that left is checked again.
    EndChecks.Found f = EndChecks.check(loop, mainTask, pending(false), options);
    if (f == null) {
      AsyncRunnable close = Kernel.get().asyncGeneratorShutdown(loop);
      if (close != null) {
        try {
          loop.runUntilComplete(loop.createTask(close.asCallable(), "shutdown of async generators", null));
        } catch (RuntimeException | Error e) {
          if (e instanceof VirtualMachineError vme && !(e instanceof StackOverflowError)) {
            throw vme;
          }
          // a generator that would not close: the check below names what is still pending
        }
        if (failure != null) {
          return null;
        }
        f = EndChecks.check(loop, mainTask, pending(true), options);
      }
    }
    if (f != null) {
      fail(f.kind(), f.message(), f.tasks(), f.cause());
      return null;
    }
    return mainTask.result();
  }

  private List<Task<?>> pending() {
    return pending(true);
  }

  /** The tasks still pending besides the main task; with {@code generators} false, not generator work. */
  private List<Task<?>> pending(boolean generators) {
    List<Task<?>> out = new ArrayList<>();
    for (Task<?> t : loop.allTasks()) {
      if (t != main && (generators || !Kernel.get().isGeneratorWork(t))) {
        out.add(t);
      }
    }
    return out;
  }

  /** Cancels what is left, lets it finish (bounded), and closes the loop without reporting anything more. */
  private void cleanUp() {
    enter(Phase.CLEANING_UP, Phase.RUNNING, Phase.CHECKING); // from RUNNING when the loop threw past the checks
    trace.markCleanup();
    stop = false;
    try {
      List<Task<?>> left = new ArrayList<>(loop.allTasks());
      if (!left.isEmpty() && !loop.isClosed()) {
        for (Task<?> t : left) {
          t.cancel();
        }
        loop.runUntilComplete(() -> {
          for (Task<?> t : left) {
            try {
              t.await();
            } catch (Throwable ignored) {
              // its outcome was reported already, or does not matter now
            }
          }
          return null;
        });
      }
    } catch (VirtualMachineError e) {
      throw e;
    } catch (RuntimeException | Error ignored) {
      // a task that cannot finish (parked outside an await, or ignoring cancellation): nothing more to do
    } finally {
      Kernel.get().forgetUnretrieved(loop);
      loop.setExceptionHandler((l, ctx) -> { });
      if (!loop.isRunning()) {
        loop.close();
      }
    }
  }

  private void callbackException(ExceptionContext ctx) {
    String m = ctx.message();
    if (m.startsWith("Task exception was never retrieved") || m.startsWith("Task was destroyed but it is pending")) {
      return; // reported by the garbage collector at a time no schedule controls; the end-of-run checks cover it
    }
    if (options.checkCallbackExceptions() && phase != Phase.CLEANING_UP) {
      fail(SimFailure.Kind.CALLBACK_EXCEPTION, ctx.format(), List.of(), ctx.exception());
    }
  }

  private synchronized void fail(SimFailure.Kind kind, String message, List<TaskReport> tasks, Throwable cause) {
    stop = true;
    Phase now = phase;
    if (failure == null && now != Phase.CLEANING_UP
        && (expiry == null || now != Phase.RUNNING || kind == SimFailure.Kind.WATCHDOG)) {
      failure = new SimFailure(kind, schedule.mode(), message, tasks, cause);
      trace.markFailure();
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // Deadlock and foreign-resume failures (their wording is in SimReports)
  // ------------------------------------------------------------------------------------------------------------

  private void deadlock() {
    List<Task<?>> tasks = new ArrayList<>(loop.allTasks());
    List<TaskReport> reports = SimReports.reports(tasks);
    fail(SimFailure.Kind.DEADLOCK, SimMessages.deadlock(tasks, reports, clock.nanoTime()), reports, null);
  }

  static String seconds(long nanos) {
    return String.format(java.util.Locale.ROOT, "%.6fs", nanos / 1e9);
  }

  // ------------------------------------------------------------------------------------------------------------
  // What the loop asks
  // ------------------------------------------------------------------------------------------------------------

  private final class Hooks implements SimHooks {
    @Override
    public int choose(int decision, int n, io.weft.Handle[] subjects, int from) {
      if (phase == Phase.CLEANING_UP) {
        return 0; // cleaning up after the run: asyncio's order, and nothing recorded in the replay
      }
      Decision d = Decision.of(decision);
      // EARLY: alternative 0 (on time) belongs to the ready work ahead (subjects[from + 1]), 1 to the timer.
      java.util.function.IntUnaryOperator at = decision == LATE ? i -> from
          : decision == EARLY ? i -> i == 0 ? from + 1 : from : i -> from + i;
      int c = ask(new ChoicePoint(d, n, i -> Kernel.get().owner(subjects[at.applyAsInt(i)]), choiceCount), decision);
      if (c != 0) {
        deviations.note(d, n, c, clock.nanoTime(), subjects, from, schedule.lateBoundNanos());
      }
      return c;
    }

    /** Asks the strategy at {@code point} (decision code {@code code}), checks the answer, records and traces it. */
    private int ask(ChoicePoint point, int code) {
      int n = point.alternatives();
      int c = strategy.choose(point);
      if (c < 0 || c >= n) {
        throw new IllegalStateException("strategy " + strategy.name() + " chose " + c + " of " + n + " at "
            + point.decision());
      }
      return record(point, code, c);
    }

    /** Records and traces alternative {@code c} of {@code point} (decision code {@code code}); returns it. */
    private int record(ChoicePoint point, int code, int c) {
      int n = point.alternatives();
      if (choiceCount == choices.length) {
        choices = Arrays.copyOf(choices, choices.length * 2);
      }
      choices[choiceCount++] = c;
      choiceLog.add(point.decision(), n, c, point.owner(c), clock.nanoTime());
      trace.record(Trace.CHOICE, ((long) code << 48) | ((long) n << 24) | c);
      return c;
    }

    @Override
    public int chooseRealWork(io.weft.Handle head, long[] owners, String[] works) {
      if (phase == Phase.CLEANING_UP) {
        return 0; // cleaning up after the run: nothing recorded
      }
      int n = head != null ? owners.length + 1 : owners.length;
      long headOwner = head != null ? Kernel.get().owner(head) : -1;
      int c = ask(new ChoicePoint(Decision.REAL_WORK, n, i -> head == null ? owners[i] : i == 0 ? headOwner
          : owners[i - 1], choiceCount), REAL_WORK);
      if (c != 0) {
        deviations.noteRealWork(n, c, clock.nanoTime(), head, works);
      }
      return c;
    }

    @Override
    public int observeRealWork(long[] owners, String[] works, java.util.function.IntSupplier observe) {
      if (phase == Phase.CLEANING_UP) {
        return observe.getAsInt(); // cleaning up after the run: nothing recorded
      }
      ChoicePoint point = new ChoicePoint(Decision.REAL_WORK, owners.length + 1, i -> i == 0 ? -1 : owners[i - 1],
          choiceCount);
      if (strategy instanceof Strategies.Replay) {
        // The recorded branch, whatever has arrived meanwhile; 0 (time moves) once the choices run out, as a replay's
        // trailing zeros are dropped
        return ask(point, REAL_WORK);
      }
      int c = observe.getAsInt();
      if (c < 0 || c > owners.length) {
        throw new IllegalStateException("observed " + c + " of " + (owners.length + 1) + " at a quiet REAL_WORK");
      }
      return record(point, REAL_WORK, c);
    }

    @Override
    public int observe(int stream, int alternatives, java.util.function.IntSupplier live) {
      if (phase == Phase.CLEANING_UP) {
        return live.getAsInt(); // cleaning up after the run: nothing recorded
      }
      java.util.ArrayDeque<Integer> recorded = recordedWorld.get(stream);
      Integer r = recorded == null ? null : recorded.poll();
      int c;
      if (r != null && r > 0) {
        c = Math.min(r, alternatives - 1);
        if (c != r && worldMismatch == null) {
          worldMismatch = "observation " + r + " of child stream " + stream + " is beyond its " + (alternatives - 1)
              + " possible values";
        }
      } else {
        c = live.getAsInt();
        if (c < 1 || c >= alternatives) {
          throw new IllegalStateException("observed " + c + " of 1.." + (alternatives - 1));
        }
      }
      if (worldCount + 2 > world.length) {
        world = Arrays.copyOf(world, world.length * 2);
      }
      world[worldCount++] = stream;
      world[worldCount++] = c;
      trace.record(Trace.OBSERVE, ((long) stream << 32) | c);
      return c;
    }

    @Override
    public void replayDiverged(String message) {
      fail(SimFailure.Kind.NONDETERMINISM, message, SimReports.reports(pending()), null);
    }

    @Override
    public long quietGraceNanos() {
      return Durations.saturatedNanos(options.quietGrace());
    }

    @Override
    public int chooseFault(double[] weights, java.util.function.IntFunction<String> describe) {
      if (phase == Phase.CLEANING_UP) {
        return 0; // no faults while cleaning up after the run, and nothing recorded
      }
      int n = weights.length;
      int c = ask(new ChoicePoint(Decision.FAULT, n, i -> -1, choiceCount, i -> weights[i]), FAULT);
      if (c != 0) {
        deviations.noteFault(n, c, clock.nanoTime(), describe.apply(c));
      }
      return c;
    }

    @Override
    public void timer(long seq, long owner, String site) {
      countStep();
      trace.recordTimer(seq, owner, site);
    }

    @Override
    public void event(int kind, long id) {
      heart.beat();
      if (kind != EV_CLOCK) {
        countStep();
      }
      trace.record(kind, id);
    }

    @Override
    public void step(Task<?> task) {
      heart.beat();
      countStep();
      long id = Kernel.get().taskId(task);
      strategy.onStep(id, steps);
      if (!trace.knowsTask(id)) {
        trace.nameTask(id, task.getName());
      }
      trace.record(Trace.STEP, id);
    }

    @Override
    public void queued(Task<?> task) {
      trace.queued(Kernel.get().taskId(task));
    }

    @Override
    public long executorWorkNanos() {
      return Durations.saturatedNanos(options.executorWork());
    }

    private void countStep() {
      if (phase == Phase.CLEANING_UP) {
        if (++cleanupSteps > CLEANUP_STEPS) {
          stop = true;
        }
        return;
      }
      if (++steps > options.stepLimit()) {
        fail(SimFailure.Kind.STEP_LIMIT, "more than " + options.stepLimit() + " steps (virtual time "
            + seconds(clock.nanoTime()) + "): a livelock, or raise the step limit", SimReports.reports(pending()), null);
      }
    }

    @Override
    public boolean chaos() {
      return schedule.mode() == Mode.CHAOS;
    }

    @Override
    public long earlyBoundNanos() {
      return schedule.earlyBoundNanos();
    }

    @Override
    public long lateBoundNanos() {
      return schedule.lateBoundNanos();
    }

    @Override
    public boolean iteration() {
      heart.beat();
      return !stop;
    }

    @Override
    public boolean failed() {
      return stop;
    }

    @Override
    public void stuck() {
      if (phase != Phase.CLEANING_UP && main != null && !main.isDone()) {
        deadlock();
      }
      stop = true;
    }

    @Override
    public boolean advanceTo(long nanos) {
      if (nanos - virtualLimitNanos > 0) {
        if (phase != Phase.CLEANING_UP) {
          fail(SimFailure.Kind.VIRTUAL_TIME_LIMIT, "virtual time would reach " + seconds(nanos) + ", past the limit of "
              + options.virtualTimeLimit() + " (virtual time): a task that sleeps or retries forever?",
              SimReports.reports(pending()), null);
        }
        stop = true;
        return false;
      }
      return true;
    }

    @Override
    public long realWaitNanos() {
      heart.startWait(watchdogDeadline);
      return Math.max(0, watchdogDeadline - SystemClock.INSTANCE.nanoTime());
    }

    @Override
    public void realWaitExpired(String work) {
      fail(SimFailure.Kind.WATCHDOG, loop.realWorkInFlight() + " real work item(s) in flight sent nothing back within"
          + " the watchdog of " + options.watchdog() + " (real time; virtual time stood at "
          + seconds(clock.nanoTime()) + "): the loop was waiting for the next message of " + work + ". Does its"
          + " thread wait for the loop other than through callOnLoop, send through another work, or never report?",
          SimReports.reports(pending()), null);
    }

    @Override
    public void foreignThread(String thread) {
      fail(SimFailure.Kind.FOREIGN_RESUME, thread + " called a loop-only operation of the simulated loop (completing a"
          + " future, scheduling a callback): the loop's state may only be touched from the loop; from another"
          + " thread use callSoonThreadsafe, and declare the work with beginRealWork", List.of(), null);
      loop.poller().wakeup();
    }

    @Override
    public long taskBlocked(Task<?> task) {
      if (phase == Phase.CLEANING_UP) {
        return 0;
      }
      String cause = SimReports.blockingCause(task);
      if (SimReports.isLockWait(cause) && Kernel.get().handsBackBlocked(loop)) {
        long wait = Durations.saturatedNanos(options.blockedWait());
        heart.beat();
        heart.startWait(SystemClock.INSTANCE.nanoTime() + wait);
        return wait;
      }
      List<TaskReport> r = SimReports.reports(List.of(task));
      fail(SimFailure.Kind.FOREIGN_RESUME, SimMessages.foreignResume(task, cause, r.get(0)), r, null);
      return 0;
    }

    @Override
    public void taskStayedBlocked(Task<?> task) {
      heart.beat();
      List<TaskReport> r = SimReports.reports(List.of(task));
      fail(SimFailure.Kind.BLOCKED_OUTSIDE, SimMessages.blockedOutside(task, SimReports.blockingCause(task),
          options.blockedWait(), r.get(0)), r, null);
    }

    @Override
    public void taskHandedBack(Task<?> task) {
      heart.beat();
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // What the supervisor asks (from the calling thread)
  // ------------------------------------------------------------------------------------------------------------

  SimOptions options() {
    return options;
  }

  long startNanos() {
    return startNanos;
  }

  Heartbeat heart() {
    return heart;
  }

  /**
   * A real-time bound passed: the loop is asked to stop, and reports {@code why} with its pending tasks if it does;
   * from now on no other kind of failure is recorded.
   */
  void expire(String why) {
    expiry = why;
    stop = true;
    loop.poller().wakeup();
  }

  /** The loop did not stop in time: reports for it, and returns a result that owes nothing to its thread. */
  <T> SimResult<T> abandon(String runningNow, Thread runner) {
    ACTIVE.remove(loop);
    List<TaskReport> reports = SimReports.reportsFromOutside(loop);
    synchronized (this) {
      if (failure == null) {
        failure = new SimFailure(SimFailure.Kind.WATCHDOG, schedule.mode(), SimMessages.abandoned(expiry + runningNow,
            reports, runner), reports, null);
      }
    }
    int made = Math.min(choiceCount, choices.length);
    Schedule replay = schedule.replaying(Arrays.copyOf(choices, made), Arrays.copyOf(world,
        Math.min(worldCount, world.length) & ~1));
    // The choices as data are left out (only counted): the abandoned loop thread may still be adding to them.
    return new SimResult<>(strategyOnly ? replay : schedule, replay, trace.copy(), steps,
        Duration.ofNanos(clock.nanoTime()), failure, null, List.of(), null, List.of(), made);
  }

  @Override
  public String toString() {
    return "Simulation[" + schedule.abbreviated(REPORTED_SCHEDULE_CHARS) + ", " + steps + " steps, " + trace + "]";
  }
}
