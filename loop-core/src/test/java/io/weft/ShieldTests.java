package io.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * {@link Combinators#shield}: section SHIELD of the spec and the shield cases of CPython's
 * {@code test_tasks.py::BaseTaskTests}.
 *
 * <p>Every test runs on a loop on virtual time; the cancellation group and the schedule invariants run on both
 * coroutine carriers.
 */
class ShieldTests extends VirtualLoopFixture {

  // ============================================================================================================
  // Following the inner future
  // ============================================================================================================

  @Nested
  class Following {

    @Test
    void theOuterGetsTheInnersResult() {
      Future<Integer> inner = loop.createFuture();
      Future<Integer> outer = Combinators.shield(inner);
      GatherTests.runReady(loop);
      inner.setResult(42);
      GatherTests.runReady(loop);

      assertThat(outer.result()).isEqualTo(42);
    }

    @Test
    void theOuterGetsTheInnersException_asTheSameInstance() {
      Future<Integer> inner = loop.createFuture();
      Future<Integer> outer = Combinators.shield(inner);
      GatherTests.runReady(loop);
      IllegalStateException boom = new IllegalStateException("boom");
      inner.setException(boom);
      GatherTests.runReady(loop);

      assertThat(outer.exception()).isSameAs(boom);
      assertThat(inner.exceptionUnretrieved).isFalse();
    }

    @Test
    void cancellingTheInner_cancelsTheOuter() {
      Future<Integer> inner = loop.createFuture();
      Future<Integer> outer = Combinators.shield(inner);
      GatherTests.runReady(loop);
      inner.cancel();
      GatherTests.runReady(loop);

      assertThat(outer.isCancelled()).isTrue();
    }

    @Test
    void aDoneFuture_isReturnedAsIs() {
      Future<Integer> inner = loop.createFuture();
      inner.setResult(42);

      assertThat(Combinators.shield(inner)).isSameAs(inner);
    }

    @Test
    void theOuter_isAPlainFutureOnTheInnersLoop() {
      Future<Integer> inner = loop.createFuture();
      Future<Integer> outer = Combinators.shield(inner);

      assertThat(outer.loop()).isSameAs(loop);
      assertThat(outer.getClass()).isEqualTo(Future.class);
      inner.cancel();
    }

    @Test
    void aBody_runsInANewTask_shielded() {
      String r = loop.runUntilComplete(() -> Combinators.shield(() -> Weft.sleep(Duration.ofMillis(5), "body")).await());

      assertThat(r).isEqualTo("body");
    }

    @Test
    void aBody_outsideARunningLoop_throwsIllegalState() {
      assertThatThrownBy(() -> Combinators.shield(() -> "x"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("no running event loop");
    }

    @Test
    void aNullFuture_throwsNullPointer() {
      assertThatThrownBy(() -> Combinators.shield((Future<Object>) null)).isInstanceOf(NullPointerException.class);
    }
  }

  // ============================================================================================================
  // Cancelling the outer future (both carriers)
  // ============================================================================================================

  abstract class Cancellation extends OnCarrier {
    Cancellation(EventLoop.CarrierChoice carrier) {
      super(carrier);
    }

    @Test
    void cancellingTheAwaitingTask_raisesAtOnce_whileTheInnerRunsToItsEnd() {
      int[] proof = {0};
      Future<Void> waiter = loop.createFuture();
      List<Future<Void>> shielded = new ArrayList<>();
      Task<Void> f = loop.createTask(() -> {
        shielded.add(Combinators.shield(() -> {
          waiter.await();
          proof[0] += 1;
          return null;
        }));
        shielded.get(0).await();
        proof[0] += 100;
        return null;
      });
      GatherTests.runReady(loop);

      f.cancel();
      assertThatThrownBy(() -> loop.runUntilComplete(f)).isInstanceOf(CancelledError.class);
      assertThat(shielded.get(0).isCancelled()).as("the shield itself is cancelled").isTrue();
      waiter.setResult(null);
      GatherTests.runReady(loop);
      assertThat(proof[0]).isEqualTo(1);
    }

    @Test
    void cancellingTheOuter_leavesTheInnerRunning_andUnhooksFromIt() {
      WaitTests.CountingFuture<Integer> inner = new WaitTests.CountingFuture<>(loop);
      Future<Integer> outer = Combinators.shield(inner);
      GatherTests.runReady(loop);
      assertThat(inner.registered).isEqualTo(1);

      outer.cancel();
      GatherTests.runReady(loop);
      assertThat(outer.isCancelled()).isTrue();
      assertThat(inner.isCancelled()).isFalse();
      assertThat(inner.registered).isZero();
      assertThat(outer.removeDoneCallback(x -> { })).isZero();

      inner.setResult(1);
      GatherTests.runReady(loop);
      assertThat(inner.result()).isEqualTo(1);
    }

    @Test
    void afterTheOuterIsCancelled_aLaterInnerExceptionIsItsOwn_unretrieved() {
      // CPython test_shield_cancel_outer_exception: asyncio then logs it; nothing read it.
      Future<Integer> inner = loop.createFuture();
      Future<Integer> outer = Combinators.shield(inner);
      GatherTests.runReady(loop);
      outer.cancel();
      GatherTests.runReady(loop);

      inner.setException(new IllegalStateException("foo"));
      GatherTests.runReady(loop);
      assertThat(inner.exceptionUnretrieved).isTrue();
      inner.exception();
    }

    @Test
    void anInnerExceptionArrivingWithTheOuterCancel_isMarkedRetrieved() {
      Future<Integer> inner = loop.createFuture();
      Future<Integer> outer = Combinators.shield(inner);
      GatherTests.runReady(loop);

      outer.cancel();
      inner.setException(new IllegalStateException("foo")); // before the outer's callback could unhook
      GatherTests.runReady(loop);
      assertThat(outer.isCancelled()).isTrue();
      assertThat(inner.exceptionUnretrieved).isFalse();
    }

    @Test
    void shieldOfAGather_isCancelled_whileTheGatherStillCompletes() {
      Future<Integer> child1 = loop.createFuture();
      Future<Integer> child2 = loop.createFuture();
      Future<List<Integer>> parent = Combinators.gather(child1, child2);
      Future<List<Integer>> outer = Combinators.shield(parent);
      GatherTests.runReady(loop);

      outer.cancel();
      GatherTests.runReady(loop);
      assertThat(outer.isCancelled()).isTrue();
      child1.setResult(1);
      child2.setResult(2);
      GatherTests.runReady(loop);
      assertThat(parent.result()).containsExactly(1, 2);
    }

    @Test
    void gatherOfShields_cancelledCancelsOnlyTheShields() {
      Future<Integer> child1 = loop.createFuture();
      Future<Integer> child2 = loop.createFuture();
      Future<Integer> inner1 = Combinators.shield(child1);
      Future<Integer> inner2 = Combinators.shield(child2);
      Future<List<Integer>> parent = Combinators.gather(inner1, inner2);
      GatherTests.runReady(loop);

      assertThat(parent.cancel()).isTrue();
      GatherTests.runReady(loop);
      assertThat(parent.exception()).isInstanceOf(CancelledError.class);
      assertThat(inner1.isCancelled()).isTrue();
      assertThat(inner2.isCancelled()).isTrue();
      assertThat(child1.isDone()).isFalse();
      assertThat(child2.isDone()).isFalse();
      child1.setResult(1);
      child2.setResult(2);
      GatherTests.runReady(loop);
    }

    @Test
    void aShieldedTaskCancelledDirectly_cancelsTheAwaiter() {
      Task<String> inner = loop.createTask(() -> Weft.sleep(Duration.ofSeconds(1), "late"));
      Task<String> awaiter = loop.createTask(() -> Combinators.shield(inner).await());
      GatherTests.runReady(loop);
      inner.cancel("direct");

      assertThatThrownBy(() -> loop.runUntilComplete(awaiter)).isInstanceOf(CancelledError.class);
      assertThat(awaiter.isCancelled()).isTrue();
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
     * 200 seeds: 1 to 4 awaiters share one shielded inner task that sleeps an even number of milliseconds then
     * returns or fails; each awaiter is cancelled at a random odd time or never. Invariants: the inner task is never
     * cancelled and ends as planned; an awaiter cancelled before the inner ends raises CancelledError at that time;
     * the others get the inner's outcome.
     */
    @Test
    void shield_underRandomCancellations_neverLetsThemReachTheInner() {
      for (long seed = 1; seed <= 200; seed++) {
        runSeed(seed);
      }
    }

    private void runSeed(long seed) {
      Random rng = new Random(seed);
      int innerMs = 2 * rng.nextInt(30);
      boolean fails = rng.nextInt(3) == 0;
      int awaiters = 1 + rng.nextInt(4);
      EventLoop l = TaskTests.virtualLoop(carrierChoice);
      l.setExceptionHandler((x, ctx) -> reports.add(ctx));
      try (l) {
        Task<String> inner = l.createTask(() -> {
          Weft.sleep(Duration.ofMillis(innerMs));
          if (fails) {
            throw new IllegalStateException("inner failed");
          }
          return "inner";
        });
        List<Task<String>> tasks = new ArrayList<>();
        int[] cancelAt = new int[awaiters];
        double[] endedAt = new double[awaiters];
        for (int i = 0; i < awaiters; i++) {
          int id = i;
          cancelAt[i] = rng.nextBoolean() ? 2 * rng.nextInt(30) + 1 : -1;
          Task<String> t = l.createTask(() -> {
            try {
              return Combinators.shield(inner).await();
            } finally {
              endedAt[id] = Weft.getRunningLoop().time();
            }
          });
          if (cancelAt[i] >= 0) {
            l.callLater(Duration.ofMillis(cancelAt[i]), t::cancel);
          }
          tasks.add(t);
        }
        l.runUntilComplete(() -> Weft.sleep(Duration.ofMillis(100), null));

        String where = "seed " + seed + " innerMs " + innerMs + " cancelAt " + java.util.Arrays.toString(cancelAt);
        assertThat(inner.isCancelled()).as(where).isFalse();
        for (int i = 0; i < awaiters; i++) {
          Task<String> t = tasks.get(i);
          if (cancelAt[i] >= 0 && cancelAt[i] < innerMs) {
            assertThat(t.isCancelled()).as(where + " awaiter %d", i).isTrue();
            assertThat(endedAt[i]).as(where).isEqualTo(cancelAt[i] / 1000.0);
          } else if (fails) {
            assertThat(catchThrowable(t::result)).as(where).hasMessage("inner failed");
          } else {
            assertThat(t.result()).as(where).isEqualTo("inner");
          }
        }
        if (fails) {
          inner.exception();
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
