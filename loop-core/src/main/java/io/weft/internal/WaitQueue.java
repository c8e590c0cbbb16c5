package io.weft.internal;

import io.weft.CancelledError;
import io.weft.EventLoop;
import io.weft.Future;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Objects;

/**
 * The first-in-first-out queue of waiting tasks under every synchronization primitive and queue.
 *
 * <h2>Why one queue</h2>
 *
 * <p>asyncio gives each primitive its own {@code _waiters} deque of futures and repairs the same races in each; Trio
 * puts one {@code ParkingLot} under all of them. Weft follows Trio: fairness (waiters are woken in arrival order,
 * and a woken waiter keeps its turn) and the cancellation races are solved here once, and each primitive keeps only
 * its own state (a lock's flag, a semaphore's count, a queue's items).
 *
 * <h2>The wake/cancel race</h2>
 *
 * <p>A waiter is a future. Waking it sets its result, and the waiting task resumes in a later iteration. If the task
 * is cancelled in between, asyncio's rule applies: the task still gets the {@link CancelledError}, so the wakeup
 * would be lost. {@link #await} detects that case (the waiter finished with a result, yet the await raised) and runs
 * the primitive's {@code passOn} action, which hands the wakeup to the next waiter when the resource is still
 * available. A waiter cancelled before it was woken simply leaves the queue.
 *
 * <h2>Loop binding</h2>
 *
 * <p>A queue binds to the loop of its first waiter, as asyncio's primitives bind to the running loop on first use;
 * waiting from another loop is an error.
 */
public final class WaitQueue {

  // Invariant: every waiter here is pending or was woken and has not left yet; cancelled waiters leave at once.
  private final ArrayDeque<Future<Void>> waiters = new ArrayDeque<>();
  private EventLoop loop;
  // The primitive this queue belongs to, named in a simulated loop's deadlock report; may be null.
  private final Object guard;

  /** Creates a queue for the primitive {@code guard} (may be null). */
  public WaitQueue(Object guard) {
    this.guard = guard;
  }

  /** Creates a queue that belongs to no named primitive. */
  public WaitQueue() {
    this(null);
  }

  /** Returns the loop this queue is bound to, binding it to the running loop if it is not bound yet. */
  public EventLoop loop() {
    EventLoop running = EventLoop.getRunningLoop();
    if (loop == null) {
      loop = running;
    } else if (loop != running) {
      throw new IllegalStateException(
          this + " is bound to a different event loop: " + loop + ", not the running " + running);
    }
    return loop;
  }

  /** Appends a waiter for the calling task and returns it; pass it to {@link #await}. */
  public Future<Void> enqueue() {
    Future<Void> w = loop().createFuture();
    if (guard != null) {
      Kernel.get().noteWaiter(w, guard);
    }
    waiters.add(w);
    return w;
  }

  /**
   * Awaits {@code waiter}, which leaves the queue however the wait ends.
   *
   * @param passOn run when the task is cancelled after the waiter was woken, before the cancellation is rethrown;
   *     typically wakes the next waiter if the resource is still free
   * @throws CancelledError if the task was cancelled, the same instance it was cancelled with
   */
  public void await(Future<Void> waiter, Runnable passOn) {
    Objects.requireNonNull(passOn, "passOn must not be null");
    try {
      waiter.await();
    } catch (CancelledError e) {
      boolean wasWoken = waiter.isDone() && !waiter.isCancelled();
      waiter.cancel();
      waiters.remove(waiter); // before passOn, so that it wakes the next waiter, not this one
      if (wasWoken) {
        passOn.run();
      }
      throw e;
    } finally {
      waiters.remove(waiter); // however the wait ended: woken, cancelled, or failed by failAll
    }
  }

  /** Wakes the first waiter not yet woken; returns whether there was one. */
  public boolean wakeFirst() {
    for (Future<Void> w : waiters) {
      if (!w.isDone()) {
        w.setResult(null);
        return true;
      }
    }
    return false;
  }

  /** Wakes up to {@code n} waiters not yet woken, in order; returns how many were woken. */
  public int wake(int n) {
    int woken = 0;
    Iterator<Future<Void>> it = waiters.iterator();
    while (woken < n && it.hasNext()) {
      Future<Void> w = it.next();
      if (!w.isDone()) {
        w.setResult(null);
        woken++;
      }
    }
    return woken;
  }

  /** Wakes every waiter not yet woken; returns how many. */
  public int wakeAll() {
    return wake(Integer.MAX_VALUE);
  }

  /** Fails every waiter not yet woken with {@code error}; they leave the queue when they resume. */
  public int failAll(Throwable error) {
    int failed = 0;
    for (Future<Void> w : waiters) {
      if (!w.isDone()) {
        w.setException(error);
        failed++;
      }
    }
    return failed;
  }

  /** Returns whether some waiter has not been woken yet (is still waiting for its turn). */
  public boolean hasUnwoken() {
    for (Future<Void> w : waiters) {
      if (!w.isDone()) {
        return true;
      }
    }
    return false;
  }

  /** Returns the number of waiters in the queue, woken or not. */
  public int size() {
    return waiters.size();
  }

  /** Returns whether the queue is empty. */
  public boolean isEmpty() {
    return waiters.isEmpty();
  }

  @Override
  public String toString() {
    return "WaitQueue[" + waiters.size() + " waiters]";
  }
}
