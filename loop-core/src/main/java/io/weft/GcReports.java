package io.weft;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * What a loop does when the garbage collector takes an object that asyncio finalizes through its loop: a future whose
 * exception nobody retrieved ("Future exception was never retrieved", as {@code Future.__del__} reports it), and an
 * async generator dropped before it finished (closed by a task on the loop, as {@code _asyncgen_finalizer_hook}
 * does). Tasks have their own registry ({@link TaskRegistry}).
 *
 * <p>Each tracked object has a weak reference here, kept in registration order; the reference holds what the
 * report or the cleanup needs, never the object itself. An object is registered only when it needs a report (a
 * future when an exception is set, a generator at its first iteration), so futures that succeed cost nothing.
 *
 * <p>A production loop polls the reference queue once per iteration and acts on the loop thread; close() polls a
 * last time, and an object collected after close is not reported. A simulated loop does not use the queue at all:
 * when the collector runs is outside any schedule, so a report it caused would make runs differ. There, only
 * {@link #collectNow} (the simulation's {@code collectGarbage()}) looks for collected objects, at a point of the
 * program that the schedule fixes, and acts on them in registration order.
 */
final class GcReports {

  /** A tracked object's reference: in the loop's list until collected and acted on, or unregistered. */
  abstract static class Ref extends WeakReference<Object> {
    private Ref prev;
    private Ref next;
    private boolean linked;

    Ref(Object referent, ReferenceQueue<Object> queue) {
      super(referent, queue);
    }

    /** Acts on the object's collection, on the loop thread. */
    abstract void collected(EventLoop loop);
  }

  /** A future's unread exception: reported when the future is collected, unless it is read first. */
  static final class UnretrievedRef extends Ref {
    final int hash;
    final Throwable exception;
    final Throwable createdAt;
    final String kind;

    UnretrievedRef(Future<?> future, Throwable exception, ReferenceQueue<Object> queue) {
      super(future, queue);
      this.hash = System.identityHashCode(future);
      this.exception = exception;
      this.createdAt = future.createdAt;
      this.kind = future.getClass().getSimpleName();
    }

    @Override
    void collected(EventLoop loop) {
      loop.callExceptionHandler(loop.withSource(
          ExceptionContext.of("Future exception was never retrieved", exception)
              .with("future", "<" + kind + " finished exception=" + exception + ">"),
          createdAt));
    }
  }

  private final EventLoop loop;
  // Null on a simulated loop: there the collector's timing must not reach the loop (see the class comment).
  private final ReferenceQueue<Object> queue;
  // Invariant: the linked refs, in registration order.
  private Ref head;
  private Ref tail;
  private int size;
  // The tracked futures' refs by the futures' identity hashes: a ref, or an ArrayList of refs whose futures share a
  // hash. Looked up, never iterated. Futures hold no field for this, so that a future that succeeds costs nothing.
  private final HashMap<Integer, Object> futures = new HashMap<>();

  GcReports(EventLoop loop, boolean simulated) {
    this.loop = loop;
    this.queue = simulated ? null : new ReferenceQueue<>();
  }

  /** The queue new refs must be made with (null on a simulated loop). */
  ReferenceQueue<Object> queue() {
    return queue;
  }

  /** Tracks {@code future}'s unread {@code exception}, until {@link #untrack} or the future is collected. */
  void trackUnretrieved(Future<?> future, Throwable exception) {
    UnretrievedRef r = new UnretrievedRef(future, exception, queue);
    register(r);
    Object old = futures.putIfAbsent(r.hash, r);
    if (old instanceof UnretrievedRef one) {
      ArrayList<UnretrievedRef> list = new ArrayList<>(2);
      list.add(one);
      list.add(r);
      futures.put(r.hash, list);
    } else if (old != null) {
      @SuppressWarnings("unchecked")
      ArrayList<UnretrievedRef> list = (ArrayList<UnretrievedRef>) old;
      list.add(r);
    }
  }

  /** Stops tracking {@code future}'s exception: it was read. */
  void untrack(Future<?> future) {
    if (futures.isEmpty()) {
      return;
    }
    Object found = futures.get(System.identityHashCode(future));
    if (found instanceof UnretrievedRef one) {
      if (one.refersTo(future)) {
        unregister(one);
      }
    } else if (found != null) {
      @SuppressWarnings("unchecked")
      ArrayList<UnretrievedRef> list = (ArrayList<UnretrievedRef>) found;
      for (UnretrievedRef r : list) {
        if (r.refersTo(future)) {
          unregister(r);
          return;
        }
      }
    }
  }

  private void forget(UnretrievedRef r) {
    Object found = futures.get(r.hash);
    if (found == r) {
      futures.remove(r.hash);
    } else if (found instanceof ArrayList<?> list) {
      list.remove(r);
      if (list.size() == 1) {
        futures.put(r.hash, list.get(0));
      }
    }
  }

  void register(Ref r) {
    r.linked = true;
    r.prev = tail;
    if (tail == null) {
      head = r;
    } else {
      tail.next = r;
    }
    tail = r;
    size++;
  }

  /** Stops tracking: the object no longer needs a report, or it was collected and is acted on now. Idempotent. */
  void unregister(Ref r) {
    if (!r.linked) {
      return;
    }
    r.linked = false;
    if (r.prev == null) {
      head = r.next;
    } else {
      r.prev.next = r.next;
    }
    if (r.next == null) {
      tail = r.prev;
    } else {
      r.next.prev = r.prev;
    }
    r.prev = null;
    r.next = null;
    size--;
    if (r instanceof UnretrievedRef u) {
      forget(u);
    }
    r.clear(); // a cleared reference is never enqueued
  }

  /** How many objects are tracked. */
  int size() {
    return size;
  }

  /** Acts on the objects the collector has taken since the last call (production loops; loop thread). */
  void poll() {
    if (queue == null) {
      return;
    }
    Ref r;
    while ((r = (Ref) queue.poll()) != null) {
      if (r.linked) {
        unregister(r);
        r.collected(loop);
      }
    }
  }

  /**
   * Runs the garbage collector and acts, in registration order, on every tracked object it has taken; returns how
   * many. {@code System.gc()} runs {@code rounds} times (a full, stop-the-world collection on the JDK's collectors
   * unless {@code -XX:+DisableExplicitGC} or {@code -XX:+ExplicitGCInvokesConcurrent}), and what is collected is read
   * from the references themselves, so nothing waits for the JDK's reference handler thread. Loop thread.
   */
  int collectNow(int rounds) {
    for (int i = 0; i < rounds; i++) {
      System.gc();
    }
    List<Ref> taken = new ArrayList<>();
    for (Ref r = head; r != null; r = r.next) {
      if (r.refersTo(null)) {
        taken.add(r);
      }
    }
    for (Ref r : taken) {
      unregister(r);
    }
    for (Ref r : taken) {
      r.collected(loop);
    }
    return taken.size();
  }
}
