package io.weft.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
 * {@link Semaphore} and {@link BoundedSemaphore}: section SEM of the spec and CPython 3.13's
 * {@code test_locks.py::SemaphoreTests}, on virtual time.
 */
class SemaphoreTests {

  final EventLoop loop = EventLoop.createVirtual();
  Semaphore sem = new Semaphore();

  @AfterEach
  void closeLoop() {
    loop.close();
  }

  void run(AsyncRunnable body) {
    // A deadlock would hang the virtual loop in real time: the watchdog makes it a failure instead.
    Task<Void> main = loop.createTask(body);
    TimerHandle watchdog = loop.callLater(Duration.ofHours(1), () -> main.cancel("watchdog: deadlock"));
    try {
      loop.runUntilComplete(main);
    } finally {
      watchdog.cancel();
    }
    sem.checkInvariants();
  }

  static void tick() {
    Weft.sleep(Duration.ZERO);
  }

  Task<Boolean> acquirer(List<Integer> log, int tag) {
    return loop.createTask(() -> {
      boolean r = sem.acquire();
      log.add(tag);
      return r;
    });
  }

  // ============================================================================================================
  // Value and locked() (SEM-01, SEM-02)
  // ============================================================================================================

  @Nested
  class Value {

    @Test
    void negativeInitialValue_throwsIllegalArgumentException_SEM01() {
      assertThatThrownBy(() -> new Semaphore(-1)).isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessage("Semaphore initial value must be >= 0, got -1");
      assertThatThrownBy(() -> new BoundedSemaphore(-1)).isExactlyInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void initialValueZero_isLocked_SEM01() {
      assertThat(new Semaphore(0).locked()).isTrue();
    }

    @Test
    void defaultSemaphore_hasOnePermit_andIsNotLocked() {
      assertThat(sem.value()).isEqualTo(1);
      assertThat(sem.locked()).isFalse();
      run(() -> {
        assertThat(sem.acquire()).isTrue();
        assertThat(sem.locked()).isTrue();
        sem.release();
        assertThat(sem.locked()).isFalse();
      });
    }

    @Test
    void boundedSemaphore_releasedAboveItsInitialValue_throwsIllegalArgumentException_SEM01() {
      BoundedSemaphore bounded = new BoundedSemaphore();
      assertThatThrownBy(bounded::release).isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("released too many times").hasMessageContaining("bound 1");
      assertThat(bounded.value()).isEqualTo(1);
    }

    @Test
    void boundedSemaphore_releasesUpToItsBound() {
      BoundedSemaphore bounded = new BoundedSemaphore(2);
      sem = bounded;
      run(() -> {
        bounded.acquire();
        bounded.acquire();
        bounded.release();
        bounded.release();
        assertThat(bounded.value()).isEqualTo(2);
        assertThatThrownBy(bounded::release).isInstanceOf(IllegalArgumentException.class);
      });
    }

    @Test
    void plainSemaphore_mayBeReleasedAboveItsInitialValue() {
      sem.release();
      assertThat(sem.value()).isEqualTo(2);
    }

    @Test
    void hold_takesAPermit_andCloseGivesItBackOnce() {
      sem = new BoundedSemaphore(1);
      run(() -> {
        Semaphore.Held h = sem.hold();
        assertThat(sem.locked()).isTrue();
        h.close();
        h.close(); // a second close would exceed the bound if it released again
        assertThat(sem.value()).isEqualTo(1);
        assertThatThrownBy(() -> {
          try (Semaphore.Held x = sem.hold()) {
            throw new IllegalStateException("boom");
          }
        }).hasMessage("boom");
        assertThat(sem.value()).isEqualTo(1);
      });
    }

    @Test
    void locked_isTrueWhileAWaiterWaits_evenWithFreePermits_SEM02() {
      sem = new Semaphore(0);
      run(() -> {
        Task<Boolean> w = loop.createTask(() -> sem.acquire());
        tick();
        sem.release(); // the permit is reserved for the woken waiter
        sem.release(); // a free permit, yet the woken waiter has not resumed
        assertThat(sem.value()).isEqualTo(1);
        assertThat(sem.locked()).isTrue();
        w.await();
        assertThat(sem.locked()).isFalse();
      });
    }

    @Test
    void acquire_outsideATask_throwsIllegalStateException() {
      assertThatThrownBy(sem::acquire).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Semaphore.acquire() must be called from a task");
      assertThat(sem.value()).isEqualTo(1);
    }

    @Test
    void toString_showsLockedOrTheValue_andTheWaiters() {
      assertThat(sem).hasToString("Semaphore[unlocked, value:1]");
      assertThat(new BoundedSemaphore(2)).hasToString("BoundedSemaphore[unlocked, value:2]");
      run(() -> {
        sem.acquire();
        assertThat(sem).hasToString("Semaphore[locked]");
        Task<Boolean> t = loop.createTask(() -> sem.acquire());
        tick();
        assertThat(sem).hasToString("Semaphore[locked, waiters:1]");
        sem.release();
        t.await();
      });
    }
  }

