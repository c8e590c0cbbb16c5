package io.weft;

/**
 * A callback scheduled for a time by {@link EventLoop#callLater} or {@link EventLoop#callAt}.
 *
 * <p>Timers run in order of deadline, then of scheduling (timers with equal deadlines run in the order they were
 * scheduled; asyncio leaves that order undefined). Cancelling a timer removes it from the loop at once.
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public final class TimerHandle extends Handle {

  final long whenNanos;
  final long seq;
  // Invariant: index in the loop's timer heap while scheduled, -1 otherwise.
  int heapIndex = -1;
  // A simulated loop's note of the task that set the timer, plus one (0: none); for strategies that rank tasks.
  int simOwner;
  // A delivery of the simulated network: its event for the trace (see SimHooks.EV_NET); 0 for every other timer.
  long netEvent;

  TimerHandle(EventLoop loop, Runnable callback, Context context, Throwable createdAt, long whenNanos, long seq) {
    super(loop, callback, context, createdAt);
    this.whenNanos = whenNanos;
    this.seq = seq;
  }

  /** Returns the deadline on the loop's {@link EventLoop#time()} scale, in seconds. */
  public double when() {
    return loop.toLoopSeconds(whenNanos);
  }

  /** Returns the deadline in the loop clock's nanoseconds. */
  public long whenNanos() {
    return whenNanos;
  }

  @Override
  public void cancel() {
    if (!cancelled) {
      cancelled = true;
      loop.timerCancelled(this);
    }
  }

  @Override
  public String toString() {
    return "<TimerHandle " + (cancelled ? "cancelled " : "") + "when=" + when() + " " + describeCallback() + ">";
  }
}
