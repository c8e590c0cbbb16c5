package io.weft.sim;

import io.weft.EventLoop;
import io.weft.Future;
import io.weft.Task;
import io.weft.internal.Guards;
import io.weft.internal.Kernel;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a simulation's failure reports say about tasks: each task's report, the wait-for graph (a task awaited, the
 * children of a gather, the holder of a lock) and its first cycle, and the name of the call that parked a task
 * outside an await.
 */
final class SimReports {

  private SimReports() {}

  static String lines(List<TaskReport> reports) {
    StringBuilder sb = new StringBuilder();
    for (TaskReport r : reports) {
      sb.append("\n  ").append(r.summary());
    }
    return sb.toString();
  }

  static List<TaskReport> reports(List<Task<?>> tasks) {
    List<TaskReport> out = new ArrayList<>();
    for (Task<?> t : tasks) {
      Object target = t.awaiting() == null ? null : Kernel.get().waitTarget(t.awaiting());
      out.add(TaskReport.of(t, waitsOn(t), target == null ? null : String.valueOf(target)));
    }
    return out;
  }

  /**
   * From a thread other than the loop's: which task's step runs now (or that a callback does) and the loop thread's
   * stack. Safe while the loop moves: it takes no virtual thread's stack (doing so while the thread parks or unparks
   * disturbs its hand-off). A racy snapshot, for a report.
   */
  static String runningNow(EventLoop loop) {
    StringBuilder sb = new StringBuilder();
    Task<?> t = Kernel.get().steppingTask(loop);
    sb.append(t != null ? "\n  running now: task " + t.getName() : "\n  running now: a callback, not a task step");
    Thread lt = Kernel.get().loopThread(loop);
    if (lt != null) {
      sb.append("\n  loop thread ").append(lt.getName()).append(" (").append(lt.getState()).append("):");
      appendStack(sb, lt.getStackTrace());
    }
    return sb.toString();
  }

