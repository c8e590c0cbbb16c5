package io.weft.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * A task's body parked outside any await (a blocking call, or a thread lock another task holds), as debug mode's
 * "blocked outside await" report. On by default; the task's stack is a field, since the event is committed by the loop.
 */
@Name(WeftEvents.BLOCKING_CALL)
@Label("Blocking Call In Task")
@Category("Weft")
@Description("A task's body blocked outside await: a blocking call such as Thread.sleep or blocking I/O, or a thread"
    + " lock another task holds")
@StackTrace(false)
final class BlockingCallEvent extends jdk.jfr.Event {

  @Label("Task Id")
  long taskId;

  @Label("Task Name")
  String taskName;

  @Label("Kind")
  @Description("blocking call, or thread lock")
  String kind;

  @Label("Task Stack")
  @Description("Where the task is blocked, innermost frame first")
  String taskStack;

  @Label("Loop")
  @Description("Tells loops apart within one recording (the loop's identity hash code)")
  int loop;
}
