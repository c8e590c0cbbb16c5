package io.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * {@link Combinators#asCompleted}: section ASC of the spec and the as_completed cases of CPython's
 * {@code test_tasks.py::BaseTaskTests}, in both forms: plain iteration (steps) and 3.13's {@code async for} (the inputs).
 *
 * <p>Every test runs on a loop on virtual time; the ordering group and the schedule invariants run on both coroutine
 * carriers.
 */
class AsCompletedTests extends VirtualLoopFixture {

  Task<String> sleeper(double seconds, String value) {
    return loop.createTask(() -> Weft.sleep(Duration.ofNanos((long) (seconds * 1e9)), value));
  }

  static <T> List<T> listOf(Iterable<T> it) {
    List<T> out = new ArrayList<>();
    it.forEach(out::add);
    return out;
  }

  // ============================================================================================================
  // Completion order (both carriers)
  // ============================================================================================================

  abstract class Ordering extends OnCarrier {
    Ordering(EventLoop.CarrierChoice carrier) {
      super(carrier);
    }

    @Test
    void steps_resolveInCompletionOrder() {
      Task<String> a = sleeper(0.01, "a");
      Task<String> b = sleeper(0.01, "b");
      Task<String> c = sleeper(0.15, "c");
      List<String> values = loop.runUntilComplete(() -> {
        List<String> out = new ArrayList<>();
        for (Future<String> step : Combinators.asCompleted(List.of(b, c, a))) {
          out.add(step.await());
        }
        return out;
      });

      assertThat(values.subList(0, 2)).containsExactlyInAnyOrder("a", "b");
      assertThat(values.get(2)).isEqualTo("c");
      assertThat(loop.time()).isCloseTo(0.15, within(1e-9));
    }

    @Test
    void aStepAwaitedWhenACompletionIsAlreadyQueued_returnsWithoutGivingUpTheLoop() {
      // asyncio's step is `await done.get()`: with a completion already in the queue, get() returns at once, so the
      // awaiting task does not suspend (CPython 3.11 to main: results 1, 2, 3 at iterations 4, 5, 5 here).
      List<String> log = loop.runUntilComplete(() -> {
        Future<Integer> one = loop.createFuture();
        Future<Integer> two = loop.createFuture();
        one.setResult(1);
        two.setResult(2);
        List<String> out = new ArrayList<>();
        Iterator<Future<Integer>> steps = Combinators.asCompleted(List.of(one, two)).iterator();
        out.add("first " + steps.next().await()); // suspends: the completions arrive through done callbacks
        AtomicBoolean loopRan = new AtomicBoolean();
        loop.callSoon(() -> loopRan.set(true));
        out.add("second " + steps.next().await() + ", loop ran meanwhile: " + loopRan.get());
        return out;
      });

      assertThat(log).containsExactly("first 1", "second 2, loop ran meanwhile: false");
    }

    @Test
    void theKthStepAwaited_getsTheKthCompletion_whicheverStepItIs() {
      // CPython test_as_completed_reverse_wait.
      Task<String> a = sleeper(0.05, "a");
      Task<String> b = sleeper(0.10, "b");
      List<String> log = loop.runUntilComplete(() -> {
        List<Future<String>> futs = listOf(Combinators.asCompleted(List.of(a, b)));
        assertThat(futs).hasSize(2);
        List<String> out = new ArrayList<>();
        out.add(futs.get(1).await() + " at " + Weft.getRunningLoop().time());
        out.add(futs.get(0).await() + " at " + Weft.getRunningLoop().time());
        return out;
      });

      assertThat(log).containsExactly("a at 0.05", "b at 0.1");
    }

    @Test
    void aStepNeverAwaited_takesNoCompletion() {
      Future<String> x = loop.createFuture();
      Future<String> y = loop.createFuture();
      x.setResult("x");
      y.setResult("y");
      Iterator<Future<String>> it = Combinators.<String>asCompleted(List.of(x, y)).iterator();
      Future<String> first = it.next();
      Future<String> second = it.next();

      assertThat(loop.runUntilComplete(second)).isEqualTo("x");
      GatherTests.runReady(loop);
      assertThat(first.isDone()).as("no one awaited it").isFalse();
      assertThat(loop.runUntilComplete(first)).isEqualTo("y");
    }

    @Test
    void aStepCancelledWhileWaiting_givesItsTurnToTheNext_andNoCompletionIsLost() {
      Future<String> x = loop.createFuture();
      Future<String> y = loop.createFuture();
      List<Future<String>> steps = listOf(Combinators.asCompleted(List.of(x, y)));
      Task<String> quitter = loop.createTask(() -> steps.get(0).await());
      GatherTests.runReady(loop);
      quitter.cancel();
      assertThatThrownBy(() -> loop.runUntilComplete(quitter)).isInstanceOf(CancelledError.class);

      y.setResult("y");
      x.setResult("x");
      assertThat(loop.runUntilComplete(() -> steps.get(1).await())).as("the first completion").isEqualTo("y");
      assertThat(steps.get(0).isCancelled()).isTrue();
    }

    @Test
    void stepsGivenToGather_resolveInCompletionOrder() {
      Task<String> slow = sleeper(0.2, "slow");
      Task<String> fast = sleeper(0.1, "fast");
      List<String> res = loop.runUntilComplete(
          () -> Combinators.gather(listOf(Combinators.asCompleted(List.of(slow, fast)))).await());

      assertThat(res).containsExactly("fast", "slow");
    }
  }

  @Nested
  class OrderingOnLoopScheduledCarrier extends Ordering {
    OrderingOnLoopScheduledCarrier() {
      super(EventLoop.CarrierChoice.LOOP_SCHEDULED);
    }
  }

  @Nested
  class OrderingOnBatonCarrier extends Ordering {
    OrderingOnBatonCarrier() {
      super(EventLoop.CarrierChoice.BATON);
    }
  }

  // ============================================================================================================
  // Outcomes
  // ============================================================================================================

  @Nested
  class Outcomes {

    @Test
    void aFailedInput_makesItsStepThrowTheSameException() {
      IllegalStateException boom = new IllegalStateException("boom");
      Future<String> f = loop.createFuture();
      f.setException(boom);
      Future<String> step = Combinators.<String>asCompleted(List.of(f)).iterator().next();

      assertThat(catchThrowable(() -> loop.runUntilComplete(() -> step.await()))).isSameAs(boom);
      assertThat(f.exceptionUnretrieved).isFalse();
    }

    @Test
    void aCancelledInput_cancelsItsStepWithTheSameCancelledError() {
      Future<String> f = loop.createFuture();
      f.cancel("gone");
      Future<String> step = Combinators.<String>asCompleted(List.of(f)).iterator().next();
      Task<String> t = loop.createTask(step::await);

      Throwable thrown = catchThrowable(() -> loop.runUntilComplete(t));
      assertThat(thrown).isInstanceOf(CancelledError.class).hasMessage("gone");
      assertThat(thrown).isSameAs(catchThrowable(f::result));
      assertThat(step.isCancelled()).isTrue();
    }

    @Test
    void completionsBeforeAnyAwait_areKeptInOrder() {
      Future<Integer> f1 = loop.createFuture();
      Future<Integer> f2 = loop.createFuture();
      Future<Integer> f3 = loop.createFuture();
      Iterable<Future<Integer>> steps = Combinators.asCompleted(List.of(f1, f2, f3));
      f2.setResult(2);
      f3.setResult(3);
      f1.setResult(1);
      GatherTests.runReady(loop);

      List<Integer> values = loop.runUntilComplete(() -> {
        List<Integer> out = new ArrayList<>();
        for (Future<Integer> s : steps) {
          out.add(s.await());
        }
        return out;
      });
      assertThat(values).containsExactly(2, 3, 1);
    }
  }

  // ============================================================================================================
  // Timeout
  // ============================================================================================================

  @Nested
  class Timeout {

    @Test
    void afterTheTimeout_everyRemainingStepThrowsTimeoutError_andTheInputsAreNotCancelled() {
      Task<String> a = sleeper(0.01, "a");
      Task<String> b = sleeper(0.15, "b");
      Task<String> c = sleeper(0.16, "c");
      List<String> log = loop.runUntilComplete(() -> {
        List<String> out = new ArrayList<>();
        for (Future<String> step : Combinators.asCompleted(List.of(a, b, c), Duration.ofMillis(120))) {
          try {
            out.add(step.await() + " at " + Weft.getRunningLoop().time());
          } catch (TimeoutError e) {
            out.add("timeout at " + Weft.getRunningLoop().time());
          }
        }
        return out;
      });

      assertThat(log).containsExactly("a at 0.01", "timeout at 0.12", "timeout at 0.12");
      assertThat(b.isCancelled()).isFalse();
      assertThat(loop.runUntilComplete(c)).isEqualTo("c");
      assertThat(b.result()).isEqualTo("b");
    }

    @Test
    void anInputFinishingAfterTheTimeout_isNoLongerWatched() {
      WaitTests.CountingFuture<String> late = new WaitTests.CountingFuture<>(loop);
      Iterable<Future<String>> steps = Combinators.asCompleted(List.of(late), Duration.ofMillis(10));
      Future<String> step = steps.iterator().next();

      assertThatThrownBy(() -> loop.runUntilComplete(() -> step.await())).isInstanceOf(TimeoutError.class);
      assertThat(late.registered).isZero();
      late.setResult("late");
      GatherTests.runReady(loop);
      assertThat(step.exception()).isInstanceOf(TimeoutError.class);
    }

    @Test
    void theTimer_isCancelledWhenEveryInputCompletesFirst() {
      Task<String> a = sleeper(0.01, "a");
      loop.runUntilComplete(() -> Combinators.<String>asCompleted(List.of(a), Duration.ofSeconds(10))
          .iterator().next().await());

      assertThat(loop.timerCount()).isZero();
      assertThat(loop.time()).isCloseTo(0.01, within(1e-9));
    }
  }

  // ============================================================================================================
  // Iteration and arguments
  // ============================================================================================================

  @Nested
  class Iteration {

    @Test
    void duplicates_collapse() {
      Future<String> c = loop.createFuture();
      Future<String> spam = loop.createFuture();
      c.setResult("c");
      spam.setResult("spam");
      List<Future<String>> steps = listOf(Combinators.asCompleted(List.of(c, c, spam)));

      assertThat(steps).hasSize(2);
      assertThat(loop.runUntilComplete(() -> Combinators.gather(steps).await())).containsExactly("c", "spam");
    }

    @Test
    void aSecondForEach_resumesWhereTheFirstStopped() {
      List<Future<Integer>> inputs = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Future<Integer> f = loop.createFuture();
        f.setResult(i);
        inputs.add(f);
      }
      Iterable<Future<Integer>> steps = Combinators.asCompleted(inputs);
      List<Integer> seen = loop.runUntilComplete(() -> {
        List<Integer> out = new ArrayList<>();
        for (Future<Integer> s : steps) {
          out.add(s.await());
          if (out.size() == 1) {
            break;
          }
        }
        for (Future<Integer> s : steps) {
          out.add(s.await());
        }
        return out;
      });

      assertThat(seen).containsExactly(0, 1, 2, 3);
    }

    @Test
    void next_afterTheLastStep_throwsNoSuchElement() {
      Future<Integer> f = loop.createFuture();
      Iterator<Future<Integer>> it = Combinators.<Integer>asCompleted(List.of(f)).iterator();
      it.next();

      assertThat(it.hasNext()).isFalse();
      assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void aStep_cannotBeCompletedByHand() {
      Future<Integer> f = loop.createFuture();
      Future<Integer> step = Combinators.<Integer>asCompleted(List.of(f)).iterator().next();

      assertThatThrownBy(() -> step.setResult(1)).isInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(() -> step.setException(new IllegalStateException()))
          .isInstanceOf(UnsupportedOperationException.class);
      f.setResult(2);
      assertThat(loop.runUntilComplete(step)).isEqualTo(2);
    }

    @Test
    void emptyInput_givesNoSteps_evenOutsideAnyLoop() {
      Iterable<Future<Object>> steps = Combinators.asCompleted(List.of(), Duration.ofSeconds(1));

      assertThat(steps.iterator().hasNext()).isFalse();
      assertThat(loop.timerCount()).isZero();
    }

    @Test
    void futuresOfDifferentLoops_throwIllegalArgument() {
      try (EventLoop other = EventLoop.createVirtual()) {
        Future<Integer> mine = loop.createFuture();
        Future<Integer> theirs = other.createFuture();

        assertThatThrownBy(() -> Combinators.asCompleted(List.of(mine, theirs)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("different loop");
      }
    }

    @Test
    void aNullFuture_throwsNullPointer() {
      List<Future<Integer>> fs = new ArrayList<>();
      fs.add(null);

      assertThatThrownBy(() -> Combinators.asCompleted(fs)).isInstanceOf(NullPointerException.class);
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
     * 200 seeds: 1 to 6 tasks that sleep random even numbers of milliseconds, then return or fail; a random odd
     * timeout or none; the steps are awaited in a random order of step objects. Invariant: the k-th await gets the
     * k-th completion, the inputs still pending at the timeout give TimeoutErrors, and no input is cancelled.
     */
    @Test
    void asCompleted_underRandomTimings_deliversCompletionsInOrderThenTimeouts() {
      for (long seed = 1; seed <= 200; seed++) {
        runSeed(seed);
      }
    }

    private void runSeed(long seed) {
      Random rng = new Random(seed);
      int n = 1 + rng.nextInt(6);
      Integer timeoutMs = rng.nextBoolean() ? 2 * rng.nextInt(30) + 1 : null;
      int[] ms = new int[n];
      boolean[] fails = new boolean[n];
      for (int i = 0; i < n; i++) {
        ms[i] = 2 * rng.nextInt(30);
        fails[i] = rng.nextInt(4) == 0;
      }
      EventLoop l = TaskTests.virtualLoop(carrierChoice);
      l.setExceptionHandler((x, ctx) -> reports.add(ctx));
      try (l) {
        List<Task<Integer>> tasks = new ArrayList<>();
        List<String> completions = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          int id = i;
          Task<Integer> t = l.createTask(() -> {
            Weft.sleep(Duration.ofMillis(ms[id]));
            if (fails[id]) {
              throw new IllegalStateException("t" + id);
            }
            return id;
          });
          t.addDoneCallback(f -> completions.add(fails[id] ? "error t" + id : "value " + id));
          tasks.add(t);
        }
        List<Integer> awaitOrder = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          awaitOrder.add(i);
        }
        Collections.shuffle(awaitOrder, rng);
        List<String> got = l.runUntilComplete(() -> {
          List<Future<Integer>> steps = listOf(Combinators.asCompleted(tasks,
              timeoutMs == null ? null : Duration.ofMillis(timeoutMs)));
          List<String> out = new ArrayList<>();
          for (int k : awaitOrder) {
            try {
              out.add("value " + steps.get(k).await());
            } catch (IllegalStateException e) {
              out.add("error " + e.getMessage());
            } catch (TimeoutError e) {
              out.add("timeout");
            }
          }
          return out;
        });
        l.runUntilComplete(() -> Weft.sleep(Duration.ofMillis(100), null));

        String where = "seed " + seed + " timeout " + timeoutMs + " ms " + java.util.Arrays.toString(ms);
        int inTime = 0;
        for (int m : ms) {
          if (timeoutMs == null || m < timeoutMs) {
            inTime++;
          }
        }
        List<String> expected = new ArrayList<>(completions.subList(0, inTime));
        while (expected.size() < n) {
          expected.add("timeout");
        }
        assertThat(got).as(where).isEqualTo(expected);
        for (int i = 0; i < n; i++) {
          assertThat(tasks.get(i).isCancelled()).as(where).isFalse();
          if (fails[i]) {
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

  @org.junit.jupiter.api.Test
  void aStepWhoseAwaiterIsCancelledAfterItTookACompletion_handsTheCompletionToTheNextStep() {
    Weft.run(() -> {
      EventLoop loop = Weft.getRunningLoop();
      Future<String> a = loop.createFuture();
      Future<String> b = loop.createFuture();
      java.util.Iterator<Future<String>> it = Weft.asCompleted(java.util.List.of(a, b), null).iterator();
      Future<String> first = it.next();
      Task<String> awaiter = Weft.createTask(first::await);
      Weft.sleep(Duration.ZERO); // the awaiter claims the first step
      // Runs right after asCompleted's own callback on a, in the iteration where the step takes "a": the awaiter is
      // cancelled after its step was resolved and before it resumes (the wake/cancel race).
      a.addDoneCallback(f -> awaiter.cancel());
      a.setResult("a");
      org.assertj.core.api.Assertions.assertThatThrownBy(awaiter::await).isInstanceOf(CancelledError.class);
      assertThat(first.isDone()).isTrue();
      assertThat(it.next().await()).isEqualTo("a"); // not lost
      org.assertj.core.api.Assertions.assertThatThrownBy(first::result).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("given up");
      b.setResult("b");
      return null;
    }, EventLoop::createVirtual);
  }

  // ============================================================================================================
  // The asynchronous-iteration form (asyncio 3.13's async for): the inputs themselves
  // ============================================================================================================

  @Nested
  class AsyncForm {

    @Test
    void yieldsTheInputFuturesThemselves_doneInCompletionOrder() {
      // CPython 3.13 test_as_completed_same_tasks_in_as_out (async for).
      Task<String> a = sleeper(0.03, "a");
      Task<String> b = sleeper(0.01, "b");
      Task<String> c = sleeper(0.02, "c");
      List<Future<String>> out = loop.runUntilComplete(() -> {
        List<Future<String>> got = new ArrayList<>();
        for (Future<String> f : Combinators.asCompletedAsync(List.of(a, b, c, b), null)) {
          assertThat(f.isDone()).isTrue();
          got.add(f);
        }
        return got;
      });
      assertThat(out).as("each distinct input once, as it completed").containsExactly(b, c, a);
      assertThat(out.get(0)).isSameAs(b);
    }

    @Test
    void afterTheTimeout_nextThrowsTimeoutError_andTheInputsAreNotCancelled() {
      Task<String> fast = sleeper(0.01, "fast");
      Task<String> slow = sleeper(10, "slow");
      List<String> log = loop.runUntilComplete(() -> {
        List<String> got = new ArrayList<>();
        try {
          for (Future<String> f : Combinators.asCompletedAsync(List.of(fast, slow), Duration.ofSeconds(1))) {
            got.add(f.result());
          }
        } catch (TimeoutError e) {
          got.add("TimeoutError at " + Weft.getRunningLoop().time());
        }
        return got;
      });
      assertThat(log).containsExactly("fast", "TimeoutError at 1.0");
      assertThat(slow.isDone()).as("not cancelled: it runs on").isFalse();
      assertThat(loop.runUntilComplete(slow)).isEqualTo("slow");
    }

    @Test
    void bodies_runInTasks_andTheTasksComeBack() {
      List<String> log = loop.runUntilComplete(() -> {
        List<String> got = new ArrayList<>();
        List<AsyncCallable<String>> bodies = List.of(() -> Weft.sleep(Duration.ofMillis(20), "x"),
            () -> Weft.sleep(Duration.ofMillis(10), "y"));
        for (Future<String> f : Combinators.asCompletedAsyncBodies(bodies, null)) {
          got.add((f instanceof Task<?> ? "task " : "future ") + f.result());
        }
        return got;
      });
      assertThat(log).containsExactly("task y", "task x");
    }

    @Test
    void anExceptionOrCancellation_isInTheFuture_notThrownByTheIteration() {
      Future<String> failing = loop.createFuture();
      Future<String> cancelled = loop.createFuture();
      loop.callLater(Duration.ofMillis(1), () -> failing.setException(new IllegalStateException("no")));
      loop.callLater(Duration.ofMillis(2), () -> cancelled.cancel());
      List<String> log = loop.runUntilComplete(() -> {
        List<String> got = new ArrayList<>();
        for (Future<String> f : Weft.asCompletedAsync(List.of(cancelled, failing), null)) {
          got.add(f.isCancelled() ? "cancelled" : f.exception().getMessage());
        }
        return got;
      });
      assertThat(log).containsExactly("no", "cancelled");
    }
  }
}
