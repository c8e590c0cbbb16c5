package io.weft;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The future {@link Combinators#gather} returns: asyncio's {@code _GatheringFuture}.
 *
 * <p>Each distinct child gets one done callback, or, if it is already done when gathered, is taken at once (asyncio
 * 3.12+), so a gather of children that are all done is done when it is returned. With {@code returnExceptions} off, the
 * first child to fail (or to be cancelled) finishes this future with that exception (a cancelled child's
 * {@link CancelledError}, so this future is then done but not cancelled); the other children keep running, and
 * whatever they end with later is marked retrieved. When the last child is done, this future gets the results in
 * argument order, exceptions in their places when {@code returnExceptions} is on.
 *
 * <p>{@link #cancel(String)} acts like a task's: it cancels the children, and this future ends (with a
 * {@code CancelledError} as its exception, whatever {@code returnExceptions} says) only when they have finished: the
 * last child's, or a new one without a message if the last child was not cancelled (it swallowed the request).
 *
 * @param <R> the element type of the result list
 */
final class GatheringFuture<R> extends Future<List<R>> {

  // Invariant: in argument order, a future given twice appears twice; all on this future's loop.
  private final Future<?>[] children;
  // Invariant: the number of distinct children, each with exactly one onChildDone registration.
  private final int distinct;
  private final boolean returnExceptions;
  // Invariant: 0 <= finished <= distinct; counts the onChildDone calls so far.
  private int finished;
  // True once cancel() reached at least one child; then the outcome is a CancelledError.
  private boolean cancelRequested;
  private final Consumer<Future<?>> onChildDone = this::childDone;

  List<Future<?>> children() {
    return List.of(children);
  }

  private GatheringFuture(EventLoop loop, Future<?>[] children, int distinct, boolean returnExceptions) {
    super(loop);
    this.children = children;
    this.distinct = distinct;
    this.returnExceptions = returnExceptions;
  }

  /** Returns a future already done with an empty list, on {@code loop}: {@code gather()} of nothing. */
  static <R> GatheringFuture<R> empty(EventLoop loop) {
    GatheringFuture<R> f = new GatheringFuture<>(loop, new Future<?>[0], 0, false);
    f.setResult(new ArrayList<>());
    return f;
  }

  /**
   * Gathers {@code children} (validated: non-empty, non-null, one loop), registering one callback per distinct child.
   */
  static <R> GatheringFuture<R> of(Future<?>[] children, List<Future<?>> distinctChildren, boolean returnExceptions) {
    EventLoop loop = children[0].loop();
    GatheringFuture<R> outer = new GatheringFuture<>(loop, children, distinctChildren.size(), returnExceptions);
    // The callback touches only this future's state, so one context serves every child (asyncio copies per child).
    Context context = null;
    List<Future<?>> done = null;
    for (Future<?> child : distinctChildren) {
      if (child.isDone()) {
        if (done == null) {
          done = new ArrayList<>();
        }
        done.add(child);
      } else {
        if (context == null) {
          context = loop.currentContext().copy();
        }
        child.addDoneCallback(outer.onChildDone, context);
      }
    }
    if (done != null) {
      // As asyncio 3.12+: children already done are taken now, in order, once the outer future exists; if every child
      // is, the outer future is done when gather returns.
      for (Future<?> child : done) {
        outer.childDone(child);
      }
    }
    return outer;
  }

  /**
   * Cancels every child (a child given twice is asked twice, as in asyncio); this future ends when they have.
   *
   * @return true if at least one child accepted the request; false if this future is done or no child was pending
   */
  @Override
  public boolean cancel(String message) {
    if (isDone()) {
      return false;
    }
    boolean any = false;
    for (Future<?> child : children) {
      if (child.cancel(message)) {
        any = true;
      }
    }
    if (any) {
      // asyncio (issue 32684): once a child took the request, the outcome is a cancellation even with
      // returnExceptions.
      cancelRequested = true;
    }
    return any;
  }

  private void childDone(Future<?> child) {
    finished++;
    if (isDone()) {
      if (!child.isCancelled()) {
        child.exception(); // marks it retrieved: its outcome was given up on
      }
      return;
    }
    if (!returnExceptions) {
      if (child.isCancelled()) {
        setException(child.makeCancelledError());
        return;
      }
      Throwable error = child.exception();
      if (error != null) {
        setException(error);
        return;
      }
    }
    if (finished == distinct) {
      complete();
    }
  }

  private void complete() {
    List<Object> results = new ArrayList<>(children.length);
    for (Future<?> child : children) {
      if (child.isCancelled()) {
        // As asyncio: a new error per place, carrying the child's message.
        results.add(new CancelledError(child.cancelMessage()));
      } else {
        Throwable error = child.exception();
        results.add(error != null ? error : child.result());
      }
    }
    if (cancelRequested) {
      // As asyncio: the last child's CancelledError, or, if it was not cancelled (it swallowed the request and
      // returned), a new CancelledError without a message.
      Future<?> last = children[children.length - 1];
      setException(last.isCancelled() ? last.makeCancelledError() : new CancelledError());
    } else {
      @SuppressWarnings("unchecked")
      List<R> typed = (List<R>) results;
      setResult(typed);
    }
  }
}
