package io.weft.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.locks.LockSupport;

/**
 * The fast carrier: every body is a virtual thread whose scheduler is this object, and the loop thread runs the
 * body's continuation itself.
 *
 * <p>How a step works: {@link LoopCoroutine#resume()} sets {@link #capturing}, starts or unparks the virtual thread,
 * and the JDK hands the continuation to {@link #execute}, which stores it instead of queueing it; {@code resume}
 * then runs it on the loop thread until the body parks in {@link LoopCoroutine#suspend()}. Continuations handed
 * over at any other time (a body that parked outside {@code await}, such as in {@code Thread.sleep}, being woken
 * by the JDK) are queued on the loop: from its own thread for the next iteration, from other threads through the
 * thread-safe queue.
 */
final class LoopScheduledCarrier implements Carrier, Executor {

  private final CarrierHost host;
  private final Thread.Builder.OfVirtual builder;
  // Invariant: non-null exactly while runLoop runs; the only platform thread that runs continuations.
  private volatile Thread loopThread;
  // Invariant: the virtual thread whose continuation the loop thread is running, or null.
  private Thread mounted;
  // Invariant: true only on the loop thread, inside LoopCoroutine.resume, between start/unpark and their return.
  private boolean capturing;
  private Runnable captured;

  LoopScheduledCarrier(CarrierHost host) {
    this.host = host;
    this.builder = Builders.newBuilder(this);
  }

  @Override
  public String name() {
    return "loop";
  }

  @Override
  public Coroutine create(Runnable body) {
    return new LoopCoroutine(builder.unstarted(body));
  }

  @Override
  public Thread loopThread() {
    return loopThread;
  }

  @Override
  public void runLoop(Runnable loopBody) {
    PlatformLoopThread.run(() -> runLoopHere(loopBody));
  }

  private void runLoopHere(Runnable loopBody) {
    loopThread = Thread.currentThread();
    try {
      loopBody.run();
    } finally {
      loopThread = null;
    }
  }

  @Override
  public void execute(Runnable continuation) {
    Thread current = Thread.currentThread();
    if (current == loopThread || (current == mounted && mounted != null)) {
      if (capturing) {
        captured = continuation;
      } else {
        host.submitOnLoop(continuation);
      }
    } else {
      host.submitFromOtherThread(continuation);
    }
  }

  private final class LoopCoroutine implements Coroutine {
    private final Thread thread;
    private boolean started;
    // Invariant: true from resume() until the body next parks in suspend(); read and written on the loop carrier.
    private boolean wake;

    LoopCoroutine(Thread thread) {
      this.thread = thread;
    }

    @Override
    public void resume() {
      wake = true;
      capturing = true;
      try {
        if (!started) {
          started = true;
          thread.start();
        } else {
          LockSupport.unpark(thread);
        }
      } finally {
        capturing = false;
      }
      Runnable r = captured;
      captured = null;
      if (r == null) {
        throw new IllegalStateException("coroutine on " + thread + " did not become runnable (state "
            + thread.getState() + "); was it resumed while running or blocked outside await?");
      }
      Thread outer = mounted;
      mounted = thread;
      try {
        r.run();
      } finally {
        mounted = outer;
      }
    }

    @Override
    public void suspend() {
      wake = false;
      do {
        LockSupport.park(this);
      } while (!wake);
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
