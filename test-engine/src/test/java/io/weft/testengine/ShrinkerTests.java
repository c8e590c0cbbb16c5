package io.weft.testengine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The shrinker on synthetic predicates: no loop involved. */
class ShrinkerTests {

  private static Shrinker.Result shrink(Predicate<int[]> fails, int... start) {
    assertThat(fails.test(start)).as("the start fails").isTrue();
    return new Shrinker(fails).shrink(start);
  }

  @Nested
  class Shrinking {

    @Test
    void oneAtIndexFiveOrLater_shrinksToASingleDeviationAtIndexFive() {
      Predicate<int[]> fails = c -> {
        for (int i = 5; i < c.length; i++) {
          if (c[i] == 1) {
            return true;
          }
        }
        return false;
      };

      Shrinker.Result r = shrink(fails, 3, 1, 0, 2, 1, 0, 1, 3, 1, 1, 0, 2, 0, 1);

      assertThat(r.choices()).containsExactly(0, 0, 0, 0, 0, 1);
      assertThat(r.deviations()).isEqualTo(1);
      assertThat(r.budgetExhausted()).isFalse();
    }

    @Test
    void failureThatNeedsNoDeviation_shrinksToTheEmptySequence_inOneRun() {
      Shrinker.Result r = shrink(c -> true, 4, 2, 7);

      assertThat(r.choices()).isEmpty();
      assertThat(r.runs()).isEqualTo(1);
    }

    @Test
    void valueAboveAThreshold_isLoweredByBinarySearchToTheThreshold() {
      Shrinker.Result r = shrink(c -> c.length > 2 && c[2] >= 13, 9, 0, 200, 5);

      assertThat(r.choices()).containsExactly(0, 0, 13);
    }

    @Test
    void twoNeededDeviations_areKept_andEverythingElseGoes() {
      Predicate<int[]> fails = c -> {
        int ones = 0;
        for (int v : c) {
          ones += v == 2 ? 1 : 0;
        }
        return ones >= 2;
      };

      Shrinker.Result r = shrink(fails, 1, 2, 3, 0, 2, 1, 2, 1);

      assertThat(r.choices()).containsExactly(2, 2);
    }

    @Test
    void trailingZeros_areDropped() {
      Shrinker.Result r = shrink(c -> c.length > 1 && c[1] == 1, 0, 1, 0, 0, 0);

      assertThat(r.choices()).containsExactly(0, 1);
    }

    @Test
    void neverTriesACandidateTwice_norOneNoSmallerThanTheBest() {
      List<String> tried = new ArrayList<>();
      Predicate<int[]> fails = c -> {
        tried.add(java.util.Arrays.toString(c));
        return c.length > 3 && c[3] > 0;
      };

      Shrinker.Result r = new Shrinker(fails).shrink(new int[] {1, 1, 1, 4, 1, 1});

      assertThat(tried).doesNotHaveDuplicates().hasSize(r.runs());
      assertThat(r.choices()).containsExactly(0, 0, 0, 1);
    }
  }

  /**
   * A program's choice points as the shrinker meets them: {@code points} logical choice points of 2 alternatives,
   * where a deviation at logical point {@code skipper} makes the next {@code skips} points never happen (a timer that
   * fires early takes a later wake-up with it), so every choice after it sits {@code skips} positions earlier in the
   * sequence. It fails when {@code fails} accepts the set of logical points that deviated.
   */
  private record Program(int points, int skipper, int skips, Predicate<java.util.Set<Integer>> fails)
      implements Shrinker.Runner {

    @Override
    public Shrinker.Outcome run(int[] choices) {
      java.util.Set<Integer> deviated = new java.util.TreeSet<>();
      List<Integer> alternatives = new ArrayList<>();
      int j = 0;
      int skipUntil = -1;
      for (int l = 0; l < points; l++) {
        if (l <= skipUntil) {
          continue;
        }
        alternatives.add(2);
        int v = j < choices.length ? choices[j] : 0;
        j++;
        if (v != 0) {
          deviated.add(l);
          if (l == skipper) {
            skipUntil = l + skips;
          }
        }
      }
      return new Shrinker.Outcome(fails.test(deviated), alternatives.stream().mapToInt(Integer::intValue).toArray());
    }

    /** The same program without the alternatives: what a predicate tells the shrinker. */
    Predicate<int[]> predicate() {
      return c -> run(c).fails();
    }
  }

  @Nested
  class Moves {

    // A deviation at point 1 removes point 2; the bug needs point 6 to deviate. [0,1,0,0,0,1] deviates at 1 and 6.
    private final Program shifted = new Program(10, 1, 1, d -> d.contains(6));

