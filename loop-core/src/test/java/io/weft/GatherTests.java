package io.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * {@link Combinators#gather}: section GATHER of the spec and CPython's {@code test_tasks.py::GatherTestsBase},
 * {@code FutureGatherTests}, {@code CoroutineGatherTests} and the gather cases of {@code BaseTaskTests}.
 *
 * <p>Every test runs on a loop on virtual time. The cancellation group and the schedule invariants run on both
 * coroutine carriers.
 */
class GatherTests extends VirtualLoopFixture {

  /** Runs iterations until nothing is ready (timers are left alone). */
  static void runReady(EventLoop loop) {
    do {
      TaskTests.runOnce(loop);
    } while (loop.readyCount() > 0);
  }

  /** Counts done callbacks, as asyncio's tests do with a MockCallback. */
  static final class CallCount<T> implements java.util.function.Consumer<Future<T>> {
    final List<Future<T>> calls = new ArrayList<>();

    @Override
    public void accept(Future<T> f) {
      calls.add(f);
    }
  }

  // ============================================================================================================
  // Results
  // ============================================================================================================

  @Nested
  class Results {

    @Test
    void childrenAlreadyDone_areTakenAtOnce_soAGatherOfDoneChildrenIsDoneWhenReturned() {
      // asyncio 3.12+ (gather's done_futs): a child that is done when gather() is called goes through the done
      // callback synchronously, after the outer future exists; if every child is, the outer is done on return and
      // awaiting it does not give up the loop.
      Future<Integer> one = loop.createFuture();
      Future<Integer> two = loop.createFuture();
      one.setResult(1);
      two.setResult(2);
      Future<List<Integer>> both = Combinators.gather(List.of(one, two, one));
      assertThat(both.isDone()).isTrue();
      assertThat(both.result()).containsExactly(1, 2, 1);

      Future<Integer> failed = loop.createFuture();
      RuntimeException error = new IllegalStateException("failed first");
      failed.setException(error);
      Future<Integer> pending = loop.createFuture();
      Future<List<Integer>> failing = Combinators.gather(List.of(pending, failed));
      assertThat(failing.isDone()).as("a done child's exception ends the gather at once").isTrue();
      assertThat(failing.exception()).isSameAs(error);

      Future<List<Integer>> waiting = Combinators.gather(List.of(one, pending));
      assertThat(waiting.isDone()).as("a pending child keeps it pending").isFalse();
      pending.setResult(3);
      assertThat(loop.runUntilComplete(waiting)).containsExactly(1, 3);
    }

    @Test
    void results_comeInArgumentOrder_andTheOuterWaitsForTheLastChild() {
      Future<Integer> a = loop.createFuture();
      Future<Integer> b = loop.createFuture();
      Future<Integer> c = loop.createFuture();
      Future<List<Integer>> outer = Combinators.gather(a, b, c);
      CallCount<List<Integer>> cb = new CallCount<>();
      outer.addDoneCallback(cb);

      b.setResult(1);
      a.setResult(2);
      runReady(loop);
      assertThat(outer.isDone()).isFalse();
      assertThat(cb.calls).isEmpty();

      c.setResult(3);
      runReady(loop);
      assertThat(cb.calls).containsExactly(outer);
      assertThat(outer.result()).containsExactly(2, 1, 3);
    }

    @Test
    void returnExceptions_withNoFailures_givesThePlainResults() {
      Future<Integer> a = loop.createFuture();
      Future<Integer> b = loop.createFuture();
      Future<List<Object>> outer = Combinators.gather(true, a, b);
      b.setResult(1);
      a.setResult(2);
      runReady(loop);

      assertThat(outer.result()).containsExactly(2, 1);
    }

    @Test
    void returnExceptions_putsEachExceptionInItsChildsPlace() {
      Future<Integer> a = loop.createFuture();
      Future<Integer> b = loop.createFuture();
      Future<Integer> c = loop.createFuture();
      Future<Integer> d = loop.createFuture();
      Future<List<Object>> outer = Combinators.gather(true, List.of(a, b, c, d));
      RuntimeException exc = new ArithmeticException("zero");
      IllegalStateException exc2 = new IllegalStateException("runtime");

      b.setResult(1);
      c.setException(exc);
      a.setResult(3);
      runReady(loop);
      assertThat(outer.isDone()).isFalse();

      d.setException(exc2);
      runReady(loop);
      List<Object> res = outer.result();
      assertThat(res).hasSize(4);
      assertThat(res.subList(0, 2)).containsExactly(3, 1);
      assertThat(res.get(2)).isSameAs(exc);
      assertThat(res.get(3)).isSameAs(exc2);
      assertThat(c.exceptionUnretrieved).as("c's exception is retrieved").isFalse();
    }

    @Test
    void returnExceptions_aCancelledChildsPlaceHoldsANewCancelledErrorWithItsMessage() {
      List<Future<Integer>> fs = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        fs.add(loop.createFuture());
      }
      Future<List<Object>> outer = Combinators.gather(true, fs);
      RuntimeException zde = new ArithmeticException();
      RuntimeException rte = new IllegalStateException();
      fs.get(0).setResult(1);
      fs.get(1).setException(zde);
      fs.get(2).cancel("two");
      runReady(loop);
      assertThat(outer.isDone()).isFalse();

      fs.get(3).setResult(3);
      fs.get(4).cancel();
      fs.get(5).setException(rte);
      List<Object> res = loop.runUntilComplete(outer);

      assertThat((Throwable) res.get(2)).isInstanceOf(CancelledError.class).hasMessage("two");
      assertThat(res.get(2)).isNotSameAs(catchThrowable(() -> fs.get(2).result()));
      assertThat(res.get(4)).isInstanceOf(CancelledError.class);
      assertThat(((Throwable) res.get(4)).getMessage()).isNull();
      assertThat(res.get(0)).isEqualTo(1);
      assertThat(res.get(1)).isSameAs(zde);
      assertThat(res.get(3)).isEqualTo(3);
      assertThat(res.get(5)).isSameAs(rte);
      assertThat(outer.isCancelled()).isFalse();
    }

    @Test
    void nullResults_keepTheirPlaces_andTheListIsMutable() {
      Future<String> a = loop.createFuture();
      Future<String> b = loop.createFuture();
      Future<List<String>> outer = Combinators.gather(a, b);
      a.setResult(null);
      b.setResult("b");

      List<String> res = loop.runUntilComplete(outer);
      assertThat(res).containsExactly(null, "b");
      res.add("c");
      assertThat(res).hasSize(3);
    }

    @Test
    void tasksAndFutures_mix_andATaskIsAwaitedLikeAnyFuture() {
      Future<String> fut = loop.createFuture();
      String joined = loop.runUntilComplete(() -> {
        Task<String> t = Weft.createTask(() -> Weft.sleep(Duration.ofMillis(10), "task"));
        loop.callLater(Duration.ofMillis(20), () -> fut.setResult("future"));
        return String.join("+", Combinators.gather(List.of(fut, t)).await());
      });

      assertThat(joined).isEqualTo("future+task");
      assertThat(loop.time()).isEqualTo(0.02);
    }

    @Test
    void gatherBodies_runsEachBodyInATask_inArgumentOrder() {
      List<String> log = new ArrayList<>();
      List<Integer> res = loop.runUntilComplete(() -> Combinators.<Integer>gatherBodies(
          () -> {
            log.add("a starts in " + Task.current().getName());
            return Weft.sleep(Duration.ofMillis(20), 1);
          },
          () -> {
            log.add("b starts in " + Task.current().getName());
            return Weft.sleep(Duration.ofMillis(10), 2);
          }).await());

      assertThat(res).containsExactly(1, 2);
      assertThat(log).containsExactly("a starts in Task-2", "b starts in Task-3");
    }
  }

  // ============================================================================================================
  // A child fails
  // ============================================================================================================

  @Nested
  class ChildFailure {

    @Test
    void firstException_finishesTheOuter_andTheOthersAreNotCancelled() {
      List<Future<Integer>> fs = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        fs.add(loop.createFuture());
      }
      Future<List<Integer>> outer = Combinators.gather(fs);
      CallCount<List<Integer>> cb = new CallCount<>();
      outer.addDoneCallback(cb);
      ArithmeticException exc = new ArithmeticException();

      fs.get(0).setResult(1);
      fs.get(1).setException(exc);
      runReady(loop);

      assertThat(outer.isDone()).isTrue();
      assertThat(cb.calls).containsExactly(outer);
      assertThat(outer.exception()).isSameAs(exc);
      assertThat(fs.subList(2, 5)).allSatisfy(f -> assertThat(f.isDone()).isFalse());

      // Does nothing to the outer future.
      fs.get(2).setResult(3);
      fs.get(3).cancel();
      fs.get(4).setException(new IllegalStateException());
      runReady(loop);
      assertThat(outer.exception()).isSameAs(exc);
      assertThat(cb.calls).hasSize(1);
    }

    @Test
    void laterExceptionsOfChildren_areMarkedRetrieved() {
      Future<Void> a = loop.createFuture();
      Future<Void> b = loop.createFuture();
      Task<Void> ta = loop.createTask(() -> {
        a.await();
        throw new IllegalStateException("a: should not be ignored");
      });
      Task<Void> tb = loop.createTask(() -> {
        b.await();
        throw new IllegalStateException("b: should not be ignored");
      });
      Task<List<Void>> outer = loop.createTask(() -> Combinators.gather(ta, tb).await());
      runReady(loop);

      a.setResult(null);
      runReady(loop);
      b.setResult(null);
      runReady(loop);

      assertThat(outer.exception()).hasMessage("a: should not be ignored");
      assertThat(tb.isDone()).isTrue();
      assertThat(tb.ref.unretrieved).as("tb's exception, given up on, is retrieved").isNull();
      assertThat(tb.exceptionUnretrieved).isFalse();
    }

    @Test
    void aFailingChild_doesNotCancelItsSiblings_whichRunToTheirEnd() {
      List<String> log = new ArrayList<>();
      Throwable thrown = catchThrowable(() -> loop.runUntilComplete(() -> Combinators.<String>gatherBodies(
          () -> {
            Weft.sleep(Duration.ofMillis(10));
            throw new IllegalArgumentException("boom");
          },
          () -> {
            Weft.sleep(Duration.ofMillis(30));
            log.add("sibling finished at " + Weft.getRunningLoop().time());
            return "late";
          }).await()));
      assertThat(thrown).isInstanceOf(IllegalArgumentException.class).hasMessage("boom");
      assertThat(loop.time()).isEqualTo(0.01);
      assertThat(log).isEmpty();

      Task<?> sibling = loop.allTasks().iterator().next();
      assertThat(loop.runUntilComplete(sibling)).isEqualTo("late");
      assertThat(log).containsExactly("sibling finished at 0.03");
    }

    @Test
    void aChildCancelledDirectly_makesTheOuterDoneWithItsCancelledError_butNotCancelled() {
      List<Future<Integer>> fs = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        fs.add(loop.createFuture());
      }
      Future<List<Integer>> outer = Combinators.gather(fs);
      CallCount<List<Integer>> cb = new CallCount<>();
      outer.addDoneCallback(cb);

      fs.get(0).setResult(1);
      fs.get(1).cancel("child b");
      runReady(loop);

      assertThat(outer.isDone()).isTrue();
      assertThat(outer.isCancelled()).isFalse();
      assertThat(cb.calls).containsExactly(outer);
      assertThat(outer.exception())
          .isInstanceOf(CancelledError.class)
          .hasMessage("child b")
          .isSameAs(catchThrowable(() -> fs.get(1).result()));

      fs.get(2).setResult(3);
      fs.get(3).cancel();
      fs.get(4).setException(new IllegalStateException());
      runReady(loop);
      assertThat(fs.get(4).exceptionUnretrieved).isFalse();
      assertThat(cb.calls).hasSize(1);
    }

    @Test
    void aTaskAwaitingGather_whoseChildIsCancelled_endsCancelled() {
      Future<Integer> child = loop.createFuture();
      Task<List<Integer>> waiter = loop.createTask(() -> Combinators.gather(child).await());
      runReady(loop);
      child.cancel("gone");

      assertThatThrownBy(() -> loop.runUntilComplete(waiter)).isInstanceOf(CancelledError.class).hasMessage("gone");
      assertThat(waiter.isCancelled()).isTrue();
    }
  }

  // ============================================================================================================
  // Construction
  // ============================================================================================================

  @Nested
  class Construction {

    @Test
    void gatherOfNothing_isAFutureOnTheRunningLoop_alreadyDoneWithAnEmptyList() {
      Future<List<Object>> outer = loop.runUntilComplete(() -> Combinators.gather());

      assertThat(outer.loop()).isSameAs(loop);
      assertThat(outer.isDone()).isTrue();
      assertThat(outer.result()).isEmpty();
      assertThat(outer.cancel()).isFalse();
    }

    @Test
    void gatherOfNothing_outsideARunningLoop_throwsIllegalState() {
      assertThatThrownBy(() -> Combinators.gather(List.of()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("no running event loop");
    }

    @Test
    void theSameBodyTwice_runsOnce_andItsResultIsRepeated() {
      AtomicInteger runs = new AtomicInteger();
      AsyncCallable<String> c = () -> {
        runs.incrementAndGet();
        return "abc";
      };
      AsyncCallable<String> d = () -> "def";

      List<String> res = loop.runUntilComplete(() -> Combinators.gatherBodies(List.of(c, c, d, c)).await());

      assertThat(res).containsExactly("abc", "abc", "def", "abc");
      assertThat(runs).hasValue(1);
    }

    @Test
    void theSameFutureTwice_isWatchedOnce_andItsResultIsRepeated() {
      Future<String> a = loop.createFuture();
      Future<String> b = loop.createFuture();
      Future<List<String>> outer = Combinators.gather(a, a, b);
      a.setResult("a");
      runReady(loop);
      assertThat(outer.isDone()).as("a counts once: b is still missing").isFalse();

      b.setResult("b");
      assertThat(loop.runUntilComplete(outer)).containsExactly("a", "a", "b");
    }

    @Test
    void futuresOfDifferentLoops_throwIllegalArgument_beforeRegisteringAnything() {
      try (EventLoop other = EventLoop.createVirtual()) {
        Future<Integer> mine = loop.createFuture();
        Future<Integer> theirs = other.createFuture();

        assertThatThrownBy(() -> Combinators.gather(mine, theirs))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("futures[1]")
            .hasMessageContaining("different loop");

        mine.setException(new IllegalStateException());
        runReady(loop);
        assertThat(mine.exceptionUnretrieved).as("no gather callback touched it").isTrue();
        mine.exception();
      }
    }

    @Test
    void futuresOfAnotherLoop_gatheredOutsideAnyLoop_giveAnOuterOnThatLoop() {
      try (EventLoop other = EventLoop.createVirtual()) {
        List<Future<Integer>> children = List.of(other.createFuture(), other.createFuture());
        Future<List<Integer>> outer = Combinators.gather(children);

        assertThat(outer.loop()).isSameAs(other);
        children.get(0).setResult(1);
        children.get(1).setResult(2);
        assertThat(other.runUntilComplete(outer)).containsExactly(1, 2);
      }
    }

    @Test
    void aNullFuture_throwsNullPointerNamingItsIndex() {
      Future<Integer> a = loop.createFuture();
      List<Future<Integer>> fs = new ArrayList<>();
      fs.add(a);
      fs.add(null);

      assertThatThrownBy(() -> Combinators.gather(fs))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("futures[1] must not be null");
    }

    @Test
    void aNullBody_throwsNullPointer_beforeAnyTaskIsCreated() {
      int tasksAfter = loop.runUntilComplete(() -> {
        List<AsyncCallable<Integer>> bodies = new ArrayList<>();
        bodies.add(() -> 1);
        bodies.add(null);
        assertThatThrownBy(() -> Combinators.gatherBodies(bodies))
            .isInstanceOf(NullPointerException.class)
            .hasMessage("bodies[1] must not be null");
        return Weft.allTasks().size();
      });

      assertThat(tasksAfter).as("only the main task").isEqualTo(1);
    }

    @Test
    void gatherBodies_outsideARunningLoop_throwsIllegalState() {
      assertThatThrownBy(() -> Combinators.gatherBodies(() -> 1))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("no running event loop");
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
    void cancellingTheAwaitingTask_cancelsEveryChild_andTheGatherRefusesALaterCancel() {
      int[] proof = {0};
      Future<Void> waiter = loop.createFuture();
      AsyncCallable<Void> inner = () -> {
        waiter.await();
        proof[0] += 1;
        return null;
      };
      Task<Void> child1 = loop.createTask(inner);
      Task<Void> child2 = loop.createTask(inner);
      List<Future<List<Void>>> gatherer = new ArrayList<>();
      Task<Void> outer = loop.createTask(() -> {
        gatherer.add(Combinators.gather(child1, child2));
        gatherer.get(0).await();
        proof[0] += 100;
        return null;
      });
      runReady(loop);

      assertThat(outer.cancel()).isTrue();
      assertThatThrownBy(() -> loop.runUntilComplete(outer)).isInstanceOf(CancelledError.class);
      assertThat(gatherer.get(0).cancel()).isFalse();
      assertThat(waiter.isCancelled()).isTrue();
      assertThat(child1.isCancelled()).isTrue();
      assertThat(child2.isCancelled()).isTrue();
      runReady(loop);
      assertThat(proof[0]).isZero();
      assertThat(outer.isCancelled()).isTrue();
    }

    @Test
    void cancel_afterEveryChildIsDoneButBeforeTheOuterHeard_returnsFalse_andKeepsTheResult() {
      // asyncio bpo-26923: gather must not drop the cancellation... nor accept one it cannot honour.
      Future<Integer> fut = loop.createFuture();
      Future<List<Integer>> gathering = loop.runUntilComplete(() -> Combinators.gatherBodies(fut::await));
      Boolean[] cancelResult = {null};
      fut.addDoneCallback(f -> cancelResult[0] = gathering.cancel());

      fut.setResult(42); // the child's wake-up runs before the callback above, so the child is done by then

      assertThat(loop.runUntilComplete(gathering)).containsExactly(42);
      assertThat(cancelResult[0]).isFalse();
      assertThat(gathering.isCancelled()).isFalse();
    }

    @Test
    void cancel_onADoneGather_returnsFalse() {
      Future<Integer> a = loop.createFuture();
      Future<List<Integer>> outer = Combinators.gather(a);
      a.setResult(1);
      runReady(loop);

      assertThat(outer.cancel()).isFalse();
      assertThat(outer.result()).containsExactly(1);
    }

    @Test
    void cancel_reachesEveryPendingChildWithTheMessage_andTheOuterEndsOnlyWhenTheyHave() {
      Future<Integer> a = loop.createFuture();
      Future<Integer> b = loop.createFuture();
      Future<Integer> done = loop.createFuture();
      done.setResult(0);
      Future<List<Integer>> outer = Combinators.gather(a, b, done);

      assertThat(outer.cancel("stop")).isTrue();
      assertThat(outer.isDone()).as("done only when a child's cancellation has been heard").isFalse();
      assertThat(a.cancelMessage()).isEqualTo("stop");
      assertThat(b.cancelMessage()).isEqualTo("stop");

      runReady(loop);
      assertThat(outer.isDone()).isTrue();
      assertThat(outer.isCancelled()).as("asyncio sets a CancelledError exception, it does not cancel").isFalse();
      assertThat(outer.exception()).isInstanceOf(CancelledError.class).hasMessage("stop");
    }

    @Test
    void cancel_withNoPendingChild_returnsFalse_andTheGatherStillCompletes() {
      Future<Integer> a = loop.createFuture();
      Future<List<Integer>> outer = Combinators.gather(a);
      a.setResult(7);

      assertThat(outer.cancel()).isFalse();
      assertThat(loop.runUntilComplete(outer)).containsExactly(7);
    }

    @Test
    void cancel_withReturnExceptions_stillEndsTheAwaiterWithTheMessage() {
      // CPython test_cancel_gather_2: the cancellation propagates whatever returnExceptions says.
      Task<Void> qwe = loop.createTask(() -> {
        double time = 0;
        while (true) {
          time += 0.05;
          Combinators.gatherBodies(true, () -> Weft.sleep(Duration.ofMillis(50), null)).await();
          if (time > 1) {
            return null;
          }
        }
      });
      Throwable thrown = catchThrowable(() -> loop.runUntilComplete(() -> {
        Weft.sleep(Duration.ofMillis(200));
        qwe.cancel("my message");
        return qwe.await();
      }));

      assertThat(thrown).isInstanceOf(CancelledError.class).hasMessage("my message");
      assertThat(qwe.isCancelled()).isTrue();
    }

    @Test
    void cancel_whenChildrenSwallowIt_stillEndsTheGatherWithCancelledError_withoutTheMessage() {
      // asyncio issue 32684: once a child took the request, the outcome is a cancellation. It is the last child's
      // _make_cancelled_error(): that child was not cancelled, so a CancelledError() with no message (CPython 3.11 to
      // main print CancelledError() for both the gather's exception and the awaiting task's).
      List<Future<List<Object>>> gathering = new ArrayList<>();
      Task<List<Object>> waiter = loop.createTask(() -> {
        gathering.add(Combinators.gatherBodies(true, () -> {
          try {
            return Weft.sleep(Duration.ofMillis(10), "slept");
          } catch (CancelledError e) {
            return "swallowed";
          }
        }));
        return gathering.get(0).await();
      });
      runReady(loop);

      assertThat(waiter.cancel("outer")).isTrue();
      assertThatThrownBy(() -> loop.runUntilComplete(waiter)).isInstanceOf(CancelledError.class)
          .hasMessage(null);
      assertThat(gathering.get(0).exception()).isInstanceOf(CancelledError.class).hasMessage(null);
      assertThat(gathering.get(0).isCancelled()).isFalse();
    }

    @Test
    void cancel_asksAChildGivenTwiceTwice_asAsyncioDoes() {
      Task<Void> child = loop.createTask(() -> {
        Weft.sleep(Duration.ofSeconds(1));
        return null;
      });
      runReady(loop);
      Future<List<Void>> outer = Combinators.gather(child, child);

      assertThat(outer.cancel()).isTrue();
      assertThat(child.cancelling()).isEqualTo(2);
      runReady(loop);
      assertThat(child.isCancelled()).isTrue();
      assertThat(outer.exception()).isInstanceOf(CancelledError.class);
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
     * 200 seeds, each a gather of 1 to 6 tasks that sleep random times then return, fail, or are cancelled directly;
     * the awaiting task is sometimes cancelled at a random time. Invariants: results are in argument order; with
     * returnExceptions off the outcome is the first failure in completion order; a failure never cancels a sibling;
     * only an outer cancellation cancels children; every child's exception ends up retrieved; the outer completes
     * exactly once.
     */
    @Test
    void gather_underRandomTimings_keepsOrderFailureAndCancellationRules() {
      for (long seed = 1; seed <= 200; seed++) {
        runSeed(seed);
      }
    }

    private void runSeed(long seed) {
      Random rng = new Random(seed);
      int n = 1 + rng.nextInt(6);
      boolean returnExceptions = rng.nextBoolean();
      int outerCancelAt = rng.nextInt(3) == 0 ? rng.nextInt(60) : -1;
      int[] kind = new int[n]; // 0 result, 1 failure, 2 cancelled directly
      int[] sleepMs = new int[n];
      for (int i = 0; i < n; i++) {
        kind[i] = rng.nextInt(5) < 3 ? 0 : rng.nextInt(2) + 1;
        sleepMs[i] = rng.nextInt(50);
      }
      List<Integer> completionOrder = new ArrayList<>();
      int[] outerCallbacks = {0};
      List<Task<Integer>> children = new ArrayList<>();
      EventLoop l = TaskTests.virtualLoop(carrierChoice);
      l.setExceptionHandler((x, ctx) -> reports.add(ctx));
      try (l) {
        Task<Object> main = l.createTask(() -> {
          for (int i = 0; i < n; i++) {
            int id = i;
            Task<Integer> t = Weft.createTask(() -> {
              Weft.sleep(Duration.ofMillis(sleepMs[id]));
              if (kind[id] == 1) {
                throw new IllegalStateException("child " + id);
              }
              if (kind[id] == 2) {
                Task.current().cancel("child " + id);
                Weft.sleep(Duration.ZERO);
              }
              return id * 10;
            });
            t.addDoneCallback(f -> completionOrder.add(id));
            children.add(t);
          }
          Future<List<Object>> outer = Combinators.gather(returnExceptions, children);
          outer.addDoneCallback(f -> outerCallbacks[0]++);
          return outer.await();
        });
        boolean[] cancelAccepted = {false};
        if (outerCancelAt >= 0) {
          l.callLater(Duration.ofMillis(outerCancelAt), () -> cancelAccepted[0] = main.cancel("outer"));
        }
        Throwable thrown = catchThrowable(() -> l.runUntilComplete(main));
        // Let the children the outer gave up on finish, then check the bookkeeping.
        // (without reading their outcomes: running the loop past the last child's end is enough).
        l.runUntilComplete(() -> Weft.sleep(Duration.ofMillis(100), null));
        assertThat(children).allSatisfy(t -> assertThat(t.isDone()).isTrue());

        String where = "seed " + seed + " kinds " + java.util.Arrays.toString(kind) + " sleeps "
            + java.util.Arrays.toString(sleepMs) + " rx=" + returnExceptions + " cancelAt=" + outerCancelAt;
        assertThat(outerCallbacks[0]).as(where).isEqualTo(1);
        for (int i = 0; i < n; i++) {
          Task<Integer> t = children.get(i);
          assertThat(t.ref.unretrieved).as(where + " child %d retrieved", i).isNull();
          if (t.isCancelled() && kind[i] != 2) {
            assertThat(cancelAccepted[0]).as(where + " only the outer cancel cancels child %d", i).isTrue();
          }
        }
        if (cancelAccepted[0]) {
          assertThat(main.isCancelled()).as(where + " an accepted cancel ends the awaiting task").isTrue();
          return;
        }
        if (returnExceptions) {
          assertThat(thrown).as(where).isNull();
          @SuppressWarnings("unchecked")
          List<Object> res = (List<Object>) main.result();
          assertThat(res).as(where).hasSize(n);
          for (int i = 0; i < n; i++) {
            Object r = res.get(i);
            switch (kind[i]) {
              case 0 -> assertThat(r).as(where).isEqualTo(i * 10);
              case 1 -> assertThat(r).as(where).isInstanceOf(IllegalStateException.class).hasToString(
                  "java.lang.IllegalStateException: child " + i);
              default -> assertThat(r).as(where).isInstanceOf(CancelledError.class);
            }
          }
        } else {
          int firstBad = completionOrder.stream().filter(i -> kind[i] != 0).findFirst().orElse(-1);
          if (firstBad < 0) {
            assertThat(thrown).as(where).isNull();
            List<Object> expected = new ArrayList<>();
            for (int i = 0; i < n; i++) {
              expected.add(i * 10);
            }
            assertThat(main.result()).as(where).isEqualTo(expected);
          } else {
            assertThat(thrown).as(where).hasMessage("child " + firstBad);
            for (int i = 0; i < n; i++) {
              if (kind[i] == 0) {
                assertThat(children.get(i).isCancelled()).as(where + " sibling %d not cancelled", i).isFalse();
              }
            }
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
