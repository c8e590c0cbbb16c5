package io.weft;

/**
 * A callback scheduled on a loop with {@link EventLoop#callSoon}; cancelling it before it runs stops it from running.
 *
 * <p>Each handle runs in the context it was created with: a copy of the context current at scheduling, unless one
 * was given. In debug mode a handle records where it was created, which error reports show.
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public sealed class Handle permits TimerHandle, Future.Callback {

  final EventLoop loop;
  final Runnable callback;
  final Context context;
  boolean cancelled;
  final Throwable createdAt;

  Handle(EventLoop loop, Runnable callback, Context context, Throwable createdAt) {
    this.loop = loop;
    this.callback = callback;
    this.context = context;
    this.createdAt = createdAt;
  }

  /** Stops the callback from running, if it has not run yet. Idempotent. */
  public void cancel() {
    cancelled = true;
  }

  /** Returns whether {@link #cancel()} was called. */
  public boolean isCancelled() {
    return cancelled;
  }

  /** Returns the context the callback runs in; never null. */
  public Context context() {
    return context;
  }

  /** Returns where the handle was created, in debug mode; null otherwise. */
  public StackTraceElement[] sourceTraceback() {
    return createdAt == null ? null : createdAt.getStackTrace();
  }

  /** Runs the callback; the loop calls this. */
  void invoke() {
    callback.run();
  }

  /** Returns the task this handle steps, or null if it is not a task's step. */
  Task<?> steppedTask() {
    return callback instanceof TaskStep step ? step.task() : null;
  }

  String describeCallback() {
    Runnable cb = callback;
    return cb instanceof TaskStep step ? step.describe() : String.valueOf(cb);
  }

  @Override
  public String toString() {
    return "<Handle " + (cancelled ? "cancelled " : "") + describeCallback() + ">";
  }

  /** Marks the callbacks that step a task, so reports can name the task. */
  interface TaskStep extends Runnable {
    Task<?> task();

    default String describe() {
      return "step of " + task();
    }
  }
}
