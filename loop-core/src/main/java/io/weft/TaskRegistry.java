package io.weft;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;

/**
 * The loop's tasks, held weakly as asyncio holds them, in creation order.
 *
 * <p>Weak references let an unreferenced pending task be collected, which asyncio reports as "Task was destroyed but
 * it is pending!"; a task collected with an exception nobody read is reported as "Task exception was never
 * retrieved". Both reports are made on the loop thread, when the loop finds the reference enqueued.
 *
 * <p>The JDK keeps every virtual thread reachable by default ({@code jdk.trackAllThreads}), so a task that has
 * started and is parked is only collected when that tracking is off; {@link EventLoop#close()} reports the tasks it
 * leaves pending instead. Done tasks are collected either way.
 */
final class TaskRegistry {

  static final class Ref extends WeakReference<Task<?>> {
    final long id;
    String customName;
    boolean done;
    Throwable unretrieved;
    final Throwable createdAt;
    // The flight recorder's weft.TaskDone, begun at the task's creation; null unless that event was on then. Kept here,
    // not in Task, where it fits the reference's padding instead of adding 8 bytes to every task.
    Object jfrDone;

    Ref(Task<?> task, ReferenceQueue<Task<?>> queue) {
      super(task, queue);
      this.id = task.id();
      this.customName = task.customName();
      this.createdAt = task.createdAt;
    }

    String name() {
      return customName != null ? customName : "Task-" + id;
    }
  }

  private final ReferenceQueue<Task<?>> queue = new ReferenceQueue<>();
  // Invariant: in creation order; holds every task not yet done, and done tasks until the next prune.
  private final ArrayList<Ref> refs = new ArrayList<>();
  private int pruneAt = 1024;
  // A simulated loop's tasks, held strongly so that whether a pending task is reported as leaked never depends on the
  // garbage collector (a carrier whose coroutines the JDK does not track could let one be collected); else null.
  private ArrayList<Task<?>> strong;

  /** Holds every task strongly until it is done (simulated loops). */
  void holdStrongly() {
    strong = new ArrayList<>();
  }

  Ref register(Task<?> task) {
    Ref r = new Ref(task, queue);
    refs.add(r);
    if (strong != null) {
      strong.add(task);
    }
    if (refs.size() >= pruneAt) {
      prune();
    }
    return r;
  }

  private void prune() {
    if (strong != null) {
      strong.removeIf(Task::isDone);
    }
    refs.removeIf(r -> {
      if (r.done && r.unretrieved == null) {
        r.clear();
        return true;
      }
      return r.refersTo(null);
    });
    pruneAt = Math.max(1024, refs.size() * 2);
  }

  /** Returns the tasks that are not done, in creation order. */
  List<Task<?>> pending() {
    List<Task<?>> out = new ArrayList<>();
    for (Ref r : refs) {
      Task<?> t = r.get();
      if (t != null && !t.isDone()) {
        out.add(t);
      }
    }
    return out;
  }

  /** Returns (name, exception) of each done task whose exception nobody retrieved, in creation order. */
  List<java.util.Map.Entry<String, Throwable>> unretrieved() {
    List<java.util.Map.Entry<String, Throwable>> out = new ArrayList<>();
    for (Ref r : refs) {
      if (r.done && r.unretrieved != null) {
        out.add(java.util.Map.entry(r.name(), r.unretrieved));
      }
    }
    return out;
  }

  /** Marks every unretrieved exception as retrieved: it was reported another way. */
  void forgetUnretrieved() {
    for (Ref r : refs) {
      r.unretrieved = null;
      Task<?> t = r.get();
      if (t != null) {
        t.exceptionUnretrieved = false;
      }
    }
  }

  /** Reports the tasks the garbage collector has taken since the last call. */
  void reap(EventLoop loop) {
    Ref r;
    while ((r = (Ref) queue.poll()) != null) {
      if (!r.done) {
        loop.callExceptionHandler(loop.withSource(
            ExceptionContext.of("Task was destroyed but it is pending!", null).with("task_name", r.name()),
            r.createdAt));
      } else if (r.unretrieved != null) {
        loop.callExceptionHandler(loop.withSource(
            ExceptionContext.of("Task exception was never retrieved", r.unretrieved).with("task_name", r.name()),
            r.createdAt));
      }
    }
  }
}
