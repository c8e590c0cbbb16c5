package io.weft.process;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The platform threads that block on the children's pipes: a shared cached pool of daemon threads, so a short-lived
 * child costs no thread start once the pool is warm.
 *
 * <p>Not virtual threads: a virtual thread started from a task would inherit the loop's own scheduler (the loop runs
 * tasks' virtual threads itself), and a blocking read on it would hold the loop.
 */
final class PipeThreads {

  private static final AtomicLong COUNT = new AtomicLong();
  private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "weft-pipe-" + COUNT.incrementAndGet());
    t.setDaemon(true);
    return t;
  });

  private PipeThreads() {}

  /** The pool, for {@code CompletableFuture}'s async callbacks. */
  static java.util.concurrent.Executor executor() {
    return POOL;
  }

  /** Runs {@code body} on a pipe thread. */
  static void start(Runnable body) {
    POOL.execute(body);
  }
}
