package io.weft.sync;

import io.weft.Api;

/**
 * A {@link Queue} that returns the most recently added item first: asyncio's {@code LifoQueue}.
 *
 * <p>Everything but the order (capacity, waiting, cancellation, {@code taskDone}/{@code join}, shutdown) is
 * {@link Queue}'s.
 *
 * @param <T> the item type
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.1")
public class LifoQueue<T> extends Queue<T> {

  /** Creates an unbounded last-in-first-out queue. */
  public LifoQueue() {
    this(0);
  }

  /**
   * Creates a last-in-first-out queue that holds at most {@code maxsize} items.
   *
   * @param maxsize the capacity; zero or less means unbounded
   */
  public LifoQueue(int maxsize) {
    super(maxsize, new QueueStore.Lifo<>());
  }
}
