package io.weft;

import io.weft.internal.Coroutine;
import io.weft.internal.Sneaky;
import io.weft.internal.jfr.WeftEvents;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A body running on the loop in steps: asyncio's {@code Task}. Each step runs until the body awaits a future that
 * is not done, then the loop runs other work until that future completes.
 *
 * <h2>Cancellation</h2>
 *
 * <p>{@link #cancel(String)} is a request: the body gets a {@link CancelledError} at its current or next await, and
 * the task ends cancelled only if that error leaves the body. Requests are counted ({@link #cancelling()},
 * {@link #uncancel()}). If the awaited future has already completed and the task is about to resume when the
 * request comes (the wake/cancel race), the body still gets the {@code CancelledError} at that await and the
 * future's result is discarded, as in asyncio. Cancelling a task that awaits another task cancels that task; the
 * outer one is cancelled when the inner one's cancellation reaches it.
 *
 * <h2>Introspection</h2>
 *
 * <p>{@link #phase()}, {@link #awaiting()} and {@link #stack()} tell where a task is, for reports on deadlocks and
 * slow callbacks.
 *
 * @param <T> the result type
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public final class Task<T> extends Future<T> {

  /** Where a task is in its life. */
  @Api(status = Api.Status.STABLE, since = "0.1")
  public enum Phase {
    /** Created; its first step is scheduled but has not run. */
    CREATED,
    /** Its body is running now. */
    RUNNING,
    /** Waiting at an await (or in {@code sleep(0)}) for the loop to resume it. */
    SUSPENDED,
    /**
     * Parked outside any await, by a blocking call such as {@code Thread.sleep}, blocking I/O or a contended thread
     * lock; it continues when that call returns.
     */
    BLOCKED,
    /** Finished, failed or cancelled. */
    DONE
  }

  private final AsyncCallable<T> body;
  private final long id;
  private String name;
  // The context the task's steps run in (entered by each step's handle); fixed for the task's life.
  final Context context;
  // The context the body's code sees as current: the task's context, except inside Context.run in the body.
  Context currentContext;
  Coroutine coroutine;
  // Invariant: non-null only while SUSPENDED on a future (null during sleep(0) and after the wake-up step starts).
  Future<?> futWaiter;
  // Invariant: mustCancel implies numCancelsRequested > 0 and the task is not done.
  boolean mustCancel;
  String cancelRequestMessage;
  int numCancelsRequested;
  Throwable resumeWith;
  Phase phase = Phase.CREATED;
  final TaskRegistry.Ref ref;
  // True once a CancelledError was raised into the body while a cancellation was requested (debug reports).
  boolean cancellationDelivered;
  // True for the task that runs an AsyncGenerator's body: shutdown closes it through the generator, not by cancel.
  boolean generatorBody;
  // The task's step callback, and the done callback that wakes it: one object for both.
  final Step step = new Step();

  Task(EventLoop loop, AsyncCallable<T> body, String name, Context context) {
    super(loop);
    this.body = Objects.requireNonNull(body, "body must not be null");
    this.id = loop.nextTaskId();
    this.name = name != null || (loop.sim == null && !loop.isDebug()) ? name : siteName(id);
    this.context = context != null ? context : loop.currentContext().copy();
    this.currentContext = this.context;
    this.ref = loop.tasks.register(this);
    if (WeftEvents.taskEventsEnabled()) {
      Task<?> parent = loop.steppingTask;
      ref.jfrDone = WeftEvents.taskCreated(id, getName(), parent == null ? 0 : parent.id, loop);
    }
    loop.callSoonInternal(step, this.context);
  }

  /** Commits the flight recorder's weft.TaskDone, if it was begun; called once, where the task becomes done. */
  private void recordDone(WeftEvents.Outcome outcome, Throwable error) {
    Object e = ref.jfrDone;
    if (e != null) {
      ref.jfrDone = null;
      WeftEvents.taskDone(e, getName(), outcome, error);
    }
  }

  // A hint for current(): the task some loop is stepping. Written and read without synchronization; current()
  // trusts it only after checking that the calling thread is that task's own thread, so a stale or torn value costs
  // a scan of the running loops, never a wrong answer.
  private static Task<?> lastStepped;

  /**
   * Returns the task whose body is running on the calling thread, or null (in callbacks and outside loops).
   *
   * <p>A body runs either inside its loop's step of it, or, on the loop-scheduled carrier, after the JDK resumed it
   * from a blocking call, while its loop lists it as blocked; both are found from the running loops, so tasks need no
   * thread-local or scoped-value binding.
   */
  public static Task<?> current() {
    Thread t = Thread.currentThread();
    Task<?> hint = lastStepped;
    if (hint != null && hint.runsOn(t)) {
      return hint;
    }
    for (EventLoop loop : EventLoop.RUNNING_LOOPS) {
      Task<?> stepping = loop.steppingTask;
      if (stepping != null && stepping.runsOn(t)) {
        return stepping;
      }
      for (Task<?> blocked : loop.blockedTasks) {
        if (blocked.runsOn(t)) {
          return blocked;
        }
      }
    }
    return null;
  }

  // On a simulated loop or in debug mode, an unnamed task is named after where it was created, for the trace and the
  // reports (a stack walk of a few microseconds, which production loops never pay).
  private static String siteName(long id) {
    String site = io.weft.internal.CallSite.here();
    return site == null ? null : "Task-" + id + " (" + site + ")";
  }

  /**
   * Returns the task's name: the one it was given, or {@code Task-N} with N counted per loop from 1. On a simulated
   * loop ({@code io.weft.sim}) and in debug mode an unnamed task's name also says where it was created: {@code Task-3
   * (RacyBank.transfer:31)}, the first frame outside Weft's runtime.
   */
  public String getName() {
    return name != null ? name : "Task-" + id;
  }

  /** Renames the task; {@code String.valueOf(name)} is stored. */
  public void setName(Object name) {
    this.name = String.valueOf(name);
    ref.customName = this.name;
  }

  Thread.State threadState() {
    Coroutine c = coroutine;
    return c == null ? Thread.State.NEW : c.thread().getState();
  }

  boolean runsOn(Thread t) {
    Coroutine c = coroutine;
    return c != null && c.thread() == t;
  }

  long id() {
    return id;
  }

  String customName() {
    return name;
  }

  /** Returns the context the task runs in. */
  public Context getContext() {
    return context;
  }

  /** Returns where the task is in its life. */
  public Phase phase() {
    return phase;
  }

  /** Returns the future the task is suspended on, or null if it is not waiting on one. */
  public Future<?> awaiting() {
    return futWaiter;
  }

  /**
   * Returns the task's stack: where it is suspended or blocked, or, called from the task itself, where it runs.
   * Empty before the first step and after the task is done.
   */
  public StackTraceElement[] stack() {
    if (coroutine == null || phase == Phase.DONE) {
      return new StackTraceElement[0];
    }
    return coroutine.stackTrace();
  }

  /** Returns the number of cancellation requests not yet withdrawn with {@link #uncancel()}. */
  public int cancelling() {
    return numCancelsRequested;
  }

  /**
   * Withdraws one cancellation request; at zero, a pending request that has not reached the body yet is dropped.
   *
   * @return the number of requests left
   */
  public int uncancel() {
    if (numCancelsRequested > 0) {
      numCancelsRequested--;
      if (numCancelsRequested == 0) {
        mustCancel = false;
      }
    }
    return numCancelsRequested;
  }

  /**
   * Requests cancellation; see the class description.
   *
   * @return false if the task is already done, true otherwise
   */
  @Override
  public boolean cancel(String message) {
    loop.checkThread();
    clearUnretrieved();
    if (isDone()) {
      return false;
    }
    numCancelsRequested++;
    if (futWaiter != null && futWaiter.cancel(message)) {
      // The waiter's cancellation wakes the task with a CancelledError; the waiter is kept, as it may be a task
      // that swallows the cancellation and must be cancelled again later.
      return true;
    }
    mustCancel = true;
    cancelRequestMessage = message;
    return true;
  }

  /** Not supported: a task's result is what its body returns. */
  @Override
  public void setResult(T value) {
    throw new UnsupportedOperationException("Task does not support setResult(): " + this);
  }

  /** Not supported: a task's exception is what its body throws. */
  @Override
  public void setException(Throwable error) {
    throw new UnsupportedOperationException("Task does not support setException(): " + this);
  }

  @Override
  void markRetrieved() {
    clearUnretrieved();
  }

  /** A task's unread exception is reported through the loop's task registry, not as a plain future's. */
  @Override
  void trackUnretrieved(Throwable error) {}

  private void clearUnretrieved() {
    exceptionUnretrieved = false;
    ref.unretrieved = null;
  }

  // ------------------------------------------------------------------------------------------------------------
  // Stepping (loop side)
  // ------------------------------------------------------------------------------------------------------------

  private void runStep() {
    if (isDone()) {
      throw new InvalidStateError("step(): already done: " + this);
    }
    if (phase != Phase.CREATED && phase != Phase.SUSPENDED) {
      throw new IllegalStateException("step() of " + this + " in phase " + phase
          + ": a step resumes a task that is created or suspended at an await");
    }
    Throwable exc = null;
    if (mustCancel) {
      mustCancel = false;
      exc = new CancelledError(cancelRequestMessage);
    }
    futWaiter = null;
    if (coroutine == null) {
      if (exc != null) {
        // Cancelled before its first step: the body never runs.
        phase = Phase.DONE;
        cancelWith((CancelledError) exc);
        ref.done = true;
        recordDone(WeftEvents.Outcome.CANCELLED, null);
        return;
      }
      coroutine = loop.carrier.create(this::runBody);
    }
    resumeWith = exc;
    phase = Phase.RUNNING;
    lastStepped = this;
    Task<?> outer = loop.steppingTask;
    loop.steppingTask = this;
    try {
      coroutine.resume();
      // Still RUNNING here: the body blocked outside any await (a lock, a sleep, I/O). The loop either lets it go
      // (the JDK hands it back to the loop's queue later) or, for another thread's lock in a simulation, blocks
      // until the JDK hands it back, then runs it on as part of this same step; it may block again.
      while (phase == Phase.RUNNING) {
        phase = Phase.BLOCKED;
        loop.blockedTasks.add(this);
        long waitNanos = loop.taskBlocked(this);
        if (!coroutine.awaitHandBack(waitNanos)) {
          if (waitNanos > 0) {
            loop.taskStayedBlocked(this);
          }
          break;
        }
        loop.blockedTasks.remove(this);
        phase = Phase.RUNNING;
        loop.taskHandedBack(this);
        coroutine.resumeHandedBack();
      }
    } finally {
      loop.steppingTask = outer;
      lastStepped = null; // the hint must not keep a suspended task reachable
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // The body's side: runs on the coroutine's thread, one step at a time
  // ------------------------------------------------------------------------------------------------------------

  private void runBody() {
    T value;
    try {
      value = body.call();
    } catch (CancelledError e) {
      leaveBlocked();
      phase = Phase.DONE;
      ref.done = true;
      cancelWith(e);
      recordDone(WeftEvents.Outcome.CANCELLED, null);
      return;
    } catch (Throwable e) {
      leaveBlocked();
      phase = Phase.DONE;
      ref.done = true;
      finish(null, e);
      ref.unretrieved = e;
      recordDone(WeftEvents.Outcome.EXCEPTION, e);
      if (EventLoop.escapes(e)) {
        loop.escape(e);
      }
      return;
    }
    leaveBlocked();
    phase = Phase.DONE;
    ref.done = true;
    if (mustCancel) {
      // The body cancelled itself (or was cancelled with nothing to interrupt) and then returned.
      mustCancel = false;
      cancelFuture(cancelRequestMessage);
      recordDone(WeftEvents.Outcome.CANCELLED, null);
    } else {
      if (numCancelsRequested > 0 && cancellationDelivered) {
        loop.taskSwallowedCancellation(this);
      }
      finish(value, null);
      recordDone(WeftEvents.Outcome.RESULT, null);
    }
  }


  /** Gives up the loop for exactly one iteration: {@code sleep(0)}. */
  static void yieldNow(Task<?> task) {
    task.loop.callSoonInternal(task.step, task.context);
    task.park();
  }

  /** Called on the body's thread when a body the JDK resumed after a blocking call is back under the loop. */
  void leaveBlocked() {
    if (phase == Phase.BLOCKED) {
      loop.blockedTasks.remove(this);
    }
  }

  private void park() {
    leaveBlocked();
    phase = Phase.SUSPENDED;
    coroutine.suspend();
    phase = Phase.RUNNING;
    Throwable e = resumeWith;
    if (e != null) {
      resumeWith = null;
      cancellationDelivered = true;
      throw Sneaky.<RuntimeException>raise(e);
    }
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("<Task");
    if (!isDone() && numCancelsRequested > 0) {
      sb.append(" cancelling");
    } else {
      appendState(sb);
    }
    sb.append(" name='").append(getName()).append('\'');
    if (!isDone()) {
      sb.append(' ').append(phase.name().toLowerCase(java.util.Locale.ROOT));
    }
    Future<?> w = futWaiter;
    if (w != null) {
      sb.append(" wait_for=").append(w instanceof Task<?> t ? "<Task name='" + t.getName() + "'>" : w);
    }
    return sb.append('>').toString();
  }

  private final class Step implements Handle.TaskStep, Consumer<Future<?>> {
    @Override
    public void run() {
      runStep();
    }

    @Override
    public void accept(Future<?> awaited) {
      runStep();
    }

    @Override
    public Task<?> task() {
      return Task.this;
    }
  }
}
