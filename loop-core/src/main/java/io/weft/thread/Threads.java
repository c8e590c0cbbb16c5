package io.weft.thread;

import io.weft.Api;
import io.weft.Context;
import io.weft.EventLoop;
import io.weft.Future;
import io.weft.TimerHandle;
import io.weft.internal.Kernel;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs blocking code on other threads and awaits it on the loop, as asyncio's {@code loop.run_in_executor},
 * {@code asyncio.to_thread}, {@code loop.set_default_executor} and {@code loop.shutdown_default_executor}.
 *
 * <ul>
 *   <li>{@link #runInExecutor} runs a callable on an executor (the loop's default thread pool for {@code null}) and
 *       returns a {@link Future} that the loop completes with its result or exception. The callable runs in the
 *       worker thread's own context: it does not see the caller's context variables.
 *   <li>{@link #toThread} awaits a callable run on the default executor in a copy of the caller's context, so it
 *       sees the caller's context variables (asyncio copies the context for {@code to_thread} only).
 *   <li>Cancelling the future does not stop a callable that has started (a thread cannot be stopped); one that has not
 *       started yet never runs. A result that arrives after the loop closed is dropped.
 *   <li>The default executor has {@code min(32, cpus + 4)} threads, made on first use. {@code Weft.run} (a
 *       {@link io.weft.Runner}) shuts it down and waits up to 300 s for its threads, warning if they do not finish, as
 *       asyncio's runner does; a loop closed otherwise shuts it down without waiting.
 * </ul>
 *
 * <p>In a simulation the callable runs on a real thread too, declared as {@linkplain EventLoop#beginRealWork real
 * work} whose completion is its last message: virtual time holds while it runs, and the completion enters the loop
 * where the simulation decides (a recorded {@code REAL_WORK} choice), not when the thread happens to finish, so a run
 * with executor work replays exactly.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.3")
public final class Threads {

  private Threads() {}

  /**
   * Runs {@code fn} on {@code executor} ({@code null}: the loop's default executor) and returns a future of its
   * result, completed on the running loop. Loop thread.
   *
   * @throws IllegalStateException if no loop runs on this thread, or {@code executor} is null and the default
   *     executor was shut down
   * @throws RejectedExecutionException if the executor refuses the work (the future is not made)
   */
  public static <T> Future<T> runInExecutor(Executor executor, Callable<T> fn) {
    return runInExecutor(executor, fn, null);
  }

  /**
   * As {@link #runInExecutor(Executor, Callable)}, saying how much virtual time the job takes in a simulation: its
   * completion enters the loop no earlier than {@code virtualDuration} after this call, on the loop's virtual clock,
   * while other tasks and timers go on meanwhile (and no earlier than the simulation delivers it: virtual time still
   * holds while the thread runs). The result is the same in every run of a schedule. On a loop that is not simulated
   * the duration is ignored: the job takes the real time it takes.
   *
   * @param virtualDuration at least zero; null for the simulation's {@code SimOptions.executorWork} (zero by default)
   * @throws IllegalArgumentException if {@code virtualDuration} is negative
   */
  public static <T> Future<T> runInExecutor(Executor executor, Callable<T> fn, Duration virtualDuration) {
    Objects.requireNonNull(fn, "fn must not be null");
    if (virtualDuration != null && virtualDuration.isNegative()) {
      throw new IllegalArgumentException("virtualDuration must be >= 0, got " + virtualDuration);
    }
    EventLoop loop = EventLoop.getRunningLoop();
    long simulated = Kernel.get().executorWorkNanos(loop);
    long workNanos = simulated < 0 ? 0 : virtualDuration != null ? io.weft.internal.Durations.saturatedNanos(virtualDuration) : simulated;
    Executor target = executor != null ? executor : DefaultExecutor.of(loop).get(loop);
    EventLoop.RealWork work = loop.beginRealWork("runInExecutor(" + fn + ")");
    ExecutorFuture<T> future = new ExecutorFuture<>(loop);
    if (workNanos > 0) {
      future.dueNanos = loop.clock().nanoTime() + workNanos;
    }
    Runnable job = () -> {
      if (!future.state.compareAndSet(JobState.WAITING, JobState.STARTED)) {
        return; // cancelled before it started
      }
      T result = null;
      Throwable error = null;
      try {
        result = fn.call();
      } catch (Throwable t) {
        error = t;
      }
      deliver(loop, work, future, result, error);
    };
    try {
      if (target instanceof ExecutorService service) {
        java.util.concurrent.Future<?> submitted = service.submit(job);
        future.onCancelBeforeStart = () -> {
          work.close(); // it will never run, so nothing will come back
          submitted.cancel(false);
        };
      } else {
        target.execute(job);
        future.onCancelBeforeStart = work::close;
      }
    } catch (RuntimeException e) {
      work.close();
      throw e;
    }
    return future;
  }

  /** Where a job on an executor is: each moves once, from WAITING, by compare-and-set (loop and worker race). */
  private enum JobState {
    /** Queued on the executor. */
    WAITING,
    /** Its thread took it: it runs to the end whatever happens to the future. */
    STARTED,
    /** Its future was cancelled first: it will not run. */
    CANCELLED_BEFORE_START
  }

  /**
   * The future of a job on an executor: cancelling it before the job starts (checked at once, not in a later
   * iteration) means the job never runs.
   */
  private static final class ExecutorFuture<T> extends Future<T> {
    final java.util.concurrent.atomic.AtomicReference<JobState> state =
        new java.util.concurrent.atomic.AtomicReference<>(JobState.WAITING);
    Runnable onCancelBeforeStart;
    // In a simulation with a virtual duration: when, on the loop's clock, the job is done; else Long.MIN_VALUE.
    long dueNanos = Long.MIN_VALUE;
    // The timer that completes the future at dueNanos, while it is set.
    TimerHandle delay;

    ExecutorFuture(EventLoop loop) {
      super(loop);
    }

    @Override
    public boolean cancel(String message) {
      boolean cancelled = super.cancel(message);
      if (cancelled && delay != null) {
        delay.cancel();
        delay = null;
      }
      if (cancelled && state.compareAndSet(JobState.WAITING, JobState.CANCELLED_BEFORE_START)
          && onCancelBeforeStart != null) {
        onCancelBeforeStart.run();
      }
      return cancelled;
    }
  }

  private static String seconds(Duration d) {
    return java.math.BigDecimal.valueOf(d.toNanos(), 9).stripTrailingZeros().toPlainString();
  }

  private static <T> void deliver(EventLoop loop, EventLoop.RealWork work, Future<T> future, T result,
      Throwable error) {
    try {
      work.complete(() -> { // the work's last message: the simulation decides where it enters a simulated loop
        if (future.isDone()) {
          return; // cancelled meanwhile
        }
        if (future instanceof ExecutorFuture<T> f && f.dueNanos != Long.MIN_VALUE
            && loop.clock().nanoTime() - f.dueNanos < 0) {
          // The job takes virtual time: it is done at dueNanos, after what is due before.
          f.delay = loop.callAtNanos(f.dueNanos, () -> {
            f.delay = null;
            settle(f, result, error);
          }, null);
          return;
        }
        settle(future, result, error);
      });
    } catch (IllegalStateException closed) {
      work.close(); // the loop closed: nobody waits for this any more
    }
  }

  private static <T> void settle(Future<T> future, T result, Throwable error) {
    if (future.isDone()) {
      return;
    }
    if (error != null) {
      future.setException(error);
    } else {
      future.setResult(result);
    }
  }

  /**
   * Runs {@code fn} on the loop's default executor in a copy of the caller's context (its context variables), and
   * awaits its result: asyncio's {@code to_thread}. In a task.
   *
   * @throws Exception what {@code fn} threw
   */
  public static <T> T toThread(Callable<T> fn) throws Exception {
    return toThread(null, fn);
  }

  /**
   * As {@link #toThread(Callable)}, saying how much virtual time the job takes in a simulation (see
   * {@link #runInExecutor(Executor, Callable, Duration)}); ignored on a loop that is not simulated.
   *
   * @param virtualDuration at least zero; null for the simulation's {@code SimOptions.executorWork}
   * @throws IllegalArgumentException if {@code virtualDuration} is negative
   * @throws Exception what {@code fn} threw
   */
  public static <T> T toThread(Duration virtualDuration, Callable<T> fn) throws Exception {
    Objects.requireNonNull(fn, "fn must not be null");
    Context context = Context.copyCurrent();
    return runInExecutor(null, () -> context.call(fn), virtualDuration).await();
  }

  /**
   * Sets the running loop's default executor, used by {@code runInExecutor(null, ...)} and {@link #toThread}; the
   * one it replaces is not shut down. Loop thread.
   */
  public static void setDefaultExecutor(ExecutorService executor) {
    Objects.requireNonNull(executor, "executor must not be null");
    EventLoop loop = EventLoop.getRunningLoop();
    DefaultExecutor.of(loop).set(loop, executor);
  }

  /**
   * Shuts the running loop's default executor down and waits, without blocking the loop, until its threads finish or
   * {@code timeout} passes (then it warns, as asyncio does, and leaves them); {@code null} waits for as long as it
   * takes. From then on the loop refuses the default executor. In a task.
   */
  public static void shutdownDefaultExecutor(Duration timeout) {
    EventLoop loop = EventLoop.getRunningLoop();
    DefaultExecutor d = DefaultExecutor.of(loop);
    d.shutdownCalled = true;
    ExecutorService executor = d.current();
    if (executor == null) {
      return;
    }
    executor.shutdown();
    if (executor.isTerminated()) {
      return;
    }
    long nanos = timeout == null ? Long.MAX_VALUE : timeout.toNanos();
    Future<Boolean> joined = loop.createFuture();
    EventLoop.RealWork work = loop.beginRealWork("joining the default executor's threads");
    Thread.ofPlatform().name("weft-executor-shutdown").daemon(true).start(() -> {
      boolean done;
      try {
        done = executor.awaitTermination(nanos, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        done = false;
      }
      deliver(loop, work, joined, done, null);
    });
    if (!joined.await()) {
      Kernel.get().warn(loop, "The executor did not finish joining its threads within "
          + (timeout == null ? "the time it was given" : seconds(timeout) + " seconds") + ".");
    }
  }
}
