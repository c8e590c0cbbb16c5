package io.weft;

import io.weft.internal.jfr.WeftEvents;

/**
 * The wording of debug mode's reports about tasks (what went wrong, and where the task is), and the flight-recorder
 * events that report the same things outside debug mode.
 */
final class TaskReports {

  private TaskReports() {}

  /** A callback or step held the loop for {@code took} >= the threshold: debug mode's warning, weft.SlowCallback. */
  static void slowCallback(EventLoop loop, Handle h, long took, long thresholdNanos) {
    Task<?> stepped = h.steppedTask();
    StackTraceElement[] stack = stepped != null ? stepped.stack() : null;
    if (loop.isDebug()) {
      StringBuilder sb = new StringBuilder("Executing ").append(h).append(" took ")
          .append(String.format(java.util.Locale.ROOT, "%.3f", took / 1e9)).append(" seconds");
      if (stepped != null) {
        appendStack(sb.append("\n").append(stepped).append(" is now at:"), stack);
      }
      loop.warn(sb.toString());
    }
    if (WeftEvents.slowCallbackEnabled()) {
      WeftEvents.slowCallback(h.describeCallback(), took, stepped != null ? stepped.id() : 0,
          stepped != null ? stepped.getName() : null, stack, thresholdNanos, loop);
    }
  }

  /** A task's body parked outside any await and the loop goes on: debug mode's warning, weft.BlockingCall. */
  static void blockedOutsideAwait(EventLoop loop, Task<?> task) {
    if (loop.isDebug()) {
      loop.warn(blocked(task));
    }
    if (WeftEvents.blockingCallEnabled()) {
      StackTraceElement[] stack = task.stack();
      WeftEvents.blockingCall(task.id(), task.getName(), waitsForThreadLock(task, stack), stack, loop);
    }
  }

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
