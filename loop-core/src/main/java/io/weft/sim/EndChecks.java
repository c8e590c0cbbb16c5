package io.weft.sim;

import io.weft.EventLoop;
import io.weft.Task;
import io.weft.internal.Kernel;
import io.weft.sim.net.SimNetwork;
import java.util.List;
import java.util.Map;

/** The checks at the end of a run: how the main task ended, and what it left behind (tasks, timers, exceptions). */
final class EndChecks {

  private EndChecks() {}

  /** A failure found: what {@code Simulation.fail} records. */
  record Found(SimFailure.Kind kind, String message, List<TaskReport> tasks, Throwable cause) {}

  /** Returns the first failure, or null if the main task finished well and left nothing the options forbid. */
  static Found check(EventLoop loop, Task<?> mainTask, List<Task<?>> pending, SimOptions options) {
    if (!mainTask.isDone()) {
      return new Found(SimFailure.Kind.TEST_FAILED, "the loop stopped before the main task finished",
          SimReports.reports(pending), null);
    }
    if (mainTask.isCancelled()) {
      return new Found(SimFailure.Kind.TEST_FAILED, "the main task was cancelled", List.of(), null);
    }
    Throwable error = mainTask.exception();
    if (error != null) {
      return new Found(SimFailure.Kind.TEST_FAILED, "the main task failed: " + error, SimReports.reports(pending),
          error);
    }
    if (options.checkLeaks()) {
      if (!pending.isEmpty()) {
        List<TaskReport> r = SimReports.reports(pending);
        return new Found(SimFailure.Kind.LEAKED_TASKS, pending.size() + " task(s) still pending when the main task"
            + " finished:" + SimReports.lines(r), r, null);
      }
      List<String> timers = Kernel.get().pendingTimers(loop);
      if (!timers.isEmpty()) {
        return new Found(SimFailure.Kind.PENDING_CALLBACKS, timers.size() + " timer(s) still set when the main task"
            + " finished: " + String.join(", ", timers), List.of(), null);
      }
      if (loop.network() instanceof SimNetwork net && net.openSockets() > 0) {
        return new Found(SimFailure.Kind.LEAKED_SOCKETS, net.openSockets() + " socket(s) still open when the main task"
            + " finished:\n  " + String.join("\n  ", net.openSocketReports()), List.of(), null);
      }
    }
    if (options.checkUnretrieved()) {
      List<Map.Entry<String, Throwable>> lost = Kernel.get().unretrievedExceptions(loop);
      if (!lost.isEmpty()) {
        StringBuilder sb = new StringBuilder("task exception was never retrieved:");
        for (Map.Entry<String, Throwable> e : lost) {
          sb.append("\n  ").append(e.getKey()).append(": ").append(e.getValue());
        }
        return new Found(SimFailure.Kind.UNRETRIEVED_EXCEPTION, sb.toString(), List.of(), lost.get(0).getValue());
      }
    }
    return null;
  }
}
