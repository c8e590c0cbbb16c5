package io.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.weft.internal.Carrier;
import io.weft.internal.Sneaky;
import io.weft.spi.VirtualClock;
import io.weft.spi.VirtualPoller;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Tasks: section TASK of the spec and CPython's {@code test_tasks.py::BaseTaskTests} where it applies to Java.
 *
 * <p>Every test runs on a loop on virtual time. The cancellation and ordering groups run on both coroutine carriers
 * (each is an abstract group with one subclass per carrier); the other groups use the default carrier.
 */
class TaskTests {

  /** Which carrier the loop of this test uses; a carrier-specific group sets it in its constructor. */
  EventLoop.CarrierChoice carrierChoice = EventLoop.CarrierChoice.AUTO;
  EventLoop loop;
  final List<ExceptionContext> reports = new ArrayList<>();

  @BeforeEach
  void createLoop() {
    if (carrierChoice == EventLoop.CarrierChoice.LOOP_SCHEDULED) {
      assumeTrue(Carrier.loopScheduledAvailable(), "the loop-scheduled carrier needs --add-opens java.base/java.lang");
    }
    loop = virtualLoop(carrierChoice);
    loop.setExceptionHandler((l, ctx) -> reports.add(ctx));
  }

  @AfterEach
  void closeLoop() {
    if (loop != null) {
      loop.close();
    }
  }

  static EventLoop virtualLoop(EventLoop.CarrierChoice carrier) {
    VirtualClock clock = new VirtualClock();
    return EventLoop.builder().clock(clock).poller(new VirtualPoller(clock)).carrier(carrier).build();
  }

  /** Runs exactly one iteration: a stop requested before runForever makes it run one. */
  static void runOnce(EventLoop loop) {
    loop.stop();
    loop.runForever();
  }

  /** A group whose tests run on one chosen carrier. */
  abstract class OnCarrier {
    OnCarrier(EventLoop.CarrierChoice carrier) {
      carrierChoice = carrier;
    }

    @Test
    void loop_usesTheChosenCarrier() {
      String expected = carrierChoice == EventLoop.CarrierChoice.BATON ? "baton" : "loop";
      assertThat(loop.carrierName()).isEqualTo(expected);
    }
  }

  // ============================================================================================================
  // Creation
  // ============================================================================================================

  @Nested
  class Creation {

    @Test
    void taskCreatedOutsideTheLoop_doesNotRunUntilTheLoopRuns() {
      List<String> log = new ArrayList<>();
      Task<Void> t = loop.createTask(() -> {
        log.add("ran");
      });

      assertThat(log).isEmpty();
      assertThat(t.phase()).isEqualTo(Task.Phase.CREATED);

      runOnce(loop);
      assertThat(log).containsExactly("ran");
      assertThat(t.isDone()).isTrue();
    }

    @Test
    void names_areTaskN_countedPerLoopFromOne() {
      Task<String> a = loop.createTask(() -> "a");
      Task<String> b = loop.createTask(() -> "b");
      try (EventLoop other = EventLoop.createVirtual()) {
        Task<String> c = other.createTask(() -> "c");
        assertThat(c.getName()).isEqualTo("Task-1");
        c.cancel();
      }

      assertThat(a.getName()).isEqualTo("Task-1");
      assertThat(b.getName()).isEqualTo("Task-2");
      assertThat(loop.createTask(() -> "named", "worker", null).getName()).isEqualTo("worker");
      assertThat(loop.createTask(() -> "d").getName()).isEqualTo("Task-4");
    }

    @Test
    void setName_storesStringValueOf() {
      Task<String> t = loop.createTask(() -> "x");

      t.setName(42);
      assertThat(t.getName()).isEqualTo("42");
      assertThat(t.toString()).contains("name='42'");

      t.setName(null);
      assertThat(t.getName()).isEqualTo("null");
    }

    @Test
    void setResultAndSetException_onATask_throwUnsupportedOperationException() {
      Task<String> t = loop.createTask(() -> "x");

      assertThatThrownBy(() -> t.setResult("y")).isInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(() -> t.setException(new RuntimeException())).isInstanceOf(UnsupportedOperationException.class);
      assertThat(t.isDone()).isFalse();
      assertThat(loop.runUntilComplete(t)).isEqualTo("x");
    }