  // ============================================================================================================
  // Acquiring in order (SEM-04, SEM-07)
  // ============================================================================================================

  @Nested
  class Order {

    @Test
    void acquire_takesFreePermits_thenWaitersGetReleasedPermitsInOrder() {
      sem = new Semaphore(3);
      List<Integer> log = new ArrayList<>();
      run(() -> {
        assertThat(sem.acquire()).isTrue();
        assertThat(sem.acquire()).isTrue();
        assertThat(sem.locked()).isFalse();

        Task<Boolean> t1 = acquirer(log, 1);
        Task<Boolean> t2 = acquirer(log, 2);
        Task<Boolean> t3 = acquirer(log, 3);
        tick();
        assertThat(log).containsExactly(1);
        assertThat(sem.locked()).isTrue();
        assertThat(sem.waiterCount()).isEqualTo(2);
        assertThat(sem.value()).isZero();

        Task<Boolean> t4 = acquirer(log, 4);
        sem.release();
        sem.release();
        assertThat(sem.value()).isZero();

        tick();
        assertThat(sem.value()).isZero();
        assertThat(log).containsExactly(1, 2, 3); // asyncio says "2 of t2, t3, t4"; FIFO makes it t2 and t3
        assertThat(sem.locked()).isTrue();
        assertThat(sem.waiterCount()).isEqualTo(1);
        assertThat(t4.isDone()).isFalse();

        sem.release();
        for (Task<Boolean> t : List.of(t1, t2, t3, t4)) {
          assertThat(t.await()).isTrue();
        }
      });
    }

    @Test
    void fifoHoldsAcrossReacquisition_SEM04() {
      List<String> log = new ArrayList<>();
      run(() -> {
        List<Task<Void>> tasks = new ArrayList<>();
        for (String tag : List.of("c1", "c2", "c3")) {
          tasks.add(loop.createTask(() -> {
            sem.acquire();
            log.add(tag + "_1");
            Weft.sleep(Duration.ofMillis(10));
            sem.release();

            sem.acquire();
            log.add(tag + "_2");
            Weft.sleep(Duration.ofMillis(10));
            sem.release();
          }));
        }
        for (Task<Void> t : tasks) {
          t.await();
        }
      });
      assertThat(log).containsExactly("c1_1", "c2_1", "c3_1", "c1_2", "c2_2", "c3_2");
    }

    @Test
    void releaseThenReacquire_queuesBehindTheWaiters_SEM04() {
      List<Integer> log = new ArrayList<>();
      run(() -> {
        Task<Void> t1 = loop.createTask(() -> {
          sem.acquire();
          log.add(1);
        });
        Task<Void> t2 = loop.createTask(() -> {
          sem.acquire();
          log.add(2);
          sem.release();
          sem.acquire();
          log.add(4);
        });
        Task<Void> t3 = loop.createTask(() -> {
          sem.acquire();
          log.add(3);
        });
        tick();
        sem.release();
        sem.release();
        t1.await();
        t2.await();
        t3.await();
      });
      assertThat(log).containsExactly(1, 2, 3, 4);
    }

    @Test
    void aWaiterCancelledBeforeTwoReleases_theOthersGetThem_SEM04() {
      sem = new Semaphore(0);
      List<Integer> log = new ArrayList<>();
      run(() -> {
        Task<Boolean> t1 = acquirer(log, 1);
        Task<Boolean> t2 = acquirer(log, 2);
        Task<Boolean> t3 = acquirer(log, 3);
        tick();
        t1.cancel();
        tick();
        sem.release();
        sem.release();
        assertThatThrownBy(t1::await).isInstanceOf(CancelledError.class);
        t2.await();
        t3.await();
      });
      assertThat(log).containsExactly(2, 3);
    }

