package io.weft.sim;

import io.weft.Task;
import java.time.Duration;
import java.util.List;

/** The wording of a simulation's failure messages, kept out of {@link Simulation}'s logic. */
final class SimMessages {

  private SimMessages() {}

  static String deadlock(List<Task<?>> tasks, List<TaskReport> reports, long virtualNanos) {
    String cyc = SimReports.cycle(tasks);
    return "nothing is ready, no timer is set and no real work is in flight, but " + tasks.size()
        + " task(s) are pending (virtual time " + Simulation.seconds(virtualNanos) + ")"
        + (cyc.isEmpty() ? "; no wait-for cycle among tasks: some task awaits a future or primitive that no task"
            + " will complete" : "; wait-for cycle: " + cyc)
        + SimReports.lines(reports);
  }

  static String foreignResume(Task<?> task, String cause, TaskReport report) {
    return task.getName() + " parked outside any await, in " + cause + ": a thread other than the loop would resume"
        + " it, at a time the simulation cannot control. Use the loop's own primitives (Weft.sleep, io.weft.sync, the"
        + " loop's I/O) or declare real work. At:" + at(report);
  }

  static String blockedOutside(Task<?> task, String cause, Duration bound, TaskReport report) {
    return task.getName() + " blocked the loop on " + cause + ", not released within " + bound + " (real time): it"
        + " is held by a thread outside this simulation, or by one of its own tasks suspended at an await while"
        + " holding it, which deadlocks under asyncio too. At:" + at(report);
  }

  static String abandoned(String expiry, List<TaskReport> pending, Thread runner) {
    return expiry + "\n  pending tasks:" + SimReports.lines(pending) + "\n  The run was abandoned: its thread "
        + (runner == null ? "" : runner.getName() + " ") + "was interrupted and left to finish on its own (a pure CPU"
        + " spin cannot be stopped on JDK 25 and keeps one core busy until it ends).";
  }

  static String nondeterminism(String schedule, Trace first, Trace second) {
    return "schedule " + schedule + " gave trace " + first.hashHex() + " (" + first.eventCount() + " events), then "
        + second.hashHex() + " (" + second.eventCount() + " events); " + firstDifference(first, second)
        + ". Something outside the loop decided an order: the wall clock, real threads, or an identity-hashed"
        + " collection.";
  }

  private static String firstDifference(Trace a, Trace b) {
    long from = Math.max(a.firstKept(), b.firstKept());
    int n = (int) Math.max(0, Math.min(a.firstKept() + a.keptCount(), b.firstKept() + b.keptCount()) - from);
    List<String> ra = a.render(from, n);
    List<String> rb = b.render(from, n);
    for (int i = 0; i < Math.min(ra.size(), rb.size()); i++) {
      if (!ra.get(i).equals(rb.get(i))) {
        String la = ra.get(i);
        String at = Character.isDigit(la.charAt(0)) ? "event " + la.substring(0, la.indexOf(' ')) : "line " + i;
        return "they first differ at " + at + ": '" + la + "' then '" + rb.get(i) + "'";
      }
    }
    return "the kept events (" + from + " on) agree; they differ elsewhere";
  }

  private static String at(TaskReport r) {
    return SimReports.lines(List.of(r)) + "\n      at " + String.join("\n      at ", r.stack());
  }
}
