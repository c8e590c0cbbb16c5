package io.weft.sim;

import io.weft.Task;
import io.weft.Weft;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A program with a bug of known depth, for PCT's guarantee: {@code tasks} tasks (task 0 is "a", task 1 is "b", the
 * others only add contention) run {@code rounds} rounds in lockstep; in each round every task sleeps 1 ms, so all
 * their timers fall due together (a TIE choice), and then notes that it ran. With jitter off, the TIE choices are the
 * only choices, and the order of a round is the order its timers fire.
 *
 * <p>The bug of depth d: in rounds 0..d-1, a runs before b, then b before a, then a before b, alternately. Round 0
 * is one ordering constraint (a before b); each later round adds one (the order flips), so the bug needs d
 * constraints, and a PCT run meets them when a outranks b at first and each flip's change point lands on the step of
 * the task that went first in the round before (with the labels in the right order).
 */
final class DepthFixture {

  private DepthFixture() {}

  /** The program: for each round, the tasks in the order they ran. */
  static List<List<Integer>> run(int tasks, int rounds) {
    List<List<Integer>> order = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      order.add(new ArrayList<>());
    }
    List<Task<?>> all = new ArrayList<>();
    for (int t = 0; t < tasks; t++) {
      int me = t;
      all.add(Weft.createTask(() -> {
        for (int r = 0; r < rounds; r++) {
          Weft.sleep(Duration.ofMillis(1));
          order.get(r).add(me);
        }
        return null;
      }));
    }
    for (Task<?> t : all) {
      t.await();
    }
    return order;
  }

  /** Whether the run {@code order} has the bug of depth {@code depth} (a first in even rounds, b in odd ones). */
  static boolean hasBug(List<List<Integer>> order, int depth) {
    for (int r = 0; r < depth; r++) {
      List<Integer> round = order.get(r);
      boolean aFirst = round.indexOf(0) < round.indexOf(1);
      if (aFirst != (r % 2 == 0)) {
        return false;
      }
    }
    return true;
  }

  /** A schedule of the fixture: {@code strategy} from {@code seed}, faithful, with jitter off. */
  static Schedule schedule(String strategy, long seed) {
    return Schedule.of(Mode.FAITHFUL, strategy, seed).withBounds(0, 0);
  }
}
