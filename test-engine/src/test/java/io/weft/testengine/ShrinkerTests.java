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
