package io.weft.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.weft.AsyncRunnable;
import io.weft.CancelledError;
import io.weft.EventLoop;
import io.weft.Task;
import io.weft.TimerHandle;
import io.weft.Weft;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * {@link Condition}: section COND of the spec and CPython 3.13's {@code test_locks.py::ConditionTests}, on virtual
 * time. asyncio's {@code wait}, {@code wait_for}, {@code notify}, {@code notify_all} are {@code await},
 * {@code awaitFor}, {@code signal}, {@code signalAll} here.
 */
class ConditionTests {

  final EventLoop loop = EventLoop.createVirtual();
  final Condition cond = new Condition();

  @AfterEach
  void closeLoop() {
    loop.close();
  }

  void run(AsyncRunnable body) {
    // A deadlock would hang the virtual loop in real time: a watchdog timer an hour of virtual time away makes it a
    // failure instead (the clock jumps to it when nothing else can run).
    Task<Void> main = loop.createTask(body);
    TimerHandle watchdog = loop.callLater(Duration.ofHours(1), () -> main.cancel("watchdog: deadlock"));
    try {
      loop.runUntilComplete(main);
    } finally {
      watchdog.cancel();
    }
    cond.lock().checkInvariants();
  }

  static void tick() {
    Weft.sleep(Duration.ZERO);
  }

  /** A task that acquires the lock, waits once, records {@code tag}, and releases the lock if {@code release}. */
  Task<Boolean> waiter(List<Integer> log, int tag, boolean release) {
    return loop.createTask(() -> {
      cond.acquire();
      boolean r = cond.await();
      log.add(tag);
      if (release) {
        cond.release();
      }
      return r;
    });
  }

  // ============================================================================================================
  // The lock (COND-01, COND-07)
  // ============================================================================================================

  @Nested
  class TheLock {

    @Test
    void await_withoutTheLock_throwsIllegalStateException_COND01() {
      assertThatThrownBy(() -> loop.runUntilComplete(() -> cond.await()))
          .isExactlyInstanceOf(IllegalStateException.class).hasMessage("cannot wait on un-acquired lock");
      assertThat(cond.waiterCount()).isZero();
    }

    @Test
    void signalAndSignalAll_withoutTheLock_throwIllegalStateException_COND01() {
      assertThatThrownBy(cond::signal).isExactlyInstanceOf(IllegalStateException.class)
          .hasMessage("cannot notify on un-acquired lock");
      assertThatThrownBy(() -> cond.signal(3)).isExactlyInstanceOf(IllegalStateException.class);
      assertThatThrownBy(cond::signalAll).isExactlyInstanceOf(IllegalStateException.class)
          .hasMessage("cannot notify on un-acquired lock");
    }

    @Test
    void awaitFor_aTruePredicate_returnsWithoutTheLock_aFalseOneNeedsIt_COND01() {
      run(() -> {
        assertThat(cond.awaitFor(() -> true)).isTrue();
        assertThat(cond.locked()).isFalse();
        assertThatThrownBy(() -> cond.awaitFor(() -> false)).isExactlyInstanceOf(IllegalStateException.class)
            .hasMessage("cannot wait on un-acquired lock");
      });
    }

    @Test
    void await_outsideATask_throwsIllegalStateException() {
      assertThatThrownBy(cond::await).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Condition.await() must be called from a task");
    }

    @Test
    void hold_holdsTheConditionsLock() {
      run(() -> {
        assertThat(cond.locked()).isFalse();
        try (Lock.Held h = cond.hold()) {
          assertThat(cond.locked()).isTrue();
          assertThat(cond.lock().locked()).isTrue();
        }
        assertThat(cond.locked()).isFalse();
      });
    }

    @Test
    void conditionOnAnExplicitLock_sharesIt_lockedAlwaysAgrees_COND07() {
      Lock lock = new Lock();
      Condition shared = new Condition(lock);
      assertThat(shared.lock()).isSameAs(lock);
      run(() -> {
        assertThat(lock.locked()).isFalse();
        assertThat(shared.locked()).isFalse();
        try (Lock.Held h = shared.hold()) {
          assertThat(lock.locked()).isTrue();
          assertThat(shared.locked()).isTrue();
        }
        assertThat(lock.locked()).isFalse();
        assertThat(shared.locked()).isFalse();
        try (Lock.Held h = lock.hold()) {
          assertThat(lock.locked()).isTrue();
          assertThat(shared.locked()).isTrue();
        }
        assertThat(shared.locked()).isFalse();
      });
    }

