package io.weft.sync;

import io.weft.Api;
import io.weft.CancelledError;
import io.weft.Future;
import io.weft.internal.WaitQueue;
import java.util.List;
import java.util.Objects;

/**
 * A first-in-first-out queue for coordinating producer and consumer tasks: asyncio's {@code Queue} (Python 3.13).
 *
 * <h2>Capacity</h2>
 *
 * <p>A {@code maxsize} of zero or less means unbounded: {@link #full()} is never true. Otherwise the queue is full
 * when {@code qsize() >= maxsize}; {@link #put} then waits for a free slot and {@link #putNowait} throws
 * {@link QueueFull}. {@link #get} waits for an item; {@link #getNowait} throws {@link QueueEmpty}.
 *
 * <h2>Waiting</h2>
 *
 * <p>Blocked getters and putters wait in two {@link WaitQueue}s, in arrival order. A put wakes the first waiting
 * getter and a get wakes the first waiting putter, but <em>a wakeup is not a hand-off</em>: the item stays in the
 * queue until the woken task runs, so a {@link #getNowait()} in between takes it, and the woken getter finds the
 * queue empty and waits again, at the tail. Cancellation never loses an item: a get cancelled while waiting takes
 * nothing, and a getter cancelled after it was woken passes the wakeup to the next getter if items remain (putters
 * likewise pass on a free slot). Cancelled waiters leave the wait queues at once.
 *
 * <h2>Unfinished tasks</h2>
 *
 * <p>Every successful put counts one unfinished task; {@link #taskDone()} discounts one. {@link #join()} waits
 * until the count is zero. As with asyncio's {@code Event}, a joiner woken when the count reached zero returns even
 * if new items arrive before it runs.
 *
 * <h2>Shutdown</h2>
 *
 * <p>{@link #shutdown(boolean)} makes later puts throw {@link QueueShutDown}, and gets too once the queue is empty.
 * An immediate shutdown empties the queue first, counting each discarded item as done (which may release joiners).
 * Blocked getters and putters wake and re-check, so they throw {@link QueueShutDown} unless an item (or a slot) is
 * there for them.
 *
 * <h2>Differences from asyncio</h2>
 *
 * <ul>
 *   <li>Items must not be null (as in {@link java.util.concurrent.BlockingQueue}); use a sentinel object instead.
 *   <li>{@code maxsize} is an {@code int}; asyncio's float maxsize (1.3 allows two items) has no counterpart.
 *   <li>{@code task_done()} called too often throws {@link IllegalStateException} (asyncio: ValueError).
 * </ul>
 *
 * <p>Not thread-safe: use a queue from the thread of the loop its tasks run on; the first wait binds it to that loop.
 * The methods that may wait ({@link #put}, {@link #get}, {@link #join}) must be called from a task; when they need
 * not wait they return at once without suspending it. The {@code ...Nowait} methods, {@link #taskDone()} and
 * {@link #shutdown(boolean)} may also be called from callbacks.
 *
 * @param <T> the item type
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.1")
public class Queue<T> {

  private final int maxsize;
  // Invariant: maxsize <= 0 || items.size() <= maxsize.
  private final QueueStore<T> items;
  // Invariant: a getter is not woken (still waiting for its turn) only while the items are no more than the getters
  // already woken: each put wakes one getter, and a woken getter that is cancelled passes its wakeup on.
  private final WaitQueue getters = new WaitQueue(this);
  // Invariant: the same for putters and free slots.
  private final WaitQueue putters = new WaitQueue(this);
  private final WaitQueue joiners = new WaitQueue(this);
  // Invariant: unfinishedTasks >= items.size(); joiners are woken when it drops to 0.
  private int unfinishedTasks;
  // Invariant: once true, stays true; no item is added afterwards.
  private boolean shutDown;

  private final Runnable passOnGet = () -> {
    if (!empty()) {
      getters.wakeFirst();
    }
  };
  private final Runnable passOnPut = () -> {
    if (!full()) {
      putters.wakeFirst();
    }
  };
  private static final Runnable NOTHING_TO_PASS_ON = () -> {};
  private static final int SHOWN_ITEMS = 10;

  /** Creates an unbounded queue. */
  public Queue() {
    this(0);
  }

  /**
   * Creates a queue that holds at most {@code maxsize} items.
   *
   * @param maxsize the capacity; zero or less means unbounded
   */
  public Queue(int maxsize) {
    this(maxsize, new QueueStore.Fifo<>());
  }

  Queue(int maxsize, QueueStore<T> items) {
    this.maxsize = maxsize;
    this.items = items;
  }

  // ------------------------------------------------------------------------------------------------------------
  // Size
  // ------------------------------------------------------------------------------------------------------------

  /** Returns the capacity given at construction; zero or less means unbounded. */
  public final int maxsize() {
    return maxsize;
  }

  /** Returns the number of items in the queue. */
  public final int qsize() {
    return items.size();
  }

  /** Returns whether the queue holds no items. */
  public final boolean empty() {
    return items.size() == 0;
  }

  /** Returns whether the queue holds {@code maxsize} items or more; never true for an unbounded queue. */
  public final boolean full() {
    return maxsize > 0 && items.size() >= maxsize;
  }

  /** Returns whether {@link #shutdown(boolean)} was called. */
  public final boolean isShutDown() {
    return shutDown;
  }

  // ------------------------------------------------------------------------------------------------------------
  // Put and get
  // ------------------------------------------------------------------------------------------------------------

  /**
   * Puts {@code item} into the queue, waiting in arrival order for a free slot while the queue is full.
   *
   * @param item never null
   * @throws QueueShutDown if the queue is shut down, before or while this waits
   * @throws CancelledError if the task is cancelled while waiting; the item is then not put
   * @throws IllegalStateException if not called from a task
   * @throws IllegalArgumentException if the queue cannot order the item (a {@link PriorityQueue})
   */
  public final void put(T item) {
    SyncChecks.requireTask(this, "put");
    check(item);
    while (full()) {
      if (shutDown) {
        throw new QueueShutDown("put() on a shut-down queue: " + this);
      }
      Future<Void> putter = putters.enqueue();
      putters.await(putter, passOnPut);
    }
    putNowait(item);
  }

  /**
   * Puts {@code item} into the queue if there is a free slot, and wakes the first waiting getter.
   *
   * @param item never null
   * @throws QueueShutDown if the queue is shut down
   * @throws QueueFull if the queue is full
   * @throws IllegalArgumentException if the queue cannot order the item (a {@link PriorityQueue})
   */
  public final void putNowait(T item) {
    check(item);
    if (shutDown) {
      throw new QueueShutDown("putNowait() on a shut-down queue: " + this);
    }
    if (full()) {
      throw new QueueFull("putNowait() on a full queue: " + this);
    }
    items.put(item);
    unfinishedTasks++;
    getters.wakeFirst();
  }

  /**
   * Removes and returns the next item, waiting in arrival order while the queue is empty.
   *
   * @return the item, never null
   * @throws QueueShutDown if the queue is shut down and empty, before or while this waits
   * @throws CancelledError if the task is cancelled while waiting; no item is then taken
   * @throws IllegalStateException if not called from a task
   */
  public final T get() {
    SyncChecks.requireTask(this, "get");
    while (empty()) {
      if (shutDown) {
        throw new QueueShutDown("get() on a shut-down, empty queue: " + this);
      }
      Future<Void> getter = getters.enqueue();
      getters.await(getter, passOnGet);
    }
    return getNowait();
  }

  /**
   * Removes and returns the next item if there is one, and wakes the first waiting putter.
   *
   * @return the item, never null
   * @throws QueueShutDown if the queue is shut down and empty
   * @throws QueueEmpty if the queue is empty
   */
  public final T getNowait() {
    if (empty()) {
      if (shutDown) {
        throw new QueueShutDown("getNowait() on a shut-down, empty queue: " + this);
      }
      throw new QueueEmpty("getNowait() on an empty queue: " + this);
    }
    T item = items.take();
    putters.wakeFirst();
    return item;
  }

  // ------------------------------------------------------------------------------------------------------------
  // Unfinished tasks
  // ------------------------------------------------------------------------------------------------------------

  /**
   * Marks one item taken from the queue as processed; when none remain unprocessed, {@link #join()} returns.
   *
   * @throws IllegalStateException if called more times than items were put (asyncio: ValueError)
   */
  public final void taskDone() {
    if (unfinishedTasks <= 0) {
      throw new IllegalStateException("taskDone() called too many times: no unfinished task left in " + this);
    }
    unfinishedTasks--;
    if (unfinishedTasks == 0) {
      joiners.wakeAll();
    }
  }

  /**
   * Waits until every item put into the queue has been taken and marked {@linkplain #taskDone() done}; returns at
   * once if none is unfinished.
   *
   * @throws CancelledError if the task is cancelled while waiting
   * @throws IllegalStateException if not called from a task
   */
  public final void join() {
    SyncChecks.requireTask(this, "join");
    if (unfinishedTasks > 0) {
      Future<Void> joiner = joiners.enqueue();
      joiners.await(joiner, NOTHING_TO_PASS_ON);
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // Shutdown
  // ------------------------------------------------------------------------------------------------------------

  /** Shuts the queue down without discarding items: {@code shutdown(false)}. */
  public final void shutdown() {
    shutdown(false);
  }

  /**
   * Shuts the queue down: later puts throw {@link QueueShutDown}, and gets too once the queue is empty; blocked
   * getters and putters wake to re-check. May be called again (an immediate shutdown after a plain one empties the
   * queue).
   *
   * @param immediate also discard the queued items, counting each as done, which releases {@link #join()} when no
   *     taken item remains unfinished
   */
  public final void shutdown(boolean immediate) {
    shutDown = true;
    if (immediate) {
      while (!empty()) {
        items.take();
        if (unfinishedTasks > 0) {
          unfinishedTasks--;
        }
      }
      if (unfinishedTasks == 0) {
        joiners.wakeAll();
      }
    }
    getters.wakeAll();
    putters.wakeAll();
  }

  // ------------------------------------------------------------------------------------------------------------
  // Internals
  // ------------------------------------------------------------------------------------------------------------

  private void check(T item) {
    Objects.requireNonNull(item, "item must not be null");
    items.check(item);
  }

  /** The unfinished-task count, for tests. */
  final int unfinishedTasks() {
    return unfinishedTasks;
  }

  /** The waiters in the getter queue, woken or not, for tests. */
  final int getterCount() {
    return getters.size();
  }

  /** The waiters in the putter queue, woken or not, for tests. */
  final int putterCount() {
    return putters.size();
  }

  /** The items in the order gets would return them, for tests. */
  final List<T> itemsInTakeOrder() {
    return items.inTakeOrder();
  }

  /** Checks the invariants written next to the fields; tests call it after every run. */
  final void checkInvariants() {
    int size = items.size();
    if (maxsize > 0 && size > maxsize) {
      throw new IllegalStateException("more items than maxsize: " + this);
    }
    if (unfinishedTasks < size) {
      throw new IllegalStateException("fewer unfinished tasks than queued items: " + this);
    }
    if (getters.hasUnwoken() && size > getters.size()) {
      throw new IllegalStateException("a getter waits while more items than woken getters are queued: " + this);
    }
    if (maxsize > 0 && putters.hasUnwoken() && maxsize - size > putters.size()) {
      throw new IllegalStateException("a putter waits while more slots than woken putters are free: " + this);
    }
  }

  /**
   * Describes the queue as asyncio does, {@code <Queue maxsize=1 queue=[a] getters[1] tasks=1 shutdown>}, showing
   * at most the first ten items.
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("<").append(getClass().getSimpleName()).append(" maxsize=").append(maxsize);
    if (!empty()) {
      List<T> shown = items.inTakeOrder();
      sb.append(" queue=").append(shown.size() <= SHOWN_ITEMS ? shown : shown.subList(0, SHOWN_ITEMS) + "...");
    }
    if (!getters.isEmpty()) {
      sb.append(" getters[").append(getters.size()).append(']');
    }
    if (!putters.isEmpty()) {
      sb.append(" putters[").append(putters.size()).append(']');
    }
    if (unfinishedTasks != 0) {
      sb.append(" tasks=").append(unfinishedTasks);
    }
    if (shutDown) {
      sb.append(" shutdown");
    }
    return sb.append('>').toString();
  }
}
