package io.weft.sim;

import io.weft.Api;
import io.weft.internal.SimHooks;

/**
 * The kinds of free choice a simulated loop makes. At each, alternative 0 is what the production loop does, so a
 * schedule that always chooses 0 is asyncio's own order with no jitter.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public enum Decision {
  /** The order in which events from outside the loop (another thread's callbacks, I/O readiness) are queued. */
  EXTERNAL(SimHooks.EXTERNAL),
  /** The order of timers that fall due with equal deadlines (asyncio's heap does not order them). */
  TIE(SimHooks.TIE),
  /**
   * Two alternatives: 0, the busy iteration takes no time; 1, it takes long enough for the next timer (within the
   * early bound) to fall due, so the timer runs before the chain of ready callbacks ends.
   */
  EARLY(SimHooks.EARLY),
  /** Four alternatives: the idle loop wakes for its next timer 0, 1/3, 2/3 or all of the late bound after it. */
  LATE(SimHooks.LATE),
  /** Chaos mode only: which callback of the ready batch runs next. */
  READY(SimHooks.READY),
  /**
   * A fault the simulated network may inject where a fault plan allows one (a delivery's extra latency, a datagram
   * dropped or duplicated): alternative 0 is no fault, the others are what the plan describes, drawn by random
   * strategies with the plan's probabilities ({@link ChoicePoint#weight}). Faults are faithful: real networks do them.
   */
  FAULT(SimHooks.FAULT),
  /**
   * Whether, and which, real work's next message enters the loop now ({@link io.weft.EventLoop#beginRealWork}).
   * While the loop has something to run: alternative 0 delivers nothing now, alternative i the next message of the
   * i-th work that may send one (in creation order), behind what is ready. When the loop would otherwise be idle:
   * alternative i takes the i-th work's next message, 0 the oldest's. The owners are the works' ids (-2, -3, ...),
   * and, while the loop is busy, alternative 0's is that of the callback that runs first.
   *
   * <p>For a child process (work that may be waiting for the program) some of these choices are made by the world,
   * not the strategy, and recorded so a replay follows them: when the idle loop has a timer set and only children
   * could send, alternative 0 lets virtual time move to the timer and alternative i takes the i-th child's next
   * message (the first that sent something within {@link SimOptions#quietGrace}); and when the busy loop chose a
   * child's message, a second choice says whether it came within the grace (1) or not (0: nothing enters now).
   */
  REAL_WORK(SimHooks.REAL_WORK);

  private final int code;

  Decision(int code) {
    this.code = code;
  }

  static Decision of(int code) {
    for (Decision d : values()) {
      if (d.code == code) {
        return d;
      }
    }
    throw new IllegalArgumentException("unknown decision code " + code);
  }
}
