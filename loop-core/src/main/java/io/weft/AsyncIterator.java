package io.weft;

import java.util.Iterator;

/**
 * An iterator whose {@link #hasNext()} and {@link #next()} may await: asyncio's {@code __anext__}.
 *
 * <p>It is a plain {@link Iterator}, so it works with Java's for-each loop, as long as the loop runs inside a task:
 * {@code for (T item : asyncIterable) { ... }} is {@code async for}.
 *
 * @param <T> the element type
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.1")
public interface AsyncIterator<T> extends Iterator<T> {

  /** Returns whether there is a next element, awaiting it if it is not there yet. Call from a task. */
  @Override
  boolean hasNext();

  /**
   * Returns the next element, awaiting it if needed. Call from a task.
   *
   * @throws java.util.NoSuchElementException at the end
   */
  @Override
  T next();
}
