package io.weft.sync;

import io.weft.Api;
import java.util.Comparator;
import java.util.Objects;

/**
 * A {@link Queue} that returns the lowest item first: asyncio's {@code PriorityQueue}.
 *
 * <p>Items are ordered by a {@link Comparator}, or by their natural ordering when none is given (the items must then
 * be {@link Comparable}; a put of any other item throws {@link IllegalArgumentException}, asyncio's TypeError).
 * Items that compare equal leave in the order they were put, so runs are deterministic (asyncio's heap leaves ties
 * unspecified). A comparator that throws leaves the queue unchanged and the exception propagates from the put.
 *
 * <p>Everything but the order (capacity, waiting, cancellation, {@code taskDone}/{@code join}, shutdown) is
 * {@link Queue}'s.
 *
 * @param <T> the item type
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.1")
public class PriorityQueue<T> extends Queue<T> {

  /** Creates an unbounded queue of {@link Comparable} items, lowest first by natural ordering. */
  public PriorityQueue() {
    this(0);
  }

  /**
   * Creates a queue of {@link Comparable} items, lowest first by natural ordering, holding at most {@code maxsize}.
   *
   * @param maxsize the capacity; zero or less means unbounded
   */
  public PriorityQueue(int maxsize) {
    super(maxsize, new QueueStore.Priority<>(null));
  }

  /**
   * Creates an unbounded queue ordered by {@code comparator}, lowest first.
   *
   * @param comparator never null
   */
  public PriorityQueue(Comparator<? super T> comparator) {
    this(0, comparator);
  }

  /**
   * Creates a queue ordered by {@code comparator}, lowest first, holding at most {@code maxsize} items.
   *
   * @param maxsize the capacity; zero or less means unbounded
   * @param comparator never null
   */
  public PriorityQueue(int maxsize, Comparator<? super T> comparator) {
    super(maxsize, new QueueStore.Priority<>(Objects.requireNonNull(comparator, "comparator must not be null")));
  }
}
