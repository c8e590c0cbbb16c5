package io.weft;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.NoSuchElementException;
import java.util.function.Consumer;

/**
 * What {@link Combinators#asCompleted} returns: asyncio 3.13's {@code _AsCompletedIterator}, plain-iteration form.
 *
 * <p>It hands out one step future per distinct input. Completions of the inputs go, in the order they happen, into
 * a FIFO of completions (asyncio's internal {@code Queue}); a step takes the next one when it is first awaited (more
 * exactly: when it gets its first done callback, which is what an await, {@code gather} or {@code wait} does), as
 * asyncio's step coroutine does when it is first awaited. So the k-th step awaited gets the k-th completion,
 * whichever step object it is. A step that is cancelled while it waits gives its turn up, and the completion goes
 * to the next step awaited. After the timeout each remaining completion is a {@link TimeoutError}; the inputs are
 * never cancelled.
 *
 * <p>It is its own iterator, single-pass like asyncio's: a second for-each resumes where the first stopped.
 *
 * @param <T> the inputs' result type
 */
final class AsCompletedIterator<T> implements Iterable<Future<T>>, Iterator<Future<T>> {

  /** The completion the timeout delivers in place of each input still pending. */
  private static final Object TIMED_OUT = new Object();

  private final EventLoop loop;
  private final Duration timeout;
  // Invariant: the inputs whose completion has not been delivered; emptied by the timeout.
  private final LinkedHashSet<Future<? extends T>> todo;
  // Invariant: completions (an input, or TIMED_OUT) not yet taken; non-empty only while claimants is empty.
  private final ArrayDeque<Object> completions = new ArrayDeque<>();
  // Invariant: steps awaited and still pending, in the order they were first awaited; non-empty only while
  // completions is empty.
  private final ArrayDeque<Step> claimants = new ArrayDeque<>();
  // Invariant: stepsLeft + the number of steps handed out == the number of distinct inputs.
  private int stepsLeft;
  private TimerHandle timer;
  private final Consumer<Future<?>> onCompletion = this::completed;

  AsCompletedIterator(EventLoop loop, LinkedHashSet<Future<? extends T>> inputs, Duration timeout) {
    this.loop = loop;
    this.timeout = timeout;
    this.todo = inputs;
    this.stepsLeft = inputs.size();
    if (!inputs.isEmpty()) {
      Context context = loop.currentContext().copy();
      for (Future<? extends T> f : inputs) {
        f.addDoneCallback(onCompletion, context);
      }
      if (timeout != null) {
        timer = loop.callLater(timeout.isNegative() ? Duration.ZERO : timeout, this::timedOut);
      }
    }
  }

  /** Returns this object: the iteration is single-pass and shared, as asyncio's iterator is. */
  @Override
  public Iterator<Future<T>> iterator() {
    return this;
  }

  @Override
  public boolean hasNext() {
    return stepsLeft > 0;
  }

  /** Returns the next step: a future for the next completion, taken when the step is first awaited. */
  @Override
  @SuppressWarnings("unchecked")
  public Future<T> next() {
    return (Future<T>) (Future<?>) take(true);
  }

  /** Hands out the next step, resolving to the outcome of the input it takes ({@code outcome}) or to the input. */
  private Step take(boolean outcome) {
    if (stepsLeft == 0) {
      throw new NoSuchElementException("asCompleted: every input has been handed out");
    }
    stepsLeft--;
    return new Step(loop, outcome);
  }

  /**
   * The asynchronous-iteration form over the same completions (asyncio 3.13's {@code async for}): each
   * {@code next()} awaits the next completion and returns the input future itself, done; after the timeout it
   * throws {@link TimeoutError}. Steps and this form share the inputs: each completion goes to one of them.
   */
  AsyncIterable<Future<T>> originals() {
    AsyncIterator<Future<T>> it = new AsyncIterator<>() {
      @Override
      public boolean hasNext() {
        return AsCompletedIterator.this.hasNext();
      }

      @Override
      @SuppressWarnings("unchecked")
      public Future<T> next() {
        return (Future<T>) take(false).await();
      }
    };
    return () -> it;
  }

