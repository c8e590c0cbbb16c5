package io.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.weft.EventLoop.CarrierChoice;
import io.weft.internal.Carrier;
import io.weft.spi.VirtualClock;
import io.weft.spi.VirtualPoller;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link Timeout}: section TO of the spec and CPython's {@code test_timeouts.py::TimeoutTests}, on virtual time.
 * Where Java has no {@code __context__} (TO-07, TO-14), the tests pin Weft's substitute: a suppressed
 * {@link TimeoutError}.
 */
class TimeoutTests {

  EventLoop loop;
  final List<ExceptionContext> reports = new ArrayList<>();

  @BeforeEach
  void createLoop() {
    loop = virtualLoop(CarrierChoice.AUTO);
    loop.setExceptionHandler((l, ctx) -> reports.add(ctx));
  }

  @AfterEach
  void closeLoop() {
    loop.checkInvariants();
    loop.close();
    assertThat(reports).as("exception handler reports").isEmpty();
  }

  static EventLoop virtualLoop(CarrierChoice carrier) {
    VirtualClock clock = new VirtualClock();
    return EventLoop.builder().clock(clock).poller(new VirtualPoller(clock)).carrier(carrier).build();
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

  // ============================================================================================================

  @Nested
  class Expiry {

    @Test
    void to01_bodyOutlivingTheDeadline_seesCancelledError_thenTimeoutErrorCausedByIt() {
      AtomicReference<Timeout> scope = new AtomicReference<>();
      AtomicReference<Throwable> seenByBody = new AtomicReference<>();

      Throwable thrown = run(() -> catchThrowable(() -> Timeout.run(ms(10), t -> {
        scope.set(t);
        try {
          sleepMs(10_000);
        } catch (CancelledError e) {
          seenByBody.set(e);
          throw e;
        }
        return null;
      })));

      assertThat(thrown).isInstanceOf(TimeoutError.class);
      assertThat(thrown.getCause()).isSameAs(seenByBody.get()).isInstanceOf(CancelledError.class);
      assertThat(scope.get().expired()).isTrue();
      assertThat(scope.get().state()).isEqualTo(Timeout.State.EXPIRED);
      assertThat(loop.time()).isCloseTo(0.010, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void to01_runAt_whenIsTheDeadlineGiven() {
      AtomicReference<Timeout> scope = new AtomicReference<>();
      double deadline = 0.25;

      Throwable thrown = run(() -> catchThrowable(() -> Timeout.runAt(deadline, t -> {
        scope.set(t);
        return Weft.sleep(ms(10_000), "late");
      })));

      assertThat(thrown).isInstanceOf(TimeoutError.class);
      assertThat(scope.get().expired()).isTrue();
      assertThat(scope.get().when()).isEqualTo(deadline);
    }

    @Test
    void bodyFinishingInTime_returnsItsValue_andTheScopeIsNotExpired() {
      AtomicReference<Timeout> scope = new AtomicReference<>();

      String value = run(() -> Timeout.run(Duration.ofSeconds(10), t -> {
        scope.set(t);
        return Weft.sleep(ms(10), "done");
      }));

      assertThat(value).isEqualTo("done");
      assertThat(scope.get().expired()).isFalse();
      assertThat(scope.get().state()).isEqualTo(Timeout.State.EXITED);
      assertThat(scope.get().when()).isGreaterThan(loop.time());
    }

    @Test
    void bodyReceivesItsOwnScope_inTheActiveState() {
      AtomicReference<Timeout> outer = new AtomicReference<>();
      Timeout.State[] seen = new Timeout.State[1];

      run(() -> {
        Timeout t = Timeout.after(ms(5));
        outer.set(t);
        assertThat(t.state()).isEqualTo(Timeout.State.CREATED);
        return t.enter(inner -> {
          assertThat(inner).isSameAs(t);
          seen[0] = inner.state();
          return null;
        });
      });

      assertThat(seen[0]).isEqualTo(Timeout.State.ENTERED);
    }

    @Test
    void to05_nullDelay_neverExpires_andWhenIsNull() {
      AtomicReference<Timeout> scope = new AtomicReference<>();

      String value = run(() -> Timeout.run(null, t -> {
        scope.set(t);
        return Weft.sleep(Duration.ofDays(365), "a year later");
      }));

      assertThat(value).isEqualTo("a year later");
      assertThat(scope.get().expired()).isFalse();
      assertThat(scope.get().when()).isNull();
    }

    @Test
    void to05_runAtNull_neverExpires() {
      AtomicReference<Timeout> scope = new AtomicReference<>();

      run(() -> Timeout.runAt(null, t -> {
        scope.set(t);
        return Weft.sleep(ms(10), null);
      }));

      assertThat(scope.get().expired()).isFalse();
      assertThat(scope.get().when()).isNull();
    }

    @Test
    void runAtPositiveInfinity_neverExpires() {
      String value = run(() -> Timeout.runAt(Double.POSITIVE_INFINITY, t -> Weft.sleep(Duration.ofDays(1), "ok")));

      assertThat(value).isEqualTo("ok");
    }

    @Test
    void at_NaN_throwsIllegalArgumentException() {
      assertThatThrownBy(() -> Timeout.at(Double.NaN)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("NaN");
    }

    @Test
    void to04_zeroDelay_expiresEvenIfTheBodyOnlySleepsZero_andWhenIsNow() {
      AtomicReference<Timeout> scope = new AtomicReference<>();
      double[] t0 = new double[1];

      Throwable thrown = run(() -> {
        t0[0] = Weft.getRunningLoop().time();
        return catchThrowable(() -> Timeout.run(Duration.ZERO, t -> {
          scope.set(t);
          Weft.sleep(Duration.ZERO);
          return null;
        }));
      });

      assertThat(thrown).isInstanceOf(TimeoutError.class);
      assertThat(thrown.getCause()).isInstanceOf(CancelledError.class);
      assertThat(scope.get().expired()).isTrue();
      assertThat(scope.get().when()).isBetween(t0[0], loop.time());
    }

    @Test
    void to04_deadlineInThePast_expiresInTheNextIteration_andWhenIsThePastTime() {
      AtomicReference<Timeout> scope = new AtomicReference<>();
      double[] t0 = new double[1];

      Throwable thrown = run(() -> {
        Weft.sleep(Duration.ofSeconds(20));
        t0[0] = Weft.getRunningLoop().time();
        return catchThrowable(() -> Timeout.run(Duration.ofSeconds(-11), t -> {
          scope.set(t);
          Weft.sleep(Duration.ZERO);
          return null;
        }));
      });

      assertThat(thrown).isInstanceOf(TimeoutError.class);
      assertThat(scope.get().when()).isCloseTo(t0[0] - 11, org.assertj.core.data.Offset.offset(1e-9));
      assertThat(loop.time()).isEqualTo(t0[0]);
    }

    @Test
    void zeroDelay_bodyThatNeverAwaits_returnsNormally_becauseTheTimeoutNeverFired() {
      AtomicReference<Timeout> scope = new AtomicReference<>();

      String value = run(() -> Timeout.run(Duration.ZERO, t -> {
        scope.set(t);
        return "no await";
      }));

      assertThat(value).isEqualTo("no await");
      assertThat(scope.get().expired()).isFalse();
    }

    @Test
    void to11_afterTheTimeoutErrorIsHandled_theTaskIsNotCancelled() {
      Task<String> task = loop.createTask(() -> {
        assertThat(catchThrowable(() -> Timeout.run(ms(1), t -> Weft.sleep(ms(10_000), "x"))))
            .isInstanceOf(TimeoutError.class);
        assertThat(Task.current().cancelling()).isZero();
        Weft.sleep(ms(5));
        return "carried on";
      });

      assertThat(loop.runUntilComplete(task)).isEqualTo("carried on");
      assertThat(task.isCancelled()).isFalse();
    }
  }

  // ============================================================================================================

  @Nested
  class ForeignExceptionsAndCancellations {

    @Test
    void foreignExceptionBeforeTheDeadline_passesUnchanged_andTheScopeIsNotExpired() {
      IOException boom = new IOException("boom");
      AtomicReference<Timeout> scope = new AtomicReference<>();

      Throwable thrown = run(() -> catchThrowable(() -> Timeout.run(ms(10), t -> {
        scope.set(t);
        throw boom;
      })));

      assertThat(thrown).isSameAs(boom);
      assertThat(boom.getSuppressed()).isEmpty();
      assertThat(scope.get().expired()).isFalse();
    }

    @Test
    void to07_exceptionRaisedWhileHandlingTheCancellation_propagatesInsteadOfTimeoutError_withTimeoutErrorSuppressed() {
      // asyncio 3.13 puts a TimeoutError into the exception's __context__ chain; Java has no such chain, so Weft adds
      // the TimeoutError as a suppressed exception instead.
      Throwable thrown = run(() -> catchThrowable(() -> Timeout.run(ms(10), t -> {
        try {
          sleepMs(1000);
        } finally {
          int zero = 0;
          System.out.println(1 / zero);
        }
        return null;
      })));

      assertThat(thrown).isInstanceOf(ArithmeticException.class);
      assertThat(thrown.getSuppressed()).singleElement().isInstanceOf(TimeoutError.class);
    }

    @Test
    void to07_exceptionWrappingTheCancellation_getsATimeoutErrorCausedByThatCancellation() {
      Throwable thrown = run(() -> catchThrowable(() -> Timeout.run(ms(10), t -> {
        try {
          sleepMs(1000);
        } catch (CancelledError e) {
          throw new IllegalStateException("cleanup failed", e);
        }
        return null;
      })));

      assertThat(thrown).isInstanceOf(IllegalStateException.class);
      Throwable suppressed = thrown.getSuppressed()[0];
      assertThat(suppressed).isInstanceOf(TimeoutError.class);
      assertThat(suppressed.getCause()).isSameAs(thrown.getCause()).isInstanceOf(CancelledError.class);
    }

    @Test
    void to08_foreignCancelBeforeTheDeadline_raisesCancelledError_andTheScopeIsNotExpired() {
      AtomicReference<Timeout> scope = new AtomicReference<>();

      Throwable thrown = run(() -> catchThrowable(() -> Timeout.run(Duration.ofSeconds(10), t -> {
        scope.set(t);
        Task.current().cancel();
        sleepMs(10_000);
        return null;
      })));

      assertThat(thrown).isInstanceOf(CancelledError.class);
      assertThat(scope.get().expired()).isFalse();
    }

    @Test
    void to10_cancelInsideATimeoutInTheFinallyOfACaughtCancellation_raisesCancelledError() {
      Throwable thrown = run(() -> {
        try {
          Task.current().cancel();
          sleepMs(1000);
        } catch (CancelledError swallowed) {
          // the task carries on: cancelling() stays 1
        }
        return catchThrowable(() -> Timeout.run(Duration.ofSeconds(1), t -> {
          Task.current().cancel();
          sleepMs(2000);
          return null;
        }));
      });

      assertThat(thrown).isInstanceOf(CancelledError.class);
    }

    @Test
    void timeoutAfterACaughtCancellation_stillRaisesTimeoutError() {
      Throwable thrown = run(() -> {
        try {
          Task.current().cancel();
          sleepMs(1000);
        } catch (CancelledError swallowed) {
          assertThat(Task.current().cancelling()).isEqualTo(1);
        }
        return catchThrowable(() -> Timeout.run(Duration.ZERO, t -> Weft.sleep(ms(1000), null)));
      });

      assertThat(thrown).isInstanceOf(TimeoutError.class);
    }

    @Test
    void to13_bodySwallowingTheCancellationAndReturning_returnsItsValue_noTimeoutError_yetExpired() {
      AtomicReference<Timeout> scope = new AtomicReference<>();
      int[] cancellingAfter = new int[1];

      String value = run(() -> {
        String v = Timeout.run(ms(10), t -> {
          scope.set(t);
          try {
            sleepMs(1000);
            return "slept";
          } catch (CancelledError e) {
            return "swallowed";
          }
        });
        cancellingAfter[0] = Task.current().cancelling();
        Weft.sleep(Duration.ZERO); // not cancelled: the scope withdrew its request
        return v;
      });

      assertThat(value).isEqualTo("swallowed");
      assertThat(scope.get().expired()).isTrue();
      assertThat(cancellingAfter[0]).isZero();
    }

    @Test
    void checkedExceptionFromTheBody_leavesUnchanged() {
      Exception checked = new Exception("checked");

      Throwable thrown = run(() -> catchThrowable(() -> Timeout.run(ms(10), t -> {
        throw checked;
      })));

      assertThat(thrown).isSameAs(checked);
    }
  }

  // ============================================================================================================

  @Nested
  class Nesting {

    @Test
    void to02_sameDeadline_onlyTheOutermostRaisesTimeoutError_theInnerLetsCancelledErrorThrough_bothExpired() {
      AtomicReference<Timeout> outer = new AtomicReference<>();
      AtomicReference<Timeout> inner = new AtomicReference<>();
      AtomicBoolean innerLetCancelledThrough = new AtomicBoolean();

      Throwable thrown = run(() -> {
        double deadline = Weft.getRunningLoop().time() + 0.01;
        return catchThrowable(() -> Timeout.runAt(deadline, t1 -> {
          outer.set(t1);
          try {
            return Timeout.runAt(deadline, t2 -> {
              inner.set(t2);
              return Weft.sleep(ms(10_000), "late");
            });
          } catch (CancelledError e) {
            innerLetCancelledThrough.set(true);
            throw e;
          }
        }));
      });

      assertThat(thrown).isInstanceOf(TimeoutError.class);
      assertThat(innerLetCancelledThrough).isTrue();
      assertThat(outer.get().expired()).isTrue();
      assertThat(inner.get().expired()).isTrue();
    }

    @Test
    void innerDeadlineFirst_theInnerRaisesTimeoutError_andTheOuterStillGuardsWhatFollows() {
      AtomicReference<Timeout> outer = new AtomicReference<>();
      List<String> log = new ArrayList<>();

      Throwable thrown = run(() -> catchThrowable(() -> Timeout.run(ms(100), t1 -> {
        outer.set(t1);
        Throwable innerThrown = catchThrowable(() -> Timeout.run(ms(10), t2 -> Weft.sleep(ms(1000), null)));
        log.add(innerThrown.getClass().getSimpleName() + " at " + Math.round(Weft.getRunningLoop().time() * 1000));
        assertThat(t1.expired()).isFalse();
        sleepMs(10_000);
        return null;
      })));

      assertThat(log).containsExactly("TimeoutError at 10");
      assertThat(thrown).isInstanceOf(TimeoutError.class);
      assertThat(outer.get().expired()).isTrue();
      assertThat(loop.time()).isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void bothDeadlinesPassingInTheSameIteration_theOuterRaises() {
      // The body blocks the loop past both deadlines (asyncio's test_nested_timeouts_loop_busy): both timers fire in
      // one iteration, the task is cancelled twice, and only the outermost converts the cancellation.
      AtomicReference<Timeout> inner = new AtomicReference<>();
      AtomicReference<Throwable> innerThrown = new AtomicReference<>();

      Throwable thrown = run(() -> catchThrowable(() -> Timeout.run(ms(100), t1 -> {
        try {
          return Timeout.run(ms(10), t2 -> {
            inner.set(t2);
            // Jump the clock past both deadlines without letting the loop run a timer.
            ((VirtualClock) Weft.getRunningLoop().clock()).advance(ms(200));
            return Weft.sleep(ms(1000), null);
          });
        } catch (Throwable e) {
          innerThrown.set(e);
          throw e;
        }
      })));

      assertThat(innerThrown.get()).isInstanceOf(CancelledError.class);
      assertThat(inner.get().expired()).isTrue();
      assertThat(thrown).isInstanceOf(TimeoutError.class);
    }

    @Test
    void to02_nestedTimeoutInTheFinallyOfAnExpiredOne_works_andTheOuterStillRaisesTimeoutError() {
      AtomicReference<Throwable> innerThrown = new AtomicReference<>();

      Throwable thrown = run(() -> catchThrowable(() -> Timeout.run(ms(10), t1 -> {
        try {
          sleepMs(1000);
        } finally {
          innerThrown.set(catchThrowable(() -> Timeout.run(ms(10), t2 -> Weft.sleep(ms(10_000), null))));
        }
        return null;
      })));

      assertThat(innerThrown.get()).isInstanceOf(TimeoutError.class);
      assertThat(innerThrown.get().getCause()).isInstanceOf(CancelledError.class);
      assertThat(thrown).isInstanceOf(TimeoutError.class);
      assertThat(thrown.getCause()).isInstanceOf(CancelledError.class).isNotSameAs(innerThrown.get().getCause());
    }
  }

  // ============================================================================================================

  @Nested
  class Reschedule {

    @Test
    void reschedule_fromAnotherTask_movesTheDeadline_andNullDisablesIt() {
      Future<Timeout> published = loop.createFuture();
      double[] deadlines = new double[2];
      Task<Void> sleeper = loop.createTask(() -> {
        deadlines[0] = Weft.getRunningLoop().time() + 10;
        deadlines[1] = deadlines[0] + 20;
        Timeout.runAt(deadlines[0], t -> {
          published.setResult(t);
          sleepMs(50_000);
          return null;
        });
      });

      Throwable thrown = run(() -> {
        Timeout t = published.await();
        assertThat(t.when()).isEqualTo(deadlines[0]);
        t.reschedule(deadlines[1]);
        assertThat(t.when()).isEqualTo(deadlines[1]);
        t.reschedule(null);
        assertThat(t.when()).isNull();
        Weft.sleep(Duration.ofSeconds(40));
        assertThat(t.expired()).as("disabled at 40 s").isFalse();
        sleeper.cancel();
        Throwable e = catchThrowable(sleeper::await);
        assertThat(t.expired()).isFalse();
        return e;
      });

      assertThat(thrown).isInstanceOf(CancelledError.class);
    }

    @Test
    void reschedule_earlier_expiresAtTheNewDeadline() {
      Throwable thrown = run(() -> catchThrowable(() -> Timeout.run(Duration.ofSeconds(100), t -> {
        t.reschedule(Weft.getRunningLoop().time() + 2);
        return Weft.sleep(Duration.ofSeconds(50), null);
      })));

      assertThat(thrown).isInstanceOf(TimeoutError.class);
      assertThat(loop.time()).isCloseTo(2.0, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void reschedule_later_doesNotExpireAtTheOldDeadline() {
      String value = run(() -> Timeout.run(Duration.ofSeconds(1), t -> {
        t.reschedule(Weft.getRunningLoop().time() + 10);
        return Weft.sleep(Duration.ofSeconds(5), "ok");
      }));

      assertThat(value).isEqualTo("ok");
    }

    @Test
    void reschedule_toThePast_expiresInTheNextIteration() {
      Throwable thrown = run(() -> catchThrowable(() -> Timeout.run(Duration.ofSeconds(100), t -> {
        Weft.sleep(Duration.ofSeconds(1));
        t.reschedule(0.0);
        Weft.sleep(Duration.ZERO);
        return null;
      })));

      assertThat(thrown).isInstanceOf(TimeoutError.class);
      assertThat(loop.time()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void reschedule_beforeEntry_throwsIllegalState_hasNotBeenEntered() {
      run(() -> {
        Timeout t = Timeout.after(ms(10));
        assertThatThrownBy(() -> t.reschedule(1.0)).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("has not been entered");
        return null;
      });
    }

    @Test
    void reschedule_afterAFinishedScope_throwsIllegalState_namingTheState() {
      Timeout t = run(() -> Timeout.run(ms(10), scope -> scope));

      assertThatThrownBy(() -> t.reschedule(0.02)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("finished");
    }

    @Test
    void reschedule_afterExpiry_throwsIllegalState_namingTheState() {
      AtomicReference<Timeout> scope = new AtomicReference<>();
      run(() -> catchThrowable(() -> Timeout.run(ms(10), t -> {
        scope.set(t);
        return Weft.sleep(ms(1000), null);
      })));

      assertThatThrownBy(() -> scope.get().reschedule(0.02)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("expired");
    }

    @Test
    void reschedule_whileExpiring_throwsIllegalState_namingTheState() {
      Throwable thrown = run(() -> Timeout.run(ms(10), t -> {
        assertThat(catchThrowable(() -> sleepMs(1000))).isInstanceOf(CancelledError.class);
        assertThat(t.state()).isEqualTo(Timeout.State.EXPIRING);
        return catchThrowable(() -> t.reschedule(0.02));
      }));

      assertThat(thrown).isInstanceOf(IllegalStateException.class).hasMessageContaining("expiring");
    }

    @Test
    void reschedule_NaN_throwsIllegalArgumentException() {
      Throwable thrown = run(() -> Timeout.run(ms(10), t -> catchThrowable(() -> t.reschedule(Double.NaN))));

      assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
    }
  }

  // ============================================================================================================

  @Nested
  class Misuse {

    @Test
    void enteringTwice_throwsIllegalState_alreadyEntered_bothInsideAndAfter() {
      run(() -> {
        Timeout t = Timeout.after(ms(10));
        t.enter(inside -> {
          assertThatThrownBy(() -> inside.enter(x -> null)).isInstanceOf(IllegalStateException.class)
              .hasMessageContaining("has already been entered");
          return null;
        });
        assertThatThrownBy(() -> t.enter(x -> null)).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("has already been entered");
        return null;
      });
    }

    @Test
    void enteringOutsideATask_throwsIllegalState_andTheTimeoutStaysUnentered() {
      List<Throwable> errors = new ArrayList<>();
      loop.callSoon(() -> {
        Timeout t = Timeout.after(ms(10));
        errors.add(catchThrowable(() -> t.enter(x -> null)));
        errors.add(catchThrowable(() -> t.reschedule(0.02)));
      });
      loop.stop();
      loop.runForever();

      assertThat(errors.get(0)).isInstanceOf(IllegalStateException.class).hasMessageContaining("task");
      assertThat(errors.get(1)).isInstanceOf(IllegalStateException.class).hasMessageContaining("has not been entered");
    }

    @Test
    void after_withNoRunningLoop_throwsIllegalState() {
      assertThatThrownBy(() -> Timeout.after(ms(10))).isInstanceOf(IllegalStateException.class);
    }
  }

  // ============================================================================================================

  @Nested
  class Repr {

    @Test
    void to05_activeWithADeadline_showsWhenRoundedToMilliseconds() {
      String repr = run(() -> Timeout.run(ms(10_000), Timeout::toString));

      assertThat(repr).matches("<Timeout \\[active\\] when=\\d+\\.\\d*>");
    }

    @Test
    void to05_disabled_showsWhenNull() {
      assertThat(run(() -> Timeout.run(null, Timeout::toString))).isEqualTo("<Timeout [active] when=null>");
    }

    @Test
    void to05_expiredAndFinished() {
      AtomicReference<Timeout> expired = new AtomicReference<>();
      run(() -> catchThrowable(() -> Timeout.run(ms(10), t -> {
        expired.set(t);
        return Weft.sleep(ms(1000), null);
      })));
      Timeout finished = run(() -> Timeout.run(ms(10_000), t -> t));

      assertThat(expired.get()).hasToString("<Timeout [expired]>");
      assertThat(finished).hasToString("<Timeout [finished]>");
      assertThat(Timeout.at(3.0)).hasToString("<Timeout [created]>");
    }
  }

  // ============================================================================================================

  @Nested
  class AroundATaskGroup {

    @Test
    void to14_childFailingInCleanupWhileTheBodyRaises_exceptionGroupPropagates_andTheTaskIsNotLeftCancelled() {
      AtomicReference<Task<?>> main = new AtomicReference<>();

      Throwable thrown = run(() -> {
        main.set(Task.current());
        Throwable t = catchThrowable(() -> Timeout.run(ms(10), scope -> TaskGroup.run(tg -> {
          tg.createTask(() -> {
            try {
              sleepMs(2000);
            } finally {
              int zero = 0;
              System.out.println(1 / zero);
            }
          });
          try {
            throw new IllegalArgumentException("ValueError");
          } finally {
            sleepMs(1000);
          }
        })));
        assertThat(Task.current().cancelling()).isZero();
        Weft.sleep(Duration.ZERO);
        return t;
      });

      assertThat(thrown).isInstanceOf(ExceptionGroup.class);
      ExceptionGroup eg = (ExceptionGroup) thrown;
      assertThat(eg.exceptions()).singleElement().isInstanceOf(ArithmeticException.class);
      assertThat(eg.getCause()).isNull();
      // Java's stand-in for asyncio's __context__ = TimeoutError (caused by the CancelledError):
      assertThat(eg.getSuppressed()).singleElement().isInstanceOf(TimeoutError.class);
      assertThat(main.get().isCancelled()).isFalse();
    }

    @Test
    void timeoutAroundAGroupWhoseChildrenIgnoreNothing_raisesTimeoutError_andCancelsTheChildren() {
      List<Task<?>> children = new ArrayList<>();

      Throwable thrown = run(() -> catchThrowable(() -> Timeout.run(ms(10), scope -> TaskGroup.run(tg -> {
        children.add(tg.createTask(() -> Weft.sleep(ms(1000), 1)));
        children.add(tg.createTask(() -> Weft.sleep(ms(2000), 2)));
        return null;
      }))));

      assertThat(thrown).isInstanceOf(TimeoutError.class);
      assertThat(children).allSatisfy(c -> assertThat(c.isCancelled()).isTrue());
    }
  }

  // ============================================================================================================

  @Nested
  class Invariants {

    /**
     * Random schedules (deadline, body sleeps, whether the body swallows the first cancellation, an outside cancel at
     * a random time or none), checked against a model of asyncio's rules: the scope raises TimeoutError exactly when
     * it expired, no one else cancelled the task, and a CancelledError left the body; a body that returns gives its
     * value; and afterwards the task's cancelling() count is 1 if the outside cancel reached it during the scope, 0
     * otherwise, and the next await is not cancelled. Deadlines fall on odd milliseconds, sleeps on even ones and
     * outside cancels on half milliseconds, so no two events tie.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = CarrierChoice.class, names = {"LOOP_SCHEDULED", "BATON"})
    void randomSchedules_matchTheModel_andTheCancelCountIsRestored(CarrierChoice carrier) {
      if (carrier == CarrierChoice.LOOP_SCHEDULED) {
        assumeTrue(Carrier.loopScheduledAvailable(), "the loop-scheduled carrier needs --add-opens");
      }
      java.util.Map<String, Integer> outcomes = new java.util.TreeMap<>();
      for (int seed = 0; seed < 200; seed++) {
        outcomes.merge(checkOneSchedule(carrier, seed), 1, Integer::sum);
      }
      // The schedules reach every branch of the model.
      assertThat(outcomes.keySet()).containsExactlyInAnyOrder("slept cancelling=0", "swallowed cancelling=0",
          "swallowed cancelling=1", "TimeoutError cancelling=0", "CancelledError cancelling=1");
      assertThat(outcomes.values()).allSatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(5));
    }

    private String checkOneSchedule(CarrierChoice carrier, int seed) {
      Random r = new Random(seed);
      int d = 1 + 2 * r.nextInt(50);
      int s1 = 2 + 2 * r.nextInt(50);
      int s2 = 2 + 2 * r.nextInt(50);
      boolean swallow = r.nextBoolean();
      Double c = r.nextInt(3) == 0 ? null : r.nextInt(100) + 0.5;
      String schedule = "seed " + seed + ": deadline " + d + " ms, sleeps " + s1 + "/" + s2 + " ms, swallow "
          + swallow + ", outside cancel at " + c + " ms";

      // The model.
      double first = Math.min(d < s1 ? d : Double.MAX_VALUE, c != null && c < s1 ? c : Double.MAX_VALUE);
      String expectedOutcome;
      boolean expectExpired;
      boolean expectOutsideDelivered;
      if (first == Double.MAX_VALUE) {
        expectedOutcome = "slept";
        expectExpired = false;
        expectOutsideDelivered = false;
      } else if (!swallow) {
        expectExpired = first == d;
        expectOutsideDelivered = !expectExpired;
        expectedOutcome = expectExpired ? "TimeoutError" : "CancelledError";
      } else {
        double end = first + s2;
        boolean second = first == d ? c != null && c > first && c < end : d > first && d < end;
        expectExpired = first == d || second;
        expectOutsideDelivered = first != d || second;
        expectedOutcome = second ? "CancelledError" : "swallowed";
      }

      EventLoop l = virtualLoop(carrier);
      try {
        AtomicReference<Timeout> scope = new AtomicReference<>();
        AtomicBoolean scopeLeft = new AtomicBoolean();
        AtomicBoolean outsideDelivered = new AtomicBoolean();
        Task<String> task = l.createTask(() -> {
          String outcome;
          try {
            outcome = Timeout.run(ms(d), t -> {
              scope.set(t);
              try {
                sleepMs(s1);
                return "slept";
              } catch (CancelledError e) {
                if (!swallow) {
                  throw e;
                }
                sleepMs(s2);
                return "swallowed";
              }
            });
          } catch (TimeoutError | CancelledError e) {
            outcome = e.getClass().getSimpleName();
          } finally {
            scopeLeft.set(true);
          }
          int cancelling = Task.current().cancelling();
          Weft.sleep(Duration.ZERO); // never cancelled: no request is left pending
          return outcome + " cancelling=" + cancelling;
        });
        if (c != null) {
          l.callAt(c / 1000, () -> {
            if (!scopeLeft.get()) {
              outsideDelivered.set(true);
              task.cancel();
            }
          });
        }

        String result = l.runUntilComplete(task);

        assertThat(result).as(schedule)
            .isEqualTo(expectedOutcome + " cancelling=" + (expectOutsideDelivered ? 1 : 0));
        assertThat(outsideDelivered.get()).as(schedule).isEqualTo(expectOutsideDelivered);
        assertThat(scope.get().expired()).as(schedule).isEqualTo(expectExpired);
        l.checkInvariants();
        return result;
      } finally {
        l.close();
      }
    }

    /**
     * Three nested timeouts with deadlines drawn from {1, 3, 5} ms (so they often tie) around a sleep of 2, 4 or 6
     * ms: exactly the scopes whose deadline is the earliest expire, the outermost of them raises TimeoutError, the
     * scopes inside it let CancelledError through, the ones outside pass the TimeoutError on, and the count is 0
     * afterwards.
     */
    @Test
    void randomNestedDeadlines_theOutermostOfTheEarliestRaises() {
      for (int seed = 0; seed < 200; seed++) {
        Random r = new Random(seed);
        int[] deadlines = {1 + 2 * r.nextInt(3), 1 + 2 * r.nextInt(3), 1 + 2 * r.nextInt(3)};
        int sleep = 2 + 2 * r.nextInt(3);
        String schedule = "seed " + seed + ": deadlines " + java.util.Arrays.toString(deadlines) + ", sleep " + sleep;
        int earliest = Math.min(deadlines[0], Math.min(deadlines[1], deadlines[2]));
        int raiser = earliest < sleep ? (deadlines[0] == earliest ? 0 : deadlines[1] == earliest ? 1 : 2) : -1;

        EventLoop l = virtualLoop(CarrierChoice.AUTO);
        try {
          Timeout[] scopes = new Timeout[3];
          String[] leaving = new String[3];
          String result = l.runUntilComplete(() -> {
            Throwable thrown = catchThrowable(() -> nest(0, deadlines, sleep, scopes, leaving));
            assertThat(Task.current().cancelling()).as(schedule).isZero();
            Weft.sleep(Duration.ZERO);
            return thrown == null ? "returned" : thrown.getClass().getSimpleName();
          });

          for (int i = 0; i < 3; i++) {
            assertThat(scopes[i].expired()).as(schedule + ", scope " + i + " expired")
                .isEqualTo(raiser >= 0 && deadlines[i] == earliest);
            String expected = raiser < 0 ? "returned" : i > raiser ? "CancelledError" : "TimeoutError";
            assertThat(leaving[i]).as(schedule + ", leaving scope " + i).isEqualTo(expected);
          }
          assertThat(result).as(schedule).isEqualTo(raiser < 0 ? "returned" : "TimeoutError");
        } finally {
          l.close();
        }
      }
    }

    private Object nest(int level, int[] deadlines, int sleep, Timeout[] scopes, String[] leaving) {
      try {
        Object v = Timeout.run(ms(deadlines[level]), t -> {
          scopes[level] = t;
          if (level == 2) {
            sleepMs(sleep);
            return null;
          }
          return nest(level + 1, deadlines, sleep, scopes, leaving);
        });
        leaving[level] = "returned";
        return v;
      } catch (Throwable e) {
        leaving[level] = e.getClass().getSimpleName();
        throw e;
      }
    }
  }
}
