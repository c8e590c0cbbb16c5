package io.weft.internal;

import io.weft.EventLoop;
import io.weft.Future;
import io.weft.Task;
import io.weft.spi.VirtualClock;
import io.weft.spi.VirtualPoller;
import java.util.List;

/**
 * The kernel's package-private operations that other packages of this module need (the simulator, the sync
 * primitives), published by {@code io.weft} when it loads, as the JDK's {@code SharedSecrets} do.
 */
public interface Kernel {

  /** Returns the kernel's operations, loading {@code io.weft} first if needed. */
  static Kernel get() {
    Kernel k = Holder.instance;
    if (k == null) {
      try {
        Class.forName("io.weft.EventLoop", true, Kernel.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new AssertionError(e);
      }
      k = Holder.instance;
    }
    return k;
  }

  /** Called once by {@code io.weft}. */
  static void publish(Kernel kernel) {
    Holder.instance = kernel;
  }

  /** Builds a loop whose free choices the simulation makes. */
  EventLoop newSimulatedLoop(VirtualClock clock, VirtualPoller poller, io.weft.spi.Network network, SimHooks hooks,
      boolean debug);

  /**
   * Schedules a delivery of the simulated network on {@code loop}'s timers, {@code delayNanos} from now; a simulated
   * loop traces it as {@link SimHooks#EV_NET} with {@code event} (non-zero), and it is never reported as left set.
   * Loop thread only.
   */
  io.weft.Handle networkTimer(EventLoop loop, long delayNanos, Runnable delivery, long event);

  /** Sends a warning down {@code loop}'s warning path (its warning handler, or the {@code io.weft} logger). */
  void warn(EventLoop loop, String message);

  /** The id of the task a handle belongs to (the task its step resumes, or that set the timer), or -1. */
  long owner(io.weft.Handle handle);

  /** A task's id: its creation number on its loop. */
  long taskId(Task<?> task);

  /** The state of the thread under a task's body (BLOCKED: entering a monitor). */
  Thread.State threadState(Task<?> task);

  /** Tasks that ended with an exception nobody retrieved, in creation order, as (name, exception). */
  List<java.util.Map.Entry<String, Throwable>> unretrievedExceptions(EventLoop loop);

  /** Marks every unretrieved task exception of the loop as retrieved (after reporting them). */
  void forgetUnretrieved(EventLoop loop);

  /**
   * Runs the garbage collector and acts at once, in registration order, on the futures with unread exceptions and the
   * async generators of {@code loop} that it took (reports and closing tasks); returns how many. Loop thread.
   */
  int collectGarbage(EventLoop loop);

  /** Whether {@code task} runs an async generator's body or closes a dropped generator (not a task of the program). */
  boolean isGeneratorWork(Task<?> task);

  /**
   * Closes {@code loop}'s async generators still open, as asyncio's {@code shutdown_asyncgens} does when
   * {@code asyncio.run} ends, and waits for those being closed; null if there is none (nothing to run). Await the
   * result's body in a task on the loop.
   */
  io.weft.AsyncRunnable asyncGeneratorShutdown(EventLoop loop);

  /**
   * The virtual time an executor job on {@code loop} takes when its call gives none: the simulation's setting, or -1
   * on a loop that is not simulated (where jobs take the real time they take).
   */
  long executorWorkNanos(EventLoop loop);

  /** Descriptions of the timers still set, in the order they would fire. */
  List<String> pendingTimers(EventLoop loop);

  /** The task whose step {@code handle} runs (a step, or a done callback that wakes the task), or null. */
  Task<?> steppedTask(io.weft.Handle handle);

  /** Where user code set a timer with {@code callLater}/{@code callAt} on a simulated loop, or null. */
  String timerSite(io.weft.Handle handle);

  /** A deterministic description of a callback that is neither a task's step nor a timer, for reports. */
  String describeCallback(io.weft.Handle handle);

  /** Records, on a simulated loop, that {@code waiter} waits on the primitive {@code guard}. */
  void noteWaiter(Future<?> waiter, Object guard);

  /** The primitive a waiter future waits on, if a simulated loop noted one. */
  Object waitTarget(Future<?> waiter);

  /** The futures whose completion completes {@code future}, when it is a combinator (gather); else empty. */
  List<Future<?>> children(Future<?> future);

  /** The task whose step the loop is running now, or null; read from another thread, it is a racy snapshot. */
  Task<?> steppingTask(EventLoop loop);

  /** The thread running the loop's iterations now, or null. */
  Thread loopThread(EventLoop loop);

  /**
   * Whether the loop's carrier can wait for a body blocked outside an await and take it back when the JDK hands it
   * back ({@link Coroutine#awaitHandBack}); only then does a simulation tell a blocked task apart (FOREIGN_RESUME).
   */
  boolean handsBackBlocked(EventLoop loop);

  /**
   * Asks {@code loop}'s simulation for a fault decision (see {@link SimHooks#chooseFault}); a loop that is not
   * simulated never injects a fault, and gets 0.
   */
  int chooseFault(EventLoop loop, double[] weights, java.util.function.IntFunction<String> describe);

  /**
   * Returns {@code loop}'s attachment of type {@code key}, made by {@code make} on first use: per-loop state of the
   * packages that the loop class must not grow for (the network layer's shared read buffer and its registry of open
   * transports and servers). Loop thread only.
   */
  <T> T attachment(EventLoop loop, Class<T> key, java.util.function.Supplier<? extends T> make);

  /**
   * Runs {@code hook} when {@code loop} closes, after its pending tasks are reported and before its poller closes;
   * hooks run in the order added, each once, and one that throws is reported to the loop's exception handler.
   */
  void onClose(EventLoop loop, Runnable hook);

  /**
   * As {@link EventLoop#beginRealWork}, for work that may be quiet: work that may wait for the program without
   * saying so (a child process reading its stdin). When a simulated loop is idle with a timer set and only such work
   * could send a message, it waits for one only a short grace period, then lets virtual time move to the timer (a
   * recorded choice). Any thread.
   */
  EventLoop.RealWork beginQuietRealWork(EventLoop loop, String description);

  /**
   * As {@link #beginQuietRealWork}, for work whose threads stage what they have in {@code feed} instead of sending
   * messages: the simulated loop composes each message from it, recording its source and size (see
   * {@link WorkFeed}). Only for a simulated loop.
   *
   * @throws IllegalArgumentException if {@code loop} is not simulated
   */
  EventLoop.RealWork beginFedRealWork(EventLoop loop, String description, WorkFeed feed);

  /** Whether {@code loop} runs under a simulation (its free choices made by a scheduling strategy). Any thread. */
  boolean simulated(EventLoop loop);

  /** Holds the published instance. */
  final class Holder {
    static volatile Kernel instance;

    private Holder() {}
  }
}