    @Test
    void anAcquireThatSucceeds_wakesAsManyWaitersAsPermitsAllow_SEM07() {
      sem = new Semaphore(0);
      List<Integer> log = new ArrayList<>();
      @SuppressWarnings("unchecked")
      Task<Void>[] t4 = new Task[1];
      run(() -> {
        Task<Void> t1 = loop.createTask(() -> {
          assertThat(sem.value()).isZero();
          sem.acquire();
          assertThat(sem.value()).isZero(); // it woke the others
          t4[0] = loop.createTask(() -> {
            log.add(4);
          }); // runs after c3, not after c2
          log.add(1);
        });
        Task<Void> t2 = loop.createTask(() -> {
          sem.release();
          sem.release();
          sem.release();
          assertThat(sem.value()).isEqualTo(2);
          assertThat(sem.locked()).isTrue(); // c1 has not woken up yet
          sem.acquire();
          log.add(2);
        });
        Task<Void> t3 = loop.createTask(() -> {
          sem.acquire();
          assertThat(sem.locked()).isTrue();
          log.add(3);
        });
        tick();
        assertThat(sem.value()).isEqualTo(2);
        assertThat(sem.waiterCount()).isEqualTo(3);
        tick();
        t1.await();
        t2.await();
        t3.await();
        t4[0].await();
      });
      assertThat(log).containsExactly(1, 2, 3, 4);
    }
  }

  // ============================================================================================================
  // Cancellation (SEM-05)
  // ============================================================================================================

  @Nested
  class Cancellation {

    @Test
    void cancelledAcquire_raisesCancelledError_andLeavesNoWaiterBehind() {
      run(() -> {
        sem.acquire();
        Task<Boolean> t = loop.createTask(() -> sem.acquire());
        loop.callSoon(() -> t.cancel());
        assertThatThrownBy(t::await).isInstanceOf(CancelledError.class);
        assertThat(sem.waiterCount()).isZero();
        assertThat(sem.value()).isZero();
      });
    }

    @Test
    void twoWaitersCancelledThenOneRelease_theThirdAcquiresAndTheFourthWaits_SEM05() {
      sem = new Semaphore(0);
      run(() -> {
        List<Task<Boolean>> ts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          ts.add(loop.createTask(() -> sem.acquire()));
        }
        tick();
        ts.get(0).cancel();
        ts.get(1).cancel();
        sem.release();
        tick();
        tick();
        assertThat(ts.get(2).isDone()).isTrue();
        assertThat(ts.get(3).isDone()).isFalse();
        ts.get(2).cancel();
        ts.get(3).cancel();
        tick();
      });
    }

    @Test
    void firstWaiterCancelledThenRelease_theSecondAcquires_noHang() {
      // asyncio test_acquire_hang
      sem = new Semaphore(0);
      run(() -> {
        Task<Boolean> t1 = loop.createTask(() -> sem.acquire());
        Task<Boolean> t2 = loop.createTask(() -> sem.acquire());
        tick();
        t1.cancel();
        sem.release();
        tick();
        tick();
        assertThat(sem.locked()).isTrue();
        assertThat(t2.isDone()).isTrue();
      });
    }

    @Test
    void waiterCancelledByTheHolderAsItReleases_theSemaphoreIsNotLost() {
      // asyncio test_acquire_no_hang
      @SuppressWarnings("unchecked")
      Task<Void>[] t2 = new Task[1];
      run(() -> {
        Task<Void> t1 = loop.createTask(() -> {
          try (Semaphore.Held h = sem.hold()) {
            tick();
          }
          t2[0].cancel();
        });
        t2[0] = loop.createTask(() -> {
          try (Semaphore.Held h = sem.hold()) {
            throw new AssertionError("must not get the permit");
          }
        });
        t1.await();
        assertThatThrownBy(t2[0]::await).isInstanceOf(CancelledError.class);
        sem.acquire(); // at once: the permit came back
        assertThat(sem.value()).isZero();
      });
    }

    @Test
    void wokenWaiterCancelledBeforeItResumes_givesItsPermitToTheNextWaiter() {
      sem = new Semaphore(0);
      List<Integer> log = new ArrayList<>();
      run(() -> {
        Task<Boolean> t1 = acquirer(log, 1);
        Task<Boolean> t2 = acquirer(log, 2);
        tick();
        sem.release(); // reserves the permit for t1
        t1.cancel(); // t1 gets CancelledError instead, and must hand the permit to t2
        assertThat(t2.await()).isTrue();
        assertThat(t1.isCancelled()).isTrue();
        assertThat(log).containsExactly(2);
        assertThat(sem.value()).isZero();
        sem.release();
      });
      assertThat(sem.value()).isEqualTo(1);
      assertThat(sem.waiterCount()).isZero();
    }

    @Test
    void wokenLastWaiterCancelled_givesThePermitBack() {
      sem = new Semaphore(0);
      run(() -> {
        Task<Boolean> t1 = loop.createTask(() -> sem.acquire());
        tick();
        sem.release();
        t1.cancel();
        tick();
        assertThat(t1.isCancelled()).isTrue();
        assertThat(sem.value()).isEqualTo(1);
        assertThat(sem.locked()).isFalse();
      });
    }
  }
}
