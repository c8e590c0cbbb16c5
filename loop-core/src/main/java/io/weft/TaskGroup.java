package io.weft;

import io.weft.internal.Sneaky;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A scope that owns the tasks created in it: asyncio's {@code TaskGroup}. The scope is left only when every child is
 * done.
 *
 * <pre>{@code
 * List<String> pages = TaskGroup.run(tg -> {
 *   Task<String> a = tg.createTask(() -> fetch("a"));
 *   Task<String> b = tg.createTask(() -> fetch("b"));
 *   return List.of(a, b);                   // the body may also await and create more tasks
 * }).stream().map(Task::result).toList();   // every child is done once run returns
 * }</pre>
 *
 * <h2>Failure</h2>
 *
 * <p>When a child fails (with anything but {@link CancelledError}), the group aborts: it cancels the other children
 * and the body (by cancelling the task that runs the body, the parent), waits for every child, and throws an
 * {@link ExceptionGroup} of the errors: the children's in the order they failed, then the body's, if the body threw
 * anything but the group's own cancellation. An error from the body aborts the group the same way. A group holding a
 * {@link BaseError} is a {@link BaseExceptionGroup}. {@link KeyboardInterrupt} and {@link SystemExit} are rethrown
 * bare, after the children are done; the other errors collected then go to the loop's exception handler. A
 * {@link GeneratorExit} from the body is rethrown bare when it is the only error, so that closing an async generator
 * whose body uses a group works.
 *
 * <h2>Cancellation bookkeeping (asyncio 3.13)</h2>
 *
 * <ul>
 *   <li>A cancellation of the parent from outside cancels the children; the {@link CancelledError} then leaves the
 *       scope (unless children failed: errors take priority).
 *   <li>The group's own cancellation of the parent does not leak: on exit the group withdraws it with
 *       {@link Task#uncancel()}, so the code after the scope is not cancelled (TG-11).
 *   <li>An outside cancellation that arrives while the group aborts is kept: the group throws its exception group
 *       and cancels the parent again, so {@link Task#cancelling()} stays at 1 and the next await is cancelled (TG-10).
 * </ul>
 *
 * <p>Tasks may be created in the body, by children, and while the scope waits for its children (those are awaited
 * too), but not once the group aborts nor after it finished. {@link #cancel()} stops the whole group without an
 * error (asyncio 3.15).
 *
 * <h2>States</h2>
 *
 * <p>{@code CREATED} → {@code OPEN} (the body runs) → {@code JOINING} (waiting for the children) →
 * {@code CLOSED};
 * independently, the abort status goes {@code NONE} → {@code ABORTING} (children cancelled) or
 * {@code ABORTING_PARENT_CANCELLED} (and the group cancelled the parent, which it must withdraw on exit). asyncio's
 * {@code taskgroups.py} keeps these as five booleans; every transition here checks where it starts.
 *
 * <p>Use a group from its loop's thread only. References: CPython {@code Lib/asyncio/taskgroups.py},
 * {@code test_taskgroups.py}.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.1")
public final class TaskGroup {

  /**
   * The code that runs inside a task group.
   *
   * @param <T> what the body returns
   */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.1")
  @FunctionalInterface
  public interface Body<T> {
    /** Runs in the task that entered the group; may await and create tasks in {@code group}. */
    T run(TaskGroup group) throws Exception;
  }

  /** Where the group is in its life. */
  private enum Phase {
    CREATED, OPEN, JOINING, CLOSED
  }

  /** Whether the group is stopping its children. */
  private enum Abort {
    /** Not aborting. */
    NONE,
    /** {@link #cancel()} was called before the group was entered: abort on entry. Only in phase CREATED. */
    ON_ENTRY,
    /** The children were cancelled (body error or outside cancellation). */
    ABORTING,
    /** The children were cancelled and the group cancelled the parent: it owes the parent one uncancel(). */
    ABORTING_PARENT_CANCELLED
  }

  private Phase phase = Phase.CREATED;
  // Invariant: ON_ENTRY only in phase CREATED.
  private Abort abort = Abort.NONE;
  private EventLoop loop;
  // Invariant: non-null in phases OPEN and JOINING.
  private Task<?> parent;
  // Invariant: the children not done yet, in creation order (which is the order the group cancels them in).
  private final Set<Task<?>> tasks = new LinkedHashSet<>();
  // The children's errors in the order they arrived.
  private final List<Throwable> errors = new ArrayList<>();
  // Invariant: the first KeyboardInterrupt or SystemExit seen, from the body or a child.
  private Throwable baseError;
  // Invariant: non-null only while the exiting parent waits for the children.
  private Future<Void> onCompleted;
  private final Consumer<Future<?>> onTaskDone = this::onTaskDone;

  /** Makes a group; enter it with {@link #enter}. {@link #run} does both. */
  public TaskGroup() {}

  /**
   * Runs {@code body} in a new group: {@code async with asyncio.TaskGroup() as tg}.
   *
   * @return what the body returned, or null if {@link #cancel()} stopped the body
   * @throws ExceptionGroup if the body or children failed
   * @throws BaseExceptionGroup if one of those errors is a {@link BaseError} other than the ones rethrown bare
   * @throws CancelledError if the calling task was cancelled from outside and nothing failed
   * @throws IllegalStateException if not called from a task
   */
  public static <T> T run(Body<T> body) {
    return new TaskGroup().enter(body);
  }

  /**
   * Enters the group, runs {@code body} in the calling task (the parent), waits for every child, and leaves; see
   * {@link #run} and the class description.
   *
   * @throws IllegalStateException if the group was entered before, or if not called from a task
   */
  public <T> T enter(Body<T> body) {
    Objects.requireNonNull(body, "body must not be null");
    if (phase != Phase.CREATED) {
      throw new IllegalStateException("TaskGroup " + this + " has already been entered");
    }
    Task<?> current = Task.current();
    if (current == null) {
      throw new IllegalStateException("TaskGroup " + this + " cannot determine the parent task: enter it from a task");
    }
    loop = current.loop();
    parent = current;
    phase = Phase.OPEN;
    if (abort == Abort.ON_ENTRY) {
      abort = Abort.NONE;
      cancel();
    }
    T value = null;
    Throwable exc = null;
    try {
      value = body.run(this);
    } catch (Throwable e) {
      exc = e;
    }
    exit(exc);
    return exc == null ? value : null;
  }

  // ------------------------------------------------------------------------------------------------------------
  // Children
  // ------------------------------------------------------------------------------------------------------------

  /** Creates a child task with an automatic name; see {@link #createTask(AsyncCallable, String, Context)}. */
  public <R> Task<R> createTask(AsyncCallable<R> body) {
    return createTask(body, null, null);
  }

  /** Creates a child task with no result. */
  public Task<Void> createTask(AsyncRunnable body) {
    Objects.requireNonNull(body, "body must not be null");
    return createTask(body.asCallable(), null, null);
  }

  /**
   * Creates a child task of this group, as {@link EventLoop#createTask(AsyncCallable, String, Context)}.
   *
   * @param name the task's name, or null for {@code Task-N}
   * @param context the context to run in (shared, not copied), or null for a copy of the current one
   * @throws IllegalStateException if the group has not been entered, is aborting ("shutting down") or finished
   */
  public <R> Task<R> createTask(AsyncCallable<R> body, String name, Context context) {
    Objects.requireNonNull(body, "body must not be null");
    if (phase == Phase.CREATED) {
      throw new IllegalStateException("TaskGroup " + this + " has not been entered");
    }
    if (isFinished()) {
      throw new IllegalStateException("TaskGroup " + this + " is finished");
    }
    if (abort != Abort.NONE) {
      throw new IllegalStateException("TaskGroup " + this + " is shutting down");
    }
    Task<R> task = loop.createTask(body, name, context);
    tasks.add(task);
    task.addDoneCallback(onTaskDone);
    return task;
  }

  /**
   * Cancels the children and the body; the group then exits without a {@link CancelledError} (asyncio 3.15's
   * {@code TaskGroup.cancel}). Idempotent; before entry it takes effect on entry; after the group finished it does
   * nothing. A cancellation of the parent from outside is still propagated.
   */
  public void cancel() {
    if (phase == Phase.CREATED) {
      abort = Abort.ON_ENTRY;
      return;
    }
    if (isFinished() || abort != Abort.NONE) {
      return;
    }
    startAborting(Abort.ABORTING_PARENT_CANCELLED);
    parent.cancel();
  }

  private boolean isFinished() {
    return phase == Phase.CLOSED || (phase == Phase.JOINING && tasks.isEmpty());
  }

  private void startAborting(Abort to) {
    if (abort != Abort.NONE) {
      throw new IllegalStateException("TaskGroup " + this + " cannot start aborting: it is already " + abort);
    }
    abort = to;
    for (Task<?> t : tasks) {
      if (!t.isDone()) {
        t.cancel();
      }
    }
  }

  private void onTaskDone(Future<?> future) {
    Task<?> task = (Task<?>) future;
    tasks.remove(task);
    if (onCompleted != null && tasks.isEmpty() && !onCompleted.isDone()) {
      onCompleted.setResult(null);
    }
    if (task.isCancelled()) {
      return;
    }
    Throwable exc = task.exception();
    if (exc == null) {
      return;
    }
    errors.add(exc);
    if (isBaseError(exc) && baseError == null) {
      baseError = exc;
    }
    if (parent.isDone()) {
      loop.callExceptionHandler(new ExceptionContext("Task " + task + " has errored out but its parent task "
          + parent + " is already completed", exc, null, null, task, Map.of()));
      return;
    }
    if (abort == Abort.NONE) {
      // Cancel the parent to interrupt the body (or the wait in exit); exit withdraws this request again.
      startAborting(Abort.ABORTING_PARENT_CANCELLED);
      parent.cancel();
    }
  }

  private static boolean isBaseError(Throwable e) {
    return e instanceof KeyboardInterrupt || e instanceof SystemExit;
  }

  // ------------------------------------------------------------------------------------------------------------
  // Exit: asyncio's TaskGroup._aexit
  // ------------------------------------------------------------------------------------------------------------

  /** Waits for the children, then throws what the scope raises, or returns if it suppresses {@code exc}. */
  private void exit(Throwable exc) {
    if (phase != Phase.OPEN) {
      throw new IllegalStateException("TaskGroup " + this + " cannot exit in phase " + phase);
    }
    phase = Phase.JOINING;
    if (exc != null && isBaseError(exc) && baseError == null) {
      baseError = exc;
    }
    CancelledError propagateCancellation = exc instanceof CancelledError c ? c : null;
    if (exc != null && abort == Abort.NONE) {
      startAborting(Abort.ABORTING); // the body failed, or the parent is being cancelled from outside
    }
    CancelledError pendingCancellation = null;
    while (!tasks.isEmpty()) {
      if (onCompleted == null) {
        onCompleted = loop.createFuture();
      }
      try {
        onCompleted.await();
      } catch (CancelledError e) {
        // The parent is cancelled again (maybe repeatedly): from outside, or by our own abort.
        pendingCancellation = e;
        if (abort == Abort.NONE) {
          propagateCancellation = e;
          startAborting(Abort.ABORTING);
        }
      }
      onCompleted = null;
    }
    phase = Phase.CLOSED;
    Task<?> parentTask = parent;
    parent = null;
    try {
      raiseOutcome(exc, parentTask, propagateCancellation, pendingCancellation);
    } finally {
      // Like asyncio, keep no references to the errors once they are raised.
      errors.clear();
      baseError = null;
    }
  }

  private void raiseOutcome(
      Throwable exc, Task<?> parentTask, CancelledError propagateCancellation, CancelledError pendingCancellation) {

    if (baseError != null) {
      for (Throwable suppressed : errors) {
        if (suppressed != baseError) {
          loop.callExceptionHandler(new ExceptionContext("TaskGroup task exception was not propagated because the"
              + " TaskGroup body is being closed with a BaseException", suppressed, null, null, null,
              Map.of("task_group", this)));
        }
      }
      throw Sneaky.<RuntimeException>raise(baseError);
    }
    if (abort == Abort.ABORTING_PARENT_CANCELLED) {
      if (parentTask.uncancel() == 0) {
        propagateCancellation = null; // no cancellation left but ours: do not propagate it
      } else if (propagateCancellation == null) {
        propagateCancellation = pendingCancellation; // gh-155433: what is left is not ours, keep it
      }
    }
    if (propagateCancellation != null && errors.isEmpty()) {
      throw propagateCancellation;
    }
    if (exc != null && !(exc instanceof CancelledError)) {
      errors.add(exc);
    }
    if (!errors.isEmpty()) {
      if (parentTask.cancelling() > 0) {
        // Cancelled from outside too: keep that request, and make it hit the parent's next await.
        parentTask.uncancel();
        parentTask.cancel();
      }
      if (exc instanceof GeneratorExit && errors.size() == 1) {
        // TG-16: the body's GeneratorExit alone goes out bare, so an async generator using a group can be closed.
        throw (GeneratorExit) exc;
      }
      ExceptionGroupLike group = BaseExceptionGroup.of("unhandled errors in a TaskGroup", errors);
      throw Sneaky.<RuntimeException>raise(group.asThrowable());
    }
    // Nothing to raise: the body's CancelledError, if any, was the group's own; suppress it.
  }

  /** asyncio's repr: {@code <TaskGroup tasks=2 errors=1 cancelling>}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("<TaskGroup");
    if (!tasks.isEmpty()) {
      sb.append(" tasks=").append(tasks.size());
    }
    if (!errors.isEmpty()) {
      sb.append(" errors=").append(errors.size());
    }
    if (abort == Abort.ABORTING || abort == Abort.ABORTING_PARENT_CANCELLED) {
      sb.append(" cancelling");
    } else if (phase != Phase.CREATED) {
      sb.append(" entered");
    }
    return sb.append('>').toString();
  }
}
