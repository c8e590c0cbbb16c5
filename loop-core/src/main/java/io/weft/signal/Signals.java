package io.weft.signal;

import io.weft.Api;
import io.weft.Context;
import io.weft.EventLoop;
import io.weft.internal.Kernel;
import io.weft.internal.OsSignals;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.WeakHashMap;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Runs a callback on a loop when the process receives a signal: asyncio's {@code loop.add_signal_handler} and
 * {@code loop.remove_signal_handler}.
 *
 * <pre>{@code
 * Signals.addHandler(loop, "TERM", () -> server.close());   // runs on the loop, in the context current now
 * ...
 * Signals.removeHandler(loop, "TERM");                     // true; SIGTERM has its default disposition again
 * }</pre>
 *
 * <ul>
 *   <li>Signals are named as the JVM names them, with or without {@code SIG}, in any case: {@code "INT"},
 *       {@code "SIGTERM"}, {@code "hup"}, {@code "USR1"}, {@code "WINCH"}. An unknown name, and a signal the JVM
 *       reserves (on Linux: QUIT, ILL, FPE, SEGV, BUS, USR2, PIPE, XFSZ, and KILL and STOP, which no process can
 *       catch), is refused with an {@link IllegalArgumentException} that says why; so are HUP, INT and TERM when
 *       the process started with them ignored (nohup, a shell's {@code &}), which the JVM then keeps ignored.
 *   <li>The callback runs on the loop as a callback of its own (through {@link EventLoop#callSoonThreadsafe}), once
 *       per signal received, in a copy of the context current when the handler was added; an exception it throws goes
 *       to the loop's exception handler.
 *   <li>A signal has one disposition per process, so it has at most one handler: adding one for a signal that already
 *       has a handler on the same loop replaces it, and on another loop is refused. Removing the handler, or closing
 *       the loop, gives the signal back its default disposition: for INT, TERM and HUP the JVM's (run the shutdown
 *       hooks and exit with 128 + the signal's number), else the OS's (unless the application had installed a
 *       {@code sun.misc} handler before Weft's first: then that one).
 *   <li>Add and remove from the loop's thread (a task or a callback), or from any thread while the loop is not
 *       running. asyncio's main-thread rule comes from CPython's {@code signal} module; the JVM delivers signals on a
 *       thread of its own and has no such rule.
 *   <li>While {@link io.weft.Weft#run} or a {@link io.weft.Runner} runs on the main thread, SIGINT (Ctrl-C) cancels
 *       the main task, as asyncio's runner does; a handler added here for INT replaces that while it is installed.
 * </ul>
 *
 * <p><b>In a simulation</b> a signal from the operating system would arrive at a moment the simulation cannot choose,
 * so a simulated loop's handlers are kept by the loop and never installed in the process: real signals do not reach
 * it. A test delivers one with {@link #simulate} on the loop's thread (from a task, or a timer for a signal at a
 * virtual time): the handler runs as a callback of the next iteration, at a point of the schedule, and replays.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.3")
public final class Signals {

  private record Registration(Runnable callback, Context context) {}

  private static final Object LOCK = new Object();
  // Guarded by LOCK. Invariant: a loop's map is never empty; a production loop's signals are those OS_OWNER maps to it.
  private static final Map<EventLoop, Map<String, Registration>> BY_LOOP = new HashMap<>();
  // Guarded by LOCK: which production loop has each signal, and the dispatcher installed for it in the process.
  private static final Map<String, EventLoop> OS_OWNER = new HashMap<>();
  private static final Map<String, Dispatcher> DISPATCHERS = new HashMap<>();
  // Guarded by LOCK: the loops whose close removes their handlers.
  private static final Set<EventLoop> HOOKED = Collections.newSetFromMap(new WeakHashMap<>());

  private Signals() {}

  /**
   * Runs {@code callback} on {@code loop} whenever the process receives {@code signal}, replacing the loop's handler
   * for it if it had one.
   *
   * @throws IllegalArgumentException if the signal is unknown or cannot be handled, naming it and why
   * @throws IllegalStateException if the loop is closed, if it is running and this is not its thread, or if another
   *     loop handles the signal
   */
  public static void addHandler(EventLoop loop, String signal, Runnable callback) {
    Objects.requireNonNull(loop, "loop must not be null");
    Objects.requireNonNull(callback, "callback must not be null");
    String name = OsSignals.name(signal);
    OsSignals.checkHandleable(name);
    checkThread(loop, "add a handler for SIG" + name);
    if (loop.isClosed()) {
      throw new IllegalStateException("cannot add a handler for SIG" + name + ": " + loop + " is closed");
    }
    Registration reg = new Registration(callback, Context.copyCurrent());
    boolean simulated = Kernel.get().simulated(loop);
    synchronized (LOCK) {
      if (!simulated) {
        EventLoop owner = OS_OWNER.get(name);
        if (owner != null && owner != loop) {
          throw new IllegalStateException("SIG" + name + " is already handled by another loop, " + owner
              + ": a signal has one handler per process; remove it there first");
        }
        if (owner == null) {
          Dispatcher d = new Dispatcher(name);
          OsSignals.install(name, d); // throws, changing nothing, if the JVM holds the signal
          DISPATCHERS.put(name, d);
          OS_OWNER.put(name, loop);
        }
      }
      BY_LOOP.computeIfAbsent(loop, l -> new HashMap<>()).put(name, reg);
      if (HOOKED.add(loop)) {
        Kernel.get().onClose(loop, () -> removeAll(loop));
      }
    }
  }

  /**
   * Removes {@code loop}'s handler for {@code signal} and gives the signal back its default disposition. Returns
   * whether there was one; a signal that cannot be handled never has one.
   *
   * @throws IllegalArgumentException if the signal is unknown
   * @throws IllegalStateException if the loop is running and this is not its thread
   */
  public static boolean removeHandler(EventLoop loop, String signal) {
    Objects.requireNonNull(loop, "loop must not be null");
    String name = OsSignals.name(signal);
    checkThread(loop, "remove the handler for SIG" + name);
    synchronized (LOCK) {
      Map<String, Registration> handlers = BY_LOOP.get(loop);
      if (handlers == null || handlers.remove(name) == null) {
        return false;
      }
      if (handlers.isEmpty()) {
        BY_LOOP.remove(loop);
      }
      release(loop, name);
      return true;
    }
  }

  /**
   * Runs {@code loop}'s handler for {@code signal} as if the process had received it, without involving the operating
   * system, and returns whether the loop has one. On a simulated loop this is how a signal arrives, and it must be
   * called on the loop's thread, so that where it arrives is a point of the schedule.
   *
   * @throws IllegalArgumentException if the signal is unknown
   * @throws IllegalStateException if the loop is simulated and this is not its thread
   */
  public static boolean simulate(EventLoop loop, String signal) {
    Objects.requireNonNull(loop, "loop must not be null");
    String name = OsSignals.name(signal);
    boolean simulated = Kernel.get().simulated(loop);
    if (simulated && EventLoop.running() != loop) {
      throw new IllegalStateException("simulate SIG" + name + " on the loop's thread (a task or a callback): on a"
          + " simulated loop a signal from another thread would arrive at a moment the simulation cannot choose");
    }
    Registration reg = registration(loop, name);
    if (reg == null) {
      return false;
    }
    if (simulated) {
      loop.callSoon(reg.callback(), reg.context());
    } else {
      loop.callSoonThreadsafe(reg.callback(), reg.context());
    }
    return true;
  }

  private static Registration registration(EventLoop loop, String name) {
    synchronized (LOCK) {
      Map<String, Registration> handlers = BY_LOOP.get(loop);
      return handlers == null ? null : handlers.get(name);
    }
  }

  /** The loop closes: its handlers go, as asyncio's {@code close()} removes them. */
  private static void removeAll(EventLoop loop) {
    synchronized (LOCK) {
      Map<String, Registration> handlers = BY_LOOP.remove(loop);
      HOOKED.remove(loop);
      if (handlers != null) {
        for (String name : handlers.keySet()) {
          release(loop, name);
        }
      }
    }
  }

  /** Gives the process's disposition of {@code name} back if {@code loop} had it. Under LOCK. */
  private static void release(EventLoop loop, String name) {
    if (OS_OWNER.get(name) == loop) {
      OS_OWNER.remove(name);
      OsSignals.restoreDefault(name, DISPATCHERS.remove(name));
    }
  }

  private static void checkThread(EventLoop loop, String what) {
    if (loop.isRunning() && EventLoop.running() != loop) {
      throw new IllegalStateException("cannot " + what + " from thread " + Thread.currentThread().getName() + ": "
          + loop + " is running on another thread; do it on the loop's thread (a task or a callback)");
    }
  }

  /** The handler installed in the process for one signal: forwards each delivery to the loop that has it. */
  private static final class Dispatcher implements SignalHandler {
    private final String name;

    Dispatcher(String name) {
      this.name = name;
    }

    @Override
    public void handle(Signal sig) {
      EventLoop loop;
      Registration reg;
      synchronized (LOCK) {
        loop = OS_OWNER.get(name);
        reg = loop == null ? null : registration(loop, name);
      }
      if (reg == null) {
        return; // removed while the JVM was starting this delivery
      }
      try {
        loop.callSoonThreadsafe(reg.callback(), reg.context());
      } catch (IllegalStateException closed) {
        // the loop closed between the lookup and now: its handlers are being removed
      }
    }

    @Override
    public String toString() {
      return "Weft's handler for SIG" + name;
    }
  }
}
