package io.weft;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The entry points: {@link #run} a main function on a new loop, and, inside tasks, {@link #sleep},
 * {@link #createTask} and friends, as asyncio's module-level functions.
 *
 * <pre>{@code
 * String greeting = Weft.run(() -> {
 *   Task<String> t = Weft.createTask(() -> {
 *     Weft.sleep(Duration.ofMillis(10));
 *     return "hello";
 *   });
 *   return t.await() + ", world";
 * });
 * }</pre>
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public final class Weft {

  private Weft() {}

  /**
   * Runs {@code main} on a new production loop, as {@code asyncio.run}: creates the loop, runs main as a task,
   * cancels and waits for the tasks left over, runs the shutdown hooks, closes the loop, and returns main's result
   * (or throws its exception). On the main thread, Ctrl-C (SIGINT) cancels main while it runs, and {@code run} then
   * throws {@link KeyboardInterrupt}, as {@code asyncio.run} does; see {@link Runner}.
   *
   * @throws IllegalStateException if called from a running loop
   * @throws KeyboardInterrupt if Ctrl-C or {@link Runner#interrupt()} cancelled main
   */
  public static <T> T run(AsyncCallable<T> main) {
    return run(main, EventLoop::create);
  }

  /** Runs a main with no result; see {@link #run(AsyncCallable)}. */
  public static void run(AsyncRunnable main) {
    Objects.requireNonNull(main, "main must not be null");
    run(main.asCallable());
  }

  /** Runs {@code main} on a loop made by {@code loopFactory} (for example {@link EventLoop#createVirtual}). */
  public static <T> T run(AsyncCallable<T> main, java.util.function.Supplier<EventLoop> loopFactory) {
    Objects.requireNonNull(main, "main must not be null");
    if (EventLoop.running() != null) {
      throw new IllegalStateException("Weft.run() cannot be called from a running event loop");
    }
    try (Runner runner = new Runner(loopFactory, null)) {
      return runner.run(main);
    }
  }

  /**
   * Suspends the calling task for {@code delay}. Zero (or negative, as in asyncio) gives up exactly one iteration.
   *
   * @throws CancelledError if the task is cancelled while sleeping
   * @throws IllegalStateException if not called from a task
   */
  public static void sleep(Duration delay) {
    Objects.requireNonNull(delay, "delay must not be null");
    Task<?> task = Task.current();
    if (task == null) {
      throw new IllegalStateException("sleep() must be called from a task");
    }
    if (delay.isZero() || delay.isNegative()) {
      Task.yieldNow(task);
      return;
    }
    // Written out rather than delegating to sleep(delay, value): one frame fewer in every sleeping task's stack.
    Wakeup<Object> wakeup = new Wakeup<>(task.loop, null);
    TimerHandle h = task.loop.callLaterInternal(delay, wakeup, task.context);
    try {
      wakeup.await();
    } finally {
      h.cancel();
    }
  }

  /** Sleeps as {@link #sleep(Duration)}, then returns {@code value}. */
  public static <T> T sleep(Duration delay, T value) {
    Objects.requireNonNull(delay, "delay must not be null");
    Task<?> task = Task.current();
    if (task == null) {
      throw new IllegalStateException("sleep() must be called from a task");
    }
    if (delay.isZero() || delay.isNegative()) {
      Task.yieldNow(task);
      return value;
    }
    // The timer's callback touches only the future, so it runs in the task's context instead of a copy.
    Wakeup<T> wakeup = new Wakeup<>(task.loop, value);
    TimerHandle h = task.loop.callLaterInternal(delay, wakeup, task.context);
    try {
      return wakeup.await();
    } finally {
      h.cancel();
    }
  }

  /** The future a sleeping task awaits; also the timer's callback, which sets it. */
  private static final class Wakeup<T> extends Future<T> implements Runnable {
    private final T value;

    Wakeup(EventLoop loop, T value) {
      super(loop);
      this.value = value;
    }

    @Override
    public void run() {
      if (!isDone()) {
        setResult(value);
      }
    }
  }

  /** Creates a task on the running loop; see {@link EventLoop#createTask(AsyncCallable)}. */
  public static <T> Task<T> createTask(AsyncCallable<T> body) {
    return EventLoop.getRunningLoop().createTask(body);
  }

  /** Creates a task with no result on the running loop. */
  public static Task<Void> createTask(AsyncRunnable body) {
    return EventLoop.getRunningLoop().createTask(body);
  }

  /** Creates a named task on the running loop, in {@code context} (shared) or a copy of the current one. */
  public static <T> Task<T> createTask(AsyncCallable<T> body, String name, Context context) {
    return EventLoop.getRunningLoop().createTask(body, name, context);
  }

  /**
   * Returns the task running now; null on the loop thread outside any task.
   *
   * @throws IllegalStateException if no loop is running on this thread
   */
  public static Task<?> currentTask() {
    EventLoop.getRunningLoop();
    return Task.current();
  }

  /** Returns the running loop's tasks that are not done. */
  public static Set<Task<?>> allTasks() {
    return EventLoop.getRunningLoop().allTasks();
  }

  // ------------------------------------------------------------------------------------------------------------
  // The task toolkit (asyncio's module-level functions); the classes named hold the semantics.
  // ------------------------------------------------------------------------------------------------------------

  /** Gathers futures (tasks included) into one future of their results in argument order; {@link Combinators}. */
  @SafeVarargs
  public static <T> Future<List<T>> gather(Future<? extends T>... futures) {
    return Combinators.gather(futures);
  }

  /** Gathers futures; see {@link Combinators#gather(List)}. */
  public static <T> Future<List<T>> gather(List<? extends Future<? extends T>> futures) {
    return Combinators.gather(futures);
  }

  /** Gathers futures, with failures as list elements when {@code returnExceptions}; see {@link Combinators}. */
  public static Future<List<Object>> gather(boolean returnExceptions, List<? extends Future<?>> futures) {
    return Combinators.gather(returnExceptions, futures);
  }

  /** Runs each body in a task and gathers the results; see {@link Combinators#gatherBodies(List)}. */
  public static <T> Future<List<T>> gatherBodies(List<? extends AsyncCallable<? extends T>> bodies) {
    return Combinators.gatherBodies(bodies);
  }

  /** Waits, inside a task, until {@code returnWhen} holds or the timeout passes; see {@link Combinators}. */
  public static <F extends Future<?>> WaitResult<F> wait(
      Collection<? extends F> futures, ReturnWhen returnWhen, Duration timeoutOrNull) {
    return Combinators.wait(futures, returnWhen, timeoutOrNull);
  }

  /** Yields, in completion order, futures for the results of {@code futures}; see {@link Combinators}. */
  public static <T> Iterable<Future<T>> asCompleted(
      Collection<? extends Future<? extends T>> futures, Duration timeoutOrNull) {
    return Combinators.asCompleted(futures, timeoutOrNull);
  }

  /** The inputs themselves in completion order, asyncio 3.13's {@code async for}; {@link Combinators#asCompletedAsync}. */
  public static <T> AsyncIterable<Future<T>> asCompletedAsync(
      Collection<? extends Future<? extends T>> futures, Duration timeoutOrNull) {
    return Combinators.asCompletedAsync(futures, timeoutOrNull);
  }

  /** Protects {@code inner} from the cancellation of whoever awaits the returned future; {@link Combinators}. */
  public static <T> Future<T> shield(Future<T> inner) {
    return Combinators.shield(inner);
  }

  /** Runs {@code body} with a timeout (null: none), as {@code async with asyncio.timeout()}; {@link Timeout}. */
  public static <T> T timeout(Duration delayOrNull, Timeout.Body<T> body) {
    return Timeout.run(delayOrNull, body);
  }

  /** Runs {@code body} until a deadline on the loop's time (null: none); see {@link Timeout#runAt}. */
  public static <T> T timeoutAt(Double whenOrNull, Timeout.Body<T> body) {
    return Timeout.runAt(whenOrNull, body);
  }

  /** Awaits {@code future}, cancelling it and raising {@link TimeoutError} after the timeout; {@link Timeout}. */
  public static <T> T waitFor(Future<T> future, Duration timeoutOrNull) {
    return Timeout.waitFor(future, timeoutOrNull);
  }

  /**
   * Runs blocking {@code fn} on the loop's default executor with the caller's context variables and awaits its
   * result: asyncio's {@code to_thread}; see {@link io.weft.thread.Threads}.
   *
   * @throws Exception what {@code fn} threw
   */
  public static <T> T toThread(java.util.concurrent.Callable<T> fn) throws Exception {
    return io.weft.thread.Threads.toThread(fn);
  }

  /** Runs {@code body} in a task group that waits for every child; see {@link TaskGroup}. */
  public static <T> T taskGroup(TaskGroup.Body<T> body) {
    return TaskGroup.run(body);
  }

  /** Returns the running loop; see {@link EventLoop#getRunningLoop()}. */
  public static EventLoop getRunningLoop() {
    return EventLoop.getRunningLoop();
  }
}
