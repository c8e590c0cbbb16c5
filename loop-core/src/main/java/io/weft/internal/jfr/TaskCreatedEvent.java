package io.weft.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * A task was created: its id, name and parent. Off by default (one event per task, as the JDK's
 * {@code jdk.VirtualThreadStart}); the stack trace says where the task was created.
 */
@Name(WeftEvents.TASK_CREATED)
@Label("Task Created")
@Category("Weft")
@Description("A Weft task was created; the stack trace is where")
@Enabled(false)
@StackTrace(true)
final class TaskCreatedEvent extends jdk.jfr.Event {

  @Label("Task Id")
  @Description("The task's id, counted per loop from 1 (its default name is Task-<id>)")
  long taskId;

  @Label("Task Name")
  String taskName;

  @Label("Parent Task Id")
  @Description("The id of the task whose step created this one, or 0 if it was created outside any task")
  long parentTaskId;

  @Label("Loop")
  @Description("Tells loops apart within one recording (the loop's identity hash code)")
  int loop;
}
