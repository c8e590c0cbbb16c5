package io.weft;

import java.util.ArrayList;
import java.util.List;

/**
 * A loop's async generators: registered at their first iteration, closed when their user drops them, and closed
 * together at shutdown, as asyncio's {@code _asyncgen_firstiter_hook}, {@code _asyncgen_finalizer_hook} and
 * {@code shutdown_asyncgens} do.
 *
 * <p>The loop holds each generator weakly (the object users hold) and its {@link AsyncGenerator.Core} strongly, in
 * the reference ({@link Dropped}); the body's task reaches the core but never the generator. So a generator dropped
 * while its body waits at a yield can be collected, and the loop then closes its core with a task of its own, so
 * that the body's {@code finally} blocks run; an error from closing is reported once to the exception handler.
 */
final class AsyncGenerators {

  static final String CLOSE_ERROR = "an error occurred during closing of asynchronous generator ";

  /** A generator's weak reference, holding what closing it needs. */
  final class Dropped extends GcReports.Ref {
    final AsyncGenerator.Core<?> core;
    final String name;
    // Whether a task of the loop is closing it (it was dropped): shutdown awaits that task instead.
    boolean closingDropped;

    Dropped(AsyncGenerator<?> generator, AsyncGenerator.Core<?> core, String name) {
      super(generator, loop.gcReports.queue());
      this.core = core;
      this.name = name;
    }

    @Override
    void collected(EventLoop l) {
      if (core.isStarted() && !shutDown && !l.isClosed()) {
        Task<Void> closer = l.<Void>createTask(() -> {
          try {
            core.shutdown();
          } catch (Exception e) {
            l.callExceptionHandler(ExceptionContext.of(CLOSE_ERROR + name, e).with("asyncgen", name));
          }
          return null;
        }, "aclose of " + name, null);
        closer.generatorBody = true; // a run's shutdown lets it finish, as it does generator bodies
        closingDropped = true;
        closing.add(closer);
      }
    }
  }

  private final EventLoop loop;
  // Invariant: in first-iteration order; each holds its generator weakly.
  private final List<Dropped> generators = new ArrayList<>();
  // The tasks closing generators their users dropped, until shutdown awaits them.
  private final List<Task<Void>> closing = new ArrayList<>();
  private long count;
  private int pruneAt = 64;
  private boolean hookRegistered;
  private boolean shutDown;

  AsyncGenerators(EventLoop loop) {
    this.loop = loop;
  }

  void firstIteration(AsyncGenerator<?> generator, AsyncGenerator.Core<?> core) {
    if (shutDown) {
      loop.warn(generator + " was scheduled after the loop's async generators were shut down");
    } else if (!hookRegistered) {
      hookRegistered = true;
      loop.addShutdownHook(new EventLoop.ShutdownHook("async generators", this::shutdown));
    }
    if (generators.size() >= pruneAt) {
      generators.removeIf(r -> {
        if (r.core.isFinished()) {
          loop.gcReports.unregister(r);
          return true;
        }
        return false;
      });
      closing.removeIf(Task::isDone);
      pruneAt = Math.max(64, generators.size() * 2);
    }
    Dropped r = new Dropped(generator, core, "AsyncGenerator-" + ++count);
    generators.add(r);
    loop.gcReports.register(r);
  }

  /** Whether a generator is still open (started or not, not finished) or a dropped one is still being closed. */
  boolean anyOpen() {
    for (Dropped r : generators) {
      if (!r.core.isFinished()) {
        return true;
      }
    }
    for (Task<Void> t : closing) {
      if (!t.isDone()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Closes every generator still open, all at once, and waits for those being closed because they were dropped;
   * each failure goes to the exception handler.
   */
  void shutdown() {
    shutDown = true;
    List<Dropped> open = new ArrayList<>();
    for (Dropped r : generators) {
      loop.gcReports.unregister(r); // closed here, whether collected or not
      if (!r.core.isFinished() && !r.closingDropped) {
        open.add(r);
      }
    }
    generators.clear();
    List<Task<Void>> closers = new ArrayList<>(closing);
    closing.clear();
    for (Dropped r : open) {
      AsyncGenerator.Core<?> g = r.core;
      Object described = r.get() != null ? r.get() : r.name;
      closers.add(loop.createTask(() -> {
        try {
          g.shutdown();
        } catch (Exception e) {
          loop.callExceptionHandler(ExceptionContext.of(CLOSE_ERROR + described, e).with("asyncgen", described));
        }
      }));
    }
    closers.removeIf(Task::isDone);
    if (!closers.isEmpty()) {
      Combinators.gather(true, closers).await(); // every closer is awaited, whatever the others end with
    }
  }
}
