package io.weft;

import io.weft.internal.Sneaky;
import java.util.ArrayList;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A result that will exist later: asyncio's {@code Future}, for one loop and its thread.
 *
 * <p>A future is pending, then either finished (with a result or an exception) or cancelled, once. Done callbacks
 * never run synchronously: completing the future, or adding a callback to a future that is already done, schedules
 * them with {@link EventLoop#callSoon}, in the order they were added, each in the context it was added with.
 *
 * <p>Not thread-safe: use it from its loop's thread (tasks included). Other threads reach a loop through
 * {@link EventLoop#callSoonThreadsafe}.
 *
 * @param <T> the result type
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public class Future<T> {

  /** The states of a future; transitions go from {@code PENDING} only. */
  @Api(status = Api.Status.STABLE, since = "0.1")
  public enum State {
    /** Not done yet. */
    PENDING,
    /** Done: cancelled. */
    CANCELLED,
    /** Done: has a result or an exception. */
    FINISHED
  }

  final EventLoop loop;
  private State state = State.PENDING;
  private T result;
  private Throwable exception;
  private String cancelMessage;
  private CancelledError cancelledError;
  // Invariant: null, one Callback, a Task (standing for the Callback that steps it in its context: a task awaiting
  // this future, stored without allocating; the Callback is made when it is scheduled), or an ArrayList<Callback>;
  // null once the future is done and they are scheduled.
  private Object callbacks;
  // Invariant: true only while FINISHED with an exception that no one has read; while it is, a plain future (not a
  // task: tasks have their own registry) is tracked by the loop's GcReports, found by identity, so that the field
  // layout of every future and task stays as it was.
  boolean exceptionUnretrieved;
  final Throwable createdAt;

  /** Creates a pending future on {@code loop}; prefer {@link EventLoop#createFuture()}. */
  public Future(EventLoop loop) {
    this.loop = Objects.requireNonNull(loop, "loop must not be null");
    this.createdAt = loop.debugTrace("created at");
  }

  /** Returns the loop this future belongs to. */
  public EventLoop loop() {
    return loop;
  }

  /** Returns the current state. */
  public final State state() {
    return state;
  }

  /** Returns whether the future is finished or cancelled. */
  public final boolean isDone() {
    return state != State.PENDING;
  }

  /** Returns whether the future was cancelled. */
  public final boolean isCancelled() {
    return state == State.CANCELLED;
  }

  /**
   * Returns the result, or throws the exception the future finished with, unchanged.
   *
   * @throws CancelledError if the future was cancelled
   * @throws InvalidStateError if the future is not done
   */
  public T result() {
    switch (state) {
      case CANCELLED -> throw makeCancelledError();
      case PENDING -> throw new InvalidStateError("Result is not ready: " + this);
      default -> {
        markRetrieved();
        if (exception != null) {
          throw Sneaky.<RuntimeException>raise(exception);
        }
        return result;
      }
    }
  }

  /**
   * Returns the exception the future finished with, or null if it has a result.
   *
   * @throws CancelledError if the future was cancelled
   * @throws InvalidStateError if the future is not done
   */
  public Throwable exception() {
    switch (state) {
      case CANCELLED -> throw makeCancelledError();
      case PENDING -> throw new InvalidStateError("Exception is not set: " + this);
      default -> {
        markRetrieved();
        return exception;
      }
    }
  }

  /**
   * Waits for the future inside a task and returns its result, or throws its exception unchanged.
   *
   * <p>A future that is already done returns at once without suspending the task.
   *
   * @throws CancelledError if the future or the awaiting task is cancelled
   * @throws IllegalStateException if not called from a task of this future's loop, or if a task awaits itself
   */
  public final T await() {
    // The whole suspension is written out here, not split into helpers: every frame on this path stays in the stack
    // of each parked task, which is most of a suspended task's memory.
    Task<?> task = Task.current();
    if (task == null) {
      throw new IllegalStateException("await() must be called from a task, but was called "
          + (EventLoop.RUNNING.isBound() ? "from a callback on the loop thread" : "outside any running loop")
          + " for " + this);
    }
    if (loop != task.loop) {
      throw new IllegalStateException("Task " + task + " got Future " + this + " attached to a different loop");
    }
    if (state == State.PENDING) {
      resolveOnAwait();
    }
    if (state == State.PENDING) {
      if (this == task) {
        throw new IllegalStateException("Task cannot await on itself: " + task);
      }
      addDoneCallback(task.step, task.context);
      task.futWaiter = this;
      if (task.mustCancel && cancel(task.cancelRequestMessage)) {
        task.mustCancel = false;
      }
      task.leaveBlocked();
      task.phase = Task.Phase.SUSPENDED;
      task.coroutine.suspend();
      task.phase = Task.Phase.RUNNING;
      Throwable e = task.resumeWith;
      if (e != null) {
        task.resumeWith = null;
        task.cancellationDelivered = true;
        if (state != State.PENDING) {
          wakeupLost(); // the wake/cancel race: this future completed, but its awaiter is cancelled instead
        }
        throw Sneaky.<RuntimeException>raise(e);
      }
      if (state == State.CANCELLED && task.numCancelsRequested > 0) {
        task.cancellationDelivered = true;
      }
    }
    return result();
  }

  /**
   * Called by {@link #await()} on a pending future before the task suspends: a future whose outcome is taken when it
   * is first awaited (an asCompleted step, asyncio's {@code await done.get()}) takes it now if it is there, so the
   * task goes on without giving up the loop. Does nothing by default.
   */
  void resolveOnAwait() {}

  /**
   * Finishes the future with a result (which may be null) and schedules its callbacks.
   *
   * @throws InvalidStateError if the future is already done
   */
  public void setResult(T value) {
    finish(value, null);
  }

  /**
   * Finishes the future with an exception and schedules its callbacks.
   *
   * @throws InvalidStateError if the future is already done
   */
  public void setException(Throwable error) {
    Objects.requireNonNull(error, "exception must not be null");
    finish(null, error);
  }

  final void finish(T value, Throwable error) {
    if (loop.sim != null) {
      loop.checkThread(); // a simulated run fails, naming the thread, instead of racing it
    }
    if (state != State.PENDING) {
      throw new InvalidStateError("invalid state " + state + ": " + this);
    }
    result = value;
    exception = error;
    state = State.FINISHED;
    if (error != null) {
      exceptionUnretrieved = true;
      trackUnretrieved(error);
    }
    scheduleCallbacks();
  }

  /**
   * Has the loop report {@code error} as "Future exception was never retrieved" if this future is collected before
   * anyone reads it; tasks report through their own registry instead.
   */
  void trackUnretrieved(Throwable error) {
    loop.gcReports.trackUnretrieved(this, error);
  }

  /** Cancels the future with no message; see {@link #cancel(String)}. */
  public boolean cancel() {
    return cancel(null);
  }

  /**
   * Cancels the future and schedules its callbacks.
   *
   * @param message carried by the {@link CancelledError} that {@link #result()} throws; may be null
   * @return false if the future was already done, true otherwise
   */
  public boolean cancel(String message) {
    return cancelFuture(message);
  }

  final boolean cancelFuture(String message) {
    if (exceptionUnretrieved) {
      exceptionUnretrieved = false;
      loop.gcReports.untrack(this);
    }
    if (state != State.PENDING) {
      return false;
    }
    state = State.CANCELLED;
    cancelMessage = message;
    scheduleCallbacks();
    return true;
  }

  /** Finishes the future as cancelled by {@code error}, which {@link #result()} then throws as is. */
  final void cancelWith(CancelledError error) {
    cancelledError = error;
    cancelFuture(error.getMessage());
  }

  /** Returns the message of the cancellation, or null. */
  public String cancelMessage() {
    return cancelMessage;
  }

  /**
   * Called when this future completed and woke its awaiter, but the awaiter was cancelled before it resumed, so the
   * outcome reached no one (asyncio's wake/cancel race). Futures whose outcome is taken from a shared source
   * override this to hand it back.
   */
  void wakeupLost() {}

  CancelledError makeCancelledError() {
    if (cancelledError == null) {
      cancelledError = new CancelledError(cancelMessage);
    }
    return cancelledError;
  }

  void markRetrieved() {
    if (exceptionUnretrieved) {
      exceptionUnretrieved = false;
      loop.gcReports.untrack(this);
    }
  }

  /** Adds a done callback that runs in a copy of the current context; see {@link #addDoneCallback(Consumer, Context)}. */
  public void addDoneCallback(Consumer<? super Future<T>> callback) {
    addDoneCallback(callback, null);
  }

  /**
   * Adds a callback to run, through {@link EventLoop#callSoon}, when the future is done; at once (in the next
   * iteration) if it already is.
   *
   * @param callback receives this future
   * @param context the context to run it in, or null for a copy of the current context
   */
  public void addDoneCallback(Consumer<? super Future<T>> callback, Context context) {
    Objects.requireNonNull(callback, "callback must not be null");
    Object cbs = callbacks;
    if (cbs == null && state == State.PENDING && callback instanceof Handle.TaskStep step
        && context == step.task().context && !loop.isDebug()) {
      // A task awaiting this future, its only callback: stored as the task, without allocating (see the invariant).
      callbacks = step.task();
      return;
    }
    Callback<T> cb = new Callback<>(this, callback, context != null ? context : loop.currentContext().copy());
    if (state != State.PENDING) {
      loop.enqueue(cb);
      return;
    }
    if (cbs == null) {
      callbacks = cb;
    } else if (cbs instanceof Callback<?> || cbs instanceof Task<?>) {
      ArrayList<Callback<?>> list = new ArrayList<>(4);
      list.add(cbs instanceof Task<?> t ? stepCallback(t) : (Callback<?>) cbs);
      list.add(cb);
      callbacks = list;
    } else {
      @SuppressWarnings("unchecked")
      ArrayList<Callback<?>> list = (ArrayList<Callback<?>>) cbs;
      list.add(cb);
    }
  }

  /**
   * Removes every registration of {@code callback}.
   *
   * @return how many were removed
   */
  public int removeDoneCallback(Consumer<? super Future<T>> callback) {
    Object cbs = callbacks;
    if (cbs == null) {
      return 0;
    }
    if (cbs instanceof Callback<?> one) {
      if (one.fn.equals(callback)) {
        callbacks = null;
        return 1;
      }
      return 0;
    }
    if (cbs instanceof Task<?> t) {
      if (((Object) t.step).equals(callback)) {
        callbacks = null;
        return 1;
      }
      return 0;
    }
    @SuppressWarnings("unchecked")
    ArrayList<Callback<?>> list = (ArrayList<Callback<?>>) cbs;
    int before = list.size();
    list.removeIf(c -> c.fn.equals(callback));
    return before - list.size();
  }

  private void scheduleCallbacks() {
    Object cbs = callbacks;
    if (cbs == null) {
      return;
    }
    callbacks = null;
    if (cbs instanceof Callback<?> one) {
      loop.enqueue(one);
    } else if (cbs instanceof Task<?> t) {
      loop.enqueue(stepCallback(t));
    } else {
      @SuppressWarnings("unchecked")
      ArrayList<Callback<?>> list = (ArrayList<Callback<?>>) cbs;
      for (Callback<?> c : list) {
        loop.enqueue(c);
      }
    }
  }

  /** The done callback that steps {@code task}, awaiting this future, in the task's context. */
  private Callback<T> stepCallback(Task<?> task) {
    return new Callback<>(this, task.step, task.context);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("<").append(getClass().getSimpleName());
    appendState(sb);
    return sb.append('>').toString();
  }

  void appendState(StringBuilder sb) {
    switch (state) {
      case PENDING -> sb.append(" pending");
      case CANCELLED -> sb.append(" cancelled");
      case FINISHED -> {
        if (exception != null) {
          sb.append(" finished exception=").append(exception);
        } else {
          sb.append(" finished result=").append(result);
        }
      }
    }
  }

  /**
   * One done callback with its context. It is its own handle: completing the future queues it on the loop as it is,
   * so a wake-up allocates nothing more.
   */
  static final class Callback<T> extends Handle {
    final Future<T> future;
    final Consumer<? super Future<T>> fn;

    Callback(Future<T> future, Consumer<? super Future<T>> fn, Context context) {
      super(future.loop, null, context, future.loop.debugTrace("done callback added at"));
      this.future = future;
      this.fn = fn;
    }

    @Override
    void invoke() {
      fn.accept(future);
    }

    @Override
    Task<?> steppedTask() {
      return fn instanceof Handle.TaskStep step ? step.task() : null;
    }

    @Override
    String describeCallback() {
      return (fn instanceof Handle.TaskStep step ? step.describe() : String.valueOf(fn)) + " of " + future;
    }
  }
}
