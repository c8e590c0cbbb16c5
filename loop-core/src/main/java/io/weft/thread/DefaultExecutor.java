package io.weft.thread;

import io.weft.EventLoop;
import io.weft.internal.Kernel;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loop's default executor (its attachment): made on first use, sized as asyncio's ({@code min(32, cpus + 4)}
 * threads, idle ones ending after 60 s), shut down and joined by the runner's shutdown hook, and shut down without
 * waiting when the loop closes. Loop thread only.
 */
final class DefaultExecutor {

  /** How long {@code Weft.run} waits for the default executor's threads: asyncio's {@code THREAD_JOIN_TIMEOUT}. */
  static final java.time.Duration JOIN_TIMEOUT = java.time.Duration.ofSeconds(300);

  private static final AtomicInteger POOLS = new AtomicInteger();

  private ExecutorService executor;
  private boolean hooked;
  // Set by shutdownDefaultExecutor: from then on the default executor is refused, as asyncio's
  // "Executor shutdown has been called".
  boolean shutdownCalled;

  static DefaultExecutor of(EventLoop loop) {
    return Kernel.get().attachment(loop, DefaultExecutor.class, DefaultExecutor::new);
  }

  /** The executor, made now if there is none. */
  ExecutorService get(EventLoop loop) {
    if (shutdownCalled) {
      throw new IllegalStateException("Executor shutdown has been called: the loop's default executor is shut down");
    }
    if (executor == null) {
      int threads = Math.min(32, Runtime.getRuntime().availableProcessors() + 4);
      String prefix = "weft-executor-" + POOLS.incrementAndGet() + "-";
      AtomicInteger n = new AtomicInteger();
      ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
          new LinkedBlockingQueue<>(), r -> Thread.ofPlatform().name(prefix + n.incrementAndGet()).unstarted(r));
      pool.allowCoreThreadTimeOut(true);
      set(loop, pool);
    }
    return executor;
  }

  /** The executor if one was made or set, else null. */
  ExecutorService current() {
    return executor;
  }

  void set(EventLoop loop, ExecutorService e) {
    executor = e;
    if (!hooked) {
      hooked = true;
      loop.addShutdownHook(new EventLoop.ShutdownHook("default executor",
          () -> Threads.shutdownDefaultExecutor(JOIN_TIMEOUT)));
      Kernel.get().onClose(loop, () -> {
        if (executor != null) {
          executor.shutdown(); // what the runner did not join: its threads end when their work does
        }
      });
    }
  }
}