  /**
   * From a thread other than the loop's, once the loop is stuck in a step: the stack of the task stuck there (its
   * virtual thread is mounted and going nowhere, so the JDK takes its stack at a safepoint); empty for a callback.
   */
  static String stuckTask(EventLoop loop) {
    Task<?> t = Kernel.get().steppingTask(loop);
    if (t == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder("\n  stuck in task ").append(t.getName()).append(':');
    appendStack(sb, t.stack());
    return sb.toString();
  }

  private static void appendStack(StringBuilder sb, StackTraceElement[] stack) {
    for (StackTraceElement f : stack) {
      sb.append("\n      at ").append(f);
    }
  }

  /** From a thread other than the loop's: every task not done, main included, with where it waits; never throws. */
  static List<TaskReport> reportsFromOutside(EventLoop loop) {
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        return reports(new ArrayList<>(loop.allTasks()));
      } catch (RuntimeException e) {
        // the loop changed its task set while we read it: read again
      }
    }
    return List.of();
  }

  /** The tasks that would have to act before {@code task} can go on: what it awaits, gathers, or the lock holder. */
  private static List<Task<?>> waitsOn(Task<?> task) {
    Set<Task<?>> out = new LinkedHashSet<>();
    Future<?> f = task.awaiting();
    if (f != null) {
      collect(f, out, 0);
    }
    out.remove(task);
    return new ArrayList<>(out);
  }

  private static void collect(Future<?> f, Set<Task<?>> out, int depth) {
    if (f.isDone() || depth > 64) {
      return;
    }
    if (f instanceof Task<?> t) {
      out.add(t);
      return;
    }
    List<Future<?>> children = Kernel.get().children(f);
    if (!children.isEmpty()) {
      for (Future<?> c : children) {
        collect(c, out, depth + 1);
      }
      return;
    }
    Object target = Kernel.get().waitTarget(f);
    if (target != null) {
      for (Task<?> h : Guards.holders(target)) {
        if (!h.isDone()) {
          out.add(h);
        }
      }
    }
  }

  /** The first wait-for cycle among {@code tasks}, in creation order, as "a -> b -> a"; empty if there is none. */
  static String cycle(List<Task<?>> tasks) {
    Set<Task<?>> finished = new LinkedHashSet<>();
    for (Task<?> start : tasks) {
      List<Task<?>> path = new ArrayList<>();
      String c = dfs(start, path, finished);
      if (c != null) {
        return c;
      }
    }
    return "";
  }

  private static String dfs(Task<?> t, List<Task<?>> path, Set<Task<?>> finished) {
    int at = path.indexOf(t);
    if (at >= 0) {
      StringBuilder sb = new StringBuilder();
      for (int i = at; i < path.size(); i++) {
        sb.append(path.get(i).getName()).append(" -> ");
      }
      return sb.append(t.getName()).toString();
    }
    if (finished.contains(t)) {
      return null;
    }
    path.add(t);
    for (Task<?> next : waitsOn(t)) {
      String c = dfs(next, path, finished);
      if (c != null) {
        return c;
      }
    }
    path.remove(path.size() - 1);
    finished.add(t);
    return null;
  }

  static final String MONITOR = "a contended monitor (synchronized)";
  static final String LOCK = "a java.util.concurrent lock held by another thread or task";

  /** Whether {@code cause} (from {@link #blockingCause}) is a monitor or lock, which the loop waits for. */
  static boolean isLockWait(String cause) {
    return cause.equals(MONITOR) || cause.equals(LOCK);
  }

  /** The call that parked {@code task} outside an await; reads its stack only if its thread state does not say. */
  static String blockingCause(Task<?> task) {
    if (Kernel.get().threadState(task) == Thread.State.BLOCKED) {
      return MONITOR;
    }
    return blockingCause(task, task.stack());
  }

  static String blockingCause(Task<?> task, StackTraceElement[] stack) {
    if (Kernel.get().threadState(task) == Thread.State.BLOCKED) {
      return MONITOR;
    }
    for (StackTraceElement f : stack) {
      String c = f.getClassName();
      String m = f.getMethodName();
      if (c.equals("java.lang.Thread") && (m.equals("sleep") || m.equals("sleepNanos"))) {
        return "Thread.sleep (real time, not the loop's: use Weft.sleep)";
      }
      if (c.equals("java.lang.Thread") && m.equals("join")) {
        return "Thread.join (waiting for a real thread)";
      }
      if (c.startsWith("sun.nio.ch.") || c.startsWith("java.net.") || c.startsWith("java.io.")
          || c.startsWith("sun.nio.fs.")) {
        return "blocking I/O (" + c + "." + m + ")";
      }
    }
    for (StackTraceElement f : stack) {
      String c = f.getClassName();
      // Not LockSupport: every park goes through it, CompletableFuture.join's too.
      if (c.startsWith("java.util.concurrent.locks.AbstractQueued")
          || c.equals("java.util.concurrent.locks.StampedLock")
          || c.startsWith("java.util.concurrent.locks.ReentrantLock")
          || c.startsWith("java.util.concurrent.locks.ReentrantReadWriteLock")) {
        return LOCK;
      }
    }
    boolean parked = false;
    for (StackTraceElement f : stack) {
      String c = f.getClassName();
      String m = f.getMethodName();
      if (c.equals("java.lang.Object") && (m.equals("wait0") || m.equals("wait"))) {
        return "Object.wait (a monitor)";
      }
      if (c.equals("java.lang.VirtualThread") && m.contains("Monitor")) {
        return MONITOR;
      }
      if (c.equals("java.util.concurrent.locks.LockSupport") || (c.equals("jdk.internal.misc.Unsafe")
          && m.equals("park")) || (c.equals("java.lang.VirtualThread") && m.startsWith("park"))) {
        parked = true;
      }
    }
    if (!parked) {
      // A virtual thread blocked entering a monitor shows no park frame (monitorenter is not a method call).
      return MONITOR;
    }
    return "a park that another thread must end (a foreign thread's future, such as CompletableFuture.join)";
  }
}
