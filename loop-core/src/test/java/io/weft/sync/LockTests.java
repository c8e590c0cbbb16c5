package io.weft.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.weft.AsyncRunnable;
import io.weft.CancelledError;
import io.weft.EventLoop;
import io.weft.Future;
import io.weft.Task;
import io.weft.TimerHandle;
import io.weft.Weft;
import io.weft.internal.Carrier;
import io.weft.spi.VirtualClock;
import io.weft.spi.VirtualPoller;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * {@link Lock}: section LOCK of the spec and CPython 3.13's {@code test_locks.py::LockTests}, on a loop on virtual
 * time. The cancellation races run on both coroutine carriers.
 */
class LockTests {

  EventLoop.CarrierChoice carrierChoice = EventLoop.CarrierChoice.AUTO;
  EventLoop loop;
  final Lock lock = new Lock();

  @BeforeEach
  void createLoop() {
    if (carrierChoice == EventLoop.CarrierChoice.LOOP_SCHEDULED) {
      assumeTrue(Carrier.loopScheduledAvailable(), "the loop-scheduled carrier needs --add-opens java.base/java.lang");
    }
    VirtualClock clock = new VirtualClock();
    loop = EventLoop.builder().clock(clock).poller(new VirtualPoller(clock)).carrier(carrierChoice).build();
  }

  @AfterEach
  void closeLoop() {
    loop.close();
  }

