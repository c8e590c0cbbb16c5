package io.weft;

import java.util.Objects;

/**
 * Something to iterate with awaits in between: asyncio's {@code __aiter__}. Iterate it with for-each inside a task,
 * or with {@link #forEach(AsyncIterable, Visitor)}, which also closes an {@link AutoCloseable} iterable (such as an
 * {@link AsyncGenerator}) when the body leaves early.
 *
 * @param <T> the element type
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.1")
public interface AsyncIterable<T> extends Iterable<T> {

  @Override
  AsyncIterator<T> iterator();

  /** The body of {@link #forEach(AsyncIterable, Visitor)}: may throw and may await. */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.1")
  @FunctionalInterface
  interface Visitor<T> {
    /** Handles one element. */
    void visit(T item) throws Exception;
  }

  /**
   * Runs {@code body} for each element, in a task. If the body throws, an {@link AutoCloseable} iterable is closed
   * (for a generator: {@code aclose()}, so its {@code finally} blocks run) before the error propagates.
   */
  static <T> void forEach(AsyncIterable<T> iterable, Visitor<? super T> body) throws Exception {
    Objects.requireNonNull(iterable, "iterable must not be null");
    Objects.requireNonNull(body, "body must not be null");
    try {
      for (T item : iterable) {
        body.visit(item);
      }
    } catch (Throwable e) {
      if (iterable instanceof AutoCloseable c) {
        try {
          c.close();
        } catch (Throwable closeError) {
          e.addSuppressed(closeError);
        }
      }
      throw e;
    }
  }
}