    @Test
    void aDeviationThatOnlyFailsOnceShifted_isMovedAndTheOtherDropped_toOneDeviation() {
      assertThat(shifted.run(new int[] {0, 1, 0, 0, 0, 1}).fails()).as("the start fails").isTrue();

      // With a predicate alone (no proof): the move passes do it. Deleting or zeroing either deviation moves the
      // other to point 4 or 5, so before the move passes this shrinker stopped at [0, 1, 0, 0, 0, 1].
      Shrinker.Result r = new Shrinker(shifted.predicate()).shrink(new int[] {0, 1, 0, 0, 0, 1});

      assertThat(r.choices()).containsExactly(0, 0, 0, 0, 0, 0, 1);
      assertThat(r.proven()).as("asyncio's own order passed, so 1 deviation is the least").isTrue();
      assertThat(r.minimality()).isEqualTo("proven minimal: no schedule with fewer deviations fails this way"
          + " (asyncio's own order does not)");
    }

    @Test
    void aDeviationTooFarOff_forTheMoves_isFoundByTheProof() {
      // A deviation at point 0 removes points 1-5; the bug needs point 9, which [1,0,0,0,1] reaches with 2.
      Program far = new Program(10, 0, 5, d -> d.contains(9));
      int[] start = {1, 0, 0, 0, 1};
      assertThat(far.run(start).fails()).isTrue();

      Shrinker.Result moved = new Shrinker(far.predicate()).shrink(start);
      Shrinker.Result proved = new Shrinker(far, Shrinker.DEFAULT_MAX_RUNS, Duration.ofSeconds(10), 300).shrink(start);

      assertThat(moved.deviations()).as("the shift of " + Shrinker.SHIFT + " does not reach it").isEqualTo(2);
      assertThat(moved.proven()).isFalse();
      assertThat(moved.minimality()).startsWith("locally minimal: ")
          .endsWith("the one-deviation schedules were not searched (the choice points of asyncio's own order are not"
              + " known)");
      assertThat(proved.choices()).containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
      assertThat(proved.proven()).isTrue();
      assertThat(proved.minimality()).startsWith("proven minimal: no schedule with fewer deviations fails");
    }

    @Test
    void adjacentChoices_areSwapped_whenThatIsSmaller() {
      // Fails when the first two choices are 1 and 2 in either order: only a swap makes [2, 1] smaller.
      Predicate<int[]> fails = c -> c.length == 2 && (c[0] == 1 && c[1] == 2 || c[0] == 2 && c[1] == 1);
      Shrinker.Result r = new Shrinker(fails).shrink(new int[] {2, 1});

      assertThat(r.choices()).containsExactly(1, 2);
    }
  }

  @Nested
  class Proof {

    private static Shrinker shrinker(Shrinker.Runner runner, int proofRuns) {
      return new Shrinker(runner, Shrinker.DEFAULT_MAX_RUNS, Duration.ofSeconds(10), proofRuns);
    }

    @Test
    void twoDeviationsThatAreNeeded_areProvenMinimal_byRunningEveryOneDeviationSchedule() {
      Program both = new Program(10, -1, 0, d -> d.contains(3) && d.contains(7));
      int[] start = {1, 0, 1, 1, 0, 1, 1, 1, 1};
      assertThat(both.run(start).fails()).isTrue();
      List<String> ran = new ArrayList<>();

      Shrinker.Result r = shrinker(c -> {
        ran.add(java.util.Arrays.toString(c));
        return both.run(c);
      }, 300).shrink(start);

      assertThat(r.choices()).containsExactly(0, 0, 0, 1, 0, 0, 0, 1);
      assertThat(r.proven()).isTrue();
      assertThat(r.minimality()).isEqualTo("proven minimal: no schedule with fewer deviations fails this way"
          + " (asyncio's own order does not, and all 10 one-deviation schedules were run)");
      for (int p = 0; p < 10; p++) {
        int[] one = new int[p + 1];
        one[p] = 1;
        assertThat(ran).as("one-deviation schedule at %d", p).contains(java.util.Arrays.toString(one));
      }
      assertThat(ran).doesNotHaveDuplicates().hasSize(r.runs());
    }

