package io.weft.internal;

import java.util.concurrent.locks.LockSupport;

/**
 * The fallback carrier: every body is an ordinary virtual thread, and the loop passes it a baton and waits for it
 * back, so that exactly one of them runs at a time.
 *
 * <p>The loop itself runs on a virtual thread (see {@link #runLoop}), because a hand-off between two virtual threads
 * costs a fraction of one between a platform thread and a virtual thread. The hand-off is a volatile flag plus
 * park/unpark, so everything written before it is visible after it.
 */
final class BatonCarrier implements Carrier {

  // How many times each side polls the baton before parking. A hand-off usually completes within a few hundred
  // nanoseconds on another core, and parking then costs a cross-thread wake-up; this bounds the spin to a few
  // microseconds. With one scheduler thread the other side cannot run while this one spins, so there is no spin.
  private static final int SPINS = schedulerParallelism() > 1 ? 128 : 0;

  private static int schedulerParallelism() {
    String p = System.getProperty("jdk.virtualThreadScheduler.parallelism");
    try {
      return p != null ? Integer.parseInt(p.trim()) : Runtime.getRuntime().availableProcessors();
    } catch (NumberFormatException e) {
      return Runtime.getRuntime().availableProcessors();
    }
  }

  private volatile Thread loopThread;

  @Override
  public String name() {
    return "baton";
  }

  @Override
  public Coroutine create(Runnable body) {
    return new BatonCoroutine(body);
  }

  @Override
  public Thread loopThread() {
    return loopThread;
  }

  @Override
  public void runLoop(Runnable loopBody) {
    if (Thread.currentThread().isVirtual()) {
      runLoopHere(loopBody);
      return;
    }
    Throwable[] failure = new Throwable[1];
    Thread t = Thread.ofVirtual().name("weft-loop").unstarted(() -> {
      try {
        runLoopHere(loopBody);
      } catch (Throwable e) {
        failure[0] = e;
      }
    });
    t.start();
    PlatformLoopThread.joinUninterruptibly(t);
    if (failure[0] != null) {
      throw Sneaky.<RuntimeException>raise(failure[0]);
    }
  }

  private void runLoopHere(Runnable loopBody) {
    loopThread = Thread.currentThread();
    try {
      loopBody.run();
    } finally {
      loopThread = null;
    }
  }

  private static final class BatonCoroutine implements Coroutine {
    private final Thread thread;
    // Invariant: true while the body holds the baton; the loop waits while it is true, the body while it is false.
    private volatile boolean bodyTurn;
    private volatile Thread resumer;
    private boolean started;

    BatonCoroutine(Runnable body) {
      this.thread = Thread.ofVirtual().unstarted(() -> {
        try {
          body.run();
        } finally {
          bodyTurn = false;
          LockSupport.unpark(resumer);
        }
      });
    }

    @Override
    public void resume() {
      resumer = Thread.currentThread();
      bodyTurn = true;
      if (!started) {
        started = true;
        thread.start();
      } else {
        LockSupport.unpark(thread);
      }
      for (int i = 0; i < SPINS && bodyTurn; i++) {
        Thread.onSpinWait();
      }
      while (bodyTurn) {
        LockSupport.park(this);
      }
    }

    @Override
    public void suspend() {
      bodyTurn = false;
      LockSupport.unpark(resumer);
      for (int i = 0; i < SPINS && !bodyTurn; i++) {
        Thread.onSpinWait();
      }
      while (!bodyTurn) {
        LockSupport.park(this);
      }
    }

    @Override
    public Thread thread() {
      return thread;
    }

    @Override
    public boolean isStarted() {
      return started;
    }
  }
}
