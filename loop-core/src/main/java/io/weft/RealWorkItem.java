package io.weft;

import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One {@link EventLoop.RealWork}: work on a real thread that reports back to its loop. On a production loop a message
 * is a {@code callSoonThreadsafe}; on a simulated loop it waits in the item's inbox until the simulation takes it
 * ({@link RealWorkQueue}), so the order in which messages enter the loop depends on the schedule, not on the threads.
 */
final class RealWorkItem implements EventLoop.RealWork {

  /** In an inbox: the work was closed by another thread, after the messages before it. */
  static final Object END = new Object();

  final EventLoop loop;
  // Null on a production loop.
  private final RealWorkQueue queue;
  /** 1, 2, ... in the order of creation on its loop. */
  final int number;
  final String description;
  private final AtomicBoolean open = new AtomicBoolean(true);
  // Messages (handles, round trips) and END, in the order the work sent them. Invariant: only the loop takes from it,
  // and nothing is added once ended is true (the lock on this item orders the two).
  final ConcurrentLinkedQueue<Object> inbox = new ConcurrentLinkedQueue<>();
  // Whether the loop has seen the work end: closed on the loop, or its END taken. Moves false to true once, under the
  // lock on this item; read without it by the loop.
  volatile boolean ended;
  // Loop thread only: round trips (callOnLoop) taken by the loop whose tasks have not finished; while positive, the
  // work waits for the loop, so it neither holds virtual time nor is waited for.
  int awaitingLoop;
  // The thread that sent the work's first message from off the loop, or null until one did.
  volatile Thread sender;
  // Loop thread only: the sender ended with nothing more in the inbox, so nothing more can come (unless the work is
  // misused by another thread); the work is then waited for no longer.
  boolean silent;
  // Whether the work may be quiet: wait for the program without saying so (a child process), so the idle loop need
  // not wait for it past a grace period when a timer is set (see RealWorkQueue). Set once, just after creation.
  volatile boolean mayBeQuiet;
  // Where the work's threads stage what the loop composes into messages (a child process), or null: then they send
  // messages. Set once, just after creation, on a simulated loop only.
  volatile io.weft.internal.WorkFeed feed;
  // Which fed work this is, 1, 2, ... (its stream of observations); 0 if not fed.
  volatile int fedOrdinal;
  // How many callbacks attributed to no work the loop had collected when this work began (see RealWorkQueue).
  final long unattributedAtBegin;

  RealWorkItem(EventLoop loop, RealWorkQueue queue, int number, String description, long unattributedAtBegin) {
    this.loop = loop;
    this.queue = queue;
    this.number = number;
    this.description = description;
    this.unattributedAtBegin = unattributedAtBegin;
  }

  /** The owner id of this work in a simulation's choice points: -2 for the first, -3 for the second, .... */
  long owner() {
    return -1L - number;
  }

  @Override
  public void close() {
    if (!open.compareAndSet(true, false)) {
      return;
    }
    loop.realWorkClosed();
    if (queue == null) {
      return;
    }
    if (loop.onLoopThread()) {
      queue.end(this);
    } else if (!offer(END)) {
      queue.wake();
    }
  }

  @Override
  public Handle callSoon(Runnable callback) {
    Objects.requireNonNull(callback, "callback must not be null");
    return loop.realWorkMessage(this, callback);
  }

  @Override
  public Handle complete(Runnable callback) {
    Objects.requireNonNull(callback, "callback must not be null");
    return callSoon(new Completion(this, callback));
  }

  @Override
  public <T> CompletableFuture<T> callOnLoop(AsyncCallable<T> body) {
    Objects.requireNonNull(body, "body must not be null");
    if (loop.onLoopThread()) {
      throw new IllegalStateException("callOnLoop is for the work's own thread, which may wait for the result; on"
          + " the loop, create a task instead (called for " + this + ")");
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    callSoon(new RoundTrip<>(this, body, result));
    return result;
  }

  /**
   * Puts a message (or END) in the inbox, unless the loop has seen the work end; returns whether it did. Any thread.
   */
  boolean offer(Object message) {
    synchronized (this) {
      if (ended) {
        return false;
      }
      if (sender == null) {
        sender = Thread.currentThread();
      }
      inbox.add(message);
    }
    queue.wake();
    return true;
  }

  /** Makes this a fed work: the loop composes its messages from {@code feed}. Just after creation. */
  void feedFrom(io.weft.internal.WorkFeed feed) {
    feed.wakeWith(this::wake);
    this.fedOrdinal = queue.nextFedOrdinal();
    this.feed = feed;
  }

  /** Wakes the loop if it waits for a message (something was staged in the feed). Any thread. */
  void wake() {
    if (queue != null) {
      queue.wake();
    }
  }

  @Override
  public String toString() {
    return "RealWork[#" + number + " " + description + (open.get() ? ", in flight" : ", done") + "]";
  }

  /** How reports name the work: {@code real work #2 (resolving db.example)}. */
  String name() {
    return "real work #" + number + " (" + description + ")";
  }

  /** The callback of {@link #complete}: closes the work, on the loop, then runs the user's callback. */
  private record Completion(RealWorkItem work, Runnable callback) implements Runnable {
    @Override
    public void run() {
      work.close();
      callback.run();
    }

    @Override
    public String toString() {
      return String.valueOf(callback);
    }
  }

  /**
   * The callback of {@link #callOnLoop}: runs the body as a task and completes the future with its outcome. While it
   * is outstanding on a simulated loop, the work waits for the loop ({@link #awaitingLoop}).
   */
  record RoundTrip<T>(RealWorkItem work, AsyncCallable<T> body, CompletableFuture<T> result) implements Runnable {
    @Override
    public void run() {
      Task<T> task = work.loop.createTask(body, null, null);
      task.addDoneCallback(f -> {
        if (work.queue != null) {
          work.queue.roundTripDone(work);
        }
        if (task.isCancelled()) {
          result.completeExceptionally(new CancellationException("the task of " + work + "'s callOnLoop was"
              + " cancelled"));
        } else if (task.exception() != null) {
          result.completeExceptionally(task.exception());
        } else {
          result.complete(task.result());
        }
      });
    }

    @Override
    public String toString() {
      return String.valueOf(body);
    }
  }
}
