package io.weft;

import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * A body that yields values and may await between them: asyncio's async generator.
 *
 * <pre>{@code
 * try (AsyncGenerator<Integer> ticks = AsyncGenerator.of(out -> {
 *   for (int i = 0; ; i++) {
 *     Weft.sleep(Duration.ofSeconds(1));
 *     out.yield(i);
 *   }
 * })) {
 *   for (int tick : ticks) {           // inside a task
 *     if (tick == 3) break;            // close() then runs the body's finally blocks
 *   }
 * }
 * }</pre>
 *
 * <h2>How it runs</h2>
 *
 * <p>The body runs in a task of its own, started by the first {@link AsyncIterator#hasNext()}, and meets the
 * consumer at each {@code yield}: the consumer's request resumes the body until it yields, finishes or fails. So the
 * body's awaits suspend the consumer, as in Python. Two differences follow from the separate task: the body runs in
 * a copy of the consumer's context taken at the first iteration (Python runs it in the consumer's), and a consumer
 * cancelled while it waits for a value cancels the body's task and finishes the generator.
 *
 * <h2>Closing</h2>
 *
 * <p>{@link #aclose()} (also {@link #close()}) raises {@link GeneratorExit} at the {@code yield} where the body waits,
 * waits for the body to finish, and rethrows any other error it ends with; a body that yields again instead is an
 * error. Generators still suspended when {@link Weft#run} or {@link Runner#close()} ends are closed then, all at
 * once, and errors go to the exception handler, as asyncio's {@code shutdown_asyncgens} does.
 *
 * <p>A generator dropped while its body waits at a yield is closed by the loop once the garbage collector takes it, as
 * asyncio's finalizer hook does: a task of the loop raises {@link GeneratorExit} at the yield, so the body's
 * {@code finally} blocks run, and an error from closing goes once to the exception handler. The body's task holds the
 * generator's state, never this object, so the object can be collected while the body waits. A simulated run closes
 * dropped generators only at {@link io.weft.sim.Simulation#collectGarbage()}.
 *
 * @param <T> the element type
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.1")
public final class AsyncGenerator<T> implements AsyncIterable<T>, AutoCloseable {

  /** The generator's body. */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.1")
  @FunctionalInterface
  public interface Body<T> {
    /** Produces values through {@code out}; may throw and may await. */
    void run(Yield<T> out) throws Exception;
  }

  /** Where a body yields its values. */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.1")
  public interface Yield<T> {
    /**
     * Hands {@code value} to the consumer and waits until it asks for the next one.
     *
     * @throws GeneratorExit if the generator is being closed
     */
    void yield(T value);
  }

  /** Where the generator is; transitions check where they start. */
  private enum State {
    /** Not iterated yet. */
    CREATED,
    /** The body runs; the consumer waits for its next value (or for it to finish closing). */
    RUNNING,
    /** The body waits at a yield. */
    SUSPENDED,
    /** The body has finished, failed or been closed. */
    FINISHED
  }

  private static final Object END = new Object();
  private static final Object CONTINUE = new Object();
  private static final Object EXIT = new Object();

  // Everything but the identity users hold: the body's task reaches the core, never this object, so a generator its
  // user dropped can be collected while its body waits at a yield, and the loop closes the core (AsyncGenerators).
  private final Core<T> core;

  private AsyncGenerator(EventLoop loop, Body<T> body) {
    this.core = new Core<>(loop, body);
  }

  /**
   * Creates a generator on the running loop; nothing runs until the first iteration.
   *
   * @throws IllegalStateException if no loop is running
   */
  public static <T> AsyncGenerator<T> of(Body<T> body) {
    Objects.requireNonNull(body, "body must not be null");
    return new AsyncGenerator<>(EventLoop.getRunningLoop(), body);
  }

  /** Returns this generator as its own iterator: iterating twice continues where the first iteration stopped. */
  @Override
  public AsyncIterator<T> iterator() {
    return new AsyncIterator<>() {
      @Override
      public boolean hasNext() {
        return advance();
      }

      @Override
      public T next() {
        if (!advance()) {
          throw new NoSuchElementException("async generator is exhausted");
        }
        return core.takeBuffered();
      }
    };
  }

  /** Returns whether the body has finished (returned, failed or been closed). */
  public boolean isFinished() {
    return core.isFinished();
  }

  private boolean advance() {
    if (core.state == State.CREATED && !core.hasBuffered) {
      core.loop.asyncGeneratorFirstIteration(this, core);
    }
    return core.advance();
  }

  /**
   * Closes the generator: raises {@link GeneratorExit} at the body's yield and waits for it to finish. Idempotent;
   * a generator never iterated just becomes finished. Call from a task.
   *
   * @throws IllegalStateException if the body yields again instead of finishing, or if the generator is running
   */
  public void aclose() {
    core.aclose();
  }

  /** Same as {@link #aclose()}, for try-with-resources. */
  @Override
  public void close() {
    aclose();
  }

  /** The generator's state and body, without the handle users hold. */
  static final class Core<T> {
    final EventLoop loop;
    private final Body<T> body;
    private State state = State.CREATED;
    private Task<Void> task;
    // Completed by the body with a value, END, or an error; awaited by the consumer.
    private Future<Object> supply;
    // Completed by the consumer with CONTINUE or EXIT; awaited by the body at its yield.
    private Future<Object> demand;
    private boolean hasBuffered;
    private T buffered;

    Core(EventLoop loop, Body<T> body) {
      this.loop = loop;
      this.body = body;
    }

    boolean isFinished() {
      return state == State.FINISHED;
    }

    /** Whether the body waits at a yield, or runs: what a dropped generator must be closed from. */
    boolean isStarted() {
      return state == State.SUSPENDED || state == State.RUNNING;
    }

    T takeBuffered() {
      hasBuffered = false;
      T v = buffered;
      buffered = null;
      return v;
    }

    boolean advance() {
      if (hasBuffered) {
        return true;
      }
      switch (state) {
        case FINISHED -> {
          return false;
        }
        case RUNNING -> throw new IllegalStateException("anext(): asynchronous generator is already running");
        case CREATED -> start();
        case SUSPENDED -> {
          state = State.RUNNING;
          supply = loop.createFuture();
          demand.setResult(CONTINUE);
        }
      }
      Object got = awaitSupply();
      if (got == END) {
        return false;
      }
      @SuppressWarnings("unchecked")
      T v = (T) got;
      buffered = v;
      hasBuffered = true;
      return true;
    }

    private void start() {
      state = State.RUNNING;
      supply = loop.createFuture();
      task = loop.createTask(this::runBody, null, null);
      task.generatorBody = true;
    }

    private Object awaitSupply() {
      Future<Object> s = supply;
      try {
        Object got = s.await();
        if (got == END) {
          state = State.FINISHED;
        } else {
          state = State.SUSPENDED;
        }
        return got;
      } catch (CancelledError e) {
        if (!s.isDone() || s.isCancelled()) {
          // The consumer was cancelled while the body ran (its cancel also cancelled the supply it awaited): cancel
          // the body too; the generator is finished.
          state = State.FINISHED;
          task.cancel(e.getMessage());
        } else if (!s.isCancelled() && s.exception() == null && s.result() != END) {
          // The wake/cancel race: the body yielded, but the consumer was cancelled before it resumed. The value is
          // lost, as in asyncio, and the body still waits at its yield.
          state = State.SUSPENDED;
        } else {
          state = State.FINISHED;
        }
        throw e;
      } catch (Throwable e) {
        state = State.FINISHED;
        throw e;
      }
    }

    private Void runBody() throws Exception {
      try {
        body.run(this::yieldValue);
      } catch (GeneratorExit e) {
        supply.setResult(END);
        return null;
      } catch (CancelledError e) {
        if (!supply.isDone()) {
          supply.setException(e);
        }
        throw e; // the body's task ends cancelled, as it was
      } catch (Throwable e) {
        if (!supply.isDone()) {
          supply.setException(e);
        }
        return null;
      }
      supply.setResult(END);
      return null;
    }

    private void yieldValue(T value) {
      if (Task.current() != task) {
        throw new IllegalStateException("yield() must be called from the generator's own body");
      }
      if (supply.isDone()) {
        throw new IllegalStateException("async generator ignored GeneratorExit");
      }
      demand = loop.createFuture();
      supply.setResult(value);
      Object next = demand.await();
      if (next == EXIT) {
        throw new GeneratorExit();
      }
    }

    void aclose() {
      switch (state) {
        case FINISHED -> {
          return;
        }
        case CREATED -> {
          state = State.FINISHED;
          return;
        }
        case RUNNING -> throw new IllegalStateException("aclose(): asynchronous generator is already running");
        case SUSPENDED -> {
          state = State.RUNNING;
          hasBuffered = false;
          buffered = null;
          supply = loop.createFuture();
          demand.setResult(EXIT);
          Object got = awaitSupply();
          if (got != END) {
            state = State.FINISHED;
            task.cancel("async generator ignored GeneratorExit");
            throw new IllegalStateException("async generator ignored GeneratorExit");
          }
        }
      }
    }

    /** Called by the loop's shutdown: closes a suspended generator, cancels a body left running. */
    void shutdown() {
      if (state == State.SUSPENDED) {
        aclose();
      } else if (task != null && !task.isDone()) {
        state = State.FINISHED;
        task.cancel("async generator shut down with the loop");
      }
    }

    @Override
    public String toString() {
      return "<AsyncGenerator " + state.name().toLowerCase(java.util.Locale.ROOT) + ">";
    }
  }

  @Override
  public String toString() {
    return core.toString();
  }
}
