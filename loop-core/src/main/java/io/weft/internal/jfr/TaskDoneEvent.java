package io.weft.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * A task finished: with a result, an exception, or cancelled. Its duration is the task's life, from creation to done,
 * so a threshold setting keeps only long-lived tasks. Off by default (one event per task). A task created while the
 * event was off gives no event when it ends.
 */
@Name(WeftEvents.TASK_DONE)
@Label("Task Done")
@Category("Weft")
@Description("A Weft task finished; the duration is its life, from creation to done")
@Enabled(false)
@StackTrace(false)
final class TaskDoneEvent extends jdk.jfr.Event {

  @Label("Task Id")
  @Description("The task's id, counted per loop from 1")
  long taskId;

  @Label("Task Name")
  String taskName;

  @Label("Outcome")
  @Description("result, exception or cancelled")
  String outcome;

  @Label("Exception Class")
  @Description("The exception the body threw (outcome exception), else null")
  Class<?> exceptionClass;

  @Label("Exception Message")
  String exceptionMessage;

  @Label("Loop")
  @Description("Tells loops apart within one recording (the loop's identity hash code)")
  int loop;

  TaskDoneEvent() {}
}
