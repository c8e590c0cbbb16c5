package io.weft.sim;

import io.weft.Handle;
import io.weft.Task;
import io.weft.TimerHandle;
import io.weft.internal.CallSite;
import io.weft.internal.Kernel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A run's deviations from asyncio's order in words: one sentence per nonzero choice, written when the choice is made
 * (what the alternatives were about is gone after the run). Only the first {@link SimResult#DESCRIBED_DEVIATIONS} are
 * written (each may read a task's stack); later ones are counted.
 */
final class Deviations {

  private final Trace trace;
  private final List<String> sentences = new ArrayList<>();
  private long uncounted;

  Deviations(Trace trace) {
    this.trace = trace;
  }

  /**
   * Describes choice {@code c} (nonzero) of {@code n} at {@code decision}, made at {@code nowNanos} of virtual time;
   * the subjects are the loop's (see {@link io.weft.internal.SimHooks}).
   */
  void note(Decision decision, int n, int c, long nowNanos, Handle[] subjects, int from, long lateBoundNanos) {
    if (sentences.size() >= SimResult.DESCRIBED_DEVIATIONS) {
      uncounted++;
      return;
    }
    String at = "at " + seconds(nowNanos) + " (virtual) ";
    sentences.add(switch (decision) {
      case EARLY -> {
        TimerHandle t = (TimerHandle) subjects[from];
        Handle head = subjects.length > from + 1 ? subjects[from + 1] : null;
        yield at + "the loop's iteration took " + millis(t.whenNanos() - nowNanos) + " longer (EARLY), so "
            + subject(t) + " fell due early: it ran in the same iteration as " + (head == null ? "the ready callbacks"
            : subject(head)) + ", before what that leads to";
      }
      case LATE -> {
        TimerHandle t = (TimerHandle) subjects[from];
        yield at + "the idle loop woke " + millis(lateBoundNanos * c / 3) + " late (LATE) for " + subject(t)
            + ", due at " + seconds(t.whenNanos()) + " (choice " + c + " of " + n + ")";
      }
      case TIE -> at + n + " timers fell due together (TIE): " + subject(subjects[from + c]) + " ran before "
          + subject(subjects[from]);
      case EXTERNAL -> at + n + " events from other threads or I/O were waiting to be queued (EXTERNAL): "
          + subject(subjects[from + c]) + " was queued before " + subject(subjects[from]) + ", which arrived first";
      case READY -> at + "CHAOS mode: " + subject(subjects[from + c]) + " ran before " + subject(subjects[from])
          + " in the ready batch of " + n + " (READY)";
    });
  }

  /** The sentences, and a last line counting the deviations not described. */
  List<String> sentences() {
    if (uncounted == 0) {
      return List.copyOf(sentences);
    }
    List<String> out = new ArrayList<>(sentences);
    out.add(String.format(Locale.ROOT, "... and %,d more deviation(s), not described", uncounted));
    return out;
  }

  /** A handle as a sentence names it: a task's next step (and where it waits), a timer, or a callback. */
  private String subject(Handle h) {
    Kernel k = Kernel.get();
    Task<?> task = k.steppedTask(h);
    if (task != null) {
      if (task.phase() == Task.Phase.CREATED) {
        return "the first step of " + task.getName();
      }
      String where = CallSite.of(task.stack());
      return task.getName() + "'s next step" + (where == null ? "" : " (awaiting at " + where + ")");
    }
    if (h instanceof TimerHandle) {
      String site = k.timerSite(h);
      if (site != null) {
        return "the timer set at " + site;
      }
      long owner = k.owner(h);
      return owner >= 0 ? "the timer of " + trace.nameOf(owner) : "a timer";
    }
    return k.describeCallback(h);
  }

  private static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.6f s", nanos / 1e9);
  }

  private static String millis(long nanos) {
    return String.format(Locale.ROOT, "%.3f ms", nanos / 1e6);
  }
}