    @Test
    void twoConditionsOnOneLock_waitAndSignalIndependently() {
      Lock lock = new Lock();
      Condition a = new Condition(lock);
      Condition b = new Condition(lock);
      List<String> log = new ArrayList<>();
      run(() -> {
        Task<Void> ta = loop.createTask(() -> {
          try (Lock.Held h = a.hold()) {
            a.await();
            log.add("a");
          }
        });
        Task<Void> tb = loop.createTask(() -> {
          try (Lock.Held h = b.hold()) {
            b.await();
            log.add("b");
          }
        });
        tick();
        try (Lock.Held h = lock.hold()) {
          b.signal();
        }
        tb.await();
        assertThat(log).containsExactly("b");
        try (Lock.Held h = lock.hold()) {
          a.signalAll();
        }
        ta.await();
        assertThat(log).containsExactly("b", "a");
      });
    }

    @Test
    void toString_showsTheLockAndTheWaiters() {
      assertThat(cond).hasToString("Condition[unlocked]");
      run(() -> {
        Task<Boolean> t = waiter(new ArrayList<>(), 1, true);
        tick();
        cond.acquire();
        assertThat(cond).hasToString("Condition[locked, waiters:1]");
        cond.signal();
        cond.release();
        t.await();
      });
    }
  }

  // ============================================================================================================
  // Waiting and signalling (COND-02, COND-07)
  // ============================================================================================================

  @Nested
  class Signalling {

    @Test
    void signalledWaiter_returnsOnlyOnceItHasTheLockAgain_andSignalDoesNotRelease_COND02() {
      List<Integer> log = new ArrayList<>();
      run(() -> {
        Task<Boolean> t1 = waiter(log, 1, false);
        Task<Boolean> t2 = waiter(log, 2, false);
        Task<Boolean> t3 = waiter(log, 3, false);
        tick();
        assertThat(log).isEmpty();
        assertThat(cond.locked()).isFalse();

        assertThat(cond.acquire()).isTrue();
        cond.signal();
        tick();
        assertThat(log).isEmpty();
        assertThat(cond.locked()).isTrue();

        cond.release();
        tick();
        assertThat(log).containsExactly(1);
        assertThat(cond.locked()).isTrue();

        cond.signal(2);
        tick();
        assertThat(log).containsExactly(1);
        assertThat(cond.locked()).isTrue();

        cond.release();
        tick();
        assertThat(log).containsExactly(1, 2);
        assertThat(cond.locked()).isTrue();

        cond.release();
        tick();
        assertThat(log).containsExactly(1, 2, 3);
        assertThat(cond.locked()).isTrue();
        assertThat(List.of(t1, t2, t3)).allSatisfy(t -> assertThat(t.result()).isTrue());
        cond.release();
      });
    }

    @Test
    void signalN_wakesUpToNInOrder_extraSignalsAreNoOps() {
      List<Integer> log = new ArrayList<>();
      run(() -> {
        Task<Boolean> t1 = waiter(log, 1, true);
        Task<Boolean> t2 = waiter(log, 2, true);
        Task<Boolean> t3 = waiter(log, 3, true);
        tick();

        cond.acquire();
        cond.signal(1);
        cond.release();
        tick();
        assertThat(log).containsExactly(1);

        cond.acquire();
        cond.signal(1);
        cond.signal(2048);
        cond.release();
        tick();
        assertThat(log).containsExactly(1, 2, 3);
        assertThat(List.of(t1, t2, t3)).allSatisfy(t -> assertThat(t.result()).isTrue());
      });
    }

    @Test
    void signalOfZeroOrLess_wakesNone_asInAsyncio() {
      List<Integer> log = new ArrayList<>();
      run(() -> {
        Task<Boolean> t = waiter(log, 1, true);
        tick();
        cond.acquire();
        cond.signal(0);
        cond.signal(-1);
        cond.release();
        Weft.sleep(Duration.ofSeconds(1));
        assertThat(log).isEmpty();
        cond.acquire();
        cond.signal();
        cond.release();
        t.await();
      });
    }

