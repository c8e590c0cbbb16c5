package io.weft.internal;

import io.weft.spi.SystemClock;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
 *
 * <p><b>Hand-back slot.</b> A body that blocks outside {@code suspend} during its step (a contended monitor, a
 * {@code java.util.concurrent} lock) may be waited for: the loop then blocks, as asyncio's loop does on a blocking
 * call, and takes the body's continuation straight from the JDK through the stepping coroutine's slot instead of the
 * loop's queue ({@link LoopCoroutine#awaitHandBack}). The slot is armed before a step starts the body, so that a
 * hand-back that comes before the loop starts waiting is not lost; it is used only while its coroutine is the one
 * stepping ({@link #stepping}, cleared when a step ends at an await), and disarmed when the loop gives up waiting.
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
  // The coroutine whose step is the latest to have started: the only one whose hand-back may go to its slot. Written
  // on the loop thread before the step starts the body, so a thread handing the body back sees it or a later value.
  private LoopCoroutine stepping;

  private static final Object ARMED = new Object();
  private static final VarHandle SLOT;

  static {
    try {
      SLOT = MethodHandles.lookup().findVarHandle(LoopCoroutine.class, "slot", Object.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

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
  public boolean handsBackBlocked() {
    return true;
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
      } else if (!offer(continuation)) {
        host.submitOnLoop(continuation);
      }
    } else if (!offer(continuation)) {
      host.submitFromOtherThread(continuation);
    }
  }

  /** Puts a hand-back of the stepping body into its armed slot; true if taken (or already there: a duplicate). */
  private boolean offer(Runnable continuation) {
    LoopCoroutine c = stepping;
    if (c == null || c.continuation != continuation) {
      return false;
    }
    Object was = SLOT.compareAndExchange(c, ARMED, continuation);
    if (was == ARMED) {
      Thread waiter = loopThread;
      if (waiter != null && waiter != Thread.currentThread()) {
        LockSupport.unpark(waiter);
      }
      return true;
    }
    // The same continuation twice (a stack trace taken while the body was runnable resubmits it): one run is enough.
    return was == continuation;
  }

  private final class LoopCoroutine implements Coroutine {
    private final Thread thread;
    private boolean started;
    // Invariant: true from resume() until the body next parks in suspend(); read and written on the loop carrier.
    private boolean wake;
    // The JDK's runnable for this virtual thread (one object for its whole life), known from its first start.
    private Runnable continuation;
    // Invariant: null (disarmed), ARMED, or the continuation handed back while armed; CAS only (see offer).
    @SuppressWarnings("unused")
    private volatile Object slot;
    // The continuation taken from the slot by awaitHandBack, run by resumeHandedBack; loop thread only.
    private Runnable handed;

    LoopCoroutine(Thread thread) {
      this.thread = thread;
    }

    @Override
    public void resume() {
      wake = true;
      Runnable r = armForStep();
      stepping = this;
      if (r == null) {
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
        r = captured;
        captured = null;
      }
      if (r == null) {
        throw new IllegalStateException("coroutine on " + thread + " did not become runnable (state "
            + thread.getState() + "); was it resumed while running or blocked outside await?");
      }
      continuation = r;
      runMounted(r);
    }

    /**
     * Arms the slot for this step (it stays armed across steps that end at an await: only a wait given up disarms
     * it), and returns what it held: a wake-up of the suspended body that came through it as the previous step ended
     * (the body is runnable, so an unpark would not hand it over again), or null.
     */
    private Runnable armForStep() {
      Object s = slot;
      if (s == ARMED) {
        return null;
      }
      if (s instanceof Runnable r && SLOT.compareAndSet(this, r, ARMED)) {
        // A duplicate of a hand-back already run leaves the body parked: then it is not the body's to run.
        return thread.getState() == Thread.State.RUNNABLE ? r : null;
      }
      SLOT.setRelease(this, ARMED);
      return null;
    }

    private void runMounted(Runnable r) {
      Thread outer = mounted;
      mounted = thread;
      try {
        r.run();
      } finally {
        mounted = outer;
      }
      if (!wake || !thread.isAlive()) {
        // Suspended at an await (or finished): a later wake-up is not a hand-back the loop waits for, and the
        // carrier must not keep the body reachable.
        stepping = null;
      }
    }

    /** Empties and disarms the slot; a continuation found there goes to the loop's queue, as without a slot. */
    private void disarm() {
      if (SLOT.getAndSet(this, null) instanceof Runnable r) {
        host.submitOnLoop(r);
      }
    }

    @Override
    public boolean awaitHandBack(long timeoutNanos) {
      if (timeoutNanos > 0) {
        long deadline = SystemClock.INSTANCE.nanoTime() + timeoutNanos;
        while (true) {
          if (slot instanceof Runnable r && SLOT.compareAndSet(this, r, ARMED)) {
            handed = r;
            return true;
          }
          long left = deadline - SystemClock.INSTANCE.nanoTime();
          if (left <= 0 || Thread.currentThread().isInterrupted()) {
            break;
          }
          LockSupport.parkNanos(this, left);
        }
        if (SLOT.getAndSet(this, null) instanceof Runnable r) { // handed back just as the time ran out
          handed = r;
          SLOT.setRelease(this, ARMED);
          return true;
        }
        return false;
      }
      disarm();
      return false;
    }

    @Override
    public void resumeHandedBack() {
      Runnable r = handed;
      if (r == null) {
        throw new IllegalStateException("no continuation of " + thread + " was handed back");
      }
      handed = null;
      runMounted(r);
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
