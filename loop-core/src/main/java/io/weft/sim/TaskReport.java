package io.weft.sim;

import io.weft.Api;
import io.weft.Task;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A task as a failure report shows it: its name and phase, what it awaits, where (the first frame of the stack that is
 * not Weft's or the JDK's), what it waits on (the tasks that would have to finish first), and its whole stack.
 *
 * @param name the task's name
 * @param phase its phase when the report was made
 * @param awaiting what it awaits (the future's description), or empty
 * @param awaitSite the first frame outside Weft and the JDK, or empty if there is none
 * @param waitsOn the names of the tasks that would have to act first: a task it awaits, the children of a gather,
 *     the holder of a lock
 * @param stack the whole stack, innermost first
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public record TaskReport(String name, Task.Phase phase, String awaiting, String awaitSite, List<String> waitsOn,
    List<String> stack) {

  /** Copies the lists. */
  public TaskReport {
    waitsOn = List.copyOf(waitsOn);
    stack = List.copyOf(stack);
  }

  static TaskReport of(Task<?> task, List<Task<?>> waitsOn, String target) {
    List<String> stack = new ArrayList<>();
    for (StackTraceElement f : task.stack()) {
      stack.add(f.toString());
    }
    List<String> names = new ArrayList<>();
    for (Task<?> t : waitsOn) {
      names.add(t.getName());
    }
    String awaiting = task.awaiting() == null ? "" : String.valueOf(task.awaiting());
    if (target != null) {
      awaiting = awaiting.isEmpty() ? target : awaiting + " on " + target;
    }
    return new TaskReport(task.getName(), task.phase(), awaiting, userFrame(task.stack()), names, stack);
  }

  static String userFrame(StackTraceElement[] stack) {
    for (StackTraceElement f : stack) {
      if (!io.weft.internal.CallSite.isRuntime(f.getClassName())) {
        return f.toString();
      }
    }
    return "";
  }

  /** One line: name, phase, what it awaits, where, and on whom. */
  public String summary() {
    StringBuilder sb = new StringBuilder(name).append(" (").append(phase.name().toLowerCase(java.util.Locale.ROOT))
        .append(')');
    if (!awaiting.isEmpty()) {
      sb.append(" awaits ").append(awaiting);
    }
    if (!awaitSite.isEmpty()) {
      sb.append(" at ").append(awaitSite);
    }
    if (!waitsOn.isEmpty()) {
      sb.append(", waiting on ").append(String.join(", ", waitsOn));
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return summary() + (stack.isEmpty() ? "" : "\n      at " + String.join("\n      at ", stack));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TaskReport r && r.name.equals(name) && r.phase == phase && r.awaiting.equals(awaiting)
        && r.awaitSite.equals(awaitSite) && r.waitsOn.equals(waitsOn) && r.stack.equals(stack);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(new Object[] {name, phase, awaiting, awaitSite, waitsOn, stack});
  }
}
