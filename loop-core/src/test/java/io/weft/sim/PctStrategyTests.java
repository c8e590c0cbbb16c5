package io.weft.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** {@link Pct} on choice points made by hand: who it ranks, and how. */
class PctStrategyTests {

  private static ChoicePoint point(Decision d, long... owners) {
    return new ChoicePoint(d, owners.length, i -> owners[i], 0);
  }

  @Nested
  class Owners {

    @Test
    void everyOwner_isRanked_foreignThreadsAndNoOwnerToo() {
      Set<Integer> chosen = new HashSet<>();
      for (long seed = 0; seed < 200; seed++) {
        Pct pct = new Pct(seed, 1, 10, true);
        chosen.add(pct.choose(point(Decision.EXTERNAL, -1, -2, -3, 5)));
      }
      assertThat(chosen).as("alternatives of each owner win under some seed").containsExactlyInAnyOrder(0, 1, 2, 3);
    }

    @Test
    void anOwnersPriority_isKeptAcrossChoices() {
      for (long seed = 0; seed < 50; seed++) {
        Pct pct = new Pct(seed, 1, 10, true);
        int first = pct.choose(point(Decision.TIE, -2, 7));
        assertThat(pct.choose(point(Decision.EXTERNAL, -2, 7))).isEqualTo(first);
        assertThat(pct.choose(point(Decision.TIE, 7, -2))).isEqualTo(1 - first);
      }
    }

    @Test
    void alternativesOfOneOwner_keepTheirOrder() {
      Pct pct = new Pct(3, 2, 10, true);
      assertThat(pct.choose(point(Decision.TIE, 4, 4, 4))).isZero();
    }
  }

  @Nested
  class ChangePoints {

    @Test
    void theTaskRunningAtAChangePoint_dropsBelowEveryOther() {
      // PCT2 over 1 step: its one change point is step 1, so the task of the first step ends below all others.
      for (long seed = 0; seed < 50; seed++) {
        Pct pct = new Pct(seed, 2, 1, true);
        pct.onStep(7, 1);
        assertThat(pct.choose(point(Decision.TIE, 7, 8))).isEqualTo(1);
        assertThat(pct.choose(point(Decision.TIE, -2, 7))).isZero();
      }
    }

    @Test
    void aChangePointOnAnotherEvent_demotesTheTaskOfTheNextTaskStep() {
      Pct pct = new Pct(1, 2, 1, true); // change point at step 1; the first task step is step 3
      pct.onStep(9, 3);
      assertThat(pct.choose(point(Decision.TIE, 9, 8))).isEqualTo(1);
    }

    @Test
    void labels_areDrawnNotSorted_soALaterDemotionMayLandAboveAnEarlierOne() {
      // PCT3 over 2 steps: change points labelled 1 and 2, each at step 1 or 2. Task 1 runs step 1, task 2 step 2.
      // When they land on different steps, both orders of the two demoted tasks must occur.
      Set<String> orders = new HashSet<>();
      for (long seed = 0; seed < 100; seed++) {
        Pct pct = new Pct(seed, 3, 2, true);
        pct.onStep(1, 1);
        pct.onStep(2, 2);
        long p1 = pct.priorityOf(1);
        long p2 = pct.priorityOf(2);
        if (p1 < 3 && p2 < 3) {
          orders.add(p1 + "," + p2);
        }
      }
      assertThat(orders).containsExactlyInAnyOrder("1,2", "2,1");
    }
  }

  @Nested
  class Jitter {

    @Test
    void early_firesTheTimerOfAnOwnerThatOutranksTheReadyWork_andOnlyThen() {
      Set<Integer> seen = new HashSet<>();
      for (long seed = 0; seed < 100; seed++) {
        Pct pct = new Pct(seed, 1, 10, true);
        int tie = pct.choose(point(Decision.TIE, 1, 2)); // 0 if task 1 outranks task 2
        int early = pct.choose(point(Decision.EARLY, 2, 1)); // alternative 0: the ready work of 2; 1: 1's timer
        assertThat(early).isEqualTo(tie == 0 ? 1 : 0);
        seen.add(early);
      }
      assertThat(seen).containsExactlyInAnyOrder(0, 1);
    }

    @Test
    void late_isOnTimeForTheTopOwner_andLatestForTheBottomOne() {
      for (long seed = 0; seed < 100; seed++) {
        Pct pct = new Pct(seed, 1, 10, true);
        int top = pct.choose(point(Decision.TIE, 1, 2)) == 0 ? 1 : 2;
        int bottom = 3 - top;
        assertThat(pct.choose(point(Decision.LATE, top, top, top, top))).isZero();
        assertThat(pct.choose(point(Decision.LATE, bottom, bottom, bottom, bottom))).isEqualTo(3);
      }
    }

    @Test
    void late_withOneOwnerMet_isOnTime() {
      assertThat(new Pct(5, 3, 10, true).choose(point(Decision.LATE, 4, 4, 4, 4))).isZero();
    }
  }

  @Test
  void name_givesTheDepth_andTheHorizonWhenNamed() {
    assertThat(new Pct(1, 3, 57, true).name()).isEqualTo("PCT3_57");
    assertThat(new Pct(1, 3, Pct.DEFAULT_HORIZON, false).name()).isEqualTo("PCT3");
    assertThat(SchedulingStrategy.create("PCT2_9", 1, new int[0]).name()).isEqualTo("PCT2_9");
    assertThatThrownBy(() -> new Pct(1, 0, 5, true)).hasMessageContaining("depth 0");
  }
}
