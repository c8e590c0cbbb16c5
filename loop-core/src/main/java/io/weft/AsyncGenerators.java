package io.weft;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;

/**
 * A loop's async generators: registered at their first iteration, closed together at shutdown, as asyncio's
 * {@code _asyncgen_firstiter_hook} and {@code shutdown_asyncgens} do.
 */
final class AsyncGenerators {

  private final EventLoop loop;
  // Invariant: in first-iteration order; holds generators weakly, as asyncio's WeakSet does.
  private final List<WeakReference<AsyncGenerator<?>>> generators = new ArrayList<>();
  private boolean hookRegistered;
  private boolean shutDown;

  AsyncGenerators(EventLoop loop) {
    this.loop = loop;
  }

  void firstIteration(AsyncGenerator<?> generator) {
    if (shutDown) {
      loop.warn(generator + " was scheduled after the loop's async generators were shut down");
    } else if (!hookRegistered) {
      hookRegistered = true;
      loop.addShutdownHook(new EventLoop.ShutdownHook("async generators", this::shutdown));
    }
    generators.removeIf(r -> r.refersTo(null));
    generators.add(new WeakReference<>(generator));
  }

  /** Closes every generator still open, all at once; each failure goes to the exception handler. */
  private void shutdown() {
    shutDown = true;
    List<AsyncGenerator<?>> open = new ArrayList<>();
    for (WeakReference<AsyncGenerator<?>> r : generators) {
      AsyncGenerator<?> g = r.get();
      if (g != null && !g.isFinished()) {
        open.add(g);
      }
    }
    generators.clear();
    List<Task<Void>> closers = new ArrayList<>();
    for (AsyncGenerator<?> g : open) {
      closers.add(loop.createTask(() -> {
        try {
          g.shutdown();
        } catch (Exception e) {
          loop.callExceptionHandler(ExceptionContext.of(
              "an error occurred during closing of asynchronous generator " + g, e).with("asyncgen", g));
        }
      }));
    }
    if (!closers.isEmpty()) {
      Combinators.gather(true, closers).await(); // every closer is awaited, whatever the others end with
    }
  }
}
