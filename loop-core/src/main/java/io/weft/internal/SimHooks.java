package io.weft.internal;

import io.weft.Task;

/**
 * What a simulated loop asks its simulation: every decision the loop would otherwise make by asyncio's fixed order,
 * and every event it records in the trace. The production loop has none; see {@code io.weft.sim}.
 *
 * <p>A decision has {@code n > 1} alternatives; alternative 0 is always what the production loop does (first in,
 * first out, no jitter), so a schedule of zeros is asyncio's order. The subjects say what the alternatives are about,
 * for strategies (PCT, POS) that rank tasks: when choosing among handles, alternative i is {@code subjects[from + i]};
 * when deciding about one timer (EARLY, LATE), {@code subjects[from]} is that timer, and for EARLY
 * {@code subjects[from + 1]} is the first ready callback (the one the timer would otherwise wait behind). The array
 * is the loop's: read it during the call only.
 */
public interface SimHooks {

  /** Decision: the order in which events from outside the loop (other threads, I/O) are queued. */
  int EXTERNAL = 0;
  /** Decision: the order of timers that fall due with equal deadlines. */
  int TIE = 1;
  /** Decision: how much virtual time a busy iteration takes, so that a near timer falls due before the ready work ends. */
  int EARLY = 2;
  /** Decision: how late the idle loop wakes for its next timer. */
  int LATE = 3;
  /** Decision (chaos mode only): which ready callback of the batch runs next. */
  int READY = 4;
  /** Decision: a fault the simulated network may inject; alternative 0 is no fault. */
  int FAULT = 5;
  /** Decision: whether, and which, real work's next message enters the loop now; see {@link #chooseRealWork}. */
  int REAL_WORK = 6;

  /** Event: a timer's callback runs; id is its sequence number. */
  int EV_TIMER = 1;
  /** Event: another callback runs; id is 0. */
  int EV_CALLBACK = 2;
  /** Event: virtual time moves; id is the new time in nanoseconds since the loop started. */
  int EV_CLOCK = 3;
  /**
   * Event: the simulated network delivers something (a segment, a handshake, a datagram); id packs what: the kind in
   * bits 56-63, the connection or socket in bits 24-55, the byte count (saturated) in bits 0-23.
   */
  int EV_NET = 5;
  /**
   * Event: the loop takes the next message of a real work; id is the work's number (1, 2, ... in creation order)
   * times 4, plus 0 for a callback, 1 for the work's end (closed by its thread), 2 when its thread ended without
   * more to send.
   */
  int EV_REAL_WORK = 6;
  /**
   * A piece of a fed work entered the loop: id = work number &lt;&lt; 40 | source &lt;&lt; 32 | amount (bytes, or 1 event).
   */
  int EV_PIECE = 7;

  /** Returns the chosen alternative, in {@code [0, n)}. */
  int choose(int decision, int n, io.weft.Handle[] subjects, int from);

  /**
   * Returns the chosen alternative of a {@link #FAULT} decision, in {@code [0, weights.length)}: alternative 0 is no
   * fault, and a strategy that draws at random draws alternative i with probability {@code weights[i]} (the weights
   * sum to 1). {@code describe} words a nonzero alternative for the report ("the datagram ... was dropped").
   */
  int chooseFault(double[] weights, java.util.function.IntFunction<String> describe);

  /**
   * Makes a {@link #REAL_WORK} decision among the works that may send a message now, in creation order, whose owner
   * ids ({@code <= -2}) and names ({@code real work #2 (resolving db)}) are given. With {@code head} non-null the
   * loop has something to run ({@code head} runs first): alternative 0 delivers nothing now, alternative {@code i}
   * the next message of work {@code i - 1}; with {@code head} null the loop would be idle: alternative {@code i} is
   * work {@code i}'s (0, the oldest). Returns the chosen alternative.
   */
  int chooseRealWork(io.weft.Handle head, long[] owners, String[] works);