    @Test
    void signalAll_wakesEveryWaiterInOrder() {
      List<Integer> log = new ArrayList<>();
      run(() -> {
        Task<Boolean> t1 = waiter(log, 1, true);
        Task<Boolean> t2 = waiter(log, 2, true);
        tick();

        cond.acquire();
        cond.signalAll();
        cond.release();
        tick();
        assertThat(log).containsExactly(1, 2);
        assertThat(t1.result()).isTrue();
        assertThat(t2.result()).isTrue();
      });
    }

    @Test
    void awaitFor_checksThePredicateAfterEveryWakeup_aSignalWhileFalseKeepsWaiting_COND07() {
      boolean[] ready = {false};
      List<Integer> log = new ArrayList<>();
      run(() -> {
        Task<Boolean> t = loop.createTask(() -> {
          cond.acquire();
          boolean r = cond.awaitFor(() -> ready[0]);
          log.add(1);
          cond.release();
          return r;
        });
        tick();
        assertThat(log).isEmpty();

        cond.acquire();
        cond.signal();
        cond.release();
        tick();
        assertThat(log).isEmpty();

        ready[0] = true;
        cond.acquire();
        cond.signal();
        cond.release();
        tick();
        assertThat(log).containsExactly(1);
        assertThat(t.result()).isTrue();
      });
    }
  }

  // ============================================================================================================
  // Cancellation (COND-04, COND-05, COND-08)
  // ============================================================================================================

  @Nested
  class Cancellation {

    @Test
    void cancelledAwait_raisesOnlyAfterReacquiringTheLock_andLeavesTheQueue_COND04() {
      run(() -> {
        cond.acquire();
        Task<Boolean> wait = loop.createTask(() -> cond.await());
        loop.callSoon(() -> wait.cancel());
        assertThatThrownBy(wait::await).isInstanceOf(CancelledError.class);
        assertThat(cond.waiterCount()).isZero();
        assertThat(cond.locked()).isTrue();
        cond.release();
      });
    }

    @Test
    void signalledThenCancelledWhileTheLockIsContested_endsHoldingTheLock() {
      // asyncio test_wait_cancel_contested
      run(() -> {
        cond.acquire();
        Task<Boolean> wait = loop.createTask(() -> cond.await());
        tick();
        assertThat(cond.locked()).isFalse();

        cond.acquire();
        cond.signal();
        loop.callSoon(() -> wait.cancel());
        loop.callSoon(cond::release);
        try {
          wait.await();
        } catch (CancelledError e) {
          // asyncio allows either outcome here
        }
        assertThat(cond.locked()).isTrue();
        cond.release();
      });
    }

    @Test
    void cancelledAfterSignal_whileReacquiring_keepsTryingAndEndsCancelled() {
      // asyncio test_wait_cancel_after_notify (bpo-32841)
      boolean[] waited = {false};
      run(() -> {
        Task<Void> waiter = loop.createTask(() -> {
          try (Lock.Held h = cond.hold()) {
            waited[0] = true;
            cond.await();
          }
        });
        tick();
        cond.acquire();
        cond.signal();
        tick(); // the waiter now waits for the lock
        waiter.cancel();
        tick(); // the cancellation lands in the lock's acquire; the waiter tries again
        cond.release();
        tick();
        assertThat(waiter.isCancelled()).isTrue();
        assertThat(waited[0]).isTrue();
        assertThat(cond.locked()).isFalse();
      });
    }

    @Test
    void cancelledWhileWaitingForTheSignal_rethrowsTheSameCancelledError_COND05() {
      CancelledError[] raised = {null};
      run(() -> {
        Task<Void> task = loop.createTask(() -> holdAndAwaitFor(() -> false, raised));
        tick();
        task.cancel("foo");
        CancelledError err = catchThrowableOfType(CancelledError.class, task::await);
        assertThat(err).hasMessage("foo");
        assertThat(err).isSameAs(raised[0]);
        assertThat(cond.locked()).isFalse();
      });
    }