  /** Runs {@code body} as a main task until it is done, then checks the lock's invariants. */
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
    lock.checkInvariants();
  }

  /** asyncio's {@code await asyncio.sleep(0)}: gives up exactly one loop iteration. */
  static void tick() {
    Weft.sleep(Duration.ZERO);
  }

  /** A task body that acquires the lock and records {@code tag}; the task's result is true. */
  Task<Boolean> acquirer(List<String> log, String tag) {
    return loop.createTask(() -> {
      boolean got = lock.acquire();
      log.add(tag);
      return got;
    });
  }

  // ============================================================================================================
  // Basics
  // ============================================================================================================

  @Nested
  class Basics {

    @Test
    void newLock_isUnlocked_andAcquireReturnsTrueAndLocksIt() {
      assertThat(lock.locked()).isFalse();
      run(() -> {
        assertThat(lock.acquire()).isTrue();
        assertThat(lock.locked()).isTrue();
        lock.release();
        assertThat(lock.locked()).isFalse();
      });
    }

    @Test
    void release_ofAnUnlockedLock_throwsIllegalStateException_lockIsNotAcquired() {
      assertThatThrownBy(lock::release).isExactlyInstanceOf(IllegalStateException.class)
          .hasMessage("Lock is not acquired.");
    }

    @Test
    void release_byATaskThatDidNotAcquire_isAllowed_thereIsNoOwner() {
      run(() -> {
        loop.createTask(() -> lock.acquire()).await();
        assertThat(lock.locked()).isTrue();
        lock.release();
        assertThat(lock.locked()).isFalse();
      });
    }

    @Test
    void release_fromACallback_isAllowed() {
      List<String> log = new ArrayList<>();
      run(() -> {
        lock.acquire();
        Task<Boolean> t = acquirer(log, "t");
        tick();
        loop.callSoon(lock::release);
        assertThat(t.await()).isTrue();
      });
      assertThat(log).containsExactly("t");
    }

    @Test
    void lock_isNotReentrant_aSecondAcquireByTheHolderWaits() {
      run(() -> {
        lock.acquire();
        Task<?> self = Task.current();
        loop.callLater(Duration.ofSeconds(1), lock::release);
        double before = loop.time();
        assertThat(lock.acquire()).isTrue();
        assertThat(loop.time() - before).isEqualTo(1.0);
        assertThat(Task.current()).isSameAs(self);
        lock.release();
      });
    }

    @Test
    void hold_acquires_andCloseReleases_evenWhenTheBodyThrows() {
      run(() -> {
        try (Lock.Held h = lock.hold()) {
          assertThat(lock.locked()).isTrue();
        }
        assertThat(lock.locked()).isFalse();
        assertThatThrownBy(() -> {
          try (Lock.Held h = lock.hold()) {
            throw new IllegalArgumentException("boom");
          }
        }).hasMessage("boom");
        assertThat(lock.locked()).isFalse();
      });
    }

    @Test
    void held_closedTwice_releasesOnce() {
      run(() -> {
        Lock.Held h = lock.hold();
        h.close();
        lock.acquire();
        h.close(); // must not release the second acquisition
        assertThat(lock.locked()).isTrue();
        lock.release();
      });
    }

    @Test
    void acquire_outsideATask_throwsIllegalStateException_andLeavesTheLockAlone() {
      assertThatThrownBy(lock::acquire).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Lock.acquire() must be called from a task");
      assertThat(lock.locked()).isFalse();
    }

    @Test
    void acquire_inACallbackOnTheLoop_throwsIllegalStateException_andEnqueuesNothing() {
      List<Throwable> errors = new ArrayList<>();
      run(() -> {
        lock.acquire();
        loop.callSoon(() -> {
          try {
            lock.acquire();
          } catch (IllegalStateException e) {
            errors.add(e);
          }
        });
        tick();
        lock.release();
      });
      assertThat(errors).singleElement().asString().contains("must be called from a task");
      assertThat(lock.waiterCount()).isZero();
    }

    @Test
    void waitingFromAnotherLoop_throwsIllegalStateException() {
      run(() -> {
        lock.acquire();
        Task<Boolean> waiter = loop.createTask(() -> lock.acquire());
        tick(); // the waiter binds the lock's queue to this loop
        waiter.cancel();
        tick();
      });
      try (EventLoop other = EventLoop.createVirtual()) {
        assertThatThrownBy(() -> other.runUntilComplete(() -> lock.acquire()))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("different event loop");
      }
      assertThat(lock.waiterCount()).isZero();
    }

    @Test
    void toString_showsLockedOrUnlocked_andTheWaiters() {
      assertThat(lock).hasToString("Lock[unlocked]");
      run(() -> {
        lock.acquire();
        assertThat(lock).hasToString("Lock[locked]");
        Task<Boolean> t = loop.createTask(() -> lock.acquire());
        tick();
        assertThat(lock).hasToString("Lock[locked, waiters:1]");
        lock.release();
        t.await();
        lock.release();
      });
    }
  }

  // ============================================================================================================
  // FIFO order and fairness (LOCK-01)
  // ============================================================================================================

  @Nested
  class Fairness {

    @Test
    void waiters_acquireInFifoOrder_aLaterTaskQueuesBehind_LOCK01() {
      List<String> log = new ArrayList<>();
      run(() -> {
        assertThat(lock.acquire()).isTrue();
        Task<Boolean> t1 = acquirer(log, "1");
        Task<Boolean> t2 = acquirer(log, "2");
        tick();
        assertThat(log).isEmpty();

        lock.release();
        tick();
        assertThat(log).containsExactly("1");
        tick();
        assertThat(log).containsExactly("1");

        Task<Boolean> t3 = acquirer(log, "3");
        lock.release();
        tick();
        assertThat(log).containsExactly("1", "2");
        lock.release();
        tick();
        assertThat(log).containsExactly("1", "2", "3");
        assertThat(List.of(t1, t2, t3)).allSatisfy(t -> assertThat(t.result()).isTrue());
        lock.release();
      });
    }

    @Test
    void lockHandedToAWokenWaiter_isNotLocked_yetANewcomerCannotStealIt() {
      List<String> log = new ArrayList<>();
      run(() -> {
        lock.acquire();
        Task<Boolean> waiter = acquirer(log, "waiter");
        tick();
        Task<Boolean> newcomer = acquirer(log, "newcomer"); // its first step runs before the waiter resumes
        lock.release();
        assertThat(lock.locked()).isFalse();
        tick();
        assertThat(log).containsExactly("waiter");
        assertThat(lock.waiterCount()).isEqualTo(1);
        lock.release();
        tick();
        assertThat(log).containsExactly("waiter", "newcomer");
        waiter.await();
        newcomer.await();
        lock.release();
      });
    }

    @Test
    void newcomer_takesTheLockAtOnce_whenEveryWaiterIsCancelled() {
      // asyncio test_finished_waiter_cancelled: jumping a queue of cancelled waiters is allowed.
      run(() -> {
        lock.acquire();
        Task<Boolean> tb = loop.createTask(() -> lock.acquire());
        tick();
        assertThat(lock.waiterCount()).isEqualTo(1);

        Task<Boolean> tc = loop.createTask(() -> lock.acquire());
        tb.cancel();
        lock.release();
        tick();

        assertThat(lock.locked()).isTrue();
        assertThat(tb.isCancelled()).isTrue();
        assertThat(tc.isDone()).isTrue();
        lock.release();
      });
    }
  }

  // ============================================================================================================
  // Cancellation (LOCK-02, LOCK-04, LOCK-05), on both carriers
  // ============================================================================================================

  abstract class Cancellation {
    Cancellation(EventLoop.CarrierChoice carrier) {
      carrierChoice = carrier;
    }

    @Test
    void cancelledAcquire_raisesCancelledError_andRemovesItsWaiter_LOCK02() {
      run(() -> {
        lock.acquire();
        Task<Boolean> t = loop.createTask(() -> lock.acquire());
        loop.callSoon(() -> t.cancel());
        assertThatThrownBy(t::await).isInstanceOf(CancelledError.class);
        assertThat(lock.waiterCount()).isZero();
        assertThat(lock.locked()).isTrue();
        lock.release();
      });
    }

    @Test
    void releaseAndCancelOfTheFirstWaiterInOneStep_theNextWaiterGetsTheLock_LOCK04() {
      run(() -> {
        Future<Void> blocker = loop.createFuture();
        Task<Void> ta = loop.createTask(() -> lockit(blocker));
        tick();
        assertThat(lock.locked()).isTrue();
        Task<Void> tb = loop.createTask(() -> lockit(null));
        tick();
        assertThat(lock.waiterCount()).isEqualTo(1);
        Task<Void> tc = loop.createTask(() -> lockit(null));
        tick();
        assertThat(lock.waiterCount()).isEqualTo(2);

        blocker.setResult(null);
        tb.cancel();
        tick();
        assertThat(lock.locked()).isFalse(); // handed to c, which has not resumed yet
        assertThat(ta.isDone()).isTrue();
        assertThat(tb.isCancelled()).isTrue();
        tc.await();
        assertThat(lock.locked()).isFalse();
      });
    }

    private void lockit(Future<Void> blocker) {
      lock.acquire();
      try {
        if (blocker != null) {
          blocker.await();
        }
      } finally {
        lock.release();
      }
    }

    @Test
    void cancelAndReleaseInOneCallback_exactlyOneWaiterAcquires_LOCK05() {
      int[] lockCount = {0};
      int[] callCount = {0};
      run(() -> {
        lock.acquire();
        AsyncRunnable lockit = () -> {
          callCount[0]++;
          lock.acquire();
          lockCount[0]++;
        };
        Task<Void> t1 = loop.createTask(lockit);
        Task<Void> t2 = loop.createTask(lockit);
        Task<Void> t3 = loop.createTask(lockit);
        tick();

        loop.callSoon(() -> {
          t1.cancel();
          lock.release();
        });
        assertThatThrownBy(t1::await).isInstanceOf(CancelledError.class);

        assertThat(lockCount[0]).isEqualTo(1);
        assertThat(callCount[0]).isEqualTo(3);
        assertThat(t1.isCancelled()).isTrue();
        assertThat(t2.isDone()).isTrue();
        assertThat(t3.isDone()).isFalse();

        t3.cancel();
        tick();
        assertThat(t3.isCancelled()).isTrue();
      });
    }

    @Test
    void wokenWaiterCancelledBeforeItResumes_passesTheLockOnToTheNextWaiter() {
      List<String> log = new ArrayList<>();
      run(() -> {
        lock.acquire();
        Task<Boolean> b = acquirer(log, "b");
        Task<Boolean> c = acquirer(log, "c");
        tick();
        lock.release(); // wakes b
        b.cancel(); // b gets the CancelledError instead, and must hand the lock to c
        tick();
        assertThat(b.isCancelled()).isTrue();
        assertThat(log).isEmpty();
        assertThat(lock.locked()).isFalse();
        assertThat(c.await()).isTrue();
        assertThat(log).containsExactly("c");
        assertThat(lock.locked()).isTrue();
        lock.release();
      });
      assertThat(lock.waiterCount()).isZero();
    }

    @Test
    void wokenLastWaiterCancelled_leavesTheLockUnlocked_forANewcomer() {
      run(() -> {
        lock.acquire();
        Task<Boolean> b = loop.createTask(() -> lock.acquire());
        tick();
        lock.release();
        b.cancel();
        tick();
        assertThat(b.isCancelled()).isTrue();
        assertThat(lock.locked()).isFalse();
        assertThat(lock.acquire()).isTrue(); // at once: nobody waits
        lock.release();
      });
    }

    @Test
    void cancelledWhileHolding_holdReleasesTheLock() {
      run(() -> {
        Future<Void> never = loop.createFuture();
        Task<Void> holder = loop.createTask(() -> {
          try (Lock.Held h = lock.hold()) {
            never.await();
          }
        });
        Task<Boolean> next = loop.createTask(() -> lock.acquire());
        tick();
        holder.cancel();
        assertThat(next.await()).isTrue();
        assertThat(holder.isCancelled()).isTrue();
        lock.release();
      });
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
}
