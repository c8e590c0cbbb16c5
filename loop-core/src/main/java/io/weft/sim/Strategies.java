package io.weft.sim;

import java.util.HashMap;
import java.util.Map;

/** The built-in strategies; see {@link SchedulingStrategy}. */
final class Strategies {

  private Strategies() {}

  /** The alternative whose owner has the highest priority; the first of equals. */
  static int highest(ChoicePoint point, java.util.function.LongUnaryOperator priorityOfOwner) {
    int best = 0;
    long bestP = Long.MIN_VALUE;
    for (int i = 0; i < point.alternatives(); i++) {
      long p = priorityOfOwner.applyAsLong(point.owner(i));
      if (p > bestP) {
        best = i;
        bestP = p;
      }
    }
    return best;
  }

  static final class Fifo implements SchedulingStrategy {
    @Override
    public int choose(ChoicePoint point) {
      return 0;
    }

    @Override
    public String name() {
      return "FIFO";
    }
  }

  static final class UniformRandom implements SchedulingStrategy {
    private final SimRandom random;

    UniformRandom(long seed) {
      this.random = new SimRandom(SimRandom.derive(seed, 1));
    }

    @Override
    public int choose(ChoicePoint point) {
      if (point.decision() == Decision.FAULT) {
        return point.draw(random.nextDouble()); // a fault as likely as the plan says, not one in n
      }
      return random.nextInt(point.alternatives());
    }

    @Override
    public String name() {
      return "RANDOM";
    }
  }

  static final class Replay implements SchedulingStrategy {
    private final int[] choices;
    private int next;
    // The first choice that did not fit its decision (clamped), as a phrase; null while every choice fitted.
    private String firstClamp;
    private int clamps;

    Replay(int[] choices) {
      this.choices = choices.clone();
    }

    @Override
    public int choose(ChoicePoint point) {
      if (next >= choices.length) {
        next++;
        return 0;
      }
      int c = choices[next++];
      if (c >= point.alternatives()) {
        if (clamps++ == 0) {
          firstClamp = "choice " + next + " of " + choices.length + " is " + c + " but that decision ("
              + point.decision() + ") had " + point.alternatives() + " alternatives";
        }
        return point.alternatives() - 1;
      }
      return c;
    }

    /**
     * Says, once the run is over, how the choices did not fit it: the first choice beyond its decision's alternatives
     * and how many more there were, and how many choices the run never reached; null if they fitted.
     */
    String mismatch() {
      int unused = Math.max(0, choices.length - next);
      if (clamps == 0 && unused == 0) {
        return null;
      }
      StringBuilder sb = new StringBuilder("the replayed schedule does not fit this test: ");
      if (clamps > 0) {
        sb.append(firstClamp);
        if (clamps > 1) {
          sb.append(" (and ").append(clamps - 1).append(" more choice(s) were out of range)");
        }
        if (unused > 0) {
          sb.append("; ");
        }
      }
      if (unused > 0) {
        sb.append(unused).append(" of its ").append(choices.length).append(" choices were never used (the run made ")
            .append(next).append(" decisions)");
      }
      return sb.append(". It was replayed anyway: out-of-range choices took the last alternative. Was it recorded"
          + " for another test, or before the code changed?").toString();
    }

    @Override
    public String name() {
      return "REPLAY";
    }
  }

  static final class Pos implements SchedulingStrategy {
    private final SimRandom random;
    private final Map<Long, Long> priorities = new HashMap<>();

    Pos(long seed) {
      this.random = new SimRandom(SimRandom.derive(seed, 3));
    }

    // An owner's priority, drawn when first met; -1 (no owner) draws one for each event, as each is independent.
    private long priority(long owner) {
      if (owner == -1) {
        return random.nextLong();
      }
      return priorities.computeIfAbsent(owner, t -> random.nextLong());
    }

    @Override
    public void onStep(long taskId, long step) {
      priorities.remove(taskId);
    }

    @Override
    public int choose(ChoicePoint point) {
      if (point.decision() == Decision.FAULT) {
        return point.draw(random.nextDouble()); // faults have no owner to rank: as likely as the plan says
      }
      if (point.decision() == Decision.EARLY || point.decision() == Decision.LATE) {
        return random.nextInt(point.alternatives());
      }
      int c = highest(point, this::priority);
      long owner = point.owner(c);
      if (owner < -1) {
        // A foreign thread's callbacks never step as a task does: its event is queued now, so its priority is drawn
        // again now, as a task's is when its step runs.
        priorities.remove(owner);
      }
      return c;
    }

    @Override
    public String name() {
      return "POS";
    }
  }
}
