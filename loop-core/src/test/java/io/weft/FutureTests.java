package io.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Futures: section FUT of the spec and CPython's {@code test_futures.py} ({@code BaseFutureTests},
 * {@code BaseFutureDoneCallbackTests}) where it applies to Java.
 */
class FutureTests {

  private EventLoop loop;

  @BeforeEach
  void createLoop() {
    loop = EventLoop.createVirtual();
  }

  @AfterEach
  void closeLoop() {
    loop.close();
  }

  /** Runs exactly one iteration of the loop: a stop requested before runForever makes it run one. */
  private static void runOnce(EventLoop loop) {
    loop.stop();
    loop.runForever();
  }

  private static Consumer<Future<String>> appender(List<Integer> bag, int thing) {
    return f -> bag.add(thing);
  }

  // ------------------------------------------------------------------------------------------------------------

  @Nested
  class States {

    @Test
    void newFuture_isPending_notDoneNotCancelled() {
      Future<String> f = loop.createFuture();

      assertThat(f.state()).isEqualTo(Future.State.PENDING);
      assertThat(f.isDone()).isFalse();
      assertThat(f.isCancelled()).isFalse();
      assertThat(f.loop()).isSameAs(loop);
    }

    @Test
    void result_whilePending_throwsInvalidStateError() {
      Future<String> f = loop.createFuture();

      assertThatThrownBy(f::result).isInstanceOf(InvalidStateError.class).hasMessageContaining("Result is not ready");
      assertThat(new InvalidStateError("x")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void exception_whilePending_throwsInvalidStateError() {
      Future<String> f = loop.createFuture();

      assertThatThrownBy(f::exception).isInstanceOf(InvalidStateError.class)
          .hasMessageContaining("Exception is not set");
    }

    @Test
    void constructor_withNullLoop_throwsNullPointerException() {
      assertThatThrownBy(() -> new Future<String>(null)).isInstanceOf(NullPointerException.class)
          .hasMessageContaining("loop");
    }

    @Test
    void setResult_thenResultReturnsIt_andExceptionIsNull() {
      Future<Integer> f = loop.createFuture();

      f.setResult(42);

      assertThat(f.isDone()).isTrue();
      assertThat(f.isCancelled()).isFalse();
      assertThat(f.state()).isEqualTo(Future.State.FINISHED);
      assertThat(f.result()).isEqualTo(42);
      assertThat(f.exception()).isNull();
    }

    @Test
    void setResult_null_isAValidResult() {
      Future<String> f = loop.createFuture();

      f.setResult(null);

      assertThat(f.isDone()).isTrue();
      assertThat(f.result()).isNull();
      assertThat(f.exception()).isNull();
    }

    @Test
    void afterSetResult_secondSetResultOrSetException_throwsInvalidStateError_andCancelReturnsFalse() {
      Future<Integer> f = loop.createFuture();
      f.setResult(42);

      assertThatThrownBy(() -> f.setResult(7)).isInstanceOf(InvalidStateError.class);
      assertThatThrownBy(() -> f.setException(new RuntimeException())).isInstanceOf(InvalidStateError.class);
      assertThat(f.cancel()).isFalse();
      assertThat(f.isCancelled()).isFalse();
      assertThat(f.result()).isEqualTo(42);
    }

    @Test
    void setException_resultRethrowsTheSameInstance_andExceptionReturnsIt() {
      Future<Integer> f = loop.createFuture();
      RuntimeException boom = new RuntimeException("boom");

      f.setException(boom);

      assertThat(f.isDone()).isTrue();
      assertThat(f.isCancelled()).isFalse();
      assertThat(catchThrowable(f::result)).isSameAs(boom);
      assertThat(catchThrowable(f::result)).isSameAs(boom);
      assertThat(f.exception()).isSameAs(boom);
      assertThatThrownBy(() -> f.setResult(1)).isInstanceOf(InvalidStateError.class);
      assertThatThrownBy(() -> f.setException(new RuntimeException())).isInstanceOf(InvalidStateError.class);
      assertThat(f.cancel()).isFalse();
    }

    @Test
    void setException_checkedException_resultRethrowsTheSameInstance_catchableAsException() {
      Future<Integer> f = loop.createFuture();
      IOException io = new IOException("disk on fire");
      f.setException(io);

      Exception caught = null;
      try {
        f.result();
      } catch (Exception e) {
        caught = e;
      }

      assertThat(caught).isSameAs(io);
    }

    @Test
    void setException_null_throwsNullPointerException_andLeavesFuturePending() {
      Future<Integer> f = loop.createFuture();

      assertThatThrownBy(() -> f.setException(null)).isInstanceOf(NullPointerException.class);
      assertThat(f.isDone()).isFalse();
    }

    @Test
    void cancel_pendingFuture_returnsTrue_andFutureIsCancelled() {
      Future<Integer> f = loop.createFuture();

      assertThat(f.cancel()).isTrue();

      assertThat(f.isCancelled()).isTrue();
      assertThat(f.isDone()).isTrue();
      assertThat(f.state()).isEqualTo(Future.State.CANCELLED);
      assertThatThrownBy(f::result).isInstanceOf(CancelledError.class);
      assertThatThrownBy(f::exception).isInstanceOf(CancelledError.class);
      assertThatThrownBy(() -> f.setResult(1)).isInstanceOf(InvalidStateError.class);
      assertThatThrownBy(() -> f.setException(new RuntimeException())).isInstanceOf(InvalidStateError.class);
      assertThat(f.cancel()).isFalse();
    }

    @Test
    void cancel_withMessage_messageIsVisibleInCancelledError() {
      Future<Integer> f = loop.createFuture();
      assertThat(f.cancelMessage()).isNull();

      f.cancel("my message");

      assertThat(f.cancelMessage()).isEqualTo("my message");
      assertThatThrownBy(f::result).isInstanceOf(CancelledError.class).hasMessage("my message");
      assertThatThrownBy(f::exception).isInstanceOf(CancelledError.class).hasMessage("my message");
    }

    @Test
    void cancel_withoutMessage_cancelledErrorHasNullMessage() {
      Future<Integer> f = loop.createFuture();
      f.cancel();

      assertThat(catchThrowable(f::result)).isInstanceOf(CancelledError.class).hasMessage(null);
    }

    @Test
    void cancelledFuture_throwsTheSameCancelledErrorInstance_fromEveryResultAndExceptionCall() {
      // Deliberate difference from asyncio, which builds a new CancelledError per call.
      Future<Integer> f = loop.createFuture();
      f.cancel("once");

      Throwable first = catchThrowable(f::result);
      Throwable second = catchThrowable(f::result);
      Throwable third = catchThrowable(f::exception);

      assertThat(first).isInstanceOf(CancelledError.class);
      assertThat(second).isSameAs(first);
      assertThat(third).isSameAs(first);
    }

    @Test
    void cancel_isNotCaughtByCatchException() {
      Future<Integer> f = loop.createFuture();
      f.cancel();

      List<String> path = new ArrayList<>();
      try {
        try {
          f.result();
        } catch (Exception e) {
          path.add("caught as Exception");
        }
      } catch (CancelledError e) {
        path.add("escaped as CancelledError");
      }

      assertThat(path).containsExactly("escaped as CancelledError");
      assertThat(new CancelledError()).isInstanceOf(BaseError.class).isInstanceOf(Error.class)
          .isNotInstanceOf(Exception.class);
    }

    @Test
    void runUntilComplete_onCancelledFuture_throwsCancelledErrorWithItsMessage() {
      Future<Integer> f = loop.createFuture();
      f.cancel("my message");

      assertThatThrownBy(() -> loop.runUntilComplete(f)).isInstanceOf(CancelledError.class).hasMessage("my message");
      assertThat(f.cancelMessage()).isEqualTo("my message");
    }

    @Test
    void toString_showsStateAndResultOrException() {
      Future<Integer> pending = loop.createFuture();
      Future<Integer> cancelled = loop.createFuture();
      cancelled.cancel();
      Future<Integer> result = loop.createFuture();
      result.setResult(4);
      Future<Integer> failed = loop.createFuture();
      failed.setException(new IllegalArgumentException("bad"));

      assertThat(pending).hasToString("<Future pending>");
      assertThat(cancelled).hasToString("<Future cancelled>");
      assertThat(result).hasToString("<Future finished result=4>");
      assertThat(failed.toString()).startsWith("<Future finished exception=java.lang.IllegalArgumentException: bad");
    }
  }

  // ------------------------------------------------------------------------------------------------------------

  @Nested
  class DoneCallbacks {

    @Test
    void setResult_doesNotRunCallbacksSynchronously_oneIterationRunsThemInRegistrationOrder() {
      List<Integer> bag = new ArrayList<>();
      Future<String> f = loop.createFuture();
      f.addDoneCallback(appender(bag, 42));
      f.addDoneCallback(appender(bag, 17));

      f.setResult("foo");
      assertThat(bag).isEmpty();

      runOnce(loop);

      assertThat(bag).containsExactly(42, 17);
      assertThat(f.result()).isEqualTo("foo");
    }

    @Test
    void setResult_doneCallbacksRunWhenTheLoopNextRuns_insideATask() {
      List<Integer> bag = new ArrayList<>();
      Future<String> f = loop.createFuture();
      f.addDoneCallback(appender(bag, 42));
      f.addDoneCallback(appender(bag, 17));

      List<Integer> seenRightAfterSet = loop.runUntilComplete(() -> {
        f.setResult("foo");
        List<Integer> snapshot = List.copyOf(bag);
        Weft.sleep(Duration.ZERO);
        return snapshot;
      });

      assertThat(seenRightAfterSet).isEmpty();
      assertThat(bag).containsExactly(42, 17);
    }

    @Test
    void setException_schedulesCallbacks() {
      List<Integer> bag = new ArrayList<>();
      Future<String> f = loop.createFuture();
      f.addDoneCallback(appender(bag, 100));
      RuntimeException exc = new RuntimeException();

      f.setException(exc);
      assertThat(bag).isEmpty();
      runOnce(loop);

      assertThat(bag).containsExactly(100);
      assertThat(f.exception()).isSameAs(exc);
    }

    @Test
    void cancel_schedulesCallbacks_whichSeeTheCancelledFuture() {
      List<Boolean> seenCancelled = new ArrayList<>();
      Future<String> f = loop.createFuture();
      f.addDoneCallback(fut -> seenCancelled.add(fut.isCancelled()));

      f.cancel();
      assertThat(seenCancelled).isEmpty();
      runOnce(loop);

      assertThat(seenCancelled).containsExactly(true);
    }

    @Test
    void callback_receivesTheFutureItself() {
      List<Future<?>> seen = new ArrayList<>();
      Future<String> f = loop.createFuture();
      f.addDoneCallback(seen::add);

      f.setResult("x");
      runOnce(loop);

      assertThat(seen).hasSize(1);
      assertThat(seen.get(0)).isSameAs(f);
    }

    @Test
    void addDoneCallback_onDoneFuture_isScheduledWithCallSoon_behindWhatIsAlreadyReady() {
      List<String> log = new ArrayList<>();
      Future<String> f = loop.createFuture();
      f.setResult("done");
      loop.callSoon(() -> log.add("queued first"));

      f.addDoneCallback(fut -> log.add("done callback"));
      assertThat(log).isEmpty();

      runOnce(loop);
      assertThat(log).containsExactly("queued first", "done callback");
    }

    @Test
    void sameCallbackRegisteredTwice_runsTwice() {
      List<Integer> bag = new ArrayList<>();
      Future<String> f = loop.createFuture();
      Consumer<Future<String>> cb = appender(bag, 1);
      f.addDoneCallback(cb);
      f.addDoneCallback(cb);

      f.setResult("x");
      runOnce(loop);

      assertThat(bag).containsExactly(1, 1);
    }

    @Test
    void removeDoneCallback_removesEveryRegistration_andReturnsTheCount() {
      List<Integer> bag = new ArrayList<>();
      Future<String> f = loop.createFuture();
      Consumer<Future<String>> cb1 = appender(bag, 1);
      Consumer<Future<String>> cb2 = appender(bag, 2);
      Consumer<Future<String>> cb3 = appender(bag, 3);

      f.addDoneCallback(cb1);
      f.addDoneCallback(cb2);
      assertThat(f.removeDoneCallback(cb2)).isEqualTo(1);
      assertThat(f.removeDoneCallback(cb3)).isZero();

      f.addDoneCallback(cb2);
      for (int i = 0; i < 5; i++) {
        f.addDoneCallback(cb1);
      }
      assertThat(f.removeDoneCallback(cb1)).isEqualTo(6);

      assertThat(bag).isEmpty();
      f.setResult("foo");
      runOnce(loop);

      assertThat(bag).containsExactly(2);
      assertThat(f.result()).isEqualTo("foo");
    }

    @Test
    void removeDoneCallback_onFutureWithoutCallbacks_returnsZero() {
      Future<String> f = loop.createFuture();

      assertThat(f.removeDoneCallback(appender(new ArrayList<>(), 1))).isZero();
    }

    @Test
    void removeFirstCallback_othersRunInOrder() {
      List<Integer> bag = new ArrayList<>();
      Future<String> f = loop.createFuture();
      Consumer<Future<String>> cb1 = appender(bag, 42);
      f.addDoneCallback(cb1);
      f.addDoneCallback(appender(bag, 17));
      f.addDoneCallback(appender(bag, 100));

      assertThat(f.removeDoneCallback(cb1)).isEqualTo(1);
      assertThat(f.removeDoneCallback(cb1)).isZero();
      f.setResult("foo");
      runOnce(loop);

      assertThat(bag).containsExactly(17, 100);
    }

    @Test
    void removeFirstAndSecondCallbacks_onlyTheThirdRuns() {
      List<Integer> bag = new ArrayList<>();
      Future<String> f = loop.createFuture();
      Consumer<Future<String>> cb1 = appender(bag, 42);
      Consumer<Future<String>> cb2 = appender(bag, 17);
      f.addDoneCallback(cb1);
      f.addDoneCallback(cb2);
      f.addDoneCallback(appender(bag, 100));

      f.removeDoneCallback(cb1);
      f.removeDoneCallback(cb2);
      f.removeDoneCallback(cb1);
      f.setResult("foo");
      runOnce(loop);

      assertThat(bag).containsExactly(100);
    }

    @Test
    void removeThirdCallback_firstTwoRunInOrder() {
      List<Integer> bag = new ArrayList<>();
      Future<String> f = loop.createFuture();
      Consumer<Future<String>> cb3 = appender(bag, 100);
      f.addDoneCallback(appender(bag, 42));
      f.addDoneCallback(appender(bag, 17));
      f.addDoneCallback(cb3);

      f.removeDoneCallback(cb3);
      f.removeDoneCallback(cb3);
      f.setResult("foo");
      runOnce(loop);

      assertThat(bag).containsExactly(42, 17);
    }

    @Test
    void removeOnlyCallback_nothingRuns() {
      List<Integer> bag = new ArrayList<>();
      Future<String> f = loop.createFuture();
      Consumer<Future<String>> cb = appender(bag, 1);
      f.addDoneCallback(cb);

      assertThat(f.removeDoneCallback(cb)).isEqualTo(1);
      f.setResult("foo");
      runOnce(loop);

      assertThat(bag).isEmpty();
    }

    @Test
    void removeDoneCallback_afterCompletion_returnsZero_andScheduledCallbacksStillRun() {
      // asyncio issue 28963/30828: callbacks are taken off the future when it completes; a callback that removes
      // the others cannot unschedule them.
      List<String> log = new ArrayList<>();
      Future<String> f = loop.createFuture();
      Consumer<Future<String>> other = fut -> log.add("other");
      int[] removed = {-1};
      f.addDoneCallback(fut -> {
        log.add("remover");
        removed[0] = fut.removeDoneCallback(other);
      });
      f.addDoneCallback(other);
      f.addDoneCallback(other);

      f.setResult("x");
      runOnce(loop);

      assertThat(removed[0]).isZero();
      assertThat(log).containsExactly("remover", "other", "other");
    }

    @Test
    void callbackAddedByACallbackOfADoneFuture_runsInTheNextIteration() {
      List<String> log = new ArrayList<>();
      Future<String> f = loop.createFuture();
      f.addDoneCallback(fut -> {
        log.add("first");
        fut.addDoneCallback(g -> log.add("added late"));
      });
      f.addDoneCallback(fut -> log.add("second"));
      f.setResult("x");

      runOnce(loop);
      assertThat(log).containsExactly("first", "second");

      runOnce(loop);
      assertThat(log).containsExactly("first", "second", "added late");
    }

    @Test
    void failingCallback_goesToTheExceptionHandler_andTheOthersStillRun() {
      List<ExceptionContext> reports = new ArrayList<>();
      loop.setExceptionHandler((l, ctx) -> reports.add(ctx));
      List<Integer> bag = new ArrayList<>();
      IllegalStateException boom = new IllegalStateException("boom");
      Future<String> f = loop.createFuture();
      f.addDoneCallback(fut -> {
        throw boom;
      });
      f.addDoneCallback(appender(bag, 2));

      f.setResult("x");
      runOnce(loop);

      assertThat(bag).containsExactly(2);
      assertThat(reports).hasSize(1);
      assertThat(reports.get(0).message()).startsWith("Exception in callback");
      assertThat(reports.get(0).exception()).isSameAs(boom);
    }

    @Test
    void callback_runsInTheContextPassed_whichIsSharedNotCopied() {
      ContextVar<String> var = new ContextVar<>("var", "default");
      Context ctx = new Context();
      ctx.run(() -> var.set("in ctx"));
      List<String> seen = new ArrayList<>();
      Future<String> f = loop.createFuture();
      f.addDoneCallback(fut -> {
        seen.add(var.get());
        var.set("changed by callback");
      }, ctx);

      f.setResult("x");
      runOnce(loop);

      assertThat(seen).containsExactly("in ctx");
      assertThat(ctx.get(var)).isEqualTo("changed by callback");
    }

    @Test
    void callback_withoutContext_runsInACopyOfTheContextCurrentWhenItWasAdded() {
      ContextVar<String> var = new ContextVar<>("var", "default");
      Context outer = new Context();
      List<String> seen = new ArrayList<>();
      Future<String> f = loop.createFuture();
      outer.run(() -> {
        var.set("at registration");
        f.addDoneCallback(fut -> {
          seen.add(var.get());
          var.set("changed by callback");
        });
        var.set("after registration");
      });

      f.setResult("x");
      runOnce(loop);

      assertThat(seen).containsExactly("at registration");
      assertThat(outer.get(var)).isEqualTo("after registration");
    }

    @Test
    void callbacksAddedInATask_runInACopyOfTheTasksContext() {
      ContextVar<String> var = new ContextVar<>("var", "default");
      List<String> seen = new ArrayList<>();
      Future<String> f = loop.createFuture();

      String afterInTask = loop.runUntilComplete(() -> {
        var.set("task value");
        f.addDoneCallback(fut -> {
          seen.add(var.get());
          var.set("changed by callback");
        });
        f.setResult("x");
        Weft.sleep(Duration.ZERO);
        return var.get();
      });

      assertThat(seen).containsExactly("task value");
      assertThat(afterInTask).isEqualTo("task value");
    }
  }

  // ------------------------------------------------------------------------------------------------------------

  @Nested
  class Awaiting {

    @Test
    void await_doneFuture_doesNotSuspend_aSiblingScheduledBeforeDoesNotRunInBetween() {
      List<String> order = new ArrayList<>();
      Future<String> done = loop.createFuture();
      done.setResult("value");

      loop.runUntilComplete(() -> {
        Task<Void> sibling = Weft.createTask(() -> {
          order.add("sibling");
        });
        order.add("before await");
        String v = done.await();
        order.add("after await: " + v);
        sibling.await();
        return null;
      });

      assertThat(order).containsExactly("before await", "after await: value", "sibling");
    }

    @Test
    void await_twice_returnsTheSameValue_andTheSecondDoesNotSuspend() {
      List<String> order = new ArrayList<>();
      Future<String> f = loop.createFuture();

      List<String> values = loop.runUntilComplete(() -> {
        loop.callSoon(() -> f.setResult("v"));
        String first = f.await();
        Task<Void> sibling = Weft.createTask(() -> {
          order.add("sibling");
        });
        String second = f.await();
        order.add("after second await");
        sibling.await();
        return List.of(first, second);
      });

      assertThat(values).containsExactly("v", "v");
      assertThat(order).containsExactly("after second await", "sibling");
    }

    @Test
    void await_pendingFuture_suspendsUntilItIsCompletedByATimer() {
      Future<String> f = loop.createFuture();
      loop.callLater(Duration.ofSeconds(5), () -> f.setResult("late"));

      double[] when = new double[1];
      String v = loop.runUntilComplete(() -> {
        String r = f.await();
        when[0] = loop.time();
        return r;
      });

      assertThat(v).isEqualTo("late");
      assertThat(when[0]).isEqualTo(5.0);
    }

    @Test
    void await_futureWithCheckedException_rethrowsTheSameInstance() {
      Future<String> f = loop.createFuture();
      IOException io = new IOException("gone");
      f.setException(io);

      Exception caught = loop.runUntilComplete(() -> {
        try {
          f.await();
          return null;
        } catch (Exception e) {
          return e;
        }
      });

      assertThat(caught).isSameAs(io);
    }

    @Test
    void await_cancelledFuture_throwsItsOwnCancelledErrorInstance() {
      Future<String> f = loop.createFuture();
      f.cancel("stop");
      Throwable fromResult = catchThrowable(f::result);

      Throwable inTask = loop.runUntilComplete(() -> {
        try {
          f.await();
          return null;
        } catch (CancelledError e) {
          return e;
        }
      });

      assertThat(inTask).isSameAs(fromResult).hasMessage("stop");
    }

    @Test
    void await_cancelledFuture_cancelledErrorIsNotCaughtByCatchException_soTheTaskEndsCancelled() {
      Future<String> f = loop.createFuture();
      List<String> log = new ArrayList<>();

      Task<String> t = loop.createTask(() -> {
        try {
          return f.await();
        } catch (Exception e) {
          log.add("swallowed by catch (Exception)");
          return "swallowed";
        }
      });
      runOnce(loop);
      f.cancel();

      assertThatThrownBy(() -> loop.runUntilComplete(t)).isInstanceOf(CancelledError.class);
      assertThat(log).isEmpty();
      assertThat(t.isCancelled()).isTrue();
    }
  }
}
