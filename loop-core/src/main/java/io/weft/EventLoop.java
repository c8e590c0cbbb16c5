package io.weft;

import io.weft.internal.Carrier;
import io.weft.internal.CarrierHost;
import io.weft.internal.SimHooks;
import io.weft.internal.Sneaky;
import io.weft.internal.jfr.CoarseTicker;
import io.weft.internal.jfr.WeftEvents;
import io.weft.spi.Clock;
import io.weft.spi.Network;
import io.weft.spi.NioNetwork;
import io.weft.spi.NioPoller;
import io.weft.spi.Poller;
import io.weft.spi.SystemClock;
import io.weft.spi.VirtualClock;
import io.weft.spi.VirtualPoller;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One event loop: runs callbacks, timers, I/O handlers and task steps, one at a time, on one thread.
 *
 * <h2>Ordering</h2>
 *
 * <p>One iteration is asyncio's {@code _run_once}: poll the {@link Poller} (without waiting if anything is ready or a
 * stop is pending, otherwise until the next timer is due), queue the I/O handlers that are ready and the callbacks
 * other threads sent, move the timers that are due behind what is already ready, then run exactly the callbacks
 * that were ready when the run started. A callback scheduled during an iteration runs in the next one. Ready
 * callbacks run first in, first out; timers run in order of deadline, then of scheduling. A task's step is one
 * callback, so {@code sleep(0)} gives up exactly one iteration.
 *
 * <h2>Time</h2>
 *
 * <p>Time comes from the loop's {@link Clock} only. {@link #time()} is seconds since the loop was created, so it is
 * small and never overflows; deadlines are kept in clock nanoseconds and compared by subtraction. A timer is due
 * when its deadline is less than now plus the clock's resolution. With a {@link VirtualClock} and
 * {@link VirtualPoller} an idle loop jumps to its next timer instead of sleeping.
 *
 * <h2>Tasks and coroutines</h2>
 *
 * <p>A task's body runs on a virtual thread that the loop itself resumes (see {@code io.weft.internal.Carrier}), so
 * exactly one body or callback runs at a time and an await is a park that returns control to the loop. Callbacks
 * and steps run in their {@link Context}.
 *
 * <h2>Errors</h2>
 *
 * <p>An exception from a callback goes to the {@linkplain #setExceptionHandler exception handler} and the loop goes
 * on. {@link KeyboardInterrupt}, {@link SystemExit} and {@link VirtualMachineError}s escape {@link #runForever()}
 * instead, leaving the loop usable.
 *
 * <h2>Threads</h2>
 *
 * <p>Everything but {@link #callSoonThreadsafe}, {@link #isRunning()} and {@link #isClosed()} must be called on the
 * loop's thread (tasks of the loop included); debug mode checks this. {@code callSoonThreadsafe} puts the callback
 * on a concurrent queue and wakes the poller.
 *
 * <h2>Why one large class</h2>
 *
 * <p>The iteration, scheduling, lifecycle and error routing share the loop's state and its invariants, so they stay
 * together here, split by banner comments; the wording of debug reports lives in {@code TaskReports}, the async
 * generator bookkeeping in {@code AsyncGenerators}, and what happens when the collector takes a future or a generator
 * in {@code GcReports}.
 *
 * <h2>References</h2>
 *
 * <p>CPython {@code Lib/asyncio/base_events.py} ({@code _run_once}), {@code events.py}; Trio's {@code _run.py} for
 * the clock discipline.
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public final class EventLoop implements AutoCloseable {

  static {
    io.weft.internal.Kernel.publish(new KernelImpl());
  }

  /** Bound, on the thread running a loop's iterations, to that loop. */
  static final ScopedValue<EventLoop> RUNNING = ScopedValue.newInstance();

  private static final long MAX_DELAY_NANOS = 1L << 61;

  /** The loops inside runForever, in any thread; read by Task.current(), changed only when a loop starts or stops. */
  static final java.util.concurrent.CopyOnWriteArrayList<EventLoop> RUNNING_LOOPS =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Which coroutine carrier a loop uses; see the README's section on {@code --add-opens}. */
  @Api(status = Api.Status.STABLE, since = "0.1")
  public enum CarrierChoice {
    /** The loop-scheduled carrier when the JVM allows it, else the baton carrier ({@code -Dweft.carrier} wins). */
    AUTO,
    /** Virtual threads scheduled by the loop itself; needs {@code --add-opens java.base/java.lang}. */
    LOOP_SCHEDULED,
    /** Virtual threads handing a baton to a loop that runs on a virtual thread; slower, needs nothing. */
    BATON,
    /**
     * EXPERIMENTAL: each task body is a raw JDK continuation run on the loop thread (no virtual thread per task);
     * needs {@code --add-exports java.base/jdk.internal.vm} and {@code --add-opens java.base/java.lang}. Bodies share
     * the loop thread: thread-locals and thread-owned locks are shared, blocking calls block the loop, and a monitor
     * held across an await deadlocks the loop if another of its tasks enters it.
     */
    CONTINUATION
  }

  /** The lifecycle of a loop. */
  @Api(status = Api.Status.STABLE, since = "0.1")
  public enum RunState {
    /** Not running; may be run. */
    IDLE,
    /** Inside {@link #runForever()}. */
    RUNNING,
    /** Closed; cannot be used again. */
    CLOSED
  }

  final Clock clock;
  private final Poller poller;
  // The loop's sockets; null only on a loop whose poller is a VirtualPoller and that was given no network.
  private final Network network;
  final Carrier carrier;
  // Per-loop state of other packages (Kernel.attachment) and what runs at close (Kernel.onClose); loop thread only.
  final Map<Class<?>, Object> attachments = new java.util.HashMap<>(4);
  final List<Runnable> closeHooks = new ArrayList<>(2);
  private final long epochNanos;
  private final long resolutionNanos;

  // Invariant: touched only on the loop thread; cancelled handles may sit here and are skipped.
  private final ArrayDeque<Handle> ready = new ArrayDeque<>();
  private final TimerQueue timers = new TimerQueue();
  private final ConcurrentLinkedQueue<Handle> threadsafe = new ConcurrentLinkedQueue<>();
  // Invariant: true from a thread-safe submission's wakeup until the loop next drains the thread-safe queue.
  private final AtomicBoolean wakeupPending = new AtomicBoolean();
  private final Poller.ReadySink ioSink = this::ioReady;

  private volatile RunState runState = RunState.IDLE;
  private boolean stopping;
  private long timerSeq;
  private long taskCounter;
  final TaskRegistry tasks = new TaskRegistry();
  // Futures with unread exceptions and async generators, reported or closed when collected (see GcReports).
  final GcReports gcReports;
  private final List<ShutdownHook> shutdownHooks = new ArrayList<>();

  // Invariant: the thread running iterations while RUNNING, null otherwise.
  private Thread loopThread;
  // The context of the callback now running, or null between callbacks.
  Context handleContext;
  // The task whose step is running, or null.
  Task<?> steppingTask;
  // Tasks parked outside await (Phase.BLOCKED) whose bodies the JDK may resume on its own; rarely non-empty.
  final java.util.concurrent.CopyOnWriteArrayList<Task<?>> blockedTasks =
      new java.util.concurrent.CopyOnWriteArrayList<>();
  // An error that must escape the loop, raised where the loop could not throw it (a task's body).
  private Throwable escaping;

  // The simulation deciding this loop's orders and recording its trace; null for every loop but a simulated one.
  final SimHooks sim;
  private final VirtualClock simClock;
  private final ArrayList<Handle> simExternal = new ArrayList<>();
  // On a simulated loop, the thread that sent each thread-safe callback still queued (looked up, never iterated).
  private final Map<Handle, Thread> simSenders = new java.util.concurrent.ConcurrentHashMap<>();
  // On a simulated loop, what each waiter future of a sync primitive waits on (looked up, never iterated).
  final Map<Future<?>, Object> simWaitTargets = new java.util.WeakHashMap<>();
  // On a simulated loop, where user code set each timer still set by callLater/callAt (looked up, never iterated);
  // null on other loops, so the production path pays one null check per public timer call.
  private final Map<TimerHandle, String> simTimerSites;
  // Real work in flight (threads, real sockets, subprocesses) that will call back through callSoonThreadsafe.
  private final java.util.concurrent.atomic.AtomicInteger realWork = new java.util.concurrent.atomic.AtomicInteger();
  // On a simulated loop, the real work whose messages the simulation delivers (see RealWorkQueue); else null.
  private final RealWorkQueue realWorkQueue;

  private ExceptionHandler exceptionHandler;
  private Consumer<String> warningHandler;
  private boolean debug;
  private long slowCallbackNanos = 100_000_000L;

  private EventLoop(Builder b) {
    this.clock = b.clock;
    this.poller = b.poller;
    this.network = b.network;
    this.debug = b.debug;
    this.epochNanos = clock.nanoTime();
    this.resolutionNanos = Math.max(1, clock.resolutionNanos());
    Carrier.Kind kind = switch (b.carrier) {
      case AUTO -> Carrier.Kind.AUTO;
      case LOOP_SCHEDULED -> Carrier.Kind.LOOP;
      case BATON -> Carrier.Kind.BATON;
      case CONTINUATION -> Carrier.Kind.CONTINUATION;
    };
    this.carrier = Carrier.create(kind, new Host());
    this.sim = b.sim;
    this.gcReports = new GcReports(this, sim != null);
    if (sim != null) {
      if (!(clock instanceof VirtualClock vc) || !(poller instanceof VirtualPoller)) {
        throw new IllegalArgumentException("a simulated loop needs a VirtualClock and a VirtualPoller, got " + clock
            + " and " + poller);
      }
      simClock = vc;
      simTimerSites = new java.util.HashMap<>();
      tasks.holdStrongly();
      realWorkQueue = new RealWorkQueue(this);
    } else {
      simClock = null;
      simTimerSites = null;
      realWorkQueue = null;
    }
  }

  /** Creates a production loop: the system clock, a NIO selector and the NIO network. */
  public static EventLoop create() {
    return builder().build();
  }

  /** Creates a loop on virtual time: a {@link VirtualClock} at 0 that auto-advances, and a {@link VirtualPoller}. */
  public static EventLoop createVirtual() {
    VirtualClock clock = new VirtualClock();
    return builder().clock(clock).poller(new VirtualPoller(clock)).build();
  }

  /** Returns a builder for a loop with a chosen clock, poller, network, carrier and debug mode. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the loop running on the calling thread (or whose task is running), or null. */
  public static EventLoop running() {
    Task<?> task = Task.current();
    if (task != null) {
      return task.loop;
    }
    return RUNNING.isBound() ? RUNNING.get() : null;
  }

  /**
   * Returns the loop running on the calling thread.
   *
   * @throws IllegalStateException if there is none
   */
  public static EventLoop getRunningLoop() {
    EventLoop loop = running();
    if (loop == null) {
      throw new IllegalStateException("no running event loop");
    }
    return loop;
  }

  // ------------------------------------------------------------------------------------------------------------
  // Scheduling
  // ------------------------------------------------------------------------------------------------------------

  /** Schedules {@code callback} for the next iteration, in a copy of the current context. */
  public Handle callSoon(Runnable callback) {
    return callSoon(callback, null);
  }

  /**
   * Schedules {@code callback} for the next iteration.
   *
   * @param context the context to run it in, or null for a copy of the current one
   * @throws IllegalStateException if the loop is closed, or (debug mode) if called from another thread
   */
  public Handle callSoon(Runnable callback, Context context) {
    Objects.requireNonNull(callback, "callback must not be null");
    checkThread();
    return callSoonInternal(callback, context != null ? context : currentContext().copy());
  }

  Handle callSoonInternal(Runnable callback, Context context) {
    checkClosed();
    if (sim != null) {
      checkThread();
    }
    Handle h = new Handle(this, callback, context, debugTrace("handle created at"));
    ready.add(h);
    if (sim != null && callback instanceof Handle.TaskStep step) {
      sim.queued(step.task());
    }
    return h;
  }

  /** Queues a handle made elsewhere (a future's done callback) for the next iteration. */
  void enqueue(Handle h) {
    checkClosed();
    if (sim != null) {
      checkThread();
      Task<?> woken = h.steppedTask();
      if (woken != null) {
        sim.queued(woken);
      }
    }
    ready.add(h);
  }

  /** Schedules {@code callback} from any thread; see {@link #callSoonThreadsafe(Runnable, Context)}. */
  public Handle callSoonThreadsafe(Runnable callback) {
    return callSoonThreadsafe(callback, null);
  }

  /**
   * Schedules {@code callback} from any thread and wakes the loop. Called on the loop's own thread it behaves as
   * {@link #callSoon}, keeping first-in-first-out order with it.
   *
   * @throws IllegalStateException if the loop is closed
   */
  public Handle callSoonThreadsafe(Runnable callback, Context context) {
    Objects.requireNonNull(callback, "callback must not be null");
    checkClosed();
    Context ctx = context != null ? context : currentContext().copy();
    Handle h = new Handle(this, callback, ctx, debugTrace("handle created at"));
    if (isOnLoop()) {
      ready.add(h);
    } else if (realWorkQueue == null || !realWorkQueue.offerCaptured(h, callback)) {
      submitThreadsafe(h);
    }
    return h;
  }

  private void submitThreadsafe(Handle h) {
    if (sim != null) {
      simSenders.put(h, Thread.currentThread());
    }
    threadsafe.add(h);
    if (!wakeupPending.getAndSet(true)) {
      poller.wakeup();
    }
    if (realWorkQueue != null) {
      realWorkQueue.wake();
    }
  }

  /** Runs {@code callback} after {@code delay}; see {@link #callLater(Duration, Runnable, Context)}. */
  public TimerHandle callLater(Duration delay, Runnable callback) {
    return callLater(delay, callback, null);
  }

  /**
   * Runs {@code callback} once {@code delay} has passed on the loop's clock.
   *
   * @param delay at least zero; delays beyond about 73 years are shortened to that
   * @param context the context to run it in, or null for a copy of the current one
   * @throws IllegalArgumentException if the delay is negative
   */
  public TimerHandle callLater(Duration delay, Runnable callback, Context context) {
    Objects.requireNonNull(delay, "delay must not be null");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must be >= 0, got " + delay);
    }
    return noteSite(callLaterInternal(delay, callback, context));
  }

  TimerHandle callLaterInternal(Duration delay, Runnable callback, Context context) {
    long nanos = delay.compareTo(Duration.ofNanos(MAX_DELAY_NANOS)) > 0 ? MAX_DELAY_NANOS : delay.toNanos();
    return timerAt(clock.nanoTime() + nanos, callback, context);
  }

  /**
   * Runs {@code callback} after {@code delaySeconds}, as asyncio's {@code call_later}.
   *
   * @throws IllegalArgumentException if the delay is negative, NaN or infinite
   */
  public TimerHandle callLater(double delaySeconds, Runnable callback) {
    if (!(delaySeconds >= 0) || Double.isInfinite(delaySeconds)) {
      throw new IllegalArgumentException("delay must be >= 0 and finite, got " + delaySeconds);
    }
    long nanos = delaySeconds * 1e9 >= MAX_DELAY_NANOS ? MAX_DELAY_NANOS : (long) Math.ceil(delaySeconds * 1e9);
    return noteSite(timerAt(clock.nanoTime() + nanos, callback, null));
  }

  /**
   * Runs {@code callback} at {@code when} on the {@link #time()} scale; a time in the past runs it in the next
   * iteration, still in deadline order.
   *
   * @throws IllegalArgumentException if {@code when} is NaN or infinite
   */
  public TimerHandle callAt(double when, Runnable callback) {
    return callAt(when, callback, null);
  }

  /** As {@link #callAt(double, Runnable)}, in the given context (null for a copy of the current one). */
  public TimerHandle callAt(double when, Runnable callback, Context context) {
    if (Double.isNaN(when) || Double.isInfinite(when)) {
      throw new IllegalArgumentException("when must be finite, got " + when);
    }
    double offset = Math.max(-MAX_DELAY_NANOS, Math.min(MAX_DELAY_NANOS, Math.ceil(when * 1e9)));
    return noteSite(timerAt(epochNanos + (long) offset, callback, context));
  }

  /** Runs {@code callback} when the loop's clock reads {@code whenNanos} (compared by subtraction). */
  public TimerHandle callAtNanos(long whenNanos, Runnable callback, Context context) {
    return noteSite(timerAt(whenNanos, callback, context));
  }

  // A timer set by user code through a public method: a simulated loop notes where, for the trace and leak reports.
  // The runtime's own timers for a task (Weft.sleep) go through callLaterInternal and are named after the task.
  private TimerHandle noteSite(TimerHandle h) {
    if (simTimerSites != null) {
      String site = io.weft.internal.CallSite.hereLong();
      if (site != null) {
        simTimerSites.put(h, site);
      }
    }
    return h;
  }

  /**
   * A timer of the simulated network: runs {@code delivery} after {@code delayNanos}, is traced on a simulated loop as
   * the event {@link SimHooks#EV_NET} with {@code event} (not as a timer), and is not a timer user code left set.
   */
  TimerHandle networkTimer(long delayNanos, Runnable delivery, long event) {
    long nanos = Math.min(Math.max(0, delayNanos), MAX_DELAY_NANOS);
    TimerHandle h = timerAt(clock.nanoTime() + nanos, delivery, new Context());
    h.netEvent = event;
    return h;
  }

  /** Where user code set {@code h}, on a simulated loop, while it is set; null otherwise. */
  String simTimerSite(TimerHandle h) {
    return simTimerSites == null ? null : simTimerSites.get(h);
  }

  private TimerHandle timerAt(long whenNanos, Runnable callback, Context context) {
    Objects.requireNonNull(callback, "callback must not be null");
    checkClosed();
    checkThread();
    Context ctx = context != null ? context : currentContext().copy();
    TimerHandle h = new TimerHandle(this, callback, ctx, debugTrace("timer created at"), whenNanos, timerSeq++);
    if (sim != null && steppingTask != null) {
      h.simOwner = (int) steppingTask.id() + 1;
    }
    timers.add(h);
    return h;
  }

  void timerCancelled(TimerHandle h) {
    timers.remove(h);
    if (simTimerSites != null) {
      simTimerSites.remove(h);
    }
  }

  /** For timeout messages: says the time was virtual when the loop's clock is, so nobody hunts a real delay. */
  static String timeNote(EventLoop loop) {
    return loop.clock instanceof VirtualClock ? " (virtual time)" : "";
  }

  /** Returns the loop's time: seconds on its clock since the loop was created. */
  public double time() {
    return toLoopSeconds(clock.nanoTime());
  }

  double toLoopSeconds(long nanos) {
    return (nanos - epochNanos) / 1e9;
  }

  /** Returns the loop's clock. */
  public Clock clock() {
    return clock;
  }

  /** Returns the loop's poller. */
  public Poller poller() {
    return poller;
  }

  /**
   * Returns the loop's network: the one given to {@link Builder#network}, or by default a {@link NioNetwork} when
   * the poller is not a {@link VirtualPoller}.
   *
   * @throws IllegalStateException if the loop has none (a loop on a {@link VirtualPoller} built without one)
   */
  public Network network() {
    if (network == null) {
      throw new IllegalStateException("this loop has no network: its poller is a VirtualPoller, which cannot watch"
          + " real sockets, and no network was given; build it with EventLoop.builder().network(...)");
    }
    return network;
  }

  /** Returns the name of the coroutine carrier in use: {@code loop}, {@code baton} or {@code continuation}. */
  public String carrierName() {
    return carrier.name();
  }

  /** Creates a pending future on this loop. */
  public <T> Future<T> createFuture() {
    return new Future<>(this);
  }

  /** Creates a task running {@code body}, with an automatic name, in a copy of the current context. */
  public <T> Task<T> createTask(AsyncCallable<T> body) {
    return createTask(body, null, null);
  }

  /** Creates a task with no result running {@code body}. */
  public Task<Void> createTask(AsyncRunnable body) {
    Objects.requireNonNull(body, "body must not be null");
    return createTask(body.asCallable(), null, null);
  }

  /**
   * Creates a task running {@code body}; its first step is scheduled with {@link #callSoon}.
   *
   * @param name the task's name, or null for {@code Task-N}
   * @param context the context to run in (shared, not copied), or null for a copy of the current one
   * @throws IllegalStateException if the loop is closed
   */
  public <T> Task<T> createTask(AsyncCallable<T> body, String name, Context context) {
    Objects.requireNonNull(body, "body must not be null");
    checkClosed();
    checkThread();
    return new Task<>(this, body, name, context);
  }

  long nextTaskId() {
    return ++taskCounter;
  }

  /** Returns the tasks of this loop that are not done, in creation order. */
  public Set<Task<?>> allTasks() {
    return new LinkedHashSet<>(tasks.pending());
  }

  // ------------------------------------------------------------------------------------------------------------
  // Running
  // ------------------------------------------------------------------------------------------------------------

  /**
   * Runs iterations until {@link #stop()} is called. A stop requested before this call makes it run exactly one
   * iteration.
   *
   * @throws IllegalStateException if the loop is closed, already running, or another loop runs on this thread
   */
  public void runForever() {
    checkClosed();
    if (runState == RunState.RUNNING) {
      throw new IllegalStateException("This event loop is already running");
    }
    if (running() != null) {
      throw new IllegalStateException("Cannot run the event loop while another loop is running");
    }
    synchronized (this) {
      if (runState != RunState.IDLE) {
        throw new IllegalStateException(runState == RunState.CLOSED ? "Event loop is closed"
            : "This event loop is already running");
      }
      runState = RunState.RUNNING;
    }
    RUNNING_LOOPS.add(this);
    try {
      carrier.runLoop(() -> ScopedValue.where(RUNNING, this).run(this::iterateUntilStopped));
    } finally {
      RUNNING_LOOPS.remove(this);
      loopThread = null;
      stopping = false;
      runState = RunState.IDLE;
    }
  }

  private void iterateUntilStopped() {
    loopThread = Thread.currentThread();
    while (true) {
      runOnce();
      if (stopping) {
        break;
      }
    }
  }

  /**
   * Runs the loop until {@code future} is done, then returns its result or throws its exception.
   *
   * @throws IllegalArgumentException if the future belongs to another loop
   * @throws IllegalStateException if the loop is closed or running, or stopped before the future was done
   */
  public <T> T runUntilComplete(Future<T> future) {
    Objects.requireNonNull(future, "future must not be null");
    checkRunnable();
    if (future.loop != this) {
      throw new IllegalArgumentException(
          "The future belongs to a different loop than the one specified as the loop argument: " + future);
    }
    Consumer<Future<T>> stopWhenDone = f -> {
      if (!f.isCancelled() && escapes(f.exception())) {
        return; // the error already left runForever
      }
      stop();
    };
    future.addDoneCallback(stopWhenDone);
    try {
      runForever();
    } catch (Throwable e) {
      if (future.isDone() && !future.isCancelled()) {
        future.exception(); // retrieved: it is being thrown now
      }
      throw e;
    } finally {
      future.removeDoneCallback(stopWhenDone);
    }
    if (!future.isDone()) {
      throw new IllegalStateException("Event loop stopped before Future completed: " + future);
    }
    return future.result();
  }

  /** Creates a task for {@code body} and runs the loop until it is done; see {@link #runUntilComplete(Future)}. */
  public <T> T runUntilComplete(AsyncCallable<T> body) {
    Objects.requireNonNull(body, "body must not be null");
    checkRunnable();
    return runUntilComplete(createTask(body));
  }

  private void checkRunnable() {
    checkClosed();
    if (runState == RunState.RUNNING) {
      throw new IllegalStateException("This event loop is already running");
    }
    if (running() != null) {
      throw new IllegalStateException("Cannot run the event loop while another loop is running");
    }
  }

  /** Asks the loop to stop after the current iteration. Call on the loop thread. */
  public void stop() {
    stopping = true;
  }

  /** Returns whether the loop is inside {@link #runForever()}. Any thread. */
  public boolean isRunning() {
    return runState == RunState.RUNNING;
  }

  /** Returns whether the loop is closed. Any thread. */
  public boolean isClosed() {
    return runState == RunState.CLOSED;
  }

  /** Returns the lifecycle state. Any thread. */
  public RunState runState() {
    return runState;
  }

  /**
   * Closes the loop: reports each task still pending as "Task was destroyed but it is pending!" to the exception
   * handler, drops queued callbacks and timers, and closes the poller. Idempotent.
   *
   * @throws IllegalStateException if the loop is running
   */
  @Override
  public void close() {
    if (runState == RunState.RUNNING) {
      throw new IllegalStateException("Cannot close a running event loop");
    }
    synchronized (this) {
      if (runState == RunState.RUNNING) {
        throw new IllegalStateException("Cannot close a running event loop");
      }
      if (runState == RunState.CLOSED) {
        return;
      }
      runState = RunState.CLOSED;
    }
    try {
      // A task still pending can never finish now. asyncio reports it when the garbage collector takes the task,
      // but the JDK keeps every virtual thread reachable unless -Djdk.trackAllThreads=false, so report it here.
      for (Task<?> t : tasks.pending()) {
        t.ref.done = true;
        callExceptionHandler(withSource(new ExceptionContext(
            "Task was destroyed but it is pending!", null, null, null, t, Map.of()), t.createdAt));
      }
      gcReports.poll(); // the last look: an object collected after close is not reported
      for (Runnable hook : closeHooks) {
        try {
          hook.run();
        } catch (RuntimeException e) {
          callExceptionHandler(new ExceptionContext("Exception in a close hook of the loop", e, null, null, null,
              Map.of()));
        }
      }
    } finally {
      ready.clear();
      timers.clear();
      threadsafe.clear();
      poller.close();
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // One iteration
  // ------------------------------------------------------------------------------------------------------------

  private void runOnce() {
    if (sim != null) {
      runOnceSimulated();
      return;
    }
    long timeout;
    if (!ready.isEmpty() || stopping || wakeupPending.get()) {
      timeout = 0;
    } else {
      TimerHandle next = timers.peek();
      timeout = next == null ? -1 : Math.max(0, next.whenNanos - clock.nanoTime());
    }
    if (timeout != 0 || poller.hasRegistrations()) {
      poll(timeout, ioSink);
    }
    drainThreadsafe(ready);
    if (!timers.isEmpty()) {
      long end = clock.nanoTime() + resolutionNanos;
      TimerHandle t;
      while ((t = timers.peek()) != null && t.whenNanos - end < 0) {
        timers.poll();
        ready.add(t);
      }
    }
    tasks.reap(this);
    gcReports.poll();
    int n = ready.size();
    if (!debug && WeftEvents.slowCallbackEnabled()) {
      runTimedBatch(n);
      return;
    }
    for (int i = 0; i < n; i++) {
      Handle h = ready.poll();
      if (!h.cancelled) {
        runHandle(h);
      }
    }
  }

  /**
   * Runs the iteration's {@code n} callbacks while a flight recording wants weft.SlowCallback (outside debug mode),
   * timed end to end with {@link CoarseTicker}: one volatile read per callback, no clock read.
   */
  private void runTimedBatch(int n) {
    CoarseTicker.ensureRunning();
    long t = CoarseTicker.nanoTime();
    for (int i = 0; i < n; i++) {
      Handle h = ready.poll();
      if (h.cancelled) {
        continue;
      }
      runHandle(h);
      long now = CoarseTicker.nanoTime();
      if (now - t >= slowCallbackNanos) {
        TaskReports.slowCallback(this, h, now - t, slowCallbackNanos);
        now = CoarseTicker.nanoTime(); // the report's own time is no callback's
      }
      t = now;
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // One iteration of a simulated loop (io.weft.sim): the same steps, with each free choice asked of the simulation
  // ------------------------------------------------------------------------------------------------------------

  private final Poller.ReadySink simIoSink = (handler, ops) -> {
    Context c = handler.context();
    simExternal.add(new Handle(this, () -> handler.ready(ops), c != null ? c : new Context(), null));
  };

  /**
   * As {@link #runOnce()}, but time moves only here, and every place where asyncio leaves the order open is a
   * decision of {@link #sim}, whose alternative 0 is what {@code runOnce} does: external events in arrival order,
   * timers with equal deadlines in scheduling order, a busy iteration taking no time, a timer firing on time, and
   * (chaos mode only) the ready batch first in, first out.
   */
  private void runOnceSimulated() {
    SimHooks s = sim;
    if (!s.iteration()) {
      stopping = true;
      return;
    }
    collectExternal(s);
    if (!stopping && realWorkQueue.hasDeliverable()) {
      TimerHandle next = timers.peek();
      boolean due = next != null && next.whenNanos - (clock.nanoTime() + resolutionNanos) < 0;
      RealWorkQueue.Outcome o = realWorkQueue.deliver(s, ready, ready.isEmpty() && due ? next : ready.peekFirst(),
          next != null);
      if (o == RealWorkQueue.Outcome.STOP) {
        stopping = true;
      }
      if (o == RealWorkQueue.Outcome.STOP || o == RealWorkQueue.Outcome.INTERRUPTED) {
        return; // the next iteration collects what arrived
      }
    }
    if (ready.isEmpty() && !stopping) {
      TimerHandle next = timers.peek();
      if (next == null) {
        s.stuck();
        stopping = true;
        return;
      }
      long target = next.whenNanos;
      long lateBound = s.lateBoundNanos();
      if (lateBound > 0) {
        target += lateBound * s.choose(SimHooks.LATE, 4, new Handle[] {next}, 0) / 3;
      }
      if (!moveClockTo(s, target)) {
        return;
      }
    } else if (!ready.isEmpty() && !timers.isEmpty()) {
      long bound = s.earlyBoundNanos();
      TimerHandle next = timers.peek();
      long now = clock.nanoTime();
      if (bound > 0 && next.whenNanos - (now + resolutionNanos) >= 0 && next.whenNanos - (now + bound) <= 0
          && s.choose(SimHooks.EARLY, 2, new Handle[] {next, ready.peekFirst()}, 0) == 1
          && !moveClockTo(s, next.whenNanos)) {
        return;
      }
    }
    if (!timers.isEmpty()) {
      long end = clock.nanoTime() + resolutionNanos;
      TimerHandle t;
      while ((t = timers.peek()) != null && t.whenNanos - end < 0) {
        timers.poll();
        TimerHandle tie = timers.peek();
        if (tie == null || tie.whenNanos != t.whenNanos) {
          ready.add(t);
          continue;
        }
        ArrayList<Handle> ties = new ArrayList<>();
        ties.add(t);
        while ((tie = timers.peek()) != null && tie.whenNanos == t.whenNanos) {
          ties.add(timers.poll());
        }
        addInChosenOrder(s, SimHooks.TIE, ties.toArray(new Handle[0]));
      }
    }
    tasks.reap(this);
    int n = ready.size();
    if (s.chaos() && n > 1) {
      Handle[] batch = new Handle[n];
      for (int i = 0; i < n; i++) {
        batch[i] = ready.poll();
      }
      int from = 0;
      try {
        for (; from < n; from++) {
          Handle h = takeChosen(s, SimHooks.READY, batch, from);
          if (!h.cancelled) {
            runSimulatedHandle(s, h);
            if (s.failed()) {
              stopping = true;
              return;
            }
          }
        }
      } finally {
        // A failure or an escaping error leaves the rest of the batch where FIFO mode would: first in line.
        for (int i = n - 1; i > from; i--) {
          ready.addFirst(batch[i]);
        }
      }
      return;
    }
    for (int i = 0; i < n; i++) {
      Handle h = ready.poll();
      if (!h.cancelled) {
        runSimulatedHandle(s, h);
        if (s.failed()) {
          stopping = true;
          return;
        }
      }
    }
  }

  private void collectExternal(SimHooks s) {
    if (poller.hasRegistrations()) {
      poll(0, simIoSink);
    }
    drainThreadsafe(simExternal);
    if (!simExternal.isEmpty()) {
      Handle[] external = simExternal.toArray(new Handle[0]);
      simExternal.clear();
      Object[] senders = new Object[external.length];
      for (int i = 0; i < external.length; i++) {
        senders[i] = simSenders.remove(external[i]); // null for an I/O event: each is independent
      }
      realWorkQueue.noteSenders(external, senders);
      try {
        addExternalInChosenOrder(s, external, senders);
      } finally {
        realWorkQueue.clearSenders();
      }
    }
  }

  /**
   * Queues external events in an order the simulation chooses among those a real machine could produce: events from
   * different threads (and I/O events) in any order, but each thread's callbacks in the order it sent them. The
   * candidates at each pick are the first untaken event of each sender, in arrival order, so choosing 0 every time
   * keeps the arrival order.
   */
  private void addExternalInChosenOrder(SimHooks s, Handle[] arrived, Object[] senders) {
    int n = arrived.length;
    boolean[] taken = new boolean[n];
    Handle[] candidates = new Handle[n];
    int[] index = new int[n];
    for (int k = 0; k < n; k++) {
      int c = 0;
      for (int i = 0; i < n; i++) {
        if (!taken[i] && firstOfItsSender(i, taken, senders)) {
          candidates[c] = arrived[i];
          index[c++] = i;
        }
      }
      int pick = c == 1 ? 0 : s.choose(SimHooks.EXTERNAL, c, candidates, 0);
      taken[index[pick]] = true;
      ready.add(arrived[index[pick]]);
    }
  }

  private static boolean firstOfItsSender(int i, boolean[] taken, Object[] senders) {
    if (senders[i] == null) {
      return true;
    }
    for (int j = 0; j < i; j++) {
      if (!taken[j] && senders[j] == senders[i]) {
        return false;
      }
    }
    return true;
  }

  private boolean moveClockTo(SimHooks s, long targetNanos) {
    long now = clock.nanoTime();
    if (targetNanos - now <= 0) {
      return true;
    }
    if (!s.advanceTo(targetNanos - epochNanos)) {
      stopping = true;
      return false;
    }
    simClock.advanceNanos(targetNanos - now);
    s.event(SimHooks.EV_CLOCK, targetNanos - epochNanos);
    return true;
  }

  private void addInChosenOrder(SimHooks s, int decision, Handle[] handles) {
    for (int from = 0; from < handles.length; from++) {
      ready.add(takeChosen(s, decision, handles, from));
    }
  }

  /**
   * Asks the simulation which of {@code handles[from..]} goes next, moves it to {@code handles[from]} keeping the
   * others in order, and returns it. Choosing 0 (FIFO) costs nothing; choosing k shifts k references.
   */
  private static Handle takeChosen(SimHooks s, int decision, Handle[] handles, int from) {
    int left = handles.length - from;
    int pick = left == 1 ? 0 : s.choose(decision, left, handles, from);
    Handle h = handles[from + pick];
    if (pick > 0) {
      System.arraycopy(handles, from, handles, from + 1, pick);
      handles[from] = h;
    }
    return h;
  }

  /** The id of the task a handle belongs to (the task its step resumes, or that set the timer), or -1. */
  static long simOwner(Handle h) {
    Task<?> stepped = h.steppedTask();
    if (stepped != null) {
      return stepped.id();
    }
    if (h instanceof TimerHandle t) {
      return t.simOwner - 1;
    }
    RealWorkQueue q = h.loop.realWorkQueue;
    return q == null ? -1 : q.externalOwner(h);
  }

  private void runSimulatedHandle(SimHooks s, Handle h) {
    Task<?> stepped = h.steppedTask();
    if (stepped != null) {
      s.step(stepped);
    } else if (h instanceof TimerHandle t && t.netEvent != 0) {
      s.event(SimHooks.EV_NET, t.netEvent);
    } else if (h instanceof TimerHandle t) {
      s.timer(t.seq, t.simOwner - 1, simTimerSites.isEmpty() ? null : simTimerSites.remove(t));
    } else {
      s.event(SimHooks.EV_CALLBACK, 0);
      realWorkQueue.ran(h);
    }
    runHandle(h);
  }


  // ------------------------------------------------------------------------------------------------------------
  // Real work in flight
  // ------------------------------------------------------------------------------------------------------------

  /**
   * Work outside the loop (a thread, a real socket, a subprocess) that reports back to it: made by
   * {@link #beginRealWork}. Its messages are callbacks for the loop, sent in order by the work's thread; closing it
   * says the work is over. On a production loop a message is a {@link #callSoonThreadsafe}; on a simulated loop the
   * simulation decides where each message enters the loop (see {@link #beginRealWork}).
   */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
  public interface RealWork extends AutoCloseable {
    /**
     * Ends the work. Any thread; idempotent. On the loop (in the callback that delivers the result, the usual place)
     * it ends at once; from another thread it ends after the messages that thread sent before.
     */
    @Override
    void close();

    /**
     * Sends {@code callback} to the loop as the work's next message. Any thread; on the loop's own thread it is
     * {@link EventLoop#callSoon}.
     *
     * @throws IllegalStateException if the loop is closed
     */
    Handle callSoon(Runnable callback);

    /**
     * Sends {@code callback} as the work's last message: on the loop, the work is closed, then {@code callback}
     * runs. {@code work.complete(() -> future.setResult(r))} is the usual way to hand back a result.
     *
     * @throws IllegalStateException if the loop is closed
     */
    Handle complete(Runnable callback);

    /**
     * Runs {@code body} as a task on the loop, as the work's next message, and returns a future of its outcome
     * (asyncio's {@code run_coroutine_threadsafe}): for a work's thread that needs the loop and waits for the answer.
     * A simulated loop knows that the work waits for the loop until the task ends, so it neither holds virtual time
     * nor waits for the work meanwhile. The future fails with the task's exception, or a
     * {@link java.util.concurrent.CancellationException} if the task was cancelled.
     *
     * @throws IllegalStateException if called on the loop (block there and nothing would run the task), or if the
     *     loop is closed
     */
    <T> java.util.concurrent.CompletableFuture<T> callOnLoop(AsyncCallable<T> body);
  }

  /**
   * Declares real work: work on another thread (or a real socket, a subprocess) that will report back to this loop.
   * A production loop only counts it ({@link #realWorkInFlight()}). Any thread.
   *
   * <p><b>On a simulated loop</b> the work's messages enter the loop where the simulation decides, not when the
   * thread happens to send them, so a run replays exactly whatever the threads' timing. A message is the work's when
   * it is sent with {@link RealWork#callSoon}, {@link RealWork#complete} or {@link RealWork#callOnLoop}, and when
   * {@link #callSoonThreadsafe} is given a lambda that uses the work (the usual
   * {@code callSoonThreadsafe(() -> { work.close(); future.setResult(r); })}, closing it in the callback that delivers
   * the result; a lambda of a named module is recognized only if its package is open to {@code io.weft.core}). While
   * the work is open and not waiting in a {@code callOnLoop}, virtual time stands still; at each
   * iteration the simulation chooses whether the next message of a work enters now (alternative 0: not while the
   * loop has something to run; when it would be idle, the oldest work's), and then the loop waits in real time for
   * that message, up to the watchdog. Each work is an owner of its own in the simulation's choice points (-2 for the
   * first work of a run, -3 for the second, ...), and each delivery is an event of the trace.
   *
   * <p>For this to hold, a test must: declare every thread that calls back into the loop; send each message through
   * the work (or a lambda that uses it); give each work one sending thread; and never let that thread wait for the
   * loop except through {@link RealWork#callOnLoop} (the loop may be waiting for that thread's next message: the run
   * fails as WATCHDOG, naming the work). A thread that calls {@code callSoonThreadsafe} with a callback that does not
   * use a work, or a message sent after the work was closed, enters whenever it arrives: that part of a run is not
   * reproducible. Work that never reports back fails the run as WATCHDOG after the watchdog's real time
   * ({@code weft.watchdog}, 10 s by default).
   *
   * @param description what the work is, for reports
   */
  public RealWork beginRealWork(String description) {
    Objects.requireNonNull(description, "description must not be null");
    realWork.incrementAndGet();
    return realWorkQueue != null ? realWorkQueue.begin(description) : new RealWorkItem(this, null, 0, description, 0);
  }

  /** Returns how many {@link RealWork}s are open. Any thread. */
  public int realWorkInFlight() {
    return realWork.get();
  }

  /** A work was closed. Any thread. */
  void realWorkClosed() {
    realWork.decrementAndGet();
    poller.wakeup();
  }

  /** Sends a message of {@code work}: into its inbox on a simulated loop, else as a thread-safe callback. */
  Handle realWorkMessage(RealWorkItem work, Runnable callback) {
    checkClosed();
    Handle h = new Handle(this, callback, currentContext().copy(), debugTrace("handle created at"));
    if (isOnLoop()) {
      ready.add(h);
    } else if (realWorkQueue == null || !work.offer(h)) {
      submitThreadsafe(h);
    }
    return h;
  }

  /** Queues a callback from another thread that no real work claims. Any thread. */
  void submitUnattributed(Handle h) {
    submitThreadsafe(h);
  }

  /** Whether a thread-safe callback that no real work claimed is waiting to be collected. */
  boolean unattributedPending() {
    return wakeupPending.get();
  }

  /** Whether the caller runs on this loop (its thread, or one of its tasks). */
  boolean onLoopThread() {
    return isOnLoop();
  }

  private void poll(long timeoutNanos, Poller.ReadySink sink) {
    try {
      poller.poll(timeoutNanos, sink);
    } catch (IOException e) {
      throw new UncheckedIOException("the poller failed", e);
    }
  }

  /** Moves the callbacks other threads sent, if a wakeup says there are any, to {@code into}. */
  private void drainThreadsafe(java.util.Collection<Handle> into) {
    if (wakeupPending.get()) {
      wakeupPending.set(false);
      Handle h;
      while ((h = threadsafe.poll()) != null) {
        into.add(h);
      }
    }
  }

  private void ioReady(Poller.IoHandler handler, int readyOps) {
    Context c = handler.context();
    ready.add(new Handle(this, () -> handler.ready(readyOps), c != null ? c : Context.current().copy(), null));
  }

  private void runHandle(Handle h) {
    Context c = h.context;
    handleContext = c;
    boolean entered = false;
    try {
      c.enterForStep();
      entered = true;
      if (debug) {
        runTimed(h);
      } else {
        h.invoke();
      }
    } catch (Throwable e) {
      if (escapes(e)) {
        throw e;
      }
      callExceptionHandler(withSource(new ExceptionContext("Exception in callback " + h, e, h, null, null,
          Map.of()), h.createdAt));
    } finally {
      if (entered) {
        c.exitForStep();
      }
      handleContext = null;
    }
    if (escaping != null) {
      Throwable e = escaping;
      escaping = null;
      throw Sneaky.<RuntimeException>raise(e);
    }
  }

  // Debug mode: times each callback for the slow-callback warning (and weft.SlowCallback if a recording wants it).
  private void runTimed(Handle h) {
    long t0 = SystemClock.INSTANCE.nanoTime();
    try {
      h.invoke();
    } finally {
      long took = SystemClock.INSTANCE.nanoTime() - t0;
      if (took >= slowCallbackNanos) {
        TaskReports.slowCallback(this, h, took, slowCallbackNanos);
      }
    }
  }

  static boolean escapes(Throwable e) {
    return e instanceof KeyboardInterrupt || e instanceof SystemExit || e instanceof VirtualMachineError;
  }

  void escape(Throwable e) {
    escaping = e;
  }

  /** A task's step ended with its body blocked outside await; returns how long to wait for it (0: do not wait). */
  long taskBlocked(Task<?> task) {
    long wait = sim != null ? sim.taskBlocked(task) : 0;
    if (wait <= 0) {
      TaskReports.blockedOutsideAwait(this, task);
    }
    return wait;
  }

  /** The loop waited for a blocked task as {@link #taskBlocked} asked, and the JDK did not hand it back in time. */
  void taskStayedBlocked(Task<?> task) {
    if (sim != null) {
      sim.taskStayedBlocked(task);
    }
  }

  /** The loop waited for a blocked task as {@link #taskBlocked} asked, and the JDK handed it back. */
  void taskHandedBack(Task<?> task) {
    if (sim != null) {
      sim.taskHandedBack(task);
    }
  }

  /** Debug mode: a task that was asked to cancel finished normally, without uncancel(). */
  void taskSwallowedCancellation(Task<?> task) {
    if (debug) {
      warn(TaskReports.swallowedCancellation(task));
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // Errors, debug mode, threads
  // ------------------------------------------------------------------------------------------------------------

  /** Sets the exception handler; null restores the default. */
  public void setExceptionHandler(ExceptionHandler handler) {
    this.exceptionHandler = handler;
  }

  /** Returns the exception handler set, or null if the default is in use. */
  public ExceptionHandler getExceptionHandler() {
    return exceptionHandler;
  }

  /** The default handler: logs the formatted context at ERROR to the {@code io.weft} logger. */
  public void defaultExceptionHandler(ExceptionContext context) {
    System.getLogger("io.weft").log(System.Logger.Level.ERROR, context.format());
  }

  /**
   * Passes {@code context} to the exception handler. A handler that throws is reported through the default handler
   * as "Unhandled error in exception handler"; a default handler that throws is logged and swallowed.
   */
  public void callExceptionHandler(ExceptionContext context) {
    ExceptionHandler h = exceptionHandler;
    if (h == null) {
      try {
        defaultExceptionHandler(context);
      } catch (Throwable e) {
        if (escapes(e)) {
          throw e;
        }
        logRaw("Exception in default exception handler", e);
      }
      return;
    }
    try {
      h.handle(this, context);
    } catch (Throwable e) {
      if (escapes(e)) {
        throw e;
      }
      try {
        defaultExceptionHandler(
            new ExceptionContext("Unhandled error in exception handler", e, null, null, null, Map.of("context", context)));
      } catch (Throwable e2) {
        if (escapes(e2)) {
          throw e2;
        }
        logRaw("Exception in default exception handler while handling an unexpected error in custom exception handler",
            e2);
      }
    }
  }

  private static void logRaw(String message, Throwable e) {
    System.getLogger("io.weft").log(System.Logger.Level.ERROR, message, e);
  }

  ExceptionContext withSource(ExceptionContext context, Throwable createdAt) {
    return createdAt == null ? context : context.with("source_traceback", createdAt.getStackTrace());
  }

  /** Sets where debug-mode warnings go; null restores the default (WARNING on the {@code io.weft} logger). */
  public void setWarningHandler(Consumer<String> handler) {
    this.warningHandler = handler;
  }

  void warn(String message) {
    Consumer<String> w = warningHandler;
    if (w != null) {
      w.accept(message);
    } else {
      System.getLogger("io.weft").log(System.Logger.Level.WARNING, message);
    }
  }

  /** Returns whether debug mode is on. */
  public boolean isDebug() {
    return debug;
  }

  /**
   * Turns debug mode on or off: wrong-thread checks, creation stacks on handles and futures, slow-callback and
   * blocked-task warnings. On by default when the system property {@code weft.debug} or the environment variable
   * {@code WEFT_DEBUG} is set to anything but {@code false} or {@code 0}.
   */
  public void setDebug(boolean debug) {
    this.debug = debug;
  }

  /** Returns how long a callback may run before debug mode warns about it. */
  public Duration slowCallbackDuration() {
    return Duration.ofNanos(slowCallbackNanos);
  }

  /**
   * Sets how long a callback may run before debug mode warns about it (default 100 ms).
   *
   * @throws IllegalArgumentException if negative
   */
  public void setSlowCallbackDuration(Duration duration) {
    Objects.requireNonNull(duration, "duration must not be null");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("slow callback duration must be >= 0, got " + duration);
    }
    this.slowCallbackNanos = duration.toNanos();
  }

  Throwable debugTrace(String what) {
    return debug ? new Throwable(what) : null;
  }

  void checkClosed() {
    if (runState == RunState.CLOSED) {
      throw new IllegalStateException("Event loop is closed");
    }
  }

  void checkThread() {
    if ((debug || sim != null) && runState == RunState.RUNNING && !isOnLoop()) {
      if (sim != null) {
        sim.foreignThread(Thread.currentThread().toString());
      }
      throw new IllegalStateException("Non-thread-safe operation invoked on an event loop other than the current one: "
          + "called from " + Thread.currentThread() + "; use callSoonThreadsafe");
    }
  }

  private boolean isOnLoop() {
    Thread t = Thread.currentThread();
    if (t == loopThread) {
      return true;
    }
    Task<?> st = steppingTask;
    return (st != null && st.runsOn(t)) || running() == this;
  }

  /** Returns the current context, answering from the loop's own state when the caller is the loop or its task. */
  Context currentContext() {
    Thread t = Thread.currentThread();
    // The stepping task first: on the continuation carrier a body runs on the loop thread itself.
    Task<?> st = steppingTask;
    if (st != null && st.runsOn(t)) {
      return st.currentContext;
    }
    if (t == loopThread) {
      Context c = handleContext;
      if (c != null) {
        return c;
      }
    }
    return Context.current();
  }

  // ------------------------------------------------------------------------------------------------------------
  // Shutdown hooks (run by Runner.close)
  // ------------------------------------------------------------------------------------------------------------

  /** Async clean-up that {@link Runner#close()} awaits after cancelling the remaining tasks. */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.1")
  public record ShutdownHook(String name, AsyncRunnable body) {
    /** Checks the fields. */
    public ShutdownHook {
      Objects.requireNonNull(name, "name must not be null");
      Objects.requireNonNull(body, "body must not be null");
    }
  }

  /**
   * Registers clean-up that {@link Runner#close()} runs, in registration order, after cancelling the tasks still
   * pending and before closing the loop: finalizing async generators and shutting down the default executor use
   * this. A hook that fails is reported to the exception handler and the others still run.
   */
  public void addShutdownHook(ShutdownHook hook) {
    shutdownHooks.add(Objects.requireNonNull(hook, "hook must not be null"));
  }

  List<ShutdownHook> shutdownHooks() {
    return List.copyOf(shutdownHooks);
  }

  final AsyncGenerators asyncGenerators = new AsyncGenerators(this);

  void asyncGeneratorFirstIteration(AsyncGenerator<?> generator, AsyncGenerator.Core<?> core) {
    asyncGenerators.firstIteration(generator, core);
  }

  /** Checks the loop's invariants; for tests. */
  void checkInvariants() {
    timers.checkInvariants();
    if (runState != RunState.RUNNING && steppingTask != null) {
      throw new AssertionError("a task is stepping while the loop is not running: " + steppingTask);
    }
  }

  List<String> pendingTimers() {
    List<String> out = new ArrayList<>();
    for (TimerHandle t : timers.inOrder()) {
      if (t.netEvent != 0) {
        continue; // the network's deliveries in flight: not something user code left set
      }
      String site = simTimerSite(t);
      out.add(site != null ? t + " set at " + site : t.toString());
    }
    return out;
  }

  int readyCount() {
    return ready.size();
  }

  int timerCount() {
    return timers.size();
  }

  @Override
  public String toString() {
    return "<EventLoop " + runState.name().toLowerCase(java.util.Locale.ROOT) + " debug=" + debug + " ready="
        + ready.size() + " timers=" + timers.size() + " carrier=" + carrier.name() + ">";
  }

  private final class Host implements CarrierHost {
    @Override
    public void submitOnLoop(Runnable r) {
      ready.add(new Handle(EventLoop.this, r, currentContext().copy(), null));
    }

    @Override
    public void submitFromOtherThread(Runnable r) {
      submitThreadsafe(new Handle(EventLoop.this, r, new Context(), null));
    }
  }

  /** Configures a loop. */
  @Api(status = Api.Status.STABLE, since = "0.1")
  public static final class Builder {
    private Clock clock = SystemClock.INSTANCE;
    private Poller poller;
    private Network network;
    private boolean debug = debugFromEnvironment();
    private CarrierChoice carrier = CarrierChoice.AUTO;
    private SimHooks sim;

    private Builder() {}

    Builder sim(SimHooks sim) {
      this.sim = sim;
      return this;
    }

    /** Sets the clock (default: the system clock). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock must not be null");
      return this;
    }

    /** Sets the poller (default: a new {@link NioPoller}). */
    public Builder poller(Poller poller) {
      this.poller = Objects.requireNonNull(poller, "poller must not be null");
      return this;
    }

    /**
     * Sets the network (default: a {@link NioNetwork} when the poller is not a {@link VirtualPoller}; a loop on a
     * {@link VirtualPoller} has no network unless given one). Its sockets must be of a kind the poller watches.
     */
    public Builder network(Network network) {
      this.network = Objects.requireNonNull(network, "network must not be null");
      return this;
    }

    /** Turns debug mode on or off (default: from {@code weft.debug} / {@code WEFT_DEBUG}). */
    public Builder debug(boolean debug) {
      this.debug = debug;
      return this;
    }

    /** Chooses the coroutine carrier (default {@link CarrierChoice#AUTO}). */
    public Builder carrier(CarrierChoice carrier) {
      this.carrier = Objects.requireNonNull(carrier, "carrier must not be null");
      return this;
    }

    /** Builds the loop. */
    public EventLoop build() {
      if (poller == null) {
        poller = new NioPoller();
      }
      if (network == null) {
        network = defaultNetwork(poller);
      }
      return new EventLoop(this);
    }

    /**
     * The network a loop gets when none is given: NIO's for a poller that can watch real sockets, none (null) for a
     * {@link VirtualPoller}, whose loop is simulated and must not touch the real network.
     */
    private static Network defaultNetwork(Poller poller) {
      return poller instanceof VirtualPoller ? null : new NioNetwork();
    }

    private static boolean debugFromEnvironment() {
      String v = System.getProperty("weft.debug");
      if (v == null) {
        v = System.getenv("WEFT_DEBUG");
      }
      return v != null && !v.isEmpty() && !v.equals("0") && !v.equalsIgnoreCase("false");
    }
  }
}
