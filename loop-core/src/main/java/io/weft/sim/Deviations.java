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
 * A run's deviations from asyncio's order in words: one sentence per nonzero choice. What the alternatives were about
 * is noted when the choice is made (names and sites; a task's stack only for the first few EARLY deviations, so a run
 * with many deviations stays cheap), and the sentences are written when asked for. Only the first {@link SimResult#DESCRIBED_DEVIATIONS} are
 * noted; later ones are counted.
 */
final class Deviations {

  /** One nonzero choice: {@code c} of {@code n} at {@code decision}, at {@code nanos} of virtual time. */
  private record Choice(Decision decision, int n, int c, long nanos, String chosen, String displaced, long dueNanos,
      long lateNanos) {}

  private static final int AWAIT_SITES = 4;

  private final Trace trace;
  private final List<Choice> noted = new ArrayList<>();
  private int awaitSites;
  private long uncounted;

  Deviations(Trace trace) {
    this.trace = trace;
  }

  /**
   * Notes choice {@code c} (nonzero) of {@code n} at {@code decision}, made at {@code nowNanos} of virtual time; the
   * subjects are the loop's (see {@link io.weft.internal.SimHooks}).
   */
  void note(Decision decision, int n, int c, long nowNanos, Handle[] subjects, int from, long lateBoundNanos) {
    if (noted.size() >= SimResult.DESCRIBED_DEVIATIONS) {
      uncounted++;
      return;
    }
    Choice ch = switch (decision) {
      case EARLY -> {
        TimerHandle t = (TimerHandle) subjects[from];
        Handle head = subjects.length > from + 1 ? subjects[from + 1] : null;
        yield new Choice(decision, n, c, nowNanos, subject(t), head == null ? null : withAwaitSite(head),
            t.whenNanos(), 0);
      }
      case LATE -> {
        TimerHandle t = (TimerHandle) subjects[from];
        yield new Choice(decision, n, c, nowNanos, subject(t), null, t.whenNanos(), lateBoundNanos * c / 3);
      }
      default -> new Choice(decision, n, c, nowNanos, subject(subjects[from + c]), subject(subjects[from]), 0, 0);
    };
    noted.add(ch);
  }

  /**
   * Notes {@link Decision#REAL_WORK} choice {@code c} (nonzero) of {@code n}, made at {@code nowNanos}: with
   * {@code head} (what the busy loop runs first) alternative c is {@code works[c - 1]}; without, {@code works[c]}.
   */
  void noteRealWork(int n, int c, long nowNanos, Handle head, String[] works) {
    if (noted.size() >= SimResult.DESCRIBED_DEVIATIONS) {
      uncounted++;
      return;
    }
    String what = head != null
        ? "the next message of " + works[c - 1] + " entered the loop while it was busy, in the same iteration as "
            + subject(head) + ", instead of once the loop fell idle"
        : "the idle loop took the next message of " + works[c] + " before that of " + works[0] + ", begun earlier";
    noted.add(new Choice(Decision.REAL_WORK, n, c, nowNanos, what, null, 0, 0));
  }

  /** Notes fault {@code c} (nonzero) of {@code n}, injected at {@code nowNanos}, as the fault plan words it. */
  void noteFault(int n, int c, long nowNanos, String description) {
    if (noted.size() >= SimResult.DESCRIBED_DEVIATIONS) {
      uncounted++;
      return;
    }
    noted.add(new Choice(Decision.FAULT, n, c, nowNanos, description, null, 0, 0));
  }

  /** The sentences, and a last line counting the deviations not described. */
  List<String> sentences() {
    List<String> out = new ArrayList<>();
    for (Choice ch : noted) {
      out.add(sentence(ch));
    }
    if (uncounted > 0) {
      out.add(String.format(Locale.ROOT, "... and %,d more deviation(s), not described", uncounted));
    }
    return out;
  }

  private static String sentence(Choice ch) {
    String at = "at " + seconds(ch.nanos()) + " (virtual) ";
    String chosen = ch.chosen();
    String displaced = ch.displaced();
    return switch (ch.decision()) {
      case EARLY -> at + "the loop's iteration took " + millis(ch.dueNanos() - ch.nanos()) + " longer (EARLY), so "
          + chosen + " fell due early: it ran in the same iteration as " + (displaced == null ? "the ready callbacks"
          : displaced) + ", before what that leads to";
      case LATE -> at + "the idle loop woke " + millis(ch.lateNanos()) + " late (LATE) for " + chosen + ", due at "
          + seconds(ch.dueNanos()) + " (choice " + ch.c() + " of " + ch.n() + ")";
      case TIE -> at + ch.n() + " timers fell due together (TIE): " + chosen + " ran before " + displaced;
      case EXTERNAL -> at + ch.n() + " events from other threads or I/O were waiting to be queued (EXTERNAL): "
          + chosen + " was queued before " + displaced + ", which arrived first";
      case FAULT -> at + chosen + " (FAULT, alternative " + ch.c() + " of " + ch.n() + ")";
      case REAL_WORK -> at + chosen + " (REAL_WORK)";
      case READY -> at + "CHAOS mode: " + chosen + " ran before " + displaced + " in the ready batch of " + ch.n()
          + " (READY)";
    };
  }

  /**
   * The step an EARLY timer overtook, with where its task waits ({@code the next step of main (paused at
   * Payday.run:40)}): that is where the other side of the race is. Reading a task's stack costs tens of microseconds,
   * so only the first {@value #AWAIT_SITES} EARLY deviations of a run say it.
   */
  private String withAwaitSite(Handle h) {
    String s = subject(h);
    Task<?> task = Kernel.get().steppedTask(h);
    if (task == null || task.phase() == Task.Phase.CREATED || awaitSites >= AWAIT_SITES) {
      return s;
    }
    awaitSites++;
    String where = CallSite.of(task.stack());
    return where == null ? s : s + " (paused at " + where + ")";
  }

  /** A handle as a sentence names it: a task's step, a timer (by its task or where it was set), or a callback. */
  private String subject(Handle h) {
    Kernel k = Kernel.get();
    Task<?> task = k.steppedTask(h);
    if (task != null) {
      return (task.phase() == Task.Phase.CREATED ? "the first step of " : "the next step of ") + task.getName();
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
