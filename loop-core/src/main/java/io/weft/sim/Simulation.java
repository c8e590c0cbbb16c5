package io.weft.sim;

import io.weft.Api;
import io.weft.AsyncCallable;
import io.weft.EventLoop;
import io.weft.ExceptionContext;
import io.weft.Task;
import io.weft.internal.Kernel;
import io.weft.internal.SimHooks;
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
 * its hash), the choices made (as a {@code REPLAY} schedule that reproduces the run), and the failure, if any.
 *
 * <h2>Time</h2>
 *
 * <p>Time is virtual and moves only when nothing is ready: it jumps to the next timer. While {@linkplain
 * EventLoop#beginRealWork real work} is in flight it does not move; the loop waits in real time for what the work
 * sends back. A real-time watchdog bounds every run. A timeout raised in a simulation says the time was virtual.
 *
 * <h2>Checks</h2>
 *
 * <p>A run fails ({@link SimFailure.Kind}) when the main task fails; on a deadlock (with every task, what it awaits,
 * where, and the wait-for cycle); when tasks are still pending or timers still set as the main task ends; when a task
 * exception was never retrieved; when a callback's exception reached the exception handler; on the step,
 * virtual-time and watchdog limits; and when a task parks outside an await, so that a thread other than the loop
 * would resume it (Thread.sleep, blocking I/O, a contended monitor, a foreign thread's future).
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
  private final long virtualLimitNanos;
  private final long watchdogDeadline;

  private int[] choices = new int[64];
  private int choiceCount;
  private long steps;
  private long iterations;
  private long cleanupSteps;
  private boolean cleanup;
  // Volatile: a foreign thread may record a failure (foreignThread) while the loop runs.
  private volatile boolean stop;
  private volatile SimFailure failure;
  private Task<?> main;

  private Simulation(Schedule schedule, SimOptions options, SchedulingStrategy strategy) {
    this.schedule = schedule;
    this.options = options;
    this.strategy = strategy != null ? strategy : schedule.newStrategy();
    this.trace = new Trace(options.traceLimit());
    this.deviations = new Deviations(trace);
    this.random = new SimRandom(SimRandom.derive(schedule.seed(), 0));
    this.clock = new VirtualClock(0, false);
    this.virtualLimitNanos = saturatedNanos(options.virtualTimeLimit());
    this.watchdogDeadline = SystemClock.INSTANCE.nanoTime() + saturatedNanos(options.watchdog());
    this.loop = Kernel.get().newSimulatedLoop(clock, new VirtualPoller(clock), new Hooks(), options.debug());
  }

  private static long saturatedNanos(Duration d) {
    return d.compareTo(Duration.ofNanos(Long.MAX_VALUE / 4)) > 0 ? Long.MAX_VALUE / 4 : d.toNanos();
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
    Objects.requireNonNull(schedule, "schedule must not be null");
    Objects.requireNonNull(options, "options must not be null");
    Objects.requireNonNull(main, "main must not be null");
    if (EventLoop.running() != null) {
      throw new IllegalStateException("Simulation.run() cannot be called from a running loop: "
          + EventLoop.running());
    }
    return new Simulation(schedule, options, null).execute(main);
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
    Objects.requireNonNull(schedule, "schedule must not be null");
    Objects.requireNonNull(options, "options must not be null");
    Objects.requireNonNull(strategy, "strategy must not be null");
    Objects.requireNonNull(main, "main must not be null");
    if (EventLoop.running() != null) {
      throw new IllegalStateException("Simulation.run() cannot be called from a running loop: "
          + EventLoop.running());
    }
    return new Simulation(schedule, options, strategy).execute(main);
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
    String where = firstDifference(first.trace(), second.trace());
    SimFailure f = new SimFailure(SimFailure.Kind.NONDETERMINISM, schedule.mode(), "schedule "
        + schedule.abbreviated(REPORTED_SCHEDULE_CHARS) + " gave trace " + first.trace().hashHex() + " ("
        + first.trace().eventCount() + " events), then "
        + second.trace().hashHex() + " (" + second.trace().eventCount() + " events); " + where
        + ". Something outside the loop decided an order: the wall clock, real threads, or an identity-hashed"
        + " collection.", List.of(), second.failure());
    return new SimResult<>(second.schedule(), second.replay(), second.trace(), second.steps(),
        second.virtualTime(), f, null, second.deviations(), second.replayMismatch());
  }

  private static String firstDifference(Trace a, Trace b) {
    long from = Math.max(a.firstKept(), b.firstKept());
    int n = (int) Math.max(0, Math.min(a.firstKept() + a.keptCount(), b.firstKept() + b.keptCount()) - from);
    List<String> ra = a.render(from, n);
    List<String> rb = b.render(from, n);
    for (int i = 0; i < Math.min(ra.size(), rb.size()); i++) {
      if (!ra.get(i).equals(rb.get(i))) {
        String la = ra.get(i);
        String at = Character.isDigit(la.charAt(0)) ? "event " + la.substring(0, la.indexOf(' ')) : "line " + i;
        return "they first differ at " + at + ": '" + la + "' then '" + rb.get(i) + "'";
      }
    }
    return "the kept events (" + from + " on) agree; they differ elsewhere";
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

  /** The run's seeded generator: use it, not {@code Math.random()}, for randomness a replay must reproduce. */
  public SimRandom random() {
    return random;
  }

  /** The simulated loop. */
  public EventLoop loop() {
    return loop;
  }

  /** The virtual clock. */
  public VirtualClock clock() {
    return clock;
  }

  /** The schedule being run. */
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
      if (failure == null) {
        value = finish(mainTask);
      }
    } finally {
      cleanUp();
      ACTIVE.remove(loop);
    }
    long vt = clock.nanoTime();
    Schedule replay = schedule.replaying(Arrays.copyOf(choices, choiceCount));
    String mismatch = strategy instanceof Strategies.Replay r ? r.mismatch() : null;
    return new SimResult<>(schedule, replay, trace, steps, Duration.ofNanos(vt), failure, failure == null ? value
        : null, deviations.sentences(), mismatch);
  }

  /** Checks the finished main task and what it left behind; returns its value if all is well. */
  private <T> T finish(Task<T> mainTask) {
    if (!mainTask.isDone()) {
      fail(SimFailure.Kind.TEST_FAILED, "the loop stopped before the main task finished", SimReports.reports(pending()), null);
      return null;
    }
    if (mainTask.isCancelled()) {
      fail(SimFailure.Kind.TEST_FAILED, "the main task was cancelled", List.of(), null);
      return null;
    }
    Throwable error = mainTask.exception();
    if (error != null) {
      fail(SimFailure.Kind.TEST_FAILED, "the main task failed: " + error, SimReports.reports(pending()), error);
      return null;
    }
    if (options.checkLeaks()) {
      List<Task<?>> leaked = pending();
      if (!leaked.isEmpty()) {
        fail(SimFailure.Kind.LEAKED_TASKS, leaked.size() + " task(s) still pending when the main task finished:"
            + SimReports.lines(SimReports.reports(leaked)), SimReports.reports(leaked), null);
        return null;
      }
      List<String> timers = Kernel.get().pendingTimers(loop);
      if (!timers.isEmpty()) {
        fail(SimFailure.Kind.PENDING_CALLBACKS, timers.size() + " timer(s) still set when the main task finished: "
            + String.join(", ", timers), List.of(), null);
        return null;
      }
    }
    if (options.checkUnretrieved()) {
      List<Map.Entry<String, Throwable>> lost = Kernel.get().unretrievedExceptions(loop);
      if (!lost.isEmpty()) {
        StringBuilder sb = new StringBuilder("task exception was never retrieved:");
        for (Map.Entry<String, Throwable> e : lost) {
          sb.append("\n  ").append(e.getKey()).append(": ").append(e.getValue());
        }
        fail(SimFailure.Kind.UNRETRIEVED_EXCEPTION, sb.toString(), List.of(), lost.get(0).getValue());
        return null;
      }
    }
    return mainTask.result();
  }

  private List<Task<?>> pending() {
    List<Task<?>> out = new ArrayList<>();
    for (Task<?> t : loop.allTasks()) {
      if (t != main) {
        out.add(t);
      }
    }
    return out;
  }

  /** Cancels what is left, lets it finish (bounded), and closes the loop without reporting anything more. */
  private void cleanUp() {
    cleanup = true;
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
    if (options.checkCallbackExceptions() && !cleanup) {
      fail(SimFailure.Kind.CALLBACK_EXCEPTION, ctx.format(), List.of(), ctx.exception());
    }
  }

  private synchronized void fail(SimFailure.Kind kind, String message, List<TaskReport> tasks, Throwable cause) {
    stop = true;
    if (failure == null && !cleanup) {
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
    String cyc = SimReports.cycle(tasks);
    String msg = "nothing is ready, no timer is set and no real work is in flight, but " + tasks.size()
        + " task(s) are pending (virtual time " + seconds(clock.nanoTime()) + ")"
        + (cyc.isEmpty() ? "; no wait-for cycle among tasks: some task awaits a future or primitive that no task"
            + " will complete" : "; wait-for cycle: " + cyc)
        + SimReports.lines(reports);
    fail(SimFailure.Kind.DEADLOCK, msg, reports, null);
  }

  private static String seconds(long nanos) {
    return String.format(java.util.Locale.ROOT, "%.6fs", nanos / 1e9);
  }

  private void foreignResume(Task<?> task) {
    StackTraceElement[] stack = task.stack();
    String cause = SimReports.blockingCause(task, stack);
    List<TaskReport> r = SimReports.reports(List.of(task));
    fail(SimFailure.Kind.FOREIGN_RESUME, task.getName() + " parked outside any await, in " + cause
        + ": a thread other than the loop would resume it, at a time the simulation cannot control. Use the"
        + " loop's own primitives (Weft.sleep, io.weft.sync, the loop's I/O) or declare real work. At:"
        + SimReports.lines(r) + "\n      at " + String.join("\n      at ", r.get(0).stack()), r, null);
  }

  // ------------------------------------------------------------------------------------------------------------
  // What the loop asks
  // ------------------------------------------------------------------------------------------------------------

  private final class Hooks implements SimHooks {
    @Override
    public int choose(int decision, int n, io.weft.Handle[] subjects, int from) {
      if (cleanup) {
        return 0; // cleaning up after the run: asyncio's order, and nothing recorded in the replay
      }
      Decision d = Decision.of(decision);
      boolean single = decision == EARLY || decision == LATE;
      int c = strategy.choose(new ChoicePoint(d, n,
          i -> Kernel.get().owner(subjects[single ? from : from + i]), choiceCount));
      if (c < 0 || c >= n) {
        throw new IllegalStateException("strategy " + strategy.name() + " chose " + c + " of " + n + " at " + d);
      }
      if (choiceCount == choices.length) {
        choices = Arrays.copyOf(choices, choices.length * 2);
      }
      choices[choiceCount++] = c;
      trace.record(Trace.CHOICE, ((long) decision << 48) | ((long) n << 24) | c);
      if (c != 0) {
        deviations.note(d, n, c, clock.nanoTime(), subjects, from, schedule.lateBoundNanos());
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
      if (kind != EV_CLOCK) {
        countStep();
      }
      trace.record(kind, id);
    }

    @Override
    public void step(Task<?> task) {
      countStep();
      long id = Kernel.get().taskId(task);
      strategy.onStep(id, steps);
      if (!trace.knowsTask(id)) {
        trace.nameTask(id, task.getName());
      }
      trace.record(Trace.STEP, id);
    }

    private void countStep() {
      if (cleanup) {
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
      if ((++iterations & 255) == 0 && SystemClock.INSTANCE.nanoTime() - watchdogDeadline > 0) {
        fail(SimFailure.Kind.WATCHDOG, "the run took more than " + options.watchdog() + " of real time (virtual time "
            + seconds(clock.nanoTime()) + ")", SimReports.reports(pending()), null);
      }
      return !stop;
    }

    @Override
    public boolean failed() {
      return stop;
    }

    @Override
    public void stuck() {
      if (!cleanup && main != null && !main.isDone()) {
        deadlock();
      }
      stop = true;
    }

    @Override
    public boolean advanceTo(long nanos) {
      if (nanos - virtualLimitNanos > 0) {
        if (!cleanup) {
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
      return Math.max(0, watchdogDeadline - SystemClock.INSTANCE.nanoTime());
    }

    @Override
    public void realWaitExpired() {
      fail(SimFailure.Kind.WATCHDOG, loop.realWorkInFlight() + " real work item(s) in flight sent nothing back within"
          + " the watchdog of " + options.watchdog() + " (real time; virtual time stood at "
          + seconds(clock.nanoTime()) + ")", SimReports.reports(pending()), null);
    }

    @Override
    public void foreignThread(String thread) {
      fail(SimFailure.Kind.FOREIGN_RESUME, thread + " called a loop-only operation of the simulated loop (completing a"
          + " future, scheduling a callback): the loop's state may only be touched from the loop; from another"
          + " thread use callSoonThreadsafe, and declare the work with beginRealWork", List.of(), null);
      loop.poller().wakeup();
    }

    @Override
    public void taskBlocked(Task<?> task) {
      if (!cleanup) {
        foreignResume(task);
      }
    }
  }

  @Override
  public String toString() {
    return "Simulation[" + schedule.abbreviated(REPORTED_SCHEDULE_CHARS) + ", " + steps + " steps, " + trace + "]";
  }
}
