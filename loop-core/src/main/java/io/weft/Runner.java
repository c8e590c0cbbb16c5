package io.weft;

import io.weft.internal.OsSignals;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Runs async main functions on one loop, reused across calls: asyncio's {@code Runner}.
 *
 * <p>The loop is created at the first {@link #run} and every run uses the same loop and the same context (a copy of
 * the creator's, taken then). {@link #close()} cancels the tasks still pending and waits for them, reports the ones
 * that fail while being cancelled, runs the loop's {@linkplain EventLoop#addShutdownHook shutdown hooks} and
 * closes the loop.
 *
 * <p>{@link #interrupt()} is the Java shape of Ctrl-C: the first call cancels the main task and, once it has ended
 * because of that, {@link #run} throws {@link KeyboardInterrupt}; a second call while main still runs throws
 * {@link KeyboardInterrupt} in the loop at once.
 *
 * <p><b>Ctrl-C.</b> While {@link #run} runs on the main thread (the platform thread named {@code main} that the JVM
 * starts the program on) and SIGINT has its default disposition, SIGINT calls {@link #interrupt()}, as asyncio's
 * runner does; {@code run} then gives SIGINT its default back, unless something replaced the runner's handler
 * meanwhile. A runner on another thread leaves SIGINT alone, so that Ctrl-C still stops the program (asyncio installs
 * its handler only on the main thread too); such a runner can take Ctrl-C with
 * {@code Signals.addHandler(runner.getLoop(), "INT", runner::interrupt)}. A simulated loop never takes real signals.
 * An uncaught {@link KeyboardInterrupt} ends a Java program with status 1; one that wants the shell's 130 catches it
 * and calls {@code System.exit(130)}.
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public final class Runner implements AutoCloseable {

  private enum State {
    CREATED,
    INITIALIZED,
    CLOSED
  }

  private final Supplier<EventLoop> loopFactory;
  private final Boolean debug;
  private State state = State.CREATED;
  private volatile EventLoop loop;
  private Context context;
  private volatile Task<?> mainTask;
  private int interruptCount;

  /** Creates a runner whose loop is a production loop. */
  public Runner() {
    this(EventLoop::create, null);
  }

  /**
   * Creates a runner.
   *
   * @param loopFactory makes the loop at the first run
   * @param debug forces debug mode on or off, or null to leave the loop's setting
   */
  public Runner(Supplier<EventLoop> loopFactory, Boolean debug) {
    this.loopFactory = Objects.requireNonNull(loopFactory, "loopFactory must not be null");
    this.debug = debug;
  }

  /**
   * Runs {@code main} as a task on the runner's loop until it is done and returns its result.
   *
   * @throws IllegalStateException if the runner is closed or called from a running loop
   * @throws KeyboardInterrupt if {@link #interrupt()} cancelled the main task
   */
  public <T> T run(AsyncCallable<T> main) {
    return run(main, null);
  }

  /** Runs a main with no result; see {@link #run(AsyncCallable)}. */
  public void run(AsyncRunnable main) {
    Objects.requireNonNull(main, "main must not be null");
    run(main.asCallable(), null);
  }

  /**
   * Runs {@code main} in {@code context} (null for the runner's context); see {@link #run(AsyncCallable)}.
   */
  public <T> T run(AsyncCallable<T> main, Context context) {
    Objects.requireNonNull(main, "main must not be null");
    if (EventLoop.running() != null) {
      throw new IllegalStateException("Runner.run() cannot be called from a running event loop");
    }
    lazyInit();
    Task<T> task = loop.createTask(main, null, context != null ? context : this.context);
    mainTask = task;
    interruptCount = 0;
    SignalHandler sigint = installSigint();
    try {
      return loop.runUntilComplete(task);
    } catch (CancelledError e) {
      if (interruptCount > 0 && task.uncancel() == 0) {
        KeyboardInterrupt k = new KeyboardInterrupt();
        k.initCause(e);
        throw k;
      }
      throw e;
    } finally {
      mainTask = null;
      if (sigint != null) {
        OsSignals.restoreDefault("INT", sigint);
      }
    }
  }

  /** Installs the Ctrl-C handler if asyncio's runner would (see the class comment); returns it, or null. */
  private SignalHandler installSigint() {
    Thread t = Thread.currentThread();
    boolean mainThread = !t.isVirtual() && "main".equals(t.getName()) && t.getThreadGroup() != null
        && "main".equals(t.getThreadGroup().getName());
    if (!mainThread || loop.sim != null) {
      return null;
    }
    SignalHandler handler = new SignalHandler() {
      @Override
      public void handle(Signal sig) {
        try {
          interrupt();
        } catch (IllegalStateException closed) {
          // the loop closed as the signal arrived: nothing left to interrupt
        }
      }

      @Override
      public String toString() {
        return "Weft's Ctrl-C handler for " + Runner.this;
      }
    };
    return OsSignals.installIfDefault("INT", handler) ? handler : null;
  }

  /**
   * Interrupts the running main task, from any thread: the first call cancels it, and a later call while it is
   * still running raises {@link KeyboardInterrupt} in the loop.
   */
  public void interrupt() {
    EventLoop l = loop;
    if (l == null || l.isClosed()) {
      return;
    }
    if (EventLoop.running() == l) {
      onInterrupt(); // on the loop thread, act at once, as a signal handler would
    } else {
      l.callSoonThreadsafe(this::onInterrupt);
    }
  }

  private void onInterrupt() {
    interruptCount++;
    Task<?> t = mainTask;
    if (interruptCount == 1 && t != null && !t.isDone()) {
      t.cancel();
      return;
    }
    throw new KeyboardInterrupt();
  }

  /**
   * Returns the runner's loop, creating it if needed.
   *
   * @throws IllegalStateException if the runner is closed
   */
  public EventLoop getLoop() {
    lazyInit();
    return loop;
  }

  private void lazyInit() {
    if (state == State.CLOSED) {
      throw new IllegalStateException("Runner is closed");
    }
    if (state == State.INITIALIZED) {
      return;
    }
    loop = Objects.requireNonNull(loopFactory.get(), "loopFactory returned null");
    if (debug != null) {
      loop.setDebug(debug);
    }
    context = Context.copyCurrent();
    state = State.INITIALIZED;
  }

  /** Cancels what is left, runs the shutdown hooks and closes the loop. Idempotent. */
  @Override
  public void close() {
    if (state != State.INITIALIZED) {
      state = State.CLOSED;
      return;
    }
    try {
      cancelAllTasks(false);
      for (EventLoop.ShutdownHook hook : loop.shutdownHooks()) {
        Task<Void> t = loop.createTask(hook.body());
        try {
          loop.runUntilComplete(t);
        } catch (Exception e) {
          loop.callExceptionHandler(ExceptionContext.of("shutdown hook '" + hook.name() + "' failed", e));
        }
      }
      cancelAllTasks(true); // what the hooks left, generator bodies included

    } finally {
      loop.close();
      state = State.CLOSED;
    }
  }

  /**
   * Cancels the pending tasks and waits for them. Generator bodies are left to the async-generator shutdown hook,
   * which closes them with GeneratorExit at their yield, unless {@code includeGenerators}.
   */
  private void cancelAllTasks(boolean includeGenerators) {
    List<Task<?>> toCancel = loop.allTasks().stream().filter(t -> includeGenerators || !t.generatorBody).toList();
    if (toCancel.isEmpty()) {
      return;
    }
    if (loop.isDebug() && !includeGenerators) {
      for (Task<?> t : toCancel) {
        loop.warn(t + " was still pending when the main task ended, and is cancelled now: an orphan. Keep a"
            + " reference and await it, or start it in a TaskGroup, so that its work and its errors are not lost.");
      }
    }
    for (Task<?> t : toCancel) {
      t.cancel();
    }
    // Wait for every cancelled task to finish, as asyncio's gather(*to_cancel, return_exceptions=True) does.
    loop.runUntilComplete(Combinators.gather(true, toCancel));
    for (Task<?> t : toCancel) {
      if (t.isCancelled()) {
        continue;
      }
      Throwable e = t.exception();
      if (e != null) {
        loop.callExceptionHandler(new ExceptionContext(
            "unhandled exception during Weft.run() shutdown", e, null, null, t, Map.of()));
      }
    }
  }

  @Override
  public String toString() {
    return "<Runner " + state.name().toLowerCase(java.util.Locale.ROOT) + ">";
  }
}
