package io.weft.sim;

import io.weft.Api;

/**
 * How much of asyncio's ordering a simulation keeps.
 *
 * <p>asyncio guarantees that the callbacks ready in one iteration run first in, first out, so exploring other orders
 * can report bugs that cannot happen. {@link #FAITHFUL} keeps that order and varies only what varies in real
 * systems; {@link #CHAOS} also permutes each ready batch, as trio's scheduler does, to flush out code that leans on
 * ordering accidents. Every failure says which mode found it.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public enum Mode {
  /**
   * asyncio's order: what varies is the order of events from outside the loop (other threads, I/O), the order of
   * timers with equal deadlines, how long a busy iteration takes (so a near timer may fall due before a chain of
   * ready callbacks ends), and how late the idle loop wakes for a timer.
   */
  FAITHFUL,
  /** Everything {@link #FAITHFUL} varies, and also which callback of each ready batch runs next. */
  CHAOS
}
