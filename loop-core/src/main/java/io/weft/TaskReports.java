package io.weft;

/** The wording of debug mode's reports about tasks: what went wrong, and where the task is. */
final class TaskReports {

  private TaskReports() {}

  /** A task parked outside any await: a thread lock, or another blocking call. */
  static String blocked(Task<?> task) {
    StackTraceElement[] stack = task.stack();
    StringBuilder sb = new StringBuilder(task.toString());
    if (waitsForThreadLock(task, stack)) {
      sb.append(" waits for a thread lock (synchronized or java.util.concurrent.locks) that another task holds.")
          .append(" Thread locks are not cooperative: a task holding one across an await can deadlock the others;")
          .append(" use io.weft.sync.Lock. It is at:");
    } else {
      sb.append(" blocked outside await (a blocking call such as Thread.sleep or blocking I/O); the loop runs other")
          .append(" work until it returns. It is at:");
    }
    return appendStack(sb, stack).toString();
  }

  /** A task that was asked to cancel, had the CancelledError delivered, and finished normally anyway. */
  static String swallowedCancellation(Task<?> task) {
    return task + " finished normally although cancel() was requested " + task.cancelling()
        + " time(s): it caught the CancelledError and carried on. Re-throw it, or call uncancel() if ignoring the"
        + " request is deliberate.";
  }

  static boolean waitsForThreadLock(Task<?> task, StackTraceElement[] stack) {
    if (task.threadState() == Thread.State.BLOCKED) {
      return true; // waiting to enter a monitor
    }
    for (StackTraceElement f : stack) {
      String c = f.getClassName();
      if (c.startsWith("java.util.concurrent.locks.AbstractQueuedSynchronizer")
          || c.startsWith("java.util.concurrent.locks.AbstractQueuedLongSynchronizer")
          || c.equals("java.util.concurrent.locks.StampedLock")) {
        return true;
      }
    }
    return false;
  }

  static StringBuilder appendStack(StringBuilder sb, StackTraceElement[] stack) {
    for (StackTraceElement f : stack) {
      sb.append("\n    at ").append(f);
    }
    return sb;
  }
}