  private void completed(Future<?> f) {
    if (todo.isEmpty()) {
      return; // the timeout came first
    }
    todo.remove(f);
    deliver(f);
    if (todo.isEmpty() && timer != null) {
      timer.cancel();
    }
  }

  private void timedOut() {
    for (Future<? extends T> f : todo) {
      f.removeDoneCallback(onCompletion);
      deliver(TIMED_OUT);
    }
    todo.clear();
  }

  private void deliver(Object completion) {
    Step waiting = claimants.poll();
    if (waiting != null) {
      waiting.resolve(completion);
    } else {
      completions.add(completion);
    }
  }

  /** One step: pending until first awaited, then until the completion it takes is there. */
  private final class Step extends Future<Object> {
    // Whether the step resolves to the input's outcome (plain iteration) or to the input itself (async iteration).
    private final boolean outcome;
    private boolean claimed;
    // The completion this step took, until its awaiter reads it or loses it to a cancellation.
    private Object taken;
    private boolean givenBack;

    Step(EventLoop loop, boolean outcome) {
      super(loop);
      this.outcome = outcome;
    }

    @Override
    public void addDoneCallback(Consumer<? super Future<Object>> callback, Context context) {
      super.addDoneCallback(callback, context);
      claim();
    }

    /** Awaited: a completion already queued is taken at once, and the awaiting task does not suspend. */
    @Override
    void resolveOnAwait() {
      claim();
    }

    /** Takes the next completion, or queues for it; once, on the first await or done callback. */
    private void claim() {
      if (!claimed && !isDone()) {
        claimed = true;
        Object completion = completions.poll();
        if (completion != null) {
          resolve(completion);
        } else {
          claimants.add(this);
        }
      }
    }

    /** Cancels the step; a step waiting for a completion gives its turn to the next one awaited. */
    @Override
    public boolean cancel(String message) {
      boolean cancelled = super.cancel(message);
      if (cancelled) {
        claimants.remove(this);
      }
      return cancelled;
    }

    /** The awaiter was cancelled after this step took a completion: the next step gets it, as in asyncio. */
    @Override
    void wakeupLost() {
      if (taken == null || givenBack) {
        return;
      }
      givenBack = true;
      Step next = claimants.poll();
      if (next != null) {
        next.resolve(taken);
      } else {
        completions.addFirst(taken);
      }
    }

    @Override
    public Object result() {
      checkNotGivenBack();
      return super.result();
    }

    @Override
    public Throwable exception() {
      checkNotGivenBack();
      return super.exception();
    }

    private void checkNotGivenBack() {
      if (givenBack) {
        throw new IllegalStateException("this asCompleted step was given up when the task awaiting it was cancelled;"
            + " its completion went to the next step");
      }
    }

    @SuppressWarnings("unchecked")
    void resolve(Object completion) {
      taken = completion;
      if (completion == TIMED_OUT) {
        finish(null, new TimeoutError("asCompleted timed out after " + timeout + EventLoop.timeNote(loop)));
        return;
      }
      Future<? extends T> input = (Future<? extends T>) completion;
      if (!outcome) {
        finish(input, null);
        return;
      }
      if (input.isCancelled()) {
        cancelWith(input.makeCancelledError());
        return;
      }
      Throwable error = input.exception();
      finish(error != null ? null : input.result(), error);
    }

    /** Not supported: a step's outcome is the completion it takes. */
    @Override
    public void setResult(Object value) {
      throw new UnsupportedOperationException("an asCompleted step does not support setResult(): " + this);
    }

    /** Not supported: a step's outcome is the completion it takes. */
    @Override
    public void setException(Throwable error) {
      throw new UnsupportedOperationException("an asCompleted step does not support setException(): " + this);
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder("<asCompleted step");
      if (!isDone()) {
        sb.append(claimed ? " awaited" : " not awaited");
      }
      appendState(sb);
      return sb.append('>').toString();
    }
  }
}