    @Test
    void aProofBudgetTooSmall_leavesTheResultLocallyMinimal_andSaysWhy() {
      // 40 choice points: most one-deviation schedules are not among the candidates shrinking tried.
      Program both = new Program(40, -1, 0, d -> d.contains(3) && d.contains(7));

      Shrinker.Result r = shrinker(both, 5).shrink(new int[] {1, 0, 1, 1, 0, 1, 1, 1, 1});

      assertThat(r.choices()).containsExactly(0, 0, 0, 1, 0, 0, 0, 1);
      assertThat(r.proven()).isFalse();
      assertThat(r.minimality()).startsWith("locally minimal: no deletion, zeroing, lowering, shift or swap")
          .contains("the 40 one-deviation schedules were not all run")
          .endsWith("more than the proof budget of 5 runs");
      Shrinker.Result enough = shrinker(both, 40).shrink(new int[] {1, 0, 1, 1, 0, 1, 1, 1, 1});
      assertThat(enough.proven()).as("with budget for them all").isTrue();
    }

    @Test
    void threeNeededDeviations_areLocallyMinimal_withTwoShownNecessary() {
      Program three = new Program(8, -1, 0, d -> d.containsAll(List.of(1, 4, 6)));

      Shrinker.Result r = shrinker(three, 300).shrink(new int[] {1, 1, 1, 1, 1, 1, 1, 1});

      assertThat(r.choices()).containsExactly(0, 1, 0, 0, 1, 0, 1);
      assertThat(r.proven()).isFalse();
      assertThat(r.minimality()).startsWith("locally minimal: ")
          .endsWith("at least 2 deviations are needed: all 8 one-deviation schedules were run and none fails this way");
    }

    @Test
    void aSpentShrinkingBudget_saysTheResultIsNotMinimized() {
      Program both = new Program(10, -1, 0, d -> d.contains(3) && d.contains(7));

      Shrinker.Result r = new Shrinker(both, 2, Duration.ofSeconds(10), 0).shrink(new int[] {1, 0, 1, 1, 0, 1, 1, 1});

      assertThat(r.budgetExhausted()).isTrue();
      assertThat(r.proven()).isFalse();
      assertThat(r.minimality()).startsWith("not minimized: the shrinking budget (2 runs, 10 s) ran out");
    }

    @Test
    void aFailureUnderAsyncioOrder_isProvenMinimal_withNoDeviation() {
      Shrinker.Result r = shrinker(c -> new Shrinker.Outcome(true, new int[0]), 300).shrink(new int[] {0, 3});

      assertThat(r.choices()).isEmpty();
      assertThat(r.proven()).isTrue();
      assertThat(r.minimality()).isEqualTo("proven minimal: it fails under asyncio's own order (no deviation)");
    }

    @Test
    void badProofBudget_isRejectedWithTheValue() {
      assertThatThrownBy(() -> new Shrinker(c -> new Shrinker.Outcome(true, null), 1, Duration.ofSeconds(1), -4))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-4");
    }
  }

  @Nested
  class Budget {

    @Test
    void runBudget_stopsShrinking_andKeepsTheBestSoFar() {
      int[] calls = {0};
      Predicate<int[]> fails = c -> {
        calls[0]++;
        return Shrinker.deviations(c) >= 1;
      };

      Shrinker.Result r = new Shrinker(fails, 3, Duration.ofSeconds(10)).shrink(new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9});

      assertThat(calls[0]).isEqualTo(3);
      assertThat(r.runs()).isEqualTo(3);
      assertThat(r.budgetExhausted()).isTrue();
      assertThat(Shrinker.compare(r.choices(), new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9})).isNegative();
    }

    @Test
    void zeroRuns_returnsTheStartTrimmed() {
      Shrinker.Result r = new Shrinker(c -> true, 0, Duration.ofSeconds(1)).shrink(new int[] {0, 3, 0});

      assertThat(r.choices()).containsExactly(0, 3);
      assertThat(r.budgetExhausted()).isTrue();
    }

    @Test
    void badArguments_areRejectedWithTheValue() {
      assertThatThrownBy(() -> new Shrinker(c -> true, -1, Duration.ofSeconds(1)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
      assertThatThrownBy(() -> new Shrinker(c -> true).shrink(new int[] {0, -2}))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-2");
    }

    @Test
    void aShrinker_shrinksOnce() {
      Shrinker s = new Shrinker(c -> true);
      s.shrink(new int[] {1});

      assertThatThrownBy(() -> s.shrink(new int[] {1})).isInstanceOf(IllegalStateException.class);
    }
  }

  @Nested
  class Order {

    @Test
    void fewerDeviations_comeFirst_thenShorter_thenLexicographicallySmaller() {
      assertThat(Shrinker.compare(new int[] {0, 0, 0, 0, 5}, new int[] {1, 1})).isNegative();
      assertThat(Shrinker.compare(new int[] {3}, new int[] {0, 1})).isNegative();
      assertThat(Shrinker.compare(new int[] {0, 1}, new int[] {1, 0})).isPositive();
      assertThat(Shrinker.compare(new int[] {2, 0, 0}, new int[] {2})).isZero();
    }
  }
}
