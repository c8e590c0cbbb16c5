package io.weft;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * Combinators over futures and tasks: asyncio's {@code gather}, {@code wait}, {@code as_completed} and
 * {@code shield} (CPython 3.13, {@code Lib/asyncio/tasks.py}).
 *
 * <h2>gather</h2>
 *
 * <p>{@link #gather(List)} returns a future for the list of the children's results, in argument order. With
 * {@code returnExceptions} off, the first child to fail (or to be cancelled) finishes it with that exception; the other
 * children are <em>not</em> cancelled, and what they end with later is marked retrieved. A child cancelled directly
 * makes the gather future done with a {@link CancelledError} as its exception, but not cancelled. Cancelling the
 * gather future (for example by cancelling the task that awaits it) cancels every child; it ends with a
 * {@code CancelledError} once they have, even with {@code returnExceptions}, and its {@code cancel} returns false
 * when no child was pending. A future given twice is awaited once and its result repeated. Bodies
 * ({@link AsyncCallable}s, the coroutines of Java) are wrapped in tasks on the running loop by
 * {@link #gatherBodies(List)}.
 *
 * <h2>wait</h2>
 *
 * <p>{@link #wait(Collection, ReturnWhen, Duration)} blocks the calling task until {@link ReturnWhen} is met or the
 * timeout passes, then returns the futures split into done and pending. It never throws {@link TimeoutError} and
 * never cancels anything.
 *
 * <h2>asCompleted</h2>
 *
 * <p>{@link #asCompleted(Collection, Duration)} returns steps: futures that resolve to the inputs' outcomes in the
 * order the inputs complete. After the timeout every remaining step fails with {@link TimeoutError}; the inputs are
 * not cancelled. asyncio 3.13's asynchronous-iteration form ({@code async for}) arrives with Weft's async iterators
 * in a later change; this is the plain-iteration form.
 *
 * <h2>shield</h2>
 *
 * <p>{@link #shield(Future)} returns a future that follows the inner one, except that cancelling it (or the task
 * awaiting it) leaves the inner one running.
 *
 * <h2>Differences from asyncio</h2>
 *
 * <ul>
 *   <li>Python's {@code TypeError}s for wrong kinds of argument are compile-time errors here; a null argument or
 *       element throws {@link NullPointerException} before anything is registered or created.
 *   <li>Futures from different loops are rejected by {@code gather}, {@code wait} and {@code asCompleted} with
 *       {@link IllegalArgumentException} before anything is registered (asyncio's {@code gather} may already have
 *       added callbacks to the earlier children, and its {@code wait} does not check).
 *   <li>A negative timeout counts as zero ({@code EventLoop.callLater} refuses negative delays; asyncio's runs them at
 *       once).
 *   <li>Java erases generics, so the body forms of {@code gather} are named {@code gatherBodies}.
 *   <li>An {@code asCompleted} step whose completion is already there still suspends its awaiting task for one
 *       iteration (asyncio's step coroutine returns without suspending), because a step takes its completion when it
 *       gets its first done callback, which an await adds only after deciding to suspend.
 * </ul>
 *
 * <p>Everything here must be called on the futures' loop thread (tasks of that loop included).
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.1")
public final class Combinators {

  private Combinators() {}

  // ------------------------------------------------------------------------------------------------------------
  // gather
  // ------------------------------------------------------------------------------------------------------------

  /**
   * Returns a future for the results of {@code futures}, in argument order; the first exception (or cancellation)
   * of a child finishes it instead. See the class description for cancellation.
   *
   * <p>An empty list gives a future, on the running loop, already done with an empty list.
   *
   * @param futures the children (tasks included); never null, nor any element
   * @return a new, mutable list of results (elements may be null) when all children succeed
   * @throws IllegalArgumentException if the futures belong to different loops
   * @throws IllegalStateException if {@code futures} is empty and no loop is running
   */
  public static <T> Future<List<T>> gather(List<? extends Future<? extends T>> futures) {
    return gatherFutures(futures, false);
  }

  /** Gathers {@code futures}; see {@link #gather(List)}. {@code gather()} of nothing needs a running loop. */
  @SafeVarargs
  public static <T> Future<List<T>> gather(Future<? extends T>... futures) {
    Objects.requireNonNull(futures, "futures must not be null");
    return gatherFutures(Arrays.asList(futures), false);
  }

  /**
   * Gathers {@code futures}; with {@code returnExceptions}, a child's exception takes its place in the result list
   * (a cancelled child's place holds a new {@link CancelledError} with its message) instead of finishing the gather
   * future. See {@link #gather(List)}.
   *
   * @return a future for a list whose elements are results or {@link Throwable}s
   */
  public static Future<List<Object>> gather(boolean returnExceptions, List<? extends Future<?>> futures) {
    return gatherFutures(futures, returnExceptions);
  }

  /** Gathers {@code futures}; see {@link #gather(boolean, List)}. */
  public static Future<List<Object>> gather(boolean returnExceptions, Future<?>... futures) {
    Objects.requireNonNull(futures, "futures must not be null");
    return gatherFutures(Arrays.asList(futures), returnExceptions);
  }

  /**
   * Runs each body in a new task on the running loop and gathers the tasks; see {@link #gather(List)}. A body given
   * twice (the same object) runs once and its result is repeated, as a coroutine given twice to asyncio's
   * {@code gather} is.
   *
   * @param bodies never null, nor any element
   * @throws IllegalStateException if no loop is running
   */
  public static <T> Future<List<T>> gatherBodies(List<? extends AsyncCallable<? extends T>> bodies) {
    return gatherFutures(tasksFor(bodies), false);
  }

  /** Runs and gathers {@code bodies}; see {@link #gatherBodies(List)}. */
  @SafeVarargs
  public static <T> Future<List<T>> gatherBodies(AsyncCallable<? extends T>... bodies) {
    Objects.requireNonNull(bodies, "bodies must not be null");
    return gatherFutures(tasksFor(Arrays.asList(bodies)), false);
  }

  /** Runs and gathers {@code bodies}, with exceptions as results if asked; see {@link #gather(boolean, List)}. */
  public static Future<List<Object>> gatherBodies(boolean returnExceptions, List<? extends AsyncCallable<?>> bodies) {
    return gatherFutures(tasksFor(bodies), returnExceptions);
  }

  /** Runs and gathers {@code bodies}; see {@link #gatherBodies(boolean, List)}. */
  public static Future<List<Object>> gatherBodies(boolean returnExceptions, AsyncCallable<?>... bodies) {
    Objects.requireNonNull(bodies, "bodies must not be null");
    return gatherFutures(tasksFor(Arrays.asList(bodies)), returnExceptions);
  }

  private static <R> Future<List<R>> gatherFutures(List<? extends Future<?>> futures, boolean returnExceptions) {
    Objects.requireNonNull(futures, "futures must not be null");
    int n = futures.size();
    if (n == 0) {
      return GatheringFuture.empty(EventLoop.getRunningLoop());
    }
    Future<?>[] children = new Future<?>[n];
    List<Future<?>> distinct = new ArrayList<>(n);
    IdentityHashMap<Future<?>, Boolean> seen = new IdentityHashMap<>(n);
    EventLoop loop = null;
    for (int i = 0; i < n; i++) {
      Future<?> f = futures.get(i);
      if (f == null) {
        throw new NullPointerException("futures[" + i + "] must not be null");
      }
      if (loop == null) {
        loop = f.loop();
      } else if (f.loop() != loop) {
        throw new IllegalArgumentException("gather(): futures[" + i + "] " + f + " belongs to " + f.loop()
            + ", a different loop than futures[0]'s " + loop);
      }
      children[i] = f;
      if (seen.put(f, Boolean.TRUE) == null) {
        distinct.add(f);
      }
    }
    return GatheringFuture.of(children, distinct, returnExceptions);
  }

  private static List<Future<?>> tasksFor(List<? extends AsyncCallable<?>> bodies) {
    Objects.requireNonNull(bodies, "bodies must not be null");
    int n = bodies.size();
    for (int i = 0; i < n; i++) {
      if (bodies.get(i) == null) {
        throw new NullPointerException("bodies[" + i + "] must not be null");
      }
    }
    EventLoop loop = EventLoop.getRunningLoop();
    IdentityHashMap<AsyncCallable<?>, Task<?>> tasks = new IdentityHashMap<>(n);
    List<Future<?>> out = new ArrayList<>(n);
    for (AsyncCallable<?> body : bodies) {
      Task<?> t = tasks.get(body);
      if (t == null) {
        t = loop.createTask(body);
        tasks.put(body, t);
      }
      out.add(t);
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------------------------
  // wait
  // ------------------------------------------------------------------------------------------------------------

  /** Waits until every future is done; see {@link #wait(Collection, ReturnWhen, Duration)}. */
  public static <F extends Future<?>> WaitResult<F> wait(Collection<? extends F> futures) {
    return wait(futures, ReturnWhen.ALL_COMPLETED, null);
  }

  /** Waits, with no timeout, until {@code returnWhen} is met; see {@link #wait(Collection, ReturnWhen, Duration)}. */
  public static <F extends Future<?>> WaitResult<F> wait(Collection<? extends F> futures, ReturnWhen returnWhen) {
    return wait(futures, returnWhen, null);
  }

  /** Waits until every future is done or the timeout passes; see {@link #wait(Collection, ReturnWhen, Duration)}. */
  public static <F extends Future<?>> WaitResult<F> wait(Collection<? extends F> futures, Duration timeoutOrNull) {
    return wait(futures, ReturnWhen.ALL_COMPLETED, timeoutOrNull);
  }

  /**
   * Suspends the calling task until {@code returnWhen} is met or {@code timeoutOrNull} has passed, then returns the
   * futures split into done and pending, in the order given. A future given twice counts once.
   *
   * <p>Futures already done still take the loop a turn to be seen (their done callbacks run in the next iteration),
   * as in asyncio. The wait never throws {@link TimeoutError} and never cancels a future; cancelling the waiting
   * task does not cancel them either.
   *
   * @param futures never empty, never null nor holding null; all on the calling task's loop
   * @param returnWhen never null
   * @param timeoutOrNull how long to wait at most, or null for no limit; negative counts as zero
   * @throws IllegalArgumentException if {@code futures} is empty or holds a future of another loop
   * @throws IllegalStateException if not called from a task
   * @throws CancelledError if the calling task is cancelled while waiting
   */
  public static <F extends Future<?>> WaitResult<F> wait(Collection<? extends F> futures, ReturnWhen returnWhen,
      Duration timeoutOrNull) {
    Objects.requireNonNull(futures, "futures must not be null");
    Objects.requireNonNull(returnWhen, "returnWhen must not be null");
    if (futures.isEmpty()) {
      throw new IllegalArgumentException("wait() needs at least one future, got an empty collection");
    }
    Task<?> task = Task.current();
    if (task == null) {
      throw new IllegalStateException("wait() must be called from a task");
    }
    LinkedHashSet<F> distinct = new LinkedHashSet<>();
    for (F f : futures) {
      Objects.requireNonNull(f, "futures must not hold null");
      if (f.loop() != task.loop) {
        throw new IllegalArgumentException("wait(): " + f + " belongs to " + f.loop()
            + ", a different loop than the calling task's " + task.loop);
      }
      distinct.add(f);
    }
    return Waiting.run(task, distinct, returnWhen, timeoutOrNull);
  }

  // ------------------------------------------------------------------------------------------------------------
  // asCompleted
  // ------------------------------------------------------------------------------------------------------------

  /** Returns the steps for {@code futures} in completion order, with no timeout; see {@link #asCompleted(Collection, Duration)}. */
  public static <T> Iterable<Future<T>> asCompleted(Collection<? extends Future<? extends T>> futures) {
    return asCompleted(futures, null);
  }

  /**
   * Returns one step per distinct input: futures that resolve, in the order the inputs complete, to their outcomes
   * (result, exception, or cancellation with the input's {@link CancelledError}).
   *
   * <pre>{@code
   * for (Future<String> step : Combinators.asCompleted(fetches, Duration.ofSeconds(5))) {
   *   String page = step.await(); // the earliest page not yet taken; TimeoutError once 5 s have passed
   * }
   * }</pre>
   *
   * <p>A step takes the next completion when it is first awaited (when it gets its first done callback), so the
   * k-th step awaited gets the k-th completion, as in asyncio; a step never awaited takes none. A step cancelled
   * while waiting gives its turn to the next. After the timeout, each completion not yet delivered becomes a
   * {@link TimeoutError}; the inputs are not cancelled and are no longer watched.
   *
   * <p>The returned object is its own iterator and can be iterated once: a second for-each resumes where the first
   * stopped (after a {@code break}, say), as asyncio's iterator does. asyncio 3.13's asynchronous-iteration form,
   * which hands back the input futures themselves, is {@link #asCompletedAsync}.
   *
   * @param futures never null nor holding null; all on one loop; may be empty
   * @param timeoutOrNull how long until the remaining steps fail, or null for no limit; negative counts as zero
   * @throws IllegalArgumentException if the futures belong to different loops
   */
  public static <T> Iterable<Future<T>> asCompleted(Collection<? extends Future<? extends T>> futures,
      Duration timeoutOrNull) {
    return asCompletedIterator(futures, timeoutOrNull);
  }

  /**
   * asyncio 3.13's {@code async for f in as_completed(aws, timeout=...)}: the input futures themselves, done, in the
   * order they complete; each {@code next()} awaits the next one (call from a task), and after the timeout it throws
   * {@link TimeoutError}. The inputs are not cancelled.
   *
   * <pre>{@code
   * for (Future<String> done : Combinators.asCompletedAsync(fetches, Duration.ofSeconds(5))) {
   *   int i = fetches.indexOf(done);   // the original future: which fetch this was
   *   String page = done.result();
   * }
   * }</pre>
   *
   * @param futures never null nor holding null; all on one loop; may be empty
   * @param timeoutOrNull how long until the next {@code next()} throws, or null for no limit; negative counts as zero
   * @throws IllegalArgumentException if the futures belong to different loops
   */
  public static <T> AsyncIterable<Future<T>> asCompletedAsync(Collection<? extends Future<? extends T>> futures,
      Duration timeoutOrNull) {
    return asCompletedIterator(futures, timeoutOrNull).originals();
  }

  /**
   * As {@link #asCompletedAsync}, for bodies: each runs in a new task (asyncio wraps coroutines in tasks), and the
   * tasks are handed back as they finish. Call from the loop's thread.
   */
  public static <T> AsyncIterable<Future<T>> asCompletedAsyncBodies(
      List<? extends AsyncCallable<? extends T>> bodies, Duration timeoutOrNull) {
    Objects.requireNonNull(bodies, "bodies must not be null");
    EventLoop loop = EventLoop.getRunningLoop();
    List<Future<? extends T>> tasks = new ArrayList<>();
    for (AsyncCallable<? extends T> body : bodies) {
      tasks.add(loop.createTask(Objects.requireNonNull(body, "bodies must not hold null")));
    }
    return asCompletedAsync(tasks, timeoutOrNull);
  }

  private static <T> AsCompletedIterator<T> asCompletedIterator(Collection<? extends Future<? extends T>> futures,
      Duration timeoutOrNull) {
    Objects.requireNonNull(futures, "futures must not be null");
    LinkedHashSet<Future<? extends T>> distinct = new LinkedHashSet<>();
    EventLoop loop = null;
    for (Future<? extends T> f : futures) {
      Objects.requireNonNull(f, "futures must not hold null");
      if (loop == null) {
        loop = f.loop();
      } else if (f.loop() != loop) {
        throw new IllegalArgumentException("asCompleted(): " + f + " belongs to " + f.loop()
            + ", a different loop than the first future's " + loop);
      }
      distinct.add(f);
    }
    return new AsCompletedIterator<>(loop, distinct, timeoutOrNull);
  }

  // ------------------------------------------------------------------------------------------------------------
  // shield
  // ------------------------------------------------------------------------------------------------------------

  /**
   * Returns a future that completes as {@code inner} does, but whose cancellation does not reach {@code inner}.
   *
   * <p>Cancelling the returned future (or the task awaiting it) cancels only it: {@code inner} runs on, detached,
   * and an exception it ends with later is its own (unretrieved unless someone reads it). If {@code inner} itself is
   * cancelled, the returned future is cancelled too. A future already done is returned as is.
   *
   * @param inner never null
   */
  public static <T> Future<T> shield(Future<T> inner) {
    Objects.requireNonNull(inner, "inner must not be null");
    if (inner.isDone()) {
      return inner;
    }
    return Shielding.outerFor(inner);
  }

  /**
   * Runs {@code body} in a new task on the running loop and shields it; see {@link #shield(Future)}.
   *
   * @throws IllegalStateException if no loop is running
   */
  public static <T> Future<T> shield(AsyncCallable<T> body) {
    Objects.requireNonNull(body, "body must not be null");
    return shield(EventLoop.getRunningLoop().createTask(body));
  }
}