  /**
   * Records a {@link #REAL_WORK} decision that the world makes, not the strategy: the loop is idle, a timer is set, and
   * every work that may send a message now may be quiet (a child process, which may be waiting for the program).
   * Alternative 0 lets virtual time move to the timer; alternative {@code i} delivers the next message of work
   * {@code i - 1} (owner ids and names as for {@link #chooseRealWork}). A run that replays a recorded decision
   * returns it without calling {@code observe}; otherwise {@code observe} (which waits up to
   * {@link #quietGraceNanos()} in real time for a message) gives the alternative, and it is recorded.
   */
  default int observeRealWork(long[] owners, String[] works, java.util.function.IntSupplier observe) {
    return observe.getAsInt();
  }

  /**
   * Records an observation of the world on {@code stream} (a fed work: 1, 2, ... in order of creation), one of
   * {@code alternatives - 1} values from 1 (its next message: which source, and how much of it; see {@link WorkFeed}).
   * A replay returns the stream's next recorded value; where it has none (or a 0), and in any other run, {@code live}
   * gives the value. Either is recorded. Observations are not choices: a strategy never makes them.
   */
  default int observe(int stream, int alternatives, java.util.function.IntSupplier live) {
    return live.getAsInt();
  }

  /**
   * A replay asked the world for what the recorded run saw and the world cannot give it (a child ended without sending
   * what it sent then): the run fails as NONDETERMINISM with {@code message}.
   */
  default void replayDiverged(String message) {
    throw new IllegalStateException(message);
  }

  /** How long, in real nanoseconds, the idle loop waits for quiet work's next message before time may move. */
  default long quietGraceNanos() {
    return 10_000_000L;
  }

  /** Records an event (not a task step: see {@link #step}). */
  void event(int kind, long id);

  /**
   * Records that a timer's callback is about to run (the event {@link #EV_TIMER} with its sequence number): the id of
   * the task that set it (-1 if none did), and where user code set it with {@code callLater}/{@code callAt} (null for
   * a task's own timers, such as a sleep).
   */
  void timer(long seq, long owner, String site);

  /** Records that {@code task}'s step is about to run. */
  void step(Task<?> task);

  /**
   * A step of {@code task} was just queued, by whatever is running now: the trace keeps it, outside its hash, to show
   * what woke the task.
   */
  default void queued(Task<?> task) {}

  /** The virtual time an executor job takes when its call gives none (the run's {@code SimOptions.executorWork}). */
  default long executorWorkNanos() {
    return 0;
  }

  /** Whether chaos mode is on (the loop then asks {@link #READY}). */
  boolean chaos();

  /** The most virtual time a busy iteration may take (0: never ask {@link #EARLY}). */
  long earlyBoundNanos();

  /** The most a timer may be late (0: never ask {@link #LATE}). */
  long lateBoundNanos();

  /** Called at the start of each iteration; returns false to stop the run (a failure was recorded). */
  boolean iteration();

  /** Whether a failure was recorded; the loop stops at the end of the callback that caused it. */
  boolean failed();

  /** The loop cannot make progress: nothing is ready, no timer is set, no real work is in flight. */
  void stuck();

  /** Virtual time is about to move to {@code nanos} since the loop started; returns false to refuse (a limit). */
  boolean advanceTo(long nanos);

  /** How long, in real nanoseconds, to wait for real work in flight before giving up. */
  long realWaitNanos();

  /** The loop waited for the next message of the real work named {@code work}, and it did not come within {@link #realWaitNanos()}. */
  void realWaitExpired(String work);

  /** A thread other than the loop's called a loop-only operation (it was refused). */
  void foreignThread(String thread);

  /**
   * A task's step ended with its body parked outside any await, so something other than the loop will resume it.
   * Returns how many real nanoseconds the loop should block waiting for the JDK to hand the body back, to run it on
   * within the same step (a contended monitor or lock held by another thread), or 0 to let the step end here.
   */
  long taskBlocked(Task<?> task);

  /** The loop waited as {@link #taskBlocked} asked, and the body was not handed back in time; it stays blocked. */
  void taskStayedBlocked(Task<?> task);

  /** The loop waited as {@link #taskBlocked} asked, and the body was handed back: it runs on now, in the same step. */
  void taskHandedBack(Task<?> task);
}
