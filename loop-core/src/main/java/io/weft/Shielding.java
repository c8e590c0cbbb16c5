package io.weft;

import java.util.function.Consumer;

/**
 * The link {@link Combinators#shield} makes between an inner future and the outer future it returns: asyncio's
 * {@code shield}. The inner future's outcome is copied to the outer one; cancelling the outer one only detaches it.
 *
 * @param <T> the result type
 */
final class Shielding<T> {

  private final Future<T> inner;
  private final Future<T> outer;
  private final Consumer<Future<T>> onInnerDone = this::innerDone;
  private final Consumer<Future<T>> onOuterDone = this::outerDone;

  private Shielding(Future<T> inner) {
    this.inner = inner;
    this.outer = inner.loop().createFuture();
  }

  /** Returns the outer future for a pending {@code inner}. */
  static <T> Future<T> outerFor(Future<T> inner) {
    Shielding<T> s = new Shielding<>(inner);
    inner.addDoneCallback(s.onInnerDone);
    s.outer.addDoneCallback(s.onOuterDone);
    return s.outer;
  }

  private void innerDone(Future<T> f) {
    if (outer.isCancelled()) {
      if (!f.isCancelled()) {
        f.exception(); // marks it retrieved: the shield's owner has gone
      }
      return;
    }
    if (f.isCancelled()) {
      outer.cancel();
    } else {
      Throwable error = f.exception();
      if (error != null) {
        outer.setException(error);
      } else {
        outer.setResult(f.result());
      }
    }
  }

  private void outerDone(Future<T> f) {
    if (!inner.isDone()) {
      // Detach: an exception the inner future ends with later is its own, reported as unretrieved if no one reads it.
      inner.removeDoneCallback(onInnerDone);
    }
  }
}
