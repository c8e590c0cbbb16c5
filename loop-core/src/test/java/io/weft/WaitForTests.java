package io.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.weft.EventLoop.CarrierChoice;
import io.weft.internal.Carrier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link Timeout#waitFor}: section WF of the spec and CPython's {@code test_waitfor.py} (3.12+ semantics, built on
 * a timeout), on virtual time.
 */
class WaitForTests {

  EventLoop loop;
  final List<ExceptionContext> reports = new ArrayList<>();

  @BeforeEach
  void createLoop() {
    loop = TimeoutTests.virtualLoop(CarrierChoice.AUTO);
    loop.setExceptionHandler((l, ctx) -> reports.add(ctx));
  }

  @AfterEach
  void closeLoop() {
    loop.checkInvariants();
    loop.close();
    assertThat(reports).as("exception handler reports").isEmpty();
  }

  static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }

  static void sleepMs(long millis) {
    Weft.sleep(ms(millis));
  }

  <T> T run(AsyncCallable<T> body) {
    return loop.runUntilComplete(body);
  }

  double now() {
    return loop.time();
  }

  /** asyncio's SlowTask: runs for 200 ms of loop time, ignoring cancellation requests. */
  static final class SlowBody implements AsyncCallable<String> {
    boolean exited;

    @Override
    public String call() {
      double exitAt = Weft.getRunningLoop().time() + 0.2;
      while (true) {
        double left = exitAt - Weft.getRunningLoop().time();
        if (left <= 1e-9) {
          break;
        }
        try {
          Weft.sleep(Duration.ofNanos((long) Math.ceil(left * 1e9)));
        } catch (CancelledError ignored) {
          // keep going
        }
      }
      exited = true;
      return "slow done";
    }
  }

  // ============================================================================================================

  @Nested
  class Basics {

    @Test
    void futureDoneInTime_returnsItsResult() {
      String value = run(() -> {
        Future<String> f = Weft.getRunningLoop().createFuture();
        Weft.getRunningLoop().callLater(ms(100), () -> f.setResult("ok"));
        return Timeout.waitFor(f, ms(200));
      });

      assertThat(value).isEqualTo("ok");
      assertThat(now()).isCloseTo(0.1, Offset.offset(1e-6));
    }

    @Test
    void nullTimeout_waitsAsLongAsItTakes() {
      assertThat(run(() -> Timeout.waitFor(() -> Weft.sleep(Duration.ofDays(2), "done"), null))).isEqualTo("done");
    }

    @Test
    void taskOutlivingTheTimeout_isCancelled_itsFinallyRuns_andTimeoutErrorIsRaised() {
      AtomicBoolean running = new AtomicBoolean();

      Throwable thrown = run(() -> {
        Task<String> t = Weft.createTask(() -> {
          running.set(true);
          try {
            sleepMs(10_000);
          } finally {
            running.set(false);
          }
          return "done";
        });
        Throwable e = catchThrowable(() -> Timeout.waitFor(t, ms(100)));
        assertThat(t.isCancelled()).isTrue();
        return e;
      });

      assertThat(thrown).isInstanceOf(TimeoutError.class);
      assertThat(thrown.getCause()).isInstanceOf(CancelledError.class);
      assertThat(running).isFalse();
      assertThat(now()).isCloseTo(0.1, Offset.offset(1e-6));
    }

    @Test
    void inlineBodyOutlivingTheTimeout_getsCancelledError_andTimeoutErrorIsRaised() {
      AtomicReference<Throwable> seen = new AtomicReference<>();

      Throwable thrown = run(() -> catchThrowable(() -> Timeout.waitFor(() -> {
        try {
          return Weft.sleep(ms(10_000), "late");
        } catch (CancelledError e) {
          seen.set(e);
          throw e;
        }
      }, ms(50))));

      assertThat(thrown).isInstanceOf(TimeoutError.class);
      assertThat(thrown.getCause()).isSameAs(seen.get());
    }

    @Test
    void nullFutureOrBody_throwsNullPointerException() {
      assertThatThrownBy(() -> Timeout.waitFor((Future<String>) null, ms(1))).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> Timeout.waitFor((AsyncCallable<String>) null, ms(1)))
          .isInstanceOf(NullPointerException.class);
    }
  }

  // ============================================================================================================

  @Nested
  class WaitsForTheInnerTask {

    @Test
    void wf01_onTimeout_waitsUntilTheTasksCleanupHasFinished_beforeRaisingTimeoutError() {
      AtomicBoolean taskDone = new AtomicBoolean();

      Throwable thrown = run(() -> {
        Task<Void> inner = Weft.createTask(() -> {
          try {
            sleepMs(10_000);
          } catch (CancelledError e) {
            sleepMs(30); // cleanup that awaits
            throw e;
          } finally {
            taskDone.set(true);
          }
        });
        return catchThrowable(() -> Timeout.waitFor(inner, ms(10)));
      });

      assertThat(thrown).isInstanceOf(TimeoutError.class);
      assertThat(thrown.getCause()).isInstanceOf(CancelledError.class);
      assertThat(taskDone).isTrue();
      assertThat(now()).isCloseTo(0.04, Offset.offset(1e-6));
    }

    @Test
    void wf01_withTimeoutZero_alsoWaitsForTheCleanup() {
      AtomicBoolean taskDone = new AtomicBoolean();

      Throwable thrown = run(() -> {
        Task<Void> inner = Weft.createTask(() -> {
          try {
            sleepMs(10_000);
          } catch (CancelledError e) {
            sleepMs(30);
            throw e;
          } finally {
            taskDone.set(true);
          }
        });
        sleepMs(1);
        return catchThrowable(() -> Timeout.waitFor(inner, Duration.ZERO));
      });

      assertThat(thrown).isInstanceOf(TimeoutError.class);
      assertThat(thrown.getCause()).isInstanceOf(CancelledError.class);
      assertThat(taskDone).isTrue();
      assertThat(now()).isCloseTo(0.031, Offset.offset(1e-6));
    }

    @Test
    void wf02_inlineBodyIgnoringCancellation_isWaitedFor_andItsValueReturned() {
      SlowBody slow = new SlowBody();

      String value = run(() -> Timeout.waitFor(slow, ms(100)));

      assertThat(slow.exited).isTrue();
      assertThat(value).isEqualTo("slow done");
      assertThat(now()).isCloseTo(0.2, Offset.offset(1e-6));
    }

    @Test
    void wf02_taskRunningWaitForCancelled_whileTheBodyIgnoresCancellation_endsOnlyAfterTheBodyExits() {
      SlowBody slow = new SlowBody();

      run(() -> {
        Task<String> waiting = Weft.createTask(() -> Timeout.waitFor(slow, ms(400)));
        Weft.sleep(Duration.ZERO);
        waiting.cancel();
        catchThrowable(waiting::await);
        assertThat(waiting.isDone()).isTrue();
        return null;
      });

      assertThat(slow.exited).isTrue();
      assertThat(now()).isCloseTo(0.2, Offset.offset(1e-6));
    }

    @Test
    void wf04_timeoutZeroOrNegative_cancelsARunningTask_runsItsFinally_thenRaisesTimeoutError_atOnce() {
      for (Duration timeout : List.of(Duration.ZERO, Duration.ofSeconds(-1))) {
        AtomicReference<Boolean> running = new AtomicReference<>();

        Throwable thrown = run(() -> {
          Future<Void> started = Weft.getRunningLoop().createFuture();
          Task<String> t = Weft.createTask(() -> {
            running.set(true);
            started.setResult(null);
            try {
              sleepMs(10_000);
            } finally {
              running.set(false);
            }
            return "done";
          });
          started.await();
          double t0 = Weft.getRunningLoop().time();
          Throwable e = catchThrowable(() -> Timeout.waitFor(t, timeout));
          assertThat(Weft.getRunningLoop().time()).isEqualTo(t0);
          assertThat(t.isCancelled()).isTrue();
          return e;
        });

        assertThat(thrown).as("timeout %s", timeout).isInstanceOf(TimeoutError.class);
        assertThat(running.get()).isFalse();
      }
    }

    @Test
    void timeoutZero_withAFutureAlreadyDone_returnsItsResult() {
      String value = run(() -> {
        Future<String> f = Weft.getRunningLoop().createFuture();
        f.setResult("done");
        return Timeout.waitFor(f, Duration.ZERO);
      });

      assertThat(value).isEqualTo("done");
      assertThat(now()).isZero();
    }

    @Test
    void timeoutZero_withABody_neverStartsIt() {
      AtomicBoolean started = new AtomicBoolean();

      Throwable thrown = run(() -> catchThrowable(() -> Timeout.waitFor(() -> {
        started.set(true);
        return "x";
      }, Duration.ZERO)));

      assertThat(thrown).isInstanceOf(TimeoutError.class);
      assertThat(started).isFalse();
    }

    @Test
    void wf05_taskSwallowingTheCancellationAndReturning_givesItsValue_noTimeoutError() {
      String value = run(() -> {
        Task<String> t = Weft.createTask(() -> {
          try {
            return Weft.sleep(ms(10_000), "late");
          } catch (CancelledError e) {
            return "42";
          }
        });
        return Timeout.waitFor(t, ms(100));
      });

      assertThat(value).isEqualTo("42");
    }

    @Test
    void wf05_inlineBodySwallowingTheCancellationAndReturning_givesItsValue() {
      Integer value = run(() -> Timeout.waitFor(() -> {
        assertThat(catchThrowable(() -> sleepMs(1000))).isInstanceOf(CancelledError.class);
        return 1;
      }, ms(10)));

      assertThat(value).isEqualTo(1);
    }

    @Test
    void exceptionRaisedByTheTaskDuringItsCancellation_propagates() {
      IllegalStateException foo = new IllegalStateException("Foo");

      Throwable thrown = run(() -> {
        Task<Void> inner = Weft.createTask(() -> {
          try {
            sleepMs(200);
          } finally {
            throw foo;
          }
        });
        return catchThrowable(() -> Timeout.waitFor(inner, ms(1)));
      });

      assertThat(thrown).isSameAs(foo);
    }
  }

  // ============================================================================================================

  @Nested
  class CancellingTheWaiter {

    @Test
    void wf07_cancellingTheTaskRunningWaitFor_cancelsTheInnerTask_withATimeout() {
      checkCancelWaitFor(Duration.ofSeconds(60));
    }

    @Test
    void wf07_cancellingTheTaskRunningWaitFor_cancelsTheInnerTask_withoutATimeout() {
      checkCancelWaitFor(null);
    }

    private void checkCancelWaitFor(Duration timeout) {
      Throwable thrown = run(() -> {
        Task<Object> blocked = Weft.createTask(() -> Weft.getRunningLoop().createFuture().await());
        Task<Object> waiting = Weft.createTask(() -> Timeout.waitFor(blocked, timeout));
        Weft.getRunningLoop().callSoon(() -> waiting.cancel());
        Throwable e = catchThrowable(waiting::await);
        assertThat(blocked.isCancelled()).as("bpo-23219: the inner task is cancelled too").isTrue();
        return e;
      });

      assertThat(thrown).isInstanceOf(CancelledError.class);
    }

    @Test
    void wf07_waitForCancelledBeforeItStarts_raisesCancelledError_whileTheStubbornInnerTaskReturns42() {
      int value = run(() -> {
        Task<Integer> inner = Weft.createTask(() -> {
          try {
            sleepMs(300);
          } catch (CancelledError e) {
            try {
              sleepMs(300);
            } catch (CancelledError e2) {
              sleepMs(300);
            }
          }
          return 42;
        });
        Task<Integer> waiting = Weft.createTask(() -> Timeout.waitFor(inner, ms(100)));
        waiting.cancel();
        assertThat(catchThrowable(waiting::await)).isInstanceOf(CancelledError.class);
        return inner.await();
      });

      assertThat(value).isEqualTo(42);
    }

    @Test
    void wf08_innerFinishingInTheIterationTheWaiterIsCancelled_theCancelIsNotLost() {
      AtomicBoolean reachedEnd = new AtomicBoolean();
      AtomicReference<Task<String>> innerRef = new AtomicReference<>();

      Throwable thrown = run(() -> {
        Future<Task<String>> innerReady = Weft.getRunningLoop().createFuture();
        Task<Void> waiting = Weft.createTask(() -> {
          Timeout.waitFor(innerReady.await(), Duration.ofSeconds(100));
          reachedEnd.set(true);
        });
        innerRef.set(Weft.createTask(() -> "done"));
        innerReady.setResult(innerRef.get());
        // In the next iteration, waiting starts and awaits the inner task, which then runs and finishes, scheduling
        // waiting's wake-up; this task runs last in that iteration.
        Weft.sleep(Duration.ZERO);
        assertThat(innerRef.get().isDone()).isTrue();
        assertThat(waiting.isDone()).isFalse();
        waiting.cancel();
        return catchThrowable(waiting::await);
      });

      assertThat(thrown).isInstanceOf(CancelledError.class);
      assertThat(reachedEnd).isFalse();
      assertThat(innerRef.get().result()).isEqualTo("done");
    }
  }

  // ============================================================================================================

  @Nested
  class Invariants {

    /**
     * Random inner tasks (duration, cleanup that awaits, whether they swallow the cancellation), random timeouts
     * (none, zero, or odd milliseconds) and a random outside cancellation of the waiter: waitFor never returns before
     * the inner task is done; a returned value is the task's result; TimeoutError means the task ended cancelled and
     * nobody else cancelled the waiter. Without an outside cancel the outcome and its time match a model, and the
     * waiter's cancelling() count is 0 afterwards.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = CarrierChoice.class, names = {"LOOP_SCHEDULED", "BATON"})
    void randomSchedules_waitForNeverOutrunsTheInnerTask(CarrierChoice carrier) {
      if (carrier == CarrierChoice.LOOP_SCHEDULED) {
        assumeTrue(Carrier.loopScheduledAvailable(), "the loop-scheduled carrier needs --add-opens");
      }
      java.util.Set<String> outcomes = new java.util.TreeSet<>();
      for (int seed = 0; seed < 200; seed++) {
        outcomes.add(checkOne(carrier, seed));
      }
      assertThat(outcomes).contains("v", "swallowed", "TimeoutError", "CancelledError");
    }

    private String checkOne(CarrierChoice carrier, int seed) {
      Random r = new Random(seed);
      int duration = 2 + 2 * r.nextInt(50);
      int cleanup = 2 * r.nextInt(10);
      boolean swallow = r.nextBoolean();
      int pick = r.nextInt(6);
      Integer timeoutMs = pick == 0 ? null : pick == 1 ? 0 : 1 + 2 * r.nextInt(50);
      Double cancelAt = r.nextInt(3) == 0 ? r.nextInt(120) + 0.5 : null;
      String schedule = "seed " + seed + ": duration " + duration + ", cleanup " + cleanup + ", swallow " + swallow
          + ", timeout " + timeoutMs + ", outside cancel at " + cancelAt;

      EventLoop l = TimeoutTests.virtualLoop(carrier);
      try {
        AtomicBoolean outsideDelivered = new AtomicBoolean();
        AtomicBoolean waitLeft = new AtomicBoolean();
        AtomicReference<Task<String>> innerRef = new AtomicReference<>();
        double[] leftAt = new double[1];
        Task<String> waiter = l.createTask(() -> {
          Task<String> inner = Weft.createTask(() -> {
            try {
              return Weft.sleep(ms(duration), "v");
            } catch (CancelledError e) {
              sleepMs(cleanup);
              if (swallow) {
                return "swallowed";
              }
              throw e;
            }
          });
          innerRef.set(inner);
          String outcome;
          try {
            outcome = Timeout.waitFor(inner, timeoutMs == null ? null : ms(timeoutMs));
            assertThat(inner.isDone()).as(schedule).isTrue();
            assertThat(outcome).as(schedule).isEqualTo(inner.result());
          } catch (TimeoutError e) {
            assertThat(inner.isCancelled()).as(schedule).isTrue();
            assertThat(e.getCause()).as(schedule).isInstanceOf(CancelledError.class);
            assertThat(outsideDelivered.get()).as(schedule).isFalse();
            outcome = "TimeoutError";
          } catch (CancelledError e) {
            assertThat(outsideDelivered.get()).as(schedule).isTrue();
            outcome = "CancelledError";
          } finally {
            waitLeft.set(true);
            leftAt[0] = Weft.getRunningLoop().time();
          }
          assertThat(inner.isDone()).as(schedule + ": inner done when waitFor left").isTrue();
          int cancelling = Task.current().cancelling();
          assertThat(cancelling).as(schedule).isEqualTo(outsideDelivered.get() ? 1 : 0);
          return outcome;
        });
        if (cancelAt != null) {
          l.callAt(cancelAt / 1000, () -> {
            if (!waitLeft.get()) {
              outsideDelivered.set(true);
              waiter.cancel();
            }
          });
        }

        String outcome = l.runUntilComplete(waiter);

        if (!outsideDelivered.get()) {
          String expected;
          double expectedEnd;
          if (timeoutMs == null || timeoutMs > duration) {
            expected = "v";
            expectedEnd = duration;
          } else if (timeoutMs == 0) {
            expected = "TimeoutError"; // cancelled before its first step: its body never runs
            expectedEnd = 0;
          } else {
            expected = swallow ? "swallowed" : "TimeoutError";
            expectedEnd = timeoutMs + cleanup;
          }
          assertThat(outcome).as(schedule).isEqualTo(expected);
          assertThat(leftAt[0] * 1000).as(schedule).isCloseTo(expectedEnd, Offset.offset(1e-6));
        }
        l.checkInvariants();
        return outcome;
      } finally {
        l.close();
      }
    }
  }
}