    @Test
    void cancelledWhileReacquiringAfterASignal_rethrowsTheSameCancelledError_COND05() {
      CancelledError[] raised = {null};
      boolean[] wake = {false};
      run(() -> {
        Task<Void> task = loop.createTask(() -> holdAndAwaitFor(() -> wake[0], raised));
        tick();
        cond.acquire();
        wake[0] = true;
        cond.signal();
        tick(); // the task is now trying to re-acquire the lock
        task.cancel("foo");
        cond.release();
        CancelledError err = catchThrowableOfType(CancelledError.class, task::await);
        assertThat(err).hasMessage("foo");
        assertThat(err).isSameAs(raised[0]);
        assertThat(cond.locked()).isFalse();
      });
    }

    private void holdAndAwaitFor(java.util.function.BooleanSupplier predicate, CancelledError[] raised) {
      try (Lock.Held h = cond.hold()) {
        try {
          cond.awaitFor(predicate);
        } catch (CancelledError e) {
          raised[0] = e;
          assertThat(cond.locked()).isTrue();
          throw e;
        }
      }
    }

    @Test
    void cancelledByATimerInsideTheLockedBlock_theLockIsHeldAgainWhenTheErrorArrives_COND08() {
      // asyncio test_timeout_in_block, with a timer that cancels the task standing in for wait_for's timeout.
      run(() -> {
        Task<?> me = Task.current();
        try (Lock.Held h = cond.hold()) {
          loop.callLater(Duration.ofMillis(500), () -> me.cancel());
          assertThatThrownBy(cond::await).isInstanceOf(CancelledError.class);
          assertThat(cond.locked()).isTrue();
          assertThat(loop.time()).isEqualTo(0.5);
          me.uncancel();
        }
        assertThat(cond.locked()).isFalse();
      });
    }

    @Test
    void signalledWaiterCancelledBeforeItResumes_passesTheSignalOn() {
      // asyncio 3.13 test_cancelled_wakeup: a cancel racing a notify must not lose the notify.
      int[] state = {0};
      run(() -> {
        Task<Void> c0 = loop.createTask(() -> consume(state));
        Task<Void> c1 = loop.createTask(() -> consume(state));
        tick();
        try (Lock.Held h = cond.hold()) {
          state[0] += 1;
          cond.signal(1);
          c0.cancel();
        }
        Weft.sleep(Duration.ofSeconds(1));
        assertThat(state[0]).isZero();
        assertThat(c0.isCancelled()).isTrue();

        try (Lock.Held h = cond.hold()) {
          state[0] = -1;
          cond.signalAll();
        }
        c1.await();
      });
    }

    @Test
    void signalledWaiterCancelledWhileReacquiring_passesTheSignalOn() {
      // asyncio 3.13 test_cancelled_wakeup_relock
      int[] state = {0};
      run(() -> {
        Task<Void> c0 = loop.createTask(() -> consume(state));
        Task<Void> c1 = loop.createTask(() -> consume(state));
        tick();
        try (Lock.Held h = cond.hold()) {
          state[0] += 1;
          cond.signal(1);
          tick(); // c0 wakes and waits for the lock
          c0.cancel();
        }
        Weft.sleep(Duration.ofSeconds(1));
        assertThat(state[0]).isZero();
        assertThat(c0.isCancelled()).isTrue();

        try (Lock.Held h = cond.hold()) {
          state[0] = -1;
          cond.signalAll();
        }
        c1.await();
      });
    }

    private void consume(int[] state) {
      try (Lock.Held h = cond.hold()) {
        while (true) {
          cond.awaitFor(() -> state[0] != 0);
          if (state[0] < 0) {
            return;
          }
          state[0]--;
        }
      }
    }

    @Test
    void waiterCancelledBeforeASignal_wakesAnotherWaiter_aSpuriousWakeupAsInAsyncio313() {
      List<Integer> log = new ArrayList<>();
      run(() -> {
        Task<Void> t1 = loop.createTask(() -> {
          try (Lock.Held h = cond.hold()) {
            cond.await();
          }
        });
        Task<Boolean> t2 = waiter(log, 2, true);
        tick();
        t1.cancel();
        assertThat(t2.await()).isTrue(); // no signal was sent
        assertThat(t1.isCancelled()).isTrue();
        assertThat(log).containsExactly(2);
        assertThat(cond.waiterCount()).isZero();
      });
    }
  }
}
