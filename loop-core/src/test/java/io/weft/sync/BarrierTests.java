package io.weft.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.AsyncCallable;
import io.weft.AsyncRunnable;
import io.weft.CancelledError;
import io.weft.EventLoop;
import io.weft.Task;
import io.weft.TimerHandle;
import io.weft.Weft;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** {@link Barrier}: section BAR of the spec and CPython 3.13's {@code test_locks.py::BarrierTests}, on virtual time. */
class BarrierTests {

  static final int N = 5;
  final EventLoop loop = EventLoop.createVirtual();
  Barrier barrier = new Barrier(N);

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
    barrier.checkInvariants();
  }

  static void tick() {
    Weft.sleep(Duration.ZERO);
  }

  <T> List<Task<T>> makeTasks(int n, AsyncCallable<T> body) {
    List<Task<T>> tasks = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      tasks.add(loop.createTask(body));
    }
    return tasks;
  }

  /** Awaits every task in order and returns their results (asyncio's gather, failing on the first error). */
  static <T> List<T> gather(List<Task<T>> tasks) {
    List<T> results = new ArrayList<>();
    for (Task<T> t : tasks) {
      results.add(t.await());
    }
    return results;
  }

  /** Waits for every task to finish, whatever the outcome (gather with return_exceptions). */
  static void settle(List<? extends Task<?>> tasks) {
    for (Task<?> t : tasks) {
      try {
        t.await();
      } catch (CancelledError | RuntimeException e) {
        // recorded by the task
      }
    }
  }

  static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  // ============================================================================================================
  // Filling and draining (BAR-01, BAR-02)
  // ============================================================================================================

  @Nested
  class Filling {

    @Test
    void partiesBelowOne_throwIllegalArgumentException_BAR01() {
      assertThatThrownBy(() -> new Barrier(0)).isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessage("parties must be >= 1, got 0");
      assertThatThrownBy(() -> new Barrier(-4)).isExactlyInstanceOf(IllegalArgumentException.class);
      assertThat(new Barrier(N).parties()).isEqualTo(N);
    }

    @Test
    void await_returnsDistinctIndices_thenTheBarrierIsEmptyAndWhole_BAR01() {
      barrier = new Barrier(3);
      List<Integer> results = new ArrayList<>();
      run(() -> gather(makeTasks(3, () -> results.add(barrier.await()))));
      assertThat(results).containsExactlyInAnyOrderElementsOf(range(3));
      assertThat(barrier.nWaiting()).isZero();
      assertThat(barrier.broken()).isFalse();
      assertThat(barrier.state()).isEqualTo(Barrier.State.FILLING);
    }

    @Test
    void onePartyBarrier_returnsZeroAtOnce_everyTime_BAR01() {
      barrier = new Barrier(1);
      run(() -> {
        assertThat(barrier.await()).isZero();
        Task<Integer> t1 = loop.createTask(() -> barrier.await());
        tick();
        assertThat(barrier.nWaiting()).isZero();
        Task<Integer> t2 = loop.createTask(() -> barrier.await());
        tick();
        assertThat(t1.isDone()).isTrue();
        assertThat(t2.isDone()).isTrue();
        assertThat(t1.result()).isEqualTo(t2.result()).isZero();
        assertThat(barrier.nWaiting()).isZero();
        assertThat(barrier.broken()).isFalse();
      });
    }

    @Test
    void nWaiting_countsTheTasksWaitingForTheBarrierToFill_BAR02() {
      barrier = new Barrier(3);
      run(() -> {
        Task<Integer> t1 = loop.createTask(() -> barrier.await());
        tick();
        assertThat(barrier.nWaiting()).isEqualTo(1);
        assertThat(barrier.toString()).contains("filling");
        Task<Integer> t2 = loop.createTask(() -> barrier.await());
        tick();
        assertThat(barrier.nWaiting()).isEqualTo(2);
        Task<Integer> t3 = loop.createTask(() -> barrier.await());
        tick();
        assertThat(barrier.state()).isEqualTo(Barrier.State.DRAINING);
        assertThat(barrier.nWaiting()).isZero(); // counts only while filling
        assertThat(gather(List.of(t1, t2, t3))).containsExactlyInAnyOrderElementsOf(range(3));
        assertThat(barrier.nWaiting()).isZero();
        assertThat(barrier.broken()).isFalse();
      });
    }

    @Test
    void toString_showsTheStateAndTheWaiters_BAR02() {
      List<Task<Integer>> waiters = new ArrayList<>();
      run(() -> {
        assertThat(barrier).hasToString("Barrier[filling, waiters:0/5]");
        waiters.addAll(makeTasks(2, () -> barrier.await()));
        tick();
        assertThat(barrier).hasToString("Barrier[filling, waiters:2/5]");

        waiters.addAll(makeTasks(barrier.parties() - barrier.nWaiting(), () -> barrier.await()));
        tick();
        assertThat(barrier.toString()).startsWith("Barrier[draining");

        waiters.addAll(makeTasks(2, () -> barrier.await()));
        tick();
        barrier.reset();
        assertThat(barrier.toString()).startsWith("Barrier[resetting");

        waiters.addAll(makeTasks(2, () -> barrier.await()));
        tick();
        barrier.abort();
        assertThat(barrier).hasToString("Barrier[broken]");
        assertThat(barrier.broken()).isTrue();
        settle(waiters);
      });
    }

    @Test
    void everyPartyPassesTwice_BAR02() {
      List<Boolean> results = new ArrayList<>();
      run(() -> gather(makeTasks(N, () -> {
        barrier.await();
        results.add(true);
        barrier.await();
        results.add(false);
        return null;
      })));
      assertThat(results).hasSize(2 * N);
      assertThat(results.stream().filter(b -> b).count()).isEqualTo(N);
      assertThat(barrier.nWaiting()).isZero();
      assertThat(barrier.broken()).isFalse();
    }

    @Test
    void secondRound_returnsDistinctIndicesToo() {
      List<Integer> res = new ArrayList<>();
      run(() -> res.addAll(gather(makeTasks(N, () -> {
        barrier.await();
        return barrier.await();
      }))));
      assertThat(res).containsExactlyInAnyOrderElementsOf(range(N));
    }

    @Test
    void whileDraining_theStateIsDraining_andTheLastTaskOutSeesFilling_BAR02() {
      List<Boolean> draining = new ArrayList<>();
      run(() -> gather(makeTasks(N, () -> {
        barrier.await();
        draining.add(barrier.state() == Barrier.State.DRAINING);
        return null;
      })));
      assertThat(draining).hasSize(N);
      assertThat(draining.subList(0, N - 1)).containsOnly(true);
      assertThat(draining.get(N - 1)).isFalse();
    }

    @Test
    void tasksArrivingWhileDraining_waitUntilDrainingEnds_BAR02() {
      int rewait = 2;
      Barrier others = new Barrier(N - rewait);
      int[] rewaitLeft = {rewait};
      run(() -> gather(makeTasks(N, () -> {
        barrier.await();
        if (rewaitLeft[0] > 0) {
          rewaitLeft[0]--;
          barrier.await(); // arrives while the others still drain
        } else {
          others.await(); // the N - rewait others meet once draining is over
          barrier.await();
        }
        return null;
      })));
      assertThat(barrier.nWaiting()).isZero();
      assertThat(barrier.broken()).isFalse();
    }

    @Test
    void await_outsideATask_throwsIllegalStateException() {
      assertThatThrownBy(barrier::await).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Barrier.await() must be called from a task");
    }
  }

  // ============================================================================================================
  // Cancellation
  // ============================================================================================================

  @Nested
  class Cancellation {

    @Test
    void aWaitingPartyCancelled_leavesWithoutBreakingTheBarrier_andAnotherTakesItsPlace() {
      barrier = new Barrier(3);
      List<Boolean> results = new ArrayList<>();
      AsyncRunnable body = () -> {
        barrier.await();
        results.add(true);
      };
      run(() -> {
        Task<Void> t1 = loop.createTask(body);
        tick();
        assertThat(barrier.nWaiting()).isEqualTo(1);
        Task<Void> t2 = loop.createTask(body);
        tick();
        assertThat(barrier.nWaiting()).isEqualTo(2);

        t1.cancel();
        tick();
        assertThat(barrier.nWaiting()).isEqualTo(1);
        assertThatThrownBy(t1::await).isInstanceOf(CancelledError.class);
        assertThat(t1.isCancelled()).isTrue();

        Task<Void> t3 = loop.createTask(body);
        tick();
        assertThat(barrier.nWaiting()).isEqualTo(2);
        Task<Void> t4 = loop.createTask(body);
        gather(List.of(t2, t3, t4));
      });
      assertThat(results).hasSize(3);
      assertThat(barrier.nWaiting()).isZero();
      assertThat(barrier.broken()).isFalse();
    }
  }

  // ============================================================================================================
  // Reset (BAR-04, BAR-05)
  // ============================================================================================================

  @Nested
  class Reset {

    @Test
    void resetWithNoWaiters_leavesItFilling_BAR04() {
      barrier = new Barrier(1);
      run(() -> {
        loop.createTask(() -> barrier.reset());
        tick();
        assertThat(barrier.nWaiting()).isZero();
        assertThat(barrier.broken()).isFalse();
        assertThat(barrier.state()).isEqualTo(Barrier.State.FILLING);
      });
    }

    @Test
    void resetWhileTasksWait_eachGetsBrokenBarrierError_andTheBarrierIsFillingNotBroken_BAR04() {
      List<Boolean> results = new ArrayList<>();
      run(() -> {
        List<Task<Void>> tasks = makeTasks(N - 1, () -> {
          try {
            barrier.await();
          } catch (BrokenBarrierError e) {
            assertThat(e).hasMessage("Abort or reset of barrier");
            results.add(true);
          }
          return null;
        });
        tick();
        loop.createTask(() -> barrier.reset());
        gather(tasks);
      });
      assertThat(results).hasSize(N - 1);
      assertThat(barrier.nWaiting()).isZero();
      assertThat(barrier.state()).isEqualTo(Barrier.State.FILLING);
      assertThat(barrier.broken()).isFalse();
    }

    @Test
    void resetWhileTasksWait_thenTheyWaitAgain_andPassWithANewParty_BAR04() {
      List<Boolean> results1 = new ArrayList<>();
      List<Boolean> results2 = new ArrayList<>();
      run(() -> {
        List<Task<Void>> tasks = makeTasks(N - 1, () -> {
          try {
            barrier.await();
          } catch (BrokenBarrierError e) {
            results1.add(true);
          } finally {
            barrier.await();
            results2.add(true);
          }
          return null;
        });
        loop.createTask(() -> barrier.reset());
        tick();
        loop.createTask(() -> {
          barrier.await();
          results2.add(true);
        });
        gather(tasks);
      });
      assertThat(barrier.broken()).isFalse();
      assertThat(results1).hasSize(N - 1);
      assertThat(results2).hasSize(N);
      assertThat(barrier.nWaiting()).isZero();
    }

    @Test
    void resetWhileHalfDrained_onlyTheTasksStillInsideGetBrokenBarrierError_BAR05() {
      int restOfTasks = N / 2;
      List<Boolean> results1 = new ArrayList<>();
      run(() -> gather(makeTasks(N, () -> {
        try {
          barrier.await();
        } catch (BrokenBarrierError e) {
          results1.add(true);
          return null;
        }
        if (barrier.count() == restOfTasks) {
          barrier.reset();
        }
        return null;
      })));
      assertThat(results1).hasSize(restOfTasks).containsOnly(true);
      assertThat(barrier.nWaiting()).isZero();
      assertThat(barrier.state()).isEqualTo(Barrier.State.FILLING);
      assertThat(barrier.broken()).isFalse();
    }

    @Test
    void resetWhileHalfDrainedAndHalfBlocked_theBlockedArrivalsAreNotBroken_BAR05() {
      int blockingTasks = N / 2;
      int[] count = {0};
      List<Boolean> results1 = new ArrayList<>();
      List<Boolean> results2 = new ArrayList<>();
      run(() -> gather(makeTasks(N, () -> {
        try {
          barrier.await();
        } catch (BrokenBarrierError e) {
          results1.add(true);
          barrier.await();
          return null;
        }
        count[0]++;
        if (count[0] > blockingTasks) {
          barrier.reset(); // the tasks still draining get BrokenBarrierError
          barrier.await();
        } else {
          try {
            barrier.await(); // arrives while draining: blocked, not broken
          } catch (BrokenBarrierError e) {
            results2.add(true);
          }
        }
        return null;
      })));
      assertThat(results1).hasSize(blockingTasks);
      assertThat(results2).isEmpty();
      assertThat(barrier.nWaiting()).isZero();
      assertThat(barrier.state()).isEqualTo(Barrier.State.FILLING);
      assertThat(barrier.broken()).isFalse();
    }

    @Test
    void resetByTheLastTaskOut_whileTheOthersWaitAgain_doesNotBreakThem_BAR05() {
      int[] count = {0};
      List<Boolean> results1 = new ArrayList<>();
      List<Boolean> results2 = new ArrayList<>();
      List<Boolean> results3 = new ArrayList<>();
      run(() -> gather(makeTasks(N, () -> {
        barrier.await();
        count[0]++;
        if (count[0] == N) {
          barrier.reset(); // the others are blocked, not yet inside: nothing to break
          barrier.await();
        } else {
          try {
            barrier.await();
            results1.add(true);
          } catch (RuntimeException e) {
            results2.add(true);
          }
        }
        barrier.await();
        results3.add(true);
        return null;
      })));
      assertThat(barrier.broken()).isFalse();
      assertThat(results1).hasSize(N - 1);
      assertThat(results2).isEmpty();
      assertThat(results3).hasSize(N);
      assertThat(barrier.nWaiting()).isZero();
    }
  }

  // ============================================================================================================
  // Abort
  // ============================================================================================================

  @Nested
  class Abort {

    @Test
    void abort_breaksTheBarrier() {
      barrier = new Barrier(1);
      run(() -> {
        loop.createTask(() -> barrier.abort());
        tick();
        assertThat(barrier.nWaiting()).isZero();
        assertThat(barrier.broken()).isTrue();
        assertThatThrownBy(barrier::await).isExactlyInstanceOf(BrokenBarrierError.class)
            .hasMessage("Barrier aborted");
      });
    }

    @Test
    void abortWhileHalfDrainedAndHalfBlocked_breaksEveryTaskStillInsideOrArriving() {
      int blockingTasks = N / 2;
      int[] count = {0};
      List<Boolean> results1 = new ArrayList<>();
      List<Boolean> results2 = new ArrayList<>();
      run(() -> gather(makeTasks(N, () -> {
        try {
          barrier.await();
        } catch (BrokenBarrierError e) {
          results1.add(true); // still draining when the abort came
          return null;
        }
        count[0]++;
        if (count[0] > blockingTasks) {
          barrier.abort();
        } else {
          try {
            barrier.await();
          } catch (BrokenBarrierError e) {
            results2.add(true); // arrived while draining, blocked
          }
        }
        return null;
      })));
      assertThat(barrier.broken()).isTrue();
      assertThat(results1).hasSize(blockingTasks);
      assertThat(results2).hasSize(N - blockingTasks - 1);
      assertThat(barrier.nWaiting()).isZero();
    }

    @Test
    void abortAfterAnError_everyOtherPartySeesBrokenBarrierError() {
      List<Boolean> results1 = new ArrayList<>();
      List<Boolean> results2 = new ArrayList<>();
      run(() -> gather(makeTasks(N, () -> {
        try {
          int i = barrier.await();
          if (i == N / 2) {
            throw new IllegalArgumentException("failing party");
          }
          barrier.await();
          results1.add(true);
        } catch (BrokenBarrierError e) {
          results2.add(true);
        } catch (IllegalArgumentException e) {
          barrier.abort();
        }
        return null;
      })));
      assertThat(barrier.broken()).isTrue();
      assertThat(results1).isEmpty();
      assertThat(results2).hasSize(N - 1);
      assertThat(barrier.nWaiting()).isZero();
    }

    @Test
    void abortThenReset_theBarrierWorksAgain() {
      Barrier barrier2 = new Barrier(N);
      List<Boolean> results1 = new ArrayList<>();
      List<Boolean> results2 = new ArrayList<>();
      List<Boolean> results3 = new ArrayList<>();
      run(() -> gather(makeTasks(N, () -> {
        try {
          int i = barrier.await();
          if (i == N / 2) {
            throw new IllegalArgumentException("failing party");
          }
          barrier.await();
          results1.add(true);
        } catch (BrokenBarrierError e) {
          results2.add(true);
        } catch (IllegalArgumentException e) {
          barrier.abort();
        }
        // Meet first, so that everyone has left the barrier before the reset, and after, so that no one enters it
        // before the reset.
        int i = barrier2.await();
        if (i == N / 2) {
          barrier.reset();
        }
        barrier2.await();
        barrier.await();
        results3.add(true);
        return null;
      })));
      assertThat(barrier.broken()).isFalse();
      assertThat(results1).isEmpty();
      assertThat(results2).hasSize(N - 1);
      assertThat(results3).hasSize(N);
      assertThat(barrier.nWaiting()).isZero();
    }
  }
}
