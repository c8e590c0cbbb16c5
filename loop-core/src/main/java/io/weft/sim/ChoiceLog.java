package io.weft.sim;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;

/**
 * The first {@link SimResult#RECORDED_CHOICES} choices of a run in parallel arrays (about 25 bytes each), so that a run
 * pays for its choices as data with a few array stores, and {@link Choice} records exist only when a caller reads
 * them ({@link #view}). Later choices are counted only.
 */
final class ChoiceLog {

  // Invariant: recorded == min(count, RECORDED_CHOICES) <= decisions.length, and the five arrays have one length.
  private byte[] decisions = new byte[16];
  private int[] alternatives = new int[16];
  private int[] chosen = new int[16];
  private long[] tasks = new long[16];
  private long[] nanos = new long[16];
  private int recorded;
  private int count;

  /** Records choice {@code c} of {@code n} at {@code decision}, concerning task {@code task}, at {@code nowNanos}. */
  void add(Decision decision, int n, int c, long task, long nowNanos) {
    count++;
    if (recorded == SimResult.RECORDED_CHOICES) {
      return;
    }
    if (recorded == decisions.length) {
      int len = (int) Math.min(SimResult.RECORDED_CHOICES, decisions.length * 2L);
      decisions = Arrays.copyOf(decisions, len);
      alternatives = Arrays.copyOf(alternatives, len);
      chosen = Arrays.copyOf(chosen, len);
      tasks = Arrays.copyOf(tasks, len);
      nanos = Arrays.copyOf(nanos, len);
    }
    int i = recorded++;
    decisions[i] = (byte) decision.ordinal();
    alternatives[i] = n;
    chosen[i] = c;
    tasks[i] = task;
    nanos[i] = nowNanos;
  }

  /** How many choices the run made, recorded or not. */
  int count() {
    return count;
  }

  /**
   * The recorded choices as an unmodifiable list, with task names read from {@code trace} when an element is read. It
   * shares this log's arrays (no copy): call it once the run is over, and add nothing after.
   */
  List<Choice> view(Trace trace) {
    return new View(decisions, alternatives, chosen, tasks, nanos, recorded, trace);
  }

  static final class View extends AbstractList<Choice> implements RandomAccess {
    private static final Decision[] DECISIONS = Decision.values();
    private final byte[] decisions;
    private final int[] alternatives;
    private final int[] chosen;
    private final long[] tasks;
    private final long[] nanos;
    private final int size;
    private final Trace trace;

    View(byte[] decisions, int[] alternatives, int[] chosen, long[] tasks, long[] nanos, int size, Trace trace) {
      this.decisions = decisions;
      this.alternatives = alternatives;
      this.chosen = chosen;
      this.tasks = tasks;
      this.nanos = nanos;
      this.size = size;
      this.trace = trace;
    }

    @Override
    public Choice get(int i) {
      java.util.Objects.checkIndex(i, size);
      long task = tasks[i];
      String name = task >= 0 && trace.knowsTask(task) ? trace.nameOf(task) : null;
      return new Choice(DECISIONS[decisions[i]], alternatives[i], chosen[i], task, name, nanos[i]);
    }

    @Override
    public int size() {
      return size;
    }
  }
}
