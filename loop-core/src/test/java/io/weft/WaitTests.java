package io.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * {@link Combinators#wait}: section WAIT of the spec and the wait cases of CPython's
 * {@code test_tasks.py::BaseTaskTests}.
 *
 * <p>Every test runs on a loop on virtual time; the cancellation group and the schedule invariants run on both
 * coroutine carriers.
 */
class WaitTests extends VirtualLoopFixture {

  Task<String> sleeper(double seconds, String value) {
    return loop.createTask(() -> Weft.sleep(Duration.ofNanos((long) (seconds * 1e9)), value));
  }

  /** Cancels a task and runs the loop until it has ended, so that closing the loop finds nothing pending. */
  void cancelAndFinish(Task<?> t) {
    t.cancel();
    assertThatThrownBy(() -> loop.runUntilComplete(t)).isInstanceOf(CancelledError.class);
  }

  /** A future that counts the done callbacks registered on it and not removed. */
  static final class CountingFuture<T> extends Future<T> {
    int registered;

    CountingFuture(EventLoop loop) {
      super(loop);
    }

    @Override
    public void addDoneCallback(Consumer<? super Future<T>> callback, Context context) {
      registered++;
      super.addDoneCallback(callback, context);
    }

    @Override
    public int removeDoneCallback(Consumer<? super Future<T>> callback) {
      int n = super.removeDoneCallback(callback);
      registered -= n;
      return n;
    }
  }

  // ============================================================================================================
  // ALL_COMPLETED and the result sets
  // ============================================================================================================

  @Nested
  class AllCompleted {

    @Test
    void byDefault_waitsForEveryFuture_andReturnsDoneAndPending() {
      Task<String> a = sleeper(0.1, "a");
      Task<String> b = sleeper(0.15, "b");
      WaitResult<Task<String>> r = loop.runUntilComplete(() -> Combinators.wait(List.of(b, a)));

      assertThat(r.done()).containsExactly(b, a);
      assertThat(r.pending()).isEmpty();
      assertThat(loop.time()).isCloseTo(0.15, within(1e-9));
    }

    @Test
    void waitingAgainOnDoneFutures_returnsWithoutTimePassing() {
      Task<String> a = sleeper(0.1, "a");
      Task<String> b = sleeper(0.15, "b");
      loop.runUntilComplete(() -> Combinators.wait(List.of(a, b)));
      double before = loop.time();

      WaitResult<Task<String>> again = loop.runUntilComplete(() -> Combinators.wait(List.of(a, b)));
      assertThat(again.done()).containsExactly(a, b);
      assertThat(loop.time()).isEqualTo(before);
    }

    @Test
    void anException_isJustAnotherDoneFuture() {
      Task<String> a = sleeper(0.1, "a");
      Task<String> b = loop.createTask(() -> {
        Weft.sleep(Duration.ofMillis(150));
        throw new ArithmeticException("b");
      });
      WaitResult<Task<String>> r = loop.runUntilComplete(() -> Combinators.wait(List.of(b, a)));

      assertThat(r.done()).containsExactly(b, a);
      assertThat(loop.time()).isCloseTo(0.15, within(1e-9));
      assertThat(b.exception()).hasMessage("b");
    }

    @Test
    void theSets_keepTheGivenOrder_areNew_andMayBeChanged() {
      Future<Integer> f1 = loop.createFuture();
      Future<Integer> f2 = loop.createFuture();
      Future<Integer> f3 = loop.createFuture();
      f3.setResult(3);
      f1.setResult(1);
      List<Future<Integer>> given = List.of(f3, f2, f1);
      WaitResult<Future<Integer>> r = loop.runUntilComplete(() -> Combinators.wait(given, Duration.ZERO));

      assertThat(r.done()).containsExactly(f3, f1).isInstanceOf(LinkedHashSet.class);
      assertThat(r.pending()).containsExactly(f2);
      r.pending().add(f3);
      assertThat(r.pending()).containsExactly(f2, f3);
      f2.cancel();
    }

    @Test
    void anyCollection_isAccepted_andTheResultKeepsTheElementType() {
      Task<String> a = sleeper(0.01, "a");
      ArrayDeque<Task<String>> deque = new ArrayDeque<>(List.of(a));
      WaitResult<Task<String>> r = loop.runUntilComplete(() -> Combinators.wait(deque));

      Task<String> first = r.done().iterator().next();
      assertThat(first.result()).isEqualTo("a");
    }
  }

  // ============================================================================================================
  // FIRST_COMPLETED and FIRST_EXCEPTION
  // ============================================================================================================

  @Nested
  class FirstModes {

    @Test
    void firstCompleted_returnsAtTheFirst_andTheRestStayPendingNotCancelled() {
      Task<String> a = sleeper(10, "a");
      Task<String> b = sleeper(0.1, "b");
      WaitResult<Task<String>> r =
          loop.runUntilComplete(() -> Combinators.wait(List.of(b, a), ReturnWhen.FIRST_COMPLETED));

      assertThat(r.done()).containsExactly(b);
      assertThat(r.pending()).containsExactly(a);
      assertThat(loop.time()).isCloseTo(0.1, within(1e-9));
      assertThat(a.isDone()).isFalse();
      assertThat(loop.runUntilComplete(a)).isEqualTo("a");
    }

    @Test
    void firstCompleted_doneHoldsEverythingFinishedBeforeTheWaiterResumes() {
      // CPython test_wait_really_done: b finishes after a's callback released the waiter, before the waiter resumes.
      Task<Void> a = loop.createTask(() -> {
        Weft.sleep(Duration.ZERO);
        return null;
      });
      Task<Void> b = loop.createTask(() -> {
        Weft.sleep(Duration.ZERO);
        Weft.sleep(Duration.ZERO);
        return null;
      });
      WaitResult<Task<Void>> r =
          loop.runUntilComplete(() -> Combinators.wait(List.of(b, a), ReturnWhen.FIRST_COMPLETED));

      assertThat(r.done()).containsExactly(b, a);
      assertThat(r.pending()).isEmpty();
    }

    @Test
    void firstCompleted_countsACancellation() {
      Future<Integer> a = loop.createFuture();
      Future<Integer> b = loop.createFuture();
      loop.callLater(Duration.ofMillis(10), () -> b.cancel());
      WaitResult<Future<Integer>> r =
          loop.runUntilComplete(() -> Combinators.wait(List.of(a, b), ReturnWhen.FIRST_COMPLETED));

      assertThat(r.done()).containsExactly(b);
      assertThat(r.pending()).containsExactly(a);
      a.cancel();
    }

    @Test
    void firstException_returnsAtOnceForAFailureAlreadyThere() {
      Task<String> a = sleeper(10, "a");
      Task<String> b = loop.createTask(() -> {
        throw new ArithmeticException("b");
      });
      WaitResult<Task<String>> r =
          loop.runUntilComplete(() -> Combinators.wait(List.of(b, a), ReturnWhen.FIRST_EXCEPTION));

      assertThat(r.done()).containsExactly(b);
      assertThat(r.pending()).containsExactly(a);
      assertThat(loop.time()).isZero();
      assertThat(b.ref.unretrieved).as("wait read the exception, as asyncio's does").isNull();
      cancelAndFinish(a);
    }

    @Test
    void firstException_returnsWhenAFutureFailsDuringTheWait() {
      Task<String> a = sleeper(10, "a");
      Task<String> b = loop.createTask(() -> {
        Weft.sleep(Duration.ofMillis(10));
        throw new ArithmeticException("b");
      });
      WaitResult<Task<String>> r =
          loop.runUntilComplete(() -> Combinators.wait(List.of(b, a), ReturnWhen.FIRST_EXCEPTION));

      assertThat(r.done()).containsExactly(b);
      assertThat(r.pending()).containsExactly(a);
      assertThat(loop.time()).isCloseTo(0.01, within(1e-9));
      cancelAndFinish(a);
    }

    @Test
    void firstException_doesNotCountACancellation_norAResult() {
      Future<Integer> a = loop.createFuture();
      Future<Integer> b = loop.createFuture();
      Future<Integer> c = loop.createFuture();
      loop.callLater(Duration.ofMillis(10), () -> a.cancel());
      loop.callLater(Duration.ofMillis(20), () -> b.setResult(2));
      loop.callLater(Duration.ofMillis(30), () -> c.setResult(3));
      WaitResult<Future<Integer>> r =
          loop.runUntilComplete(() -> Combinators.wait(List.of(a, b, c), ReturnWhen.FIRST_EXCEPTION));

      assertThat(r.done()).containsExactly(a, b, c);
      assertThat(loop.time()).isCloseTo(0.03, within(1e-9));
    }
  }

  // ============================================================================================================
  // Timeout
  // ============================================================================================================

  @Nested
  class Timeout {

    @Test
    void timeout_returnsDoneAndPending_neverThrows_andCancelsNothing() {
      Task<String> a = sleeper(0.1, "a");
      Task<String> b = sleeper(0.15, "b");
      WaitResult<Task<String>> r =
          loop.runUntilComplete(() -> Combinators.wait(List.of(a, b), Duration.ofMillis(110)));

      assertThat(r.done()).containsExactly(a);
      assertThat(r.pending()).containsExactly(b);
      assertThat(loop.time()).isCloseTo(0.11, within(1e-9));
      assertThat(b.isCancelled()).isFalse();
      assertThat(loop.runUntilComplete(b)).isEqualTo("b");
      assertThat(loop.time()).isCloseTo(0.15, within(1e-9));
    }

    @Test
    void aFutureFinishingAtTheTimeout_isInDone() {
      // CPython test_wait_concurrent_complete.
      Task<String> a = sleeper(0.1, "a");
      Task<String> b = sleeper(0.15, "b");
      WaitResult<Task<String>> r =
          loop.runUntilComplete(() -> Combinators.wait(List.of(a, b), Duration.ofMillis(100)));

      assertThat(r.done()).containsExactly(a);
      assertThat(r.pending()).containsExactly(b);
      cancelAndFinish(b);
    }

    @Test
    void zeroOrNegativeTimeout_returnsWithoutTimePassing() {
      Future<Integer> a = loop.createFuture();
      WaitResult<Future<Integer>> zero =
          loop.runUntilComplete(() -> Combinators.wait(List.of(a), ReturnWhen.ALL_COMPLETED, Duration.ZERO));
      // Weft difference: a negative timeout counts as zero (asyncio hands it to call_later, which runs at once).
      WaitResult<Future<Integer>> negative =
          loop.runUntilComplete(() -> Combinators.wait(List.of(a), Duration.ofSeconds(-5)));

      assertThat(zero.pending()).containsExactly(a);
      assertThat(negative.pending()).containsExactly(a);
      assertThat(loop.time()).isZero();
    }

    @Test
    void theTimer_isCancelledWhenTheFuturesFinishFirst() {
      Task<String> a = sleeper(0.1, "a");
      loop.runUntilComplete(() -> Combinators.wait(List.of(a), Duration.ofSeconds(10)));

      assertThat(loop.timerCount()).isZero();
      assertThat(loop.time()).isCloseTo(0.1, within(1e-9));
    }

    @Test
    void callbacksOnTheFutures_areRemovedWhenTheWaitReturns() {
      CountingFuture<Integer> a = new CountingFuture<>(loop);
      CountingFuture<Integer> b = new CountingFuture<>(loop);
      loop.callLater(Duration.ofMillis(10), () -> b.setResult(1));
      loop.runUntilComplete(() -> Combinators.wait(List.of(a, b), ReturnWhen.FIRST_COMPLETED));

      assertThat(a.registered).isZero();
      a.cancel();
    }
  }

  // ============================================================================================================
  // Arguments
  // ============================================================================================================

  @Nested
  class Arguments {

    @Test
    void anEmptyCollection_throwsIllegalArgument() {
      assertThatThrownBy(() -> loop.runUntilComplete(() -> Combinators.wait(List.<Future<?>>of())))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("empty");
    }

    @Test
    void aNullReturnWhen_orANullFuture_throwsNullPointer() {
      Future<Integer> a = loop.createFuture();
      List<Future<Integer>> withNull = new ArrayList<>();
      withNull.add(a);
      withNull.add(null);

      assertThatThrownBy(() -> loop.runUntilComplete(() -> Combinators.wait(List.of(a), (ReturnWhen) null)))
          .isInstanceOf(NullPointerException.class)
          .hasMessageContaining("returnWhen");
      assertThatThrownBy(() -> loop.runUntilComplete(() -> Combinators.wait(withNull)))
          .isInstanceOf(NullPointerException.class)
          .hasMessageContaining("null");
      a.cancel();
    }

    @Test
    void outsideATask_throwsIllegalState() {
      Future<Integer> a = loop.createFuture();

      assertThatThrownBy(() -> Combinators.wait(List.of(a)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("from a task");
    }

    @Test
    void aFutureOfAnotherLoop_throwsIllegalArgument() {
      try (EventLoop other = EventLoop.createVirtual()) {
        Future<Integer> theirs = other.createFuture();

        assertThatThrownBy(() -> loop.runUntilComplete(() -> Combinators.wait(List.of(theirs))))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("different loop");
      }
    }

    @Test
    void duplicates_collapseIntoOne() {
      Task<String> c = sleeper(0.01, "c");
      WaitResult<Task<String>> r = loop.runUntilComplete(() -> Combinators.wait(List.of(c, c)));

      assertThat(r.done()).containsExactly(c);
      assertThat(r.pending()).isEmpty();
    }
  }

  // ============================================================================================================
  // Cancellation (both carriers)
  // ============================================================================================================

  abstract class Cancellation extends OnCarrier {
    Cancellation(EventLoop.CarrierChoice carrier) {
      super(carrier);
    }

    @Test
    void cancellingTheWaitingTask_raisesCancelledError_leavesTheFuturesRunning_andUnhooksEverything() {
      CountingFuture<String> a = new CountingFuture<>(loop);
      Task<String> b = sleeper(1, "b");
      Task<WaitResult<Future<String>>> waiter =
          loop.createTask(() -> Combinators.wait(List.of(a, b), Duration.ofSeconds(5)));
      loop.callLater(Duration.ofMillis(10), () -> waiter.cancel("enough"));

      assertThatThrownBy(() -> loop.runUntilComplete(waiter)).isInstanceOf(CancelledError.class).hasMessage("enough");
      assertThat(a.isCancelled()).isFalse();
      assertThat(b.isCancelled()).isFalse();
      assertThat(a.registered).isZero();
      assertThat(loop.runUntilComplete(b)).isEqualTo("b");
      assertThat(loop.timerCount()).as("the 5 s timeout timer is gone").isZero();
      a.setResult("a");
      GatherTests.runReady(loop);
    }

    @Test
    void wait_insideATask_seesTasksOfBothKinds() {
      List<String> log = new ArrayList<>();
      loop.runUntilComplete(() -> {
        Task<String> fast = Weft.createTask(() -> Weft.sleep(Duration.ofMillis(5), "fast"));
        Task<String> slow = Weft.createTask(() -> Weft.sleep(Duration.ofMillis(50), "slow"));
        Set<Task<String>> pending = new LinkedHashSet<>(List.of(fast, slow));
        while (!pending.isEmpty()) {
          WaitResult<Task<String>> r = Combinators.wait(pending, ReturnWhen.FIRST_COMPLETED);
          for (Task<String> t : r.done()) {
            log.add(t.result() + " at " + Weft.getRunningLoop().time());
          }
          pending = r.pending();
        }
        return null;
      });

      assertThat(log).containsExactly("fast at 0.005", "slow at 0.05");
    }
  }

  @Nested
  class CancellationOnLoopScheduledCarrier extends Cancellation {
    CancellationOnLoopScheduledCarrier() {
      super(EventLoop.CarrierChoice.LOOP_SCHEDULED);
    }
  }

  @Nested
  class CancellationOnBatonCarrier extends Cancellation {
    CancellationOnBatonCarrier() {
      super(EventLoop.CarrierChoice.BATON);
    }
  }

  // ============================================================================================================
  // Invariants under many schedules (both carriers)
  // ============================================================================================================

  abstract class Schedules extends OnCarrier {
    Schedules(EventLoop.CarrierChoice carrier) {
      super(carrier);
    }

    /**
     * 200 seeds: 1 to 6 tasks that sleep random times then return, fail or cancel themselves (some given twice),
     * waited for with a random ReturnWhen and a random timeout or none. Invariants: done and pending partition the
     * distinct inputs in the given order; done ones are done and pending ones are not; the wait returns exactly when
     * its condition or its timeout is first met; it never throws and never cancels an input.
     */
    @Test
    void wait_underRandomTimings_returnsExactlyWhenItsConditionOrTimeoutIsMet() {
      for (long seed = 1; seed <= 200; seed++) {
        runSeed(seed);
      }
    }

    private void runSeed(long seed) {
      Random rng = new Random(seed);
      int n = 1 + rng.nextInt(6);
      ReturnWhen when = ReturnWhen.values()[rng.nextInt(3)];
      Integer timeoutMs = rng.nextBoolean() ? rng.nextInt(60) : null;
      int[] kind = new int[n];
      int[] ms = new int[n];
      for (int i = 0; i < n; i++) {
        kind[i] = rng.nextInt(5) < 3 ? 0 : rng.nextInt(2) + 1;
        ms[i] = rng.nextInt(50);
      }
      EventLoop l = TaskTests.virtualLoop(carrierChoice);
      l.setExceptionHandler((x, ctx) -> reports.add(ctx));
      try (l) {
        List<Task<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          int id = i;
          tasks.add(l.createTask(() -> {
            Weft.sleep(Duration.ofMillis(ms[id]));
            if (kind[id] == 1) {
              throw new IllegalStateException("t" + id);
            }
            if (kind[id] == 2) {
              Task.current().cancel();
              Weft.sleep(Duration.ZERO);
            }
            return id;
          }));
        }
        List<Task<Integer>> given = new ArrayList<>(tasks);
        if (n > 1 && rng.nextBoolean()) {
          given.add(tasks.get(rng.nextInt(n))); // a duplicate
        }
        java.util.Collections.shuffle(given, rng);
        double[] returnedAt = {-1};
        WaitResult<Task<Integer>> r = l.runUntilComplete(() -> {
          WaitResult<Task<Integer>> res =
              Combinators.wait(given, when, timeoutMs == null ? null : Duration.ofMillis(timeoutMs));
          returnedAt[0] = Weft.getRunningLoop().time();
          // Checked at once: a pending task may finish later in this same iteration.
          assertThat(res.done()).allSatisfy(t -> assertThat(t.isDone()).isTrue());
          assertThat(res.pending()).allSatisfy(t -> assertThat(t.isDone()).isFalse());
          return res;
        });

        String where = "seed " + seed + " when " + when + " timeout " + timeoutMs + " kinds "
            + java.util.Arrays.toString(kind) + " ms " + java.util.Arrays.toString(ms);
        List<Task<Integer>> distinct = new ArrayList<>(new LinkedHashSet<>(given));
        List<Task<Integer>> both = new ArrayList<>(r.done());
        both.addAll(r.pending());
        assertThat(both).as(where).containsExactlyInAnyOrderElementsOf(distinct);
        assertThat(new ArrayList<>(r.done())).as(where)
            .isEqualTo(distinct.stream().filter(r.done()::contains).toList());

        int all = 0;
        int first = Integer.MAX_VALUE;
        int firstFailure = Integer.MAX_VALUE;
        for (int i = 0; i < n; i++) {
          all = Math.max(all, ms[i]);
          first = Math.min(first, ms[i]);
          if (kind[i] == 1) {
            firstFailure = Math.min(firstFailure, ms[i]);
          }
        }
        int condition = switch (when) {
          case ALL_COMPLETED -> all;
          case FIRST_COMPLETED -> first;
          case FIRST_EXCEPTION -> Math.min(firstFailure, all);
        };
        int expectedMs = timeoutMs == null ? condition : Math.min(condition, timeoutMs);
        assertThat(returnedAt[0]).as(where).isCloseTo(expectedMs / 1000.0, within(1e-9));

        // Nothing was cancelled by the wait: let everything finish and compare with the plan.
        l.runUntilComplete(() -> Weft.sleep(Duration.ofMillis(100), null));
        for (int i = 0; i < n; i++) {
          assertThat(tasks.get(i).isCancelled()).as(where + " task %d", i).isEqualTo(kind[i] == 2);
          if (kind[i] == 1) {
            tasks.get(i).exception();
          }
        }
      }
    }
  }

  @Nested
  class SchedulesOnLoopScheduledCarrier extends Schedules {
    SchedulesOnLoopScheduledCarrier() {
      super(EventLoop.CarrierChoice.LOOP_SCHEDULED);
    }
  }

  @Nested
  class SchedulesOnBatonCarrier extends Schedules {
    SchedulesOnBatonCarrier() {
      super(EventLoop.CarrierChoice.BATON);
    }
  }
}
