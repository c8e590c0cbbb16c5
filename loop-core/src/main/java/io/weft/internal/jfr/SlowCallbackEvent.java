package io.weft.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * A callback or a task's step held the loop for at least the loop's slow-callback duration (debug mode's "Executing
 * ... took ... seconds"). On by default: it costs only while a recording runs, and then one volatile read per callback.
 *
 * <p>An instant event, committed when the callback returns, with the time it took in {@code elapsed}. Outside debug
 * mode that time is read from {@link CoarseTicker} (about 1 ms resolution): a duration event would need an event
 * object and two clock reads around every callback, on the loop's hottest path.
 */
@Name(WeftEvents.SLOW_CALLBACK)
@Label("Slow Callback")
@Category("Weft")
@Description("A callback or task step ran on the loop for at least the loop's slow-callback duration")
@StackTrace(false)
final class SlowCallbackEvent extends jdk.jfr.Event {

  @Label("Elapsed")
  @Description("How long the callback or step held the loop")
  @Timespan(Timespan.NANOSECONDS)
  long elapsed;

  @Label("Callback")
  @Description("What ran: the handle's description")
  String callback;

  @Label("Task Id")
  @Description("The id of the task this step ran, or 0 for a plain callback")
  long taskId;

  @Label("Task Name")
  String taskName;

  @Label("Task Stack")
  @Description("Where the task is after the step, innermost frame first; null for a plain callback or a step that"
      + " finished the task")
  String taskStack;

  @Label("Slow Callback Duration")
  @Description("The loop's threshold (EventLoop.setSlowCallbackDuration)")
  @Timespan(Timespan.NANOSECONDS)
  long threshold;

  @Label("Loop")
  @Description("Tells loops apart within one recording (the loop's identity hash code)")
  int loop;
}
