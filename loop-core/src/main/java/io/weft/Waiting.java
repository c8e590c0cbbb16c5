package io.weft;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One call of {@link Combinators#wait}: asyncio's {@code _wait}. A waiter future is released by the futures' done
 * callbacks (as {@link ReturnWhen} says) or by the timeout; then the callbacks and the timer are removed and the
 * futures are split into done and pending. Nothing is cancelled, and a timeout is not an error.
 *
 * @param <F> the type of the futures waited for
 */
final class Waiting<F extends Future<?>> {

  private final Set<F> futures;
  private final ReturnWhen returnWhen;
  private final Future<Void> waiter;
  private TimerHandle timer;
  // Invariant: the number of futures whose callback has not run yet.
  private int remaining;
  private final Consumer<Future<?>> onDone = this::futureDone;

  private Waiting(EventLoop loop, Set<F> futures, ReturnWhen returnWhen) {
    this.futures = futures;
    this.returnWhen = returnWhen;
    this.waiter = loop.createFuture();
    this.remaining = futures.size();
  }

  /** Waits, in the calling task, for {@code futures} (distinct, non-empty, all on the task's loop). */
  static <F extends Future<?>> WaitResult<F> run(Task<?> task, Set<F> futures, ReturnWhen returnWhen,
      Duration timeout) {
    return new Waiting<>(task.loop, futures, returnWhen).await(task.loop, timeout);
  }

  private WaitResult<F> await(EventLoop loop, Duration timeout) {
    if (timeout != null) {
      // asyncio passes a negative timeout to call_later, which runs the release at once; Weft's callLater refuses
      // negative delays, so a negative timeout counts as zero.
      timer = loop.callLater(timeout.isNegative() ? Duration.ZERO : timeout, this::release);
    }
    Context context = loop.currentContext().copy();
    for (F f : futures) {
      f.addDoneCallback(onDone, context);
    }
    try {
      waiter.await();
    } finally {
      if (timer != null) {
        timer.cancel();
      }
      for (F f : futures) {
        f.removeDoneCallback(onDone);
      }
    }
    Set<F> done = new LinkedHashSet<>();
    Set<F> pending = new LinkedHashSet<>();
    for (F f : futures) {
      (f.isDone() ? done : pending).add(f);
    }
    return new WaitResult<>(done, pending);
  }

  private void futureDone(Future<?> f) {
    remaining--;
    if (remaining <= 0
        || returnWhen == ReturnWhen.FIRST_COMPLETED
        || (returnWhen == ReturnWhen.FIRST_EXCEPTION && !f.isCancelled() && f.exception() != null)) {
      if (timer != null) {
        timer.cancel();
      }
      release();
    }
  }

  private void release() {
    if (!waiter.isDone()) {
      waiter.setResult(null);
    }
  }
}