    @Test
    void taskAwaitingItself_throwsIllegalStateException() {
      Task<Object> t = loop.createTask(() -> Task.current().await());

      assertThatThrownBy(() -> loop.runUntilComplete(t)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("cannot await on itself");
    }

    @Test
    void await_outsideAnyTask_throwsIllegalStateException() {
      Future<String> f = loop.createFuture();

      assertThatThrownBy(f::await).isInstanceOf(IllegalStateException.class).hasMessageContaining("task");
    }

    @Test
    void await_inACallbackOnTheLoopThread_throwsIllegalStateException() {
      Future<String> f = loop.createFuture();
      List<Throwable> errors = new ArrayList<>();
      loop.callSoon(() -> errors.add(catchThrowable(f::await)));

      runOnce(loop);

      assertThat(errors).singleElement().isInstanceOf(IllegalStateException.class);
      assertThat(errors.get(0)).hasMessageContaining("callback");
    }

    @Test
    void awaitingAFutureOfAnotherLoop_throwsIllegalStateException() {
      try (EventLoop other = EventLoop.createVirtual()) {
        Future<String> foreign = other.createFuture();

        assertThatThrownBy(() -> loop.runUntilComplete(foreign::await)).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("different loop");
        assertThat(foreign.isDone()).isFalse();
      }
    }

    @Test
    void runUntilComplete_withATaskOfAnotherLoop_throwsIllegalArgumentException() {
      try (EventLoop other = EventLoop.createVirtual()) {
        Task<String> foreign = other.createTask(() -> "x");

        assertThatThrownBy(() -> loop.runUntilComplete(foreign)).isInstanceOf(IllegalArgumentException.class);
        foreign.cancel();
      }
    }

    @Test
    void createTask_onAClosedLoop_throwsIllegalStateException() {
      loop.close();

      assertThatThrownBy(() -> loop.createTask(() -> "x")).isInstanceOf(IllegalStateException.class)
          .hasMessage("Event loop is closed");
    }

    @Test
    void createTask_withNullBody_throwsNullPointerException() {
      assertThatThrownBy(() -> loop.createTask((AsyncCallable<String>) null))
          .isInstanceOf(NullPointerException.class);
    }

    @Test
    void weftCreateTask_withoutARunningLoop_throwsIllegalStateException() {
      assertThatThrownBy(() -> Weft.createTask(() -> "x")).isInstanceOf(IllegalStateException.class)
          .hasMessage("no running event loop");
    }

    @Test
    void bodyReturningAFuture_getsThatFutureAsItsResult_withoutAwaitingIt() {
      Future<String> pending = loop.createFuture();

      Future<String> result = loop.runUntilComplete(() -> pending);

      assertThat(result).isSameAs(pending);
      assertThat(pending.isDone()).isFalse();
    }

    @Test
    void weftCreateTask_insideATask_createsATaskOnTheSameLoop() {
      Task<?> child = loop.runUntilComplete(() -> {
        Task<String> c = Weft.createTask(() -> "child");
        c.await();
        return c;
      });

      assertThat(child.loop()).isSameAs(loop);
      assertThat(child.result()).isEqualTo("child");
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
    void cancel_isARequest_theTaskIsNotCancelledUntilTheErrorLeavesItsBody() {
      Future<String> fut = loop.createFuture();
      List<String> log = new ArrayList<>();
      Task<String> t = loop.createTask(() -> {
        try {
          return fut.await();
        } catch (CancelledError e) {
          log.add("at await, cancelled()=" + Task.current().isCancelled());
          throw e;
        }
      });
      runOnce(loop);

      assertThat(t.cancel()).isTrue();
      assertThat(t.isCancelled()).isFalse();
      assertThat(t.isDone()).isFalse();
      assertThat(t.toString()).contains("cancelling");

      assertThatThrownBy(() -> loop.runUntilComplete(t)).isInstanceOf(CancelledError.class);
      assertThat(log).containsExactly("at await, cancelled()=false");
      assertThat(t.isCancelled()).isTrue();
      assertThat(t.toString()).contains("cancelled").doesNotContain("cancelling");
    }

    @Test
    void cancelTwice_returnsTrueBothTimes_andCancellingIsTwo() {
      Future<String> fut = loop.createFuture();
      Task<String> t = loop.createTask(fut::await);
      runOnce(loop);

      assertThat(t.cancelling()).isZero();
      assertThat(t.cancel()).isTrue();
      assertThat(t.cancel()).isTrue();
      assertThat(t.cancelling()).isEqualTo(2);

      assertThatThrownBy(() -> loop.runUntilComplete(t)).isInstanceOf(CancelledError.class);
    }

    @Test
    void twoCancelRequests_deliverOneCancelledError() {
      Future<String> fut = loop.createFuture();
      Task<Integer> t = loop.createTask(() -> {
        int delivered = 0;
        try {
          fut.await();
        } catch (CancelledError e) {
          delivered++;
        }
        try {
          Weft.sleep(Duration.ofSeconds(1));
        } catch (CancelledError e) {
          delivered++;
        }
        return delivered;
      });
      runOnce(loop);
      t.cancel();
      t.cancel();

      assertThat(loop.runUntilComplete(t)).isEqualTo(1);
      assertThat(t.cancelling()).isEqualTo(2);
    }

    @Test
    void uncancel_decrementsAndReturnsTheCount_neverBelowZero() {
      Task<String> t = loop.createTask(() -> "x");

      t.cancel();
      t.cancel();
      assertThat(t.uncancel()).isEqualTo(1);
      assertThat(t.uncancel()).isZero();
      assertThat(t.uncancel()).isZero();
      assertThat(t.cancelling()).isZero();
    }

    @Test
    void cancelledThenUncancelledBeforeItsFirstStep_runsAndCompletesNormally() {
      List<String> log = new ArrayList<>();
      Task<String> t = loop.createTask(() -> {
        log.add("body ran");
        return "normal";
      });

      t.cancel();
      assertThat(t.uncancel()).isZero();

      assertThat(loop.runUntilComplete(t)).isEqualTo("normal");
      assertThat(t.isCancelled()).isFalse();
      assertThat(log).containsExactly("body ran");
    }

    @Test
    void uncancel_onACancelledDoneTask_leavesItCancelled() {
      Task<String> t = loop.createTask(() -> "x");
      t.cancel();
      assertThatThrownBy(() -> loop.runUntilComplete(t)).isInstanceOf(CancelledError.class);

      t.uncancel();

      assertThat(t.isCancelled()).isTrue();
    }

    @Test
    void bodyCatchingCancelledErrorAndReturning42_resultIs42_notCancelled() {
      Future<String> fut = loop.createFuture();
      Task<Integer> t = loop.createTask(() -> {
        try {
          fut.await();
          return 0;
        } catch (CancelledError e) {
          return 42;
        }
      });
      runOnce(loop);
      t.cancel();

      assertThat(loop.runUntilComplete(t)).isEqualTo(42);
      assertThat(t.isCancelled()).isFalse();
      assertThat(fut.isCancelled()).isTrue();
    }

    @Test
    void bodySwallowingCancelledError_carriesOn_andItsNextAwaitIsNotInterrupted() {
      Future<String> fut = loop.createFuture();
      List<String> log = new ArrayList<>();
      Task<String> t = loop.createTask(() -> {
        try {
          fut.await();
        } catch (CancelledError e) {
          log.add("swallowed");
        }
        Weft.sleep(Duration.ofSeconds(1));
        log.add("slept until " + loop.time());
        return "completed";
      });
      runOnce(loop);
      t.cancel();

      assertThat(loop.runUntilComplete(t)).isEqualTo("completed");
      assertThat(log).containsExactly("swallowed", "slept until 1.0");
      assertThat(t.isCancelled()).isFalse();
    }

    @Test
    void bodyCatchingCancelledErrorAndCallingUncancel_carriesOnWithCancellingZero() {
      Future<String> fut = loop.createFuture();
      Task<Integer> t = loop.createTask(() -> {
        int left = -1;
        try {
          fut.await();
        } catch (CancelledError e) {
          left = Task.current().uncancel();
        }
        Weft.sleep(Duration.ofSeconds(1));
        return left;
      });
      runOnce(loop);
      t.cancel();

      assertThat(loop.runUntilComplete(t)).isZero();
      assertThat(t.cancelling()).isZero();
    }

    @Test
    void taskCancellingItselfAndReturning_endsCancelled_theValueIsDiscarded() {
      Task<Integer> t = loop.createTask(() -> {
        Task.current().cancel();
        return 12;
      });

      assertThatThrownBy(() -> loop.runUntilComplete(t)).isInstanceOf(CancelledError.class);
      assertThat(t.isCancelled()).isTrue();
    }

    @Test
    void taskCancellingItself_getsCancelledErrorAtItsNextAwait_withTheMessage() {
      List<String> log = new ArrayList<>();
      Task<Void> t = loop.createTask(() -> {
        Task.current().cancel("self");
        try {
          Weft.sleep(Duration.ofSeconds(10));
        } catch (CancelledError e) {
          log.add("cancelled at sleep: " + e.getMessage() + " at " + loop.time());
          throw e;
        }
      });

      assertThatThrownBy(() -> loop.runUntilComplete(t)).isInstanceOf(CancelledError.class).hasMessage("self");
      assertThat(log).containsExactly("cancelled at sleep: self at 0.0");
      assertThat(loop.timerCount()).isZero();
    }

    @Test
    void cancellingTheFutureATaskAwaits_cancelsTheTask_withoutACancelRequestOnIt() {
      Future<String> fut = loop.createFuture();
      Task<String> t = loop.createTask(fut::await);
      runOnce(loop);

      fut.cancel("future cancelled");

      assertThatThrownBy(() -> loop.runUntilComplete(t)).isInstanceOf(CancelledError.class)
          .hasMessage("future cancelled");
      assertThat(t.isCancelled()).isTrue();
      assertThat(t.cancelling()).isZero();
    }

    @Test
    void cancelMessage_propagates_resultThrowsTheSameInstanceTheBodyThrew_withNoChainedCause() {
      Future<String> fut = loop.createFuture();
      Throwable[] thrownInBody = new Throwable[1];
      Task<String> t = loop.createTask(() -> {
        try {
          return fut.await();
        } catch (CancelledError e) {
          thrownInBody[0] = e;
          throw e;
        }
      });
      runOnce(loop);
      t.cancel("stop now");

      Throwable fromRun = catchThrowable(() -> loop.runUntilComplete(t));

      assertThat(thrownInBody[0]).isInstanceOf(CancelledError.class).hasMessage("stop now").hasNoCause();
      assertThat(fromRun).isSameAs(thrownInBody[0]);
      assertThat(catchThrowable(t::result)).isSameAs(thrownInBody[0]);
      assertThat(catchThrowable(t::exception)).isSameAs(thrownInBody[0]);
    }

    @Test
    void wakeCancelRace_futureCompletesAndTaskIsCancelledInTheSameCallback_taskStillGetsCancelledError() {
      // TASK-11: the task is already scheduled to resume with the result when cancel() comes.
      Future<Integer> fut = loop.createFuture();
      List<String> log = new ArrayList<>();
      Task<Integer> t = loop.createTask(() -> {
        try {
          return fut.await();
        } catch (CancelledError e) {
          log.add("CancelledError at the await");
          throw e;
        }
      });
      runOnce(loop);
      loop.callSoon(() -> {
        fut.setResult(5);
        log.add("cancel returned " + t.cancel());
      });

      assertThatThrownBy(() -> loop.runUntilComplete(t)).isInstanceOf(CancelledError.class);
      assertThat(log).containsExactly("cancel returned true", "CancelledError at the await");
      assertThat(t.isCancelled()).isTrue();
      assertThat(fut.isCancelled()).isFalse();
      assertThat(fut.result()).isEqualTo(5);
    }

    @Test
    void wakeCancelRace_theDiscardedResultIsStillInTheFuture_forTheNextAwait() {
      Future<Integer> fut = loop.createFuture();
      Task<String> t = loop.createTask(() -> {
        try {
          fut.await();
          return "not interrupted";
        } catch (CancelledError e) {
          return "interrupted, then got " + fut.await();
        }
      });
      runOnce(loop);
      loop.callSoon(() -> {
        fut.setResult(5);
        t.cancel();
      });

      assertThat(loop.runUntilComplete(t)).isEqualTo("interrupted, then got 5");
    }

    @Test
    void cancellingATaskThatAwaitsATask_cancelsTheInner_andGetsItsValueIfTheInnerSwallows() {
      Future<String> never = loop.createFuture();
      Task<String> inner = loop.createTask(() -> {
        try {
          return never.await();
        } catch (CancelledError e) {
          return "inner swallowed";
        }
      });
      Task<String> outer = loop.createTask(inner::await);
      runOnce(loop);

      assertThat(outer.cancel()).isTrue();
      assertThat(inner.cancelling()).isEqualTo(1);

      assertThat(loop.runUntilComplete(outer)).isEqualTo("inner swallowed");
      assertThat(outer.isCancelled()).isFalse();
      assertThat(inner.isCancelled()).isFalse();
      assertThat(never.isCancelled()).isTrue();
    }

    @Test
    void cancellingATaskThatAwaitsATask_cancelsBoth_withTheMessage_whenTheInnerDoesNotSwallow() {
      Future<String> never = loop.createFuture();
      Task<String> inner = loop.createTask(never::await);
      Task<String> outer = loop.createTask(inner::await);
      runOnce(loop);

      outer.cancel("outer msg");

      Throwable fromOuter = catchThrowable(() -> loop.runUntilComplete(outer));
      assertThat(fromOuter).isInstanceOf(CancelledError.class).hasMessage("outer msg");
      assertThat(inner.isCancelled()).isTrue();
      assertThat(outer.isCancelled()).isTrue();
      assertThat(catchThrowable(inner::result)).isInstanceOf(CancelledError.class).hasMessage("outer msg");
    }

    @Test
    void cancellation_travelsThroughPlainCallChains_innerFrameFirst() {
      // test_yield_future_passes_cancel: proof == 101.
      Future<String> waiter = loop.createFuture();
      int[] proof = {0};
      Task<Void> t = loop.createTask(() -> {
        try {
          innerAwait(waiter, proof);
          proof[0] += 10;
        } catch (CancelledError e) {
          proof[0] += 100;
        }
      });
      runOnce(loop);
      t.cancel();

      loop.runUntilComplete(t);

      assertThat(proof[0]).isEqualTo(101);
      assertThat(waiter.isCancelled()).isTrue();
      assertThat(t.isCancelled()).isFalse();
    }

    private void innerAwait(Future<String> waiter, int[] proof) {
      try {
        waiter.await();
      } catch (CancelledError e) {
        proof[0] += 1;
        throw e;
      }
    }

    @Test
    void cancelledBody_mayAwaitInItsFinallyBlock_beforeEndingCancelled() {
      Future<String> fut = loop.createFuture();
      List<String> log = new ArrayList<>();
      Task<String> t = loop.createTask(() -> {
        try {
          return fut.await();
        } finally {
          Weft.sleep(Duration.ofSeconds(2));
          log.add("cleanup finished at " + loop.time());
        }
      });
      runOnce(loop);
      t.cancel();

      assertThatThrownBy(() -> loop.runUntilComplete(t)).isInstanceOf(CancelledError.class);
      assertThat(log).containsExactly("cleanup finished at 2.0");
      assertThat(t.isCancelled()).isTrue();
    }

    @Test
    void cancelledErrorIsNotCaughtByCatchException_inATaskBody() {
      Future<String> fut = loop.createFuture();
      Task<String> t = loop.createTask(() -> {
        try {
          return fut.await();
        } catch (Exception e) {
          return "swallowed by catch (Exception)";
        }
      });
      runOnce(loop);
      t.cancel();

      assertThatThrownBy(() -> loop.runUntilComplete(t)).isInstanceOf(CancelledError.class);
      assertThat(t.isCancelled()).isTrue();
    }

    @Test
    void cancel_whileTheTaskYieldsWithSleepZero_raisesAtThatYield() {
      List<String> log = new ArrayList<>();
      Task<Void> t = loop.createTask(() -> {
        int i = 0;
        try {
          while (true) {
            log.add("step " + i++);
            Weft.sleep(Duration.ZERO);
          }
        } catch (CancelledError e) {
          log.add("cancelled at step " + i);
          throw e;
        }
      });
      runOnce(loop);
      runOnce(loop);

      t.cancel();

      assertThatThrownBy(() -> loop.runUntilComplete(t)).isInstanceOf(CancelledError.class);
      assertThat(log).containsExactly("step 0", "step 1", "cancelled at step 2");
    }

    @Test
    void taskCancelledBeforeItsFirstStep_neverRunsItsBody_andEndsCancelledWithTheMessage() {
      List<String> log = new ArrayList<>();
      Task<Void> t = loop.createTask(() -> {
        log.add("body ran");
      });

      assertThat(t.cancel("early")).isTrue();

      assertThatThrownBy(() -> loop.runUntilComplete(t)).isInstanceOf(CancelledError.class).hasMessage("early");
      assertThat(log).isEmpty();
      assertThat(t.isCancelled()).isTrue();
      assertThat(t.phase()).isEqualTo(Task.Phase.DONE);
    }

    @Test
    void cancel_onADoneTask_returnsFalse_andCountsNothing() {
      Task<String> t = loop.createTask(() -> "done");
      loop.runUntilComplete(t);

      assertThat(t.cancel()).isFalse();
      assertThat(t.cancelling()).isZero();
      assertThat(t.isCancelled()).isFalse();
      assertThat(t.result()).isEqualTo("done");
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
  // Ordering (both carriers)
  // ============================================================================================================

  abstract class Ordering extends OnCarrier {
    Ordering(EventLoop.CarrierChoice carrier) {
      super(carrier);
    }

    @Test
    void tasksStartInCreationOrder() {
      List<Integer> log = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        int id = i;
        loop.createTask(() -> {
          log.add(id);
        });
      }

      runOnce(loop);

      assertThat(log).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void firstStepIsScheduledWithCallSoon_theBodyDoesNotStartUntilTheCreatorYields() {
      List<String> log = new ArrayList<>();

      loop.runUntilComplete(() -> {
        Task<Void> child = Weft.createTask(() -> {
          log.add("child runs");
        });
        log.add("creator continues, child " + child.phase());
        Weft.sleep(Duration.ZERO);
        log.add("creator resumed");
        return null;
      });

      assertThat(log).containsExactly("creator continues, child CREATED", "child runs", "creator resumed");
    }

    @Test
    void firstSteps_interleaveWithCallbacks_inSchedulingOrder() {
      List<String> log = new ArrayList<>();
      loop.callSoon(() -> log.add("callback before"));
      loop.createTask(() -> {
        log.add("task");
      });
      loop.callSoon(() -> log.add("callback after"));

      runOnce(loop);

      assertThat(log).containsExactly("callback before", "task", "callback after");
    }

    @Test
    void twoTasksAlternatingSleepZero_interleaveStrictly() {
      List<String> log = new ArrayList<>();
      for (String name : List.of("A", "B")) {
        loop.createTask(() -> {
          for (int i = 0; i < 4; i++) {
            log.add(name + i);
            Weft.sleep(Duration.ZERO);
          }
        });
      }

      loop.runUntilComplete(() -> Weft.sleep(Duration.ofSeconds(1), null));

      assertThat(log).containsExactly("A0", "B0", "A1", "B1", "A2", "B2", "A3", "B3");
    }

    @Test
    void wakeupOfAnAwaitingTask_runsInRegistrationOrderAmongTheFuturesCallbacks() {
      List<String> log = new ArrayList<>();
      Future<String> fut = loop.createFuture();
      fut.addDoneCallback(f -> log.add("callback added before the await"));
      Task<Void> t = loop.createTask(() -> {
        fut.await();
        log.add("task resumed");
      });
      runOnce(loop);
      fut.addDoneCallback(f -> log.add("callback added after the await"));

      fut.setResult("go");
      loop.runUntilComplete(t);

      assertThat(log).containsExactly(
          "callback added before the await", "task resumed", "callback added after the await");
    }

    @Test
    void awaitingATask_resumesTheAwaiterOneIterationAfterTheInnerIsDone() {
      List<String> log = new ArrayList<>();
      Task<Integer> inner = loop.createTask(() -> {
        Weft.sleep(Duration.ZERO);
        log.add("inner returns");
        return 7;
      });
      loop.createTask(() -> {
        log.add("outer got " + inner.await());
      });
      loop.createTask(() -> {
        Weft.sleep(Duration.ZERO);
        log.add("bystander, same iteration as inner");
        Weft.sleep(Duration.ZERO);
        log.add("bystander, next iteration");
      });

      loop.runUntilComplete(() -> Weft.sleep(Duration.ofSeconds(1), null));

      assertThat(log).containsExactly("inner returns", "bystander, same iteration as inner", "outer got 7",
          "bystander, next iteration");
    }

    @Test
    void sleepers_wakeInDeadlineOrder_equalDeadlinesInTheOrderTheySlept() {
      List<String> log = new ArrayList<>();
      int[][] plan = {{0, 3}, {1, 1}, {2, 2}, {3, 1}};
      List<Task<?>> tasks = new ArrayList<>();
      for (int[] p : plan) {
        tasks.add(loop.createTask(() -> {
          Weft.sleep(Duration.ofSeconds(p[1]));
          log.add("t" + p[0] + "@" + loop.time());
        }));
      }

      loop.runUntilComplete(tasks.get(0));

      assertThat(log).containsExactly("t1@1.0", "t3@1.0", "t2@2.0", "t0@3.0");
    }

    @Test
    void longChainOfTasks_eachAwaitingThePrevious_completesInOrder() {
      int n = 1000;
      List<Integer> log = new ArrayList<>();
      Task<Integer> previous = loop.createTask(() -> 0);
      for (int i = 1; i <= n; i++) {
        Task<Integer> before = previous;
        int id = i;
        previous = loop.createTask(() -> {
          int v = before.await() + 1;
          log.add(id);
          return v;
        });
      }

      assertThat(loop.runUntilComplete(previous)).isEqualTo(n);
      assertThat(log).hasSize(n).isSorted();
    }

    @Test
    void sameProgramOnTwoFreshLoops_producesTheSameTrace() {
      List<String> first = tracedScenario(virtualLoop(carrierChoice));
      List<String> second = tracedScenario(virtualLoop(carrierChoice));

      assertThat(first).hasSizeGreaterThan(100);
      assertThat(second).isEqualTo(first);
    }

    private List<String> tracedScenario(EventLoop l) {
      List<String> trace = new ArrayList<>();
      Random random = new Random(42);
      try (l) {
        l.runUntilComplete(() -> {
          List<Task<Integer>> tasks = new ArrayList<>();
          for (int i = 0; i < 20; i++) {
            int id = i;
            long[] sleeps = random.longs(5, 0, 4).toArray();
            Task<Integer> previous = tasks.isEmpty() ? null : tasks.get(tasks.size() - 1);
            tasks.add(Weft.createTask(() -> {
              int sum = 0;
              for (long s : sleeps) {
                trace.add(id + " sleeps " + s + " at " + l.time());
                Weft.sleep(Duration.ofMillis(s * 10));
                sum += (int) s;
              }
              if (previous != null && id % 3 == 0) {
                sum += previous.await();
                trace.add(id + " awaited " + previous.getName());
              }
              return sum;
            }));
          }
          int total = 0;
          for (Task<Integer> t : tasks) {
            total += t.await();
          }
          trace.add("total " + total + " at " + l.time());
          return total;
        });
      }
      return trace;
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
  // Task.current and allTasks
  // ============================================================================================================

  @Nested
  class CurrentAndAllTasks {

    @Test
    void current_insideTheBody_isTheTask() {
      Task<?>[] seen = new Task<?>[2];
      Task<Void> t = loop.createTask(() -> {
        seen[0] = Task.current();
        Weft.sleep(Duration.ofSeconds(1));
        seen[1] = Weft.currentTask();
      });

      loop.runUntilComplete(t);

      assertThat(seen).containsExactly(t, t);
    }

    @Test
    void current_inACallback_isNull_andOutsideAnyLoop_isNull() {
      List<Object> seen = new ArrayList<>();
      loop.callSoon(() -> {
        seen.add(String.valueOf(Task.current()));
        seen.add(String.valueOf(Weft.currentTask()));
      });

      runOnce(loop);

      assertThat(seen).containsExactly("null", "null");
      assertThat(Task.current()).isNull();
    }

    @Test
    void weftCurrentTask_withNoRunningLoop_throwsIllegalStateException() {
      assertThatThrownBy(Weft::currentTask).isInstanceOf(IllegalStateException.class)
          .hasMessage("no running event loop");
    }

    @Test
    void getRunningLoop_insideATask_isItsLoop() {
      EventLoop seen = loop.runUntilComplete(Weft::getRunningLoop);

      assertThat(seen).isSameAs(loop);
    }

    @Test
    void allTasks_holdsOnlyPendingTasks_inCreationOrder() {
      Future<String> gate = loop.createFuture();
      Task<String> a = loop.createTask(gate::await);
      Task<String> b = loop.createTask(() -> "quick");
      Task<String> c = loop.createTask(gate::await);

      assertThat(loop.allTasks()).containsExactly(a, b, c);

      runOnce(loop);
      assertThat(loop.allTasks()).containsExactly(a, c);

      gate.setResult("open");
      loop.runUntilComplete(c);
      assertThat(loop.allTasks()).isEmpty();
    }

    @Test
    void weftAllTasks_insideATask_includesTheTaskItself() {
      Task<Object> t = loop.createTask(() -> List.copyOf(Weft.allTasks()));

      Object seen = loop.runUntilComplete(t);

      assertThat(seen).isEqualTo(List.of(t));
    }
  }

  // ============================================================================================================
  // Introspection
  // ============================================================================================================

  @Nested
  class Introspection {

    @Test
    void phase_goesCreatedRunningSuspendedDone_andAwaitingIsTheAwaitedFuture() {
      Future<String> gate = loop.createFuture();
      List<String> log = new ArrayList<>();
      Task<String> watched = loop.createTask(() -> {
        log.add("inside: " + Task.current().phase() + ", awaiting " + Task.current().awaiting());
        return gate.await();
      });
      Task<Void> observer = loop.createTask(() -> {
        log.add("observed: " + watched.phase() + ", awaiting the gate: " + (watched.awaiting() == gate));
        gate.setResult("open");
        watched.await();
      });
      assertThat(watched.phase()).isEqualTo(Task.Phase.CREATED);
      assertThat(watched.awaiting()).isNull();

      loop.runUntilComplete(observer);

      assertThat(log).containsExactly("inside: RUNNING, awaiting null", "observed: SUSPENDED, awaiting the gate: true");
      assertThat(watched.phase()).isEqualTo(Task.Phase.DONE);
      assertThat(watched.awaiting()).isNull();
    }

    @Test
    void awaiting_isNullWhileTheTaskYieldsWithSleepZero() {
      List<String> log = new ArrayList<>();
      Task<Void> yielder = loop.createTask(() -> {
        Weft.sleep(Duration.ZERO);
      });
      loop.createTask(() -> {
        log.add(yielder.phase() + " awaiting " + yielder.awaiting());
      });

      loop.runUntilComplete(yielder);

      assertThat(log).containsExactly("SUSPENDED awaiting null");
    }

    @Test
    void stack_ofASuspendedTask_containsTheMethodWhereItAwaits() {
      Future<String> gate = loop.createFuture();
      Task<String> watched = loop.createTask(() -> parkHereForStackInspection(gate));
      assertThat(watched.stack()).isEmpty();
      runOnce(loop);

      StackTraceElement[] stack = watched.stack();

      assertThat(Arrays.stream(stack).map(StackTraceElement::getMethodName))
          .contains("parkHereForStackInspection");
      gate.setResult("x");
      loop.runUntilComplete(watched);
      assertThat(watched.stack()).isEmpty();
    }

    private String parkHereForStackInspection(Future<String> gate) {
      return gate.await();
    }

    @Test
    void stack_calledFromTheTaskItself_showsWhereItRuns() {
      List<String> methods = loop.runUntilComplete(() -> reportOwnStack());

      assertThat(methods).contains("reportOwnStack");
    }

    private List<String> reportOwnStack() {
      return Arrays.stream(Task.current().stack()).map(StackTraceElement::getMethodName).toList();
    }

    @Test
    void toString_showsStateNamePhaseAndWhatItWaitsFor() {
      Future<String> gate = loop.createFuture();
      Task<String> t = loop.createTask(gate::await, "watched", null);

      assertThat(t.toString()).isEqualTo("<Task pending name='watched' created>");
      runOnce(loop);
      assertThat(t.toString()).isEqualTo("<Task pending name='watched' suspended wait_for=<Future pending>>");
      gate.setResult("x");
      loop.runUntilComplete(t);
      assertThat(t.toString()).isEqualTo("<Task finished result=x name='watched'>");
    }
  }

  // ============================================================================================================
  // Exceptions
  // ============================================================================================================

  @Nested
  class Exceptions {

    @Test
    void bodyThrowingACheckedException_awaitingTheTaskRethrowsTheSameInstance() {
      IOException io = new IOException("checked");
      Task<String> failing = loop.createTask(() -> {
        throw io;
      });

      Exception caught = loop.runUntilComplete(() -> {
        try {
          failing.await();
          return null;
        } catch (Exception e) {
          return e;
        }
      });

      assertThat(caught).isSameAs(io);
      assertThat(failing.exception()).isSameAs(io);
      assertThat(catchThrowable(failing::result)).isSameAs(io);
    }

    @Test
    void bodyThrowing_runUntilCompleteRethrowsTheSameInstance() {
      IllegalArgumentException boom = new IllegalArgumentException("boom");
      Task<String> t = loop.createTask(() -> {
        throw boom;
      });

      assertThat(catchThrowable(() -> loop.runUntilComplete(t))).isSameAs(boom);
      assertThat(t.isCancelled()).isFalse();
      assertThat(t.isDone()).isTrue();
    }

    @Test
    void exception_travelsThroughNestedAwaits_unchanged() {
      IllegalStateException boom = new IllegalStateException("deep");
      Task<String> innermost = loop.createTask(() -> {
        Weft.sleep(Duration.ofSeconds(1));
        throw boom;
      });
      Task<String> middle = loop.createTask(innermost::await);
      Task<String> outer = loop.createTask(middle::await);

      assertThat(catchThrowable(() -> loop.runUntilComplete(outer))).isSameAs(boom);
      assertThat(middle.exception()).isSameAs(boom);
    }

    @Test
    void keyboardInterruptFromATaskBody_escapesRunUntilComplete_isNotReportedAsNeverRetrieved() {
      KeyboardInterrupt ki = new KeyboardInterrupt("ctrl-c");
      WeakReference<Task<?>> ref = runTaskRaising(ki);

      boolean collected = collectUntil(loop, () -> ref.refersTo(null));
      runOnce(loop);

      assertThat(collected).as("the interrupted task was garbage collected").isTrue();
      assertThat(reports).isEmpty();
    }

    private WeakReference<Task<?>> runTaskRaising(KeyboardInterrupt ki) {
      Task<String> t = loop.createTask(() -> {
        throw ki;
      });
      assertThat(catchThrowable(() -> loop.runUntilComplete(t))).isSameAs(ki);
      return new WeakReference<>(t);
    }

    @Test
    void keyboardInterruptFromATaskBody_leavesTheLoopUsable() {
      KeyboardInterrupt ki = new KeyboardInterrupt();
      Task<String> t = loop.createTask(() -> {
        throw ki;
      });
      assertThat(catchThrowable(() -> loop.runUntilComplete(t))).isSameAs(ki);

      assertThat(loop.isRunning()).isFalse();
      assertThat(loop.runUntilComplete(() -> Weft.sleep(Duration.ofSeconds(1), "again"))).isEqualTo("again");
      assertThat(loop.time()).isEqualTo(1.0);
    }

    @Test
    void systemExitFromAChildTask_escapesRunUntilCompleteOfTheMainTask() {
      SystemExit exit = new SystemExit(3);
      List<String> log = new ArrayList<>();

      Throwable thrown = catchThrowable(() -> loop.runUntilComplete(() -> {
        Task<String> child = Weft.createTask(() -> {
          throw exit;
        });
        String r = child.await();
        log.add("main continued");
        return r;
      }));

      assertThat(thrown).isSameAs(exit);
      assertThat(log).isEmpty();
    }
  }

  // ============================================================================================================
  // Diagnostics (garbage collection; both carriers)
  // ============================================================================================================

  /**
   * Runs {@link System#gc()} and a few loop iterations until {@code done} holds, at most 40 times; the short
   * real-time pauses only let the reference handler enqueue the cleared references (nothing here is about
   * ordering).
   */
  static boolean collectUntil(EventLoop loop, BooleanSupplier done) {
    for (int i = 0; i < 40 && !done.getAsBoolean(); i++) {
      System.gc();
      try {
        Thread.sleep(Math.min(50, 1 + i * 5L));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return done.getAsBoolean();
      }
      runOnce(loop);
      runOnce(loop);
    }
    return done.getAsBoolean();
  }

  abstract class Diagnostics extends OnCarrier {
    Diagnostics(EventLoop.CarrierChoice carrier) {
      super(carrier);
    }

    @Test
    void taskWithAnUnreadException_isReportedAsNeverRetrieved_whenCollected() {
      IllegalStateException boom = new IllegalStateException("nobody reads me");
      startTaskThatFails(boom);

      collectUntil(loop, () -> reports.stream().anyMatch(r -> r.exception() == boom));

      assertThat(reports).singleElement().satisfies(r -> {
        assertThat(r.message()).isEqualTo("Task exception was never retrieved");
        assertThat(r.exception()).isSameAs(boom);
        assertThat(r.extras()).containsEntry("task_name", "Task-1");
      });
    }

    private void startTaskThatFails(Throwable error) {
      loop.createTask(() -> {
        throw Sneaky.<RuntimeException>raise(error);
      });
      loop.runUntilComplete(() -> Weft.sleep(Duration.ofSeconds(1), null));
    }

    @Test
    void taskWhoseExceptionWasRead_isNotReported_whenCollected() {
      IllegalStateException boom = new IllegalStateException("read");
      WeakReference<Task<?>> ref = startTaskThatFailsAndReadIt(boom);

      boolean collected = collectUntil(loop, () -> ref.refersTo(null));
      runOnce(loop);

      assertThat(collected).as("the failed task was garbage collected").isTrue();
      assertThat(reports).isEmpty();
    }

    private WeakReference<Task<?>> startTaskThatFailsAndReadIt(Throwable error) {
      Task<Object> t = loop.createTask(() -> {
        throw Sneaky.<RuntimeException>raise(error);
      });
      loop.runUntilComplete(() -> Weft.sleep(Duration.ofSeconds(1), null));
      assertThat(t.exception()).isSameAs(error);
      return new WeakReference<>(t);
    }

    @Test
    void pendingTaskAwaitingAFutureNobodyReferences_isReportedAsDestroyedButPending_whenCollected() {
      // The JDK keeps every started virtual thread reachable while it tracks all threads (ThreadContainers'
      // TrackingRootContainer, on unless -Djdk.trackAllThreads=false), and a parked task's thread references the
      // task, so the garbage collector can take it only with tracking off; close() reports it otherwise (below).
      String tracking = System.getProperty("jdk.trackAllThreads");
      assumeTrue(tracking != null && !tracking.isEmpty() && !Boolean.parseBoolean(tracking),
          "needs -Djdk.trackAllThreads=false for a parked virtual thread to be collectable");
      WeakReference<Task<?>> ref = startTaskParkedForever("forgotten");

      collectUntil(loop, () -> reports.stream().anyMatch(r -> r.message().startsWith("Task was destroyed")));

      assertThat(ref.refersTo(null)).as("the parked task was garbage collected").isTrue();
      assertThat(reports).singleElement().satisfies(r -> {
        assertThat(r.message()).isEqualTo("Task was destroyed but it is pending!");
        assertThat(r.extras()).containsEntry("task_name", "forgotten");
      });
      loop.close();
      assertThat(reports).as("a collected task is not reported again at close").hasSize(1);
    }

    @Test
    void tasksLeftPending_areReportedAsDestroyedButPending_whenTheLoopCloses_onceEachInCreationOrder() {
      Future<String> never = loop.createFuture();
      Task<String> parked = loop.createTask(never::await, "parked", null);
      runOnce(loop);
      Task<String> finished = loop.createTask(() -> "done");
      loop.runUntilComplete(finished);
      Task<String> notStarted = loop.createTask(() -> "never runs", "not started", null);
      assertThat(reports).isEmpty();

      loop.close();
      loop.close();

      assertThat(reports).extracting(ExceptionContext::message)
          .containsExactly("Task was destroyed but it is pending!", "Task was destroyed but it is pending!");
      assertThat(reports).extracting(ExceptionContext::task).containsExactly(parked, notStarted);
    }

    private WeakReference<Task<?>> startTaskParkedForever(String name) {
      EventLoop l = loop;
      Task<Object> t = l.createTask(() -> l.createFuture().await(), name, null);
      runOnce(l);
      assertThat(t.phase()).isEqualTo(Task.Phase.SUSPENDED);
      return new WeakReference<>(t);
    }
  }

  @Nested
  class DiagnosticsOnLoopScheduledCarrier extends Diagnostics {
    DiagnosticsOnLoopScheduledCarrier() {
      super(EventLoop.CarrierChoice.LOOP_SCHEDULED);
    }
  }

  @Nested
  class DiagnosticsOnBatonCarrier extends Diagnostics {
    DiagnosticsOnBatonCarrier() {
      super(EventLoop.CarrierChoice.BATON);
    }
  }

  // ============================================================================================================
  // Sleep
  // ============================================================================================================

  @Nested
  class Sleep {

    @Test
    void sleepZero_givesUpExactlyOneIteration() {
      List<String> log = new ArrayList<>();

      loop.runUntilComplete(() -> {
        loop.callSoon(() -> {
          log.add("next iteration");
          loop.callSoon(() -> log.add("iteration after"));
        });
        Weft.sleep(Duration.ZERO);
        log.add("task resumed");
        Weft.sleep(Duration.ZERO);
        return null;
      });

      assertThat(log).containsExactly("next iteration", "task resumed", "iteration after");
    }

    @Test
    void sleepNegative_behavesAsSleepZero() {
      List<String> log = new ArrayList<>();

      loop.runUntilComplete(() -> {
        loop.callSoon(() -> log.add("callback"));
        Weft.sleep(Duration.ofSeconds(-5));
        log.add("task resumed at " + loop.time());
        return null;
      });

      assertThat(log).containsExactly("callback", "task resumed at 0.0");
    }

    @Test
    void sleepWithValue_returnsTheValue() {
      assertThat(loop.runUntilComplete(() -> Weft.sleep(Duration.ofMillis(250), "value"))).isEqualTo("value");
      assertThat(loop.runUntilComplete(() -> Weft.sleep(Duration.ZERO, "zero"))).isEqualTo("zero");
    }

    @Test
    void sleep_advancesVirtualTimeExactlyByTheDelay() {
      long[] nanos = new long[2];
      loop.runUntilComplete(() -> {
        Weft.sleep(Duration.ofMillis(3));
        nanos[0] = loop.clock().nanoTime();
        Weft.sleep(Duration.ofNanos(1_234_567_891L));
        nanos[1] = loop.clock().nanoTime();
        return null;
      });

      assertThat(nanos[0]).isEqualTo(3_000_000L);
      assertThat(nanos[1] - nanos[0]).isEqualTo(1_234_567_891L);
      assertThat(loop.time()).isEqualTo(1.237567891);
    }

    @Test
    void cancelledSleep_removesItsTimer_soVirtualTimeDoesNotMove() {
      Task<Void> sleeper = loop.createTask(() -> Weft.sleep(Duration.ofHours(1)));
      runOnce(loop);
      assertThat(loop.timerCount()).isEqualTo(1);

      sleeper.cancel();
      assertThatThrownBy(() -> loop.runUntilComplete(sleeper)).isInstanceOf(CancelledError.class);

      assertThat(loop.timerCount()).isZero();
      assertThat(loop.time()).isZero();
      loop.runUntilComplete(() -> Weft.sleep(Duration.ZERO, null));
      assertThat(loop.time()).isZero();
    }

    @Test
    void cancelledSleep_raisesCancelledErrorWithTheMessage_atTheSleep() {
      List<String> log = new ArrayList<>();
      Task<Void> sleeper = loop.createTask(() -> {
        try {
          Weft.sleep(Duration.ofSeconds(10));
        } catch (CancelledError e) {
          log.add("woken by " + e.getMessage() + " at " + loop.time());
          throw e;
        }
      });
      loop.callLater(Duration.ofSeconds(2), () -> sleeper.cancel("alarm"));

      assertThatThrownBy(() -> loop.runUntilComplete(sleeper)).isInstanceOf(CancelledError.class);
      assertThat(log).containsExactly("woken by alarm at 2.0");
    }

    @Test
    void sleep_outsideATask_throwsIllegalStateException() {
      assertThatThrownBy(() -> Weft.sleep(Duration.ofSeconds(1))).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("must be called from a task");
      assertThatThrownBy(() -> Weft.sleep(Duration.ZERO)).isInstanceOf(IllegalStateException.class);
    }
  }
}
