package io.weft.sim;

import io.weft.spi.SystemClock;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Runs a simulation's loop on a pooled platform daemon thread ({@code weft-sim-N}) and watches it from the calling
 * thread, so that the real-time bounds fire even when a step never returns.
 *
 * <p>Two bounds: the run's {@link SimOptions#watchdog} from the moment the run was created, and
 * {@link SimOptions#stepTimeout} for one callback or step, measured as real time without a heartbeat from the loop
 * (every callback, step and iteration beats) outside the waits the loop declares (real work in flight, a task blocked
 * on another thread's lock: both bounded by the loop itself). When one passes, the supervisor asks the run to stop
 * ({@link Simulation#expire}) with the name of the task running and the loop thread's stack; from then on no other
 * failure can be recorded. A loop that still moves stops at the end of its callback and reports {@code WATCHDOG}
 * with every pending task itself (the supervisor takes no stack of a moving loop's tasks: taking a virtual thread's
 * stack while it parks or unparks disturbs its hand-off). One that does not stop within a short grace is stuck in a
 * step: the supervisor takes the stack of the task stuck there, reports for it, interrupts its thread, and returns
 * without it ({@link Simulation#abandon}).
 * The JDK cannot stop a thread that ignores interrupts (Thread.stop is gone), so an abandoned busy loop keeps one core
 * until it ends; if it ever returns, its run stops and cleans up on its own thread, and the thread goes back to the
 * pool.
 *
 * <p>Threads are reused ({@link Worker}: one is created only when none is idle, and idle ones retire after 30 s), so
 * a run costs two hand-offs between threads (a few microseconds), not a thread. The run sees the caller's context
 * class loader; it does not see the caller's inheritable thread-locals (tasks, created by the loop thread, used to
 * inherit them from the caller) nor its scoped values.
 */
final class Supervisor {

  // How many times a side polls before parking: a short run's hand-back, or the next run's hand-over, often comes
  // within microseconds, and a park costs a wake-up through the OS. None on one core, where spinning only delays.
  private static final int SPINS = Runtime.getRuntime().availableProcessors() > 1 ? 256 : 0;
  private static final long MAX_TICK_NANOS = 1_000_000_000L;
  private static final long MIN_TICK_NANOS = 1_000_000L;
  private static final long MAX_GRACE_NANOS = 100_000_000L;

  private Supervisor() {}

  /** Runs {@code run} (the whole run of {@code sim}) on a pooled thread; returns its result or the abandoned one. */
  static <T> SimResult<T> run(Simulation sim, Supplier<SimResult<T>> run) {
    Job<T> job = new Job<>(Thread.currentThread(), run);
    Worker.submit(job);
    return job.supervise(sim);
  }


  /**
   * A platform daemon thread that runs one job at a time. Idle workers wait on a stack (the most recently used is
   * taken first, its caches warm) and retire after 30 s without work. A worker goes back on the stack before its job
   * tells the caller it is done, so a caller that runs again at once finds it there.
   */
  private static final class Worker extends Thread {
    private static final ConcurrentLinkedDeque<Worker> IDLE = new ConcurrentLinkedDeque<>();
    private static final AtomicInteger COUNT = new AtomicInteger();
    private static final long RETIRE_NANOS = 30_000_000_000L;

    // Invariant: non-null from submit until the worker takes it; written only while the worker is off the stack.
    private volatile Job<?> job;

    private Worker() {
      // No inheritable thread-locals: a pooled thread would otherwise pass its first caller's to every later run.
      super(null, null, "weft-sim-" + COUNT.incrementAndGet(), 0, false);
      setDaemon(true);
    }

    static void submit(Job<?> job) {
      Worker w = IDLE.pollFirst();
      if (w == null) {
        w = new Worker();
        w.job = job;
        w.start();
        return;
      }
      w.job = job;
      LockSupport.unpark(w);
    }

    @Override
    public void run() {
      Job<?> j;
      while ((j = next()) != null) {
        Thread.interrupted(); // an abandoned run's interrupt is not the next run's
        j.compute();
        IDLE.push(this);
        j.signal();
      }
    }

    /** Waits for the next job; null when idle for too long (and then off the stack for good). */
    private Job<?> next() {
      for (int i = 0; i < 4 * SPINS; i++) {
        Job<?> j = job;
        if (j != null) {
          job = null;
          return j;
        }
        Thread.onSpinWait();
      }
      long idleSince = SystemClock.INSTANCE.nanoTime();
      while (true) {
        Job<?> j = job;
        if (j != null) {
          job = null;
          return j;
        }
        LockSupport.parkNanos(this, RETIRE_NANOS);
        if (job == null && SystemClock.INSTANCE.nanoTime() - idleSince > RETIRE_NANOS && IDLE.remove(this)) {
          return null;
        }
      }
    }
  }

  private static final class Job<T> {
    private final Thread caller;
    private final Supplier<SimResult<T>> body;
    private final ClassLoader loader;
    // Invariant: done is written last, after result or error; the caller reads them only once done is true.
    private volatile boolean done;
    private volatile SimResult<T> result;
    private volatile Throwable error;
    private volatile Thread runner;
    // Guarded by this: true once compute returned; from then on the worker may serve another run, not to interrupt.
    private boolean computed;
    private boolean interrupted;

    Job(Thread caller, Supplier<SimResult<T>> body) {
      this.caller = caller;
      this.body = body;
      this.loader = caller.getContextClassLoader();
    }

    /** On the worker: runs the run. */
    void compute() {
      Thread me = Thread.currentThread();
      runner = me;
      ClassLoader before = me.getContextClassLoader();
      me.setContextClassLoader(loader);
      try {
        result = body.get();
      } catch (Throwable e) {
        error = e;
      } finally {
        me.setContextClassLoader(before);
        synchronized (this) {
          computed = true;
        }
      }
    }

    /** On the caller: interrupts the worker if it still runs this job; returns the worker, or null. */
    private synchronized Thread interruptRunner() {
      Thread r = runner;
      if (r != null && !computed) {
        r.interrupt();
      }
      return r;
    }

    /** On the worker, after {@link #compute} and after the worker is idle again: tells the caller. */
    void signal() {
      done = true;
      LockSupport.unpark(caller);
    }

    SimResult<T> supervise(Simulation sim) {
      SimOptions o = sim.options();
      long start = sim.startNanos();
      long watchdog = io.weft.internal.Durations.saturatedNanos(o.watchdog());
      long step = io.weft.internal.Durations.saturatedNanos(o.stepTimeout());
      long tick = Math.max(MIN_TICK_NANOS, Math.min(MAX_TICK_NANOS, Math.min(watchdog, step) / 8));
      Heartbeat heart = sim.heart();
      long lastBeat = heart.beats();
      long lastChange = SystemClock.INSTANCE.nanoTime();
      for (int i = 0; i < SPINS && !done; i++) {
        Thread.onSpinWait();
      }
      try {
        while (!done) {
          long now = SystemClock.INSTANCE.nanoTime();
          long beat = heart.beats();
          boolean waiting = heart.waiting();
          if (beat != lastBeat || waiting) {
            lastBeat = beat;
            lastChange = now;
          }
          // A wait of the loop's own that ends with the run's bound (real work in flight) reports itself, better.
          long runEnd = waiting && heart.waitDeadline() - (start + watchdog) <= 0 ? start + watchdog + MAX_GRACE_NANOS
              : start + watchdog;
          if (now - runEnd > 0) {
            return expire(sim, "the run took more than " + o.watchdog() + " of real time (virtual time "
                + Simulation.seconds(sim.clock().nanoTime()) + ")", step);
          }
          if (now - lastChange > step) {
            return expire(sim, "a callback or task step ran more than " + o.stepTimeout() + " of real time without"
                + " returning to the loop (step timeout; virtual time " + Simulation.seconds(sim.clock().nanoTime())
                + "): a busy loop without an await, or a call that blocks the loop thread", step);
          }
          park(Math.min(tick, Math.min(runEnd - now, lastChange + step - now) + 1));
        }
        return result();
      } finally {
        if (interrupted) {
          caller.interrupt();
        }
      }
    }

    private SimResult<T> expire(Simulation sim, String why, long stepNanos) {
      sim.expire(why + "." + SimReports.runningNow(sim.loop()));
      long graceEnd = SystemClock.INSTANCE.nanoTime() + Math.min(MAX_GRACE_NANOS, stepNanos / 2);
      long left;
      while (!done && (left = graceEnd - SystemClock.INSTANCE.nanoTime()) > 0) {
        park(left);
      }
      if (done) {
        return result();
      }
      // Stuck in a step: its task is mounted and going nowhere, so its stack can be taken without disturbing it.
      String running = SimReports.stuckTask(sim.loop());
      return sim.abandon(running, interruptRunner());
    }

    private void park(long nanos) {
      LockSupport.parkNanos(this, Math.max(1, nanos));
      if (Thread.interrupted()) {
        interrupted = true; // kept for the caller, restored on return; supervision goes on
      }
    }

    private SimResult<T> result() {
      Throwable e = error;
      if (e != null) {
        throw io.weft.internal.Sneaky.<RuntimeException>raise(e);
      }
      return result;
    }
  }
}
