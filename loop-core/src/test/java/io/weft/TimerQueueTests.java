package io.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The loop's timer heap: ordered by (deadline compared by subtraction, sequence number), with O(log n) removal by
 * index. Random operations are checked against a {@link PriorityQueue} and {@link TimerQueue#checkInvariants()}.
 */
class TimerQueueTests {

  private final EventLoop loop = EventLoop.createVirtual();
  private final TimerQueue queue = new TimerQueue();
  private long seq;

  @AfterEach
  void closeLoop() {
    loop.close();
  }

  private TimerHandle timer(long whenNanos) {
    return new TimerHandle(loop, () -> {}, new Context(), null, whenNanos, seq++);
  }

  /** The reference order: deadline as an offset from {@code base} (valid within 2^63 of it), then sequence. */
  private static Comparator<TimerHandle> referenceOrder(long base) {
    return Comparator.comparingLong((TimerHandle t) -> t.whenNanos - base).thenComparingLong(t -> t.seq);
  }

  private List<TimerHandle> drain() {
    List<TimerHandle> out = new ArrayList<>();
    TimerHandle t;
    while ((t = queue.poll()) != null) {
      queue.checkInvariants();
      assertThat(t.heapIndex).isEqualTo(-1);
      out.add(t);
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------------------------

  @Nested
  class Basics {

    @Test
    void emptyQueue_hasNothingToPeekOrPoll() {
      assertThat(queue.isEmpty()).isTrue();
      assertThat(queue.size()).isZero();
      assertThat(queue.peek()).isNull();
      assertThat(queue.poll()).isNull();
      queue.checkInvariants();
    }

    @Test
    void poll_returnsTimersInDeadlineOrder() {
      long[] whens = {50, 10, 40, 20, 30, 0, 60};
      for (long w : whens) {
        queue.add(timer(w));
        queue.checkInvariants();
      }

      assertThat(queue.peek().whenNanos).isZero();
      assertThat(drain()).extracting(t -> t.whenNanos).containsExactly(0L, 10L, 20L, 30L, 40L, 50L, 60L);
      assertThat(queue.isEmpty()).isTrue();
    }

    @Test
    void equalDeadlines_pollInSequenceOrder() {
      List<TimerHandle> added = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        TimerHandle t = timer(i % 2 == 0 ? 100 : 200);
        added.add(t);
        queue.add(t);
      }

      List<TimerHandle> polled = drain();

      assertThat(polled.subList(0, 10)).containsExactlyElementsOf(
          added.stream().filter(t -> t.whenNanos == 100).toList());
      assertThat(polled.subList(10, 20)).containsExactlyElementsOf(
          added.stream().filter(t -> t.whenNanos == 200).toList());
    }

    @Test
    void remove_takesOutAnyEntry_andMarksItUnscheduled() {
      List<TimerHandle> all = new ArrayList<>();
      for (long w = 0; w < 15; w++) {
        TimerHandle t = timer(w * 7 % 15);
        all.add(t);
        queue.add(t);
      }
      TimerHandle middle = all.get(7);
      TimerHandle first = queue.peek();

      queue.remove(middle);
      queue.checkInvariants();
      queue.remove(first);
      queue.checkInvariants();

      assertThat(middle.heapIndex).isEqualTo(-1);
      assertThat(first.heapIndex).isEqualTo(-1);
      assertThat(queue.size()).isEqualTo(13);
      assertThat(drain()).doesNotContain(middle, first).hasSize(13).isSortedAccordingTo(referenceOrder(0));
    }

    @Test
    void removingTwice_orRemovingATimerNeverAdded_changesNothing() {
      TimerHandle a = timer(1);
      TimerHandle b = timer(2);
      TimerHandle never = timer(3);
      queue.add(a);
      queue.add(b);

      queue.remove(a);
      queue.remove(a);
      queue.remove(never);
      queue.checkInvariants();

      assertThat(queue.size()).isEqualTo(1);
      assertThat(queue.peek()).isSameAs(b);
    }

    @Test
    void removingATimerOfAnotherQueue_changesNothing_evenIfItsIndexIsInRange() {
      TimerQueue other = new TimerQueue();
      TimerHandle foreign = timer(5);
      other.add(foreign); // heapIndex 0, which is in range for this queue too
      TimerHandle mine = timer(10);
      queue.add(mine);

      queue.remove(foreign);

      queue.checkInvariants();
      assertThat(queue.peek()).isSameAs(mine);
      assertThat(foreign.heapIndex).isZero();
      assertThat(other.peek()).isSameAs(foreign);
    }

    @Test
    void queue_growsPastItsInitialCapacity() {
      Random random = new Random(7);
      for (int i = 0; i < 1000; i++) {
        queue.add(timer(random.nextInt(10_000)));
      }
      queue.checkInvariants();

      assertThat(queue.size()).isEqualTo(1000);
      assertThat(drain()).hasSize(1000).isSortedAccordingTo(referenceOrder(0));
    }

    @Test
    void clear_emptiesTheQueue_andMarksEveryTimerUnscheduled() {
      List<TimerHandle> all = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        TimerHandle t = timer(100 - i);
        all.add(t);
        queue.add(t);
      }

      queue.clear();

      assertThat(queue.isEmpty()).isTrue();
      assertThat(all).allSatisfy(t -> assertThat(t.heapIndex).isEqualTo(-1));
      queue.checkInvariants();
      queue.add(all.get(0));
      assertThat(queue.peek()).isSameAs(all.get(0));
    }

    @Test
    void checkInvariants_detectsACorruptedIndex() {
      TimerHandle a = timer(1);
      queue.add(a);
      queue.add(timer(2));

      a.heapIndex = 1;

      assertThatThrownBy(queue::checkInvariants).isInstanceOf(AssertionError.class).hasMessageContaining("heapIndex");
    }
  }

  // ------------------------------------------------------------------------------------------------------------

  @Nested
  class Overflow {

    @Test
    void deadlinesStraddlingLongOverflow_pollInTimeOrder_notSignedOrder() {
      long[] whens = {Long.MIN_VALUE + 1, Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE - 1, Long.MIN_VALUE + 1000};
      for (long w : whens) {
        queue.add(timer(w));
      }

      assertThat(drain()).extracting(t -> t.whenNanos).containsExactly(
          Long.MAX_VALUE - 1, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1, Long.MIN_VALUE + 1000);
    }

    @Test
    void before_comparesDeadlinesBySubtraction_thenSequence() {
      TimerHandle late = timer(Long.MIN_VALUE); // one past Long.MAX_VALUE
      TimerHandle early = timer(Long.MAX_VALUE);
      TimerHandle tieFirst = timer(42);
      TimerHandle tieSecond = timer(42);

      assertThat(TimerQueue.before(early, late)).isTrue();
      assertThat(TimerQueue.before(late, early)).isFalse();
      assertThat(TimerQueue.before(tieFirst, tieSecond)).isTrue();
      assertThat(TimerQueue.before(tieSecond, tieFirst)).isFalse();
      assertThat(TimerQueue.before(tieFirst, tieFirst)).isFalse();
    }
  }

  // ------------------------------------------------------------------------------------------------------------

  @Nested
  class RandomOperations {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 20240601})
    void matchAReferencePriorityQueue_withManyTies(long seed) {
      runAgainstReference(seed, 0, 64, 1_000);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {5, 6, 7})
    void matchAReferencePriorityQueue_withDeadlinesStraddlingLongOverflow(long seed) {
      // Deadlines within +-2^40 ns of Long.MAX_VALUE: about half of them wrap to negative numbers.
      runAgainstReference(seed, Long.MAX_VALUE - (1L << 40), 1 << 20, 1L << 21);
    }

    /**
     * Runs random adds, removes of live and dead timers, and polls; after every step compares size and head with the
     * reference and checks the heap's invariants and every timer's index.
     *
     * @param base the lowest deadline
     * @param slots how many distinct deadlines there are (few slots make many ties)
     * @param step the distance between two slots
     */
    private void runAgainstReference(long seed, long base, int slots, long step) {
      Random random = new Random(seed);
      PriorityQueue<TimerHandle> reference = new PriorityQueue<>(referenceOrder(base));
      List<TimerHandle> live = new ArrayList<>();
      List<TimerHandle> dead = new ArrayList<>();
      for (int op = 0; op < 5_000; op++) {
        int kind = random.nextInt(100);
        if (kind < 50 || live.isEmpty()) {
          TimerHandle t = timer(base + random.nextInt(slots) * step);
          queue.add(t);
          reference.add(t);
          live.add(t);
        } else if (kind < 70) {
          TimerHandle t = live.remove(random.nextInt(live.size()));
          queue.remove(t);
          assertThat(reference.remove(t)).isTrue();
          dead.add(t);
        } else if (kind < 90) {
          TimerHandle polled = queue.poll();
          assertThat(polled).as("poll at op %d (seed %d)", op, seed).isSameAs(reference.poll());
          live.remove(polled);
          dead.add(polled);
        } else if (!dead.isEmpty()) {
          queue.remove(dead.get(random.nextInt(dead.size()))); // already gone: must change nothing
        }
        queue.checkInvariants();
        assertThat(queue.size()).isEqualTo(reference.size());
        assertThat(queue.peek()).as("head at op %d (seed %d)", op, seed).isSameAs(reference.peek());
        if (op % 250 == 0) {
          assertThat(live).allSatisfy(t -> assertThat(t.heapIndex).isBetween(0, queue.size() - 1));
          assertThat(dead).allSatisfy(t -> assertThat(t.heapIndex).isEqualTo(-1));
        }
      }
      List<TimerHandle> expected = new ArrayList<>();
      while (!reference.isEmpty()) {
        expected.add(reference.poll());
      }
      assertThat(drain()).containsExactlyElementsOf(expected);
    }
  }
}
