package io.weft;

import io.weft.internal.Sneaky;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A deadline for a block of code in a task: asyncio's {@code timeout()} / {@code timeout_at()}, and
 * {@link #waitFor} built on it.
 *
 * <pre>{@code
 * String page = Timeout.run(Duration.ofSeconds(10), t -> fetch(url));   // TimeoutError after 10 s
 * }</pre>
 *
 * <h2>How it works</h2>
 *
 * <p>Entering the scope schedules a timer for the deadline. If it fires while the body runs, it
 * {@linkplain Task#cancel(String) cancels} the task, so the body gets a {@link CancelledError} at its current or next
 * await. When that error leaves the body, the scope replaces it with a {@link TimeoutError} whose
 * {@linkplain Throwable#getCause() cause} is the {@code CancelledError}. Only the cancellation the timeout requested
 * becomes a {@code TimeoutError}: at entry the scope records the task's {@link Task#cancelling()} count, and on exit
 * it withdraws its own request with {@link Task#uncancel()}; if requests remain above the recorded count, someone
 * else cancelled the task too, and the {@code CancelledError} goes through unchanged. So with nested timeouts only
 * the outermost expired one raises {@code TimeoutError}, an outside cancellation is never turned into a timeout, and
 * once a {@code TimeoutError} is handled the task is not left cancelled. A body that swallows the cancellation and
 * returns makes the scope return its value: no {@code TimeoutError}, yet {@link #expired()} is true.
 *
 * <h2>States</h2>
 *
 * <p>{@link State#CREATED} until entered, {@link State#ENTERED} while the body runs, {@link State#EXPIRING} once the
 * deadline passed and the task was cancelled, then {@link State#EXPIRED} or {@link State#EXITED} (finished without
 * expiring). Every transition checks where it starts and throws {@link IllegalStateException} naming the state.
 *
 * <h2>Where Java differs from asyncio</h2>
 *
 * <ul>
 *   <li>{@code async with} is a lambda: {@link #run(Duration, Body)} or {@link #enter(Body)}; the body receives the
 *       scope, to {@link #reschedule} it, and returns the scope's value.
 *   <li>Java has no implicit {@code __context__}. asyncio (3.13) inserts a {@code TimeoutError} into the context
 *       chain of an exception raised while the expired timeout's cancellation was being handled (TO-07, TO-14);
 *       Weft {@linkplain Throwable#addSuppressed adds} a {@code TimeoutError} to that exception's suppressed list
 *       instead (to the group itself for an exception group, not to its members), with the first
 *       {@code CancelledError} of the exception's cause chain as its cause, if there is one.
 *   <li>A deadline is a {@code Double} on the {@link EventLoop#time()} scale; null means never. A deadline at or
 *       before the current time expires in the next iteration, through {@link EventLoop#callSoon}, as in asyncio.
 * </ul>
 *
 * <p>Use a timeout from its task's loop thread only. References: CPython {@code Lib/asyncio/timeouts.py},
 * {@code tasks.py} ({@code wait_for}), {@code test_timeouts.py}, {@code test_waitfor.py}.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.1")
public final class Timeout {

  /**
   * The code a timeout scope guards.
   *
   * @param <T> what the body returns
   */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.1")
  @FunctionalInterface
  public interface Body<T> {
    /** Runs in the task that entered the scope; may await, and may {@link Timeout#reschedule} the scope. */
    T run(Timeout timeout) throws Exception;
  }

  /** Where a timeout is in its life; transitions only go forward. */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.1")
  public enum State {
    /** Made, not entered yet. */
    CREATED("created"),
    /** The body is running and the deadline has not passed. */
    ENTERED("active"),
    /** The deadline passed and the task was cancelled; the body has not left yet. */
    EXPIRING("expiring"),
    /** Left after the deadline passed. */
    EXPIRED("expired"),
    /** Left before the deadline. */
    EXITED("finished");

    private final String label;

    State(String label) {
      this.label = label;
    }

    /** Returns asyncio's name for the state: created, active, expiring, expired or finished. */
    public String label() {
      return label;
    }
  }

  private State state = State.CREATED;
  // Invariant: null means never; NaN never.
  private Double when;
  // Invariant: non-null only while ENTERED with a finite deadline.
  private Handle handle;
  // Invariant: non-null from entry on.
  private Task<?> task;
  private int cancellingAtEntry;
  private final Runnable onTimeout = this::onTimeout;

  private Timeout(Double when) {
    if (when != null && when.isNaN()) {
      throw new IllegalArgumentException("when must be a number or null (never), got NaN");
    }
    this.when = when;
  }

  // ------------------------------------------------------------------------------------------------------------
  // Creating and entering
  // ------------------------------------------------------------------------------------------------------------

  /**
   * Makes a timeout that expires {@code delay} from now on the running loop's clock, as asyncio's
   * {@code timeout(delay)}; enter it with {@link #enter}. Zero or negative expires in the next iteration.
   *
   * @param delay the time allowed, or null for never
   * @throws IllegalStateException if no loop is running on this thread
   */
  public static Timeout after(Duration delay) {
    EventLoop loop = EventLoop.getRunningLoop();
    return new Timeout(delay == null ? null : loop.time() + seconds(delay));
  }

  /**
   * Makes a timeout that expires at {@code when} on the {@link EventLoop#time()} scale, as asyncio's
   * {@code timeout_at(when)}; enter it with {@link #enter}.
   *
   * @param when the deadline, or null for never; positive infinity never expires either
   * @throws IllegalArgumentException if {@code when} is NaN
   */
  public static Timeout at(Double when) {
    return new Timeout(when);
  }

  /**
   * Runs {@code body} with a deadline {@code delay} from now: {@code async with asyncio.timeout(delay)}.
   *
   * @param delay the time allowed, or null for never
   * @return what the body returned, also when it swallowed the timeout's cancellation and returned
   * @throws TimeoutError if the deadline passed and the cancellation left the body; its cause is that
   *     {@link CancelledError}
   * @throws IllegalStateException if not called from a task
   */
  public static <T> T run(Duration delay, Body<T> body) {
    return after(delay).enter(body);
  }

  /** Runs {@code body} with a deadline at {@code when} (null for never): {@code asyncio.timeout_at(when)}. */
  public static <T> T runAt(Double when, Body<T> body) {
    return at(when).enter(body);
  }

  /**
   * Enters the scope, runs {@code body} in the calling task and leaves the scope; see the class description. The
   * body's exceptions, checked or not, leave unchanged unless the scope turns a {@link CancelledError} into a
   * {@link TimeoutError}.
   *
   * @throws IllegalStateException if the timeout was entered before, or if not called from a task
   */
  public <T> T enter(Body<T> body) {
    Objects.requireNonNull(body, "body must not be null");
    if (state != State.CREATED) {
      throw new IllegalStateException("Timeout has already been entered: " + this);
    }
    Task<?> current = Task.current();
    if (current == null) {
      throw new IllegalStateException("Timeout should be used inside a task, but was entered "
          + (EventLoop.running() != null ? "from a callback on the loop thread" : "outside any running loop"));
    }
    state = State.ENTERED;
    task = current;
    cancellingAtEntry = current.cancelling();
    reschedule(when);
    T value;
    try {
      value = body.run(this);
    } catch (Throwable e) {
      exit(e);
      throw Sneaky.<RuntimeException>raise(e);
    }
    exit(null);
    return value;
  }

  // ------------------------------------------------------------------------------------------------------------
  // The deadline
  // ------------------------------------------------------------------------------------------------------------

  /** Returns the deadline on the {@link EventLoop#time()} scale, or null if the timeout never expires. */
  public Double when() {
    return when;
  }

  /**
   * Moves the deadline to {@code when} (null for never); a time at or before now expires in the next iteration.
   *
   * @throws IllegalStateException if the timeout is not {@link State#ENTERED}: not entered yet, expiring, expired or
   *     finished
   * @throws IllegalArgumentException if {@code when} is NaN
   */
  public void reschedule(Double when) {
    if (state != State.ENTERED) {
      throw new IllegalStateException(state == State.CREATED
          ? "Timeout has not been entered"
          : "Cannot change state of " + state.label() + " Timeout");
    }
    if (when != null && when.isNaN()) {
      throw new IllegalArgumentException("when must be a number or null (never), got NaN");
    }
    this.when = when;
    if (handle != null) {
      handle.cancel();
      handle = null;
    }
    if (when == null || when == Double.POSITIVE_INFINITY) {
      return;
    }
    EventLoop loop = task.loop();
    // The callbacks touch only this scope and its task, so they run in the task's context rather than a copy.
    if (when <= loop.time()) {
      handle = loop.callSoon(onTimeout, task.getContext());
    } else {
      handle = loop.callAt(when, onTimeout, task.getContext());
    }
  }

  /** Returns whether the deadline passed while the body ran (the scope is expiring or expired). */
  public boolean expired() {
    return state == State.EXPIRING || state == State.EXPIRED;
  }

  /** Returns where the timeout is in its life. */
  public State state() {
    return state;
  }

  private void onTimeout() {
    if (state != State.ENTERED) {
      throw new IllegalStateException("Timeout cannot expire in state " + state.label() + ": " + this);
    }
    handle = null;
    task.cancel();
    state = State.EXPIRING;
  }

  /** Leaves the scope: returns normally, or throws the TimeoutError that replaces {@code exc}. */
  private void exit(Throwable exc) {
    if (state != State.ENTERED && state != State.EXPIRING) {
      throw new IllegalStateException("Timeout cannot exit in state " + state.label() + ": " + this);
    }
    if (handle != null) {
      handle.cancel();
      handle = null;
    }
    if (state == State.ENTERED) {
      state = State.EXITED;
      return;
    }
    state = State.EXPIRED;
    // Withdraw our own request first, whatever the body did: a body that swallowed it must not stay cancelled.
    if (task.uncancel() > cancellingAtEntry || exc == null) {
      return; // someone else cancelled the task too, or the body swallowed the cancellation and returned
    }
    if (exc instanceof CancelledError cancelled) {
      throw new TimeoutError("Timeout expired at when=" + when + EventLoop.timeNote(task.loop), cancelled);
    }
    exc.addSuppressed(new TimeoutError(
        "Timeout expired at when=" + when + EventLoop.timeNote(task.loop)
            + " while the body was handling its cancellation", firstCancelled(exc)));
  }

  private static CancelledError firstCancelled(Throwable e) {
    for (int depth = 0; e != null && depth < 100; depth++, e = e.getCause()) {
      if (e instanceof CancelledError c) {
        return c;
      }
    }
    return null;
  }

  /** Python's repr: {@code <Timeout [active] when=12.345>}, {@code <Timeout [expired]>} and so on. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("<Timeout [").append(state.label()).append(']');
    if (state == State.ENTERED) {
      Object shown = when == null || when.isInfinite() ? when : (Object) (Math.round(when * 1000) / 1000.0);
      sb.append(" when=").append(shown);
    }
    return sb.append('>').toString();
  }

  static double seconds(Duration d) {
    return d.getSeconds() + d.getNano() / 1e9;
  }

  // ------------------------------------------------------------------------------------------------------------
  // wait_for
  // ------------------------------------------------------------------------------------------------------------

  /**
   * Awaits {@code future} for at most {@code timeout}: asyncio's {@code wait_for} (3.12+, built on a timeout).
   *
   * <p>If the time runs out, the future is cancelled and this waits until it is really done (a task may await in
   * its cleanup, or ignore the cancellation and finish later); then it throws {@link TimeoutError} with the
   * future's {@link CancelledError} as cause, or returns the value if the task swallowed the cancellation and
   * returned. Cancelling the calling task cancels the future too. With a timeout of zero or less, a future that is
   * already done gives its result at once; otherwise it is cancelled and awaited, then {@code TimeoutError} is
   * thrown.
   *
   * @param timeout the time allowed, or null to wait as long as it takes
   * @return the future's result
   * @throws TimeoutError if the time ran out
   * @throws CancelledError if the calling task was cancelled
   */
  public static <T> T waitFor(Future<T> future, Duration timeout) {
    Objects.requireNonNull(future, "future must not be null");
    if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
      if (future.isDone()) {
        return future.result();
      }
      cancelAndWait(future);
      try {
        return future.result();
      } catch (CancelledError e) {
        throw new TimeoutError("wait_for timed out: timeout was " + timeout + EventLoop.timeNote(future.loop), e);
      }
    }
    return run(timeout, t -> future.await());
  }

  /**
   * Runs {@code body} in the calling task for at most {@code timeout}, as asyncio's {@code wait_for(coro, timeout)}:
   * on time-out the body gets a {@link CancelledError}, and this throws {@link TimeoutError} once the body has left
   * (or returns what the body returned, if it swallowed the cancellation). With a timeout of zero or less the body
   * is not started: it becomes a task that is cancelled before its first step, and {@code TimeoutError} is thrown.
   *
   * @param timeout the time allowed, or null to wait as long as it takes
   * @throws TimeoutError if the time ran out
   */
  public static <T> T waitFor(AsyncCallable<T> body, Duration timeout) {
    Objects.requireNonNull(body, "body must not be null");
    if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
      return waitFor(EventLoop.getRunningLoop().createTask(body), timeout);
    }
    return run(timeout, t -> body.call());
  }

  /** Cancels {@code future} and waits until it is done, staying cancellable itself (asyncio's _cancel_and_wait). */
  private static <T> void cancelAndWait(Future<T> future) {
    Future<Void> waiter = future.loop().createFuture();
    Consumer<Future<T>> release = f -> {
      if (!waiter.isDone()) {
        waiter.setResult(null);
      }
    };
    future.addDoneCallback(release);
    try {
      future.cancel();
      waiter.await();
    } finally {
      future.removeDoneCallback(release);
    }
  }
}
