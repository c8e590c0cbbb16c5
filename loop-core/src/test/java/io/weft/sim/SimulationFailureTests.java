package io.weft.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.EventLoop;
import io.weft.Future;
import io.weft.Task;
import io.weft.Weft;
import io.weft.sync.Lock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class SimulationFailureTests {

  /** Each failure must leave the thread able to run a new simulation (the failed loop was cleaned up and closed). */
  @AfterEach
  void aNewRunOnTheSameThreadWorks() {
    assertThat(EventLoop.running()).isNull();
    SimResult<Integer> r = Simulation.run(Schedule.of(Mode.FAITHFUL, "RANDOM", 3), () -> {
      Task<Integer> t = Weft.createTask(() -> Weft.sleep(Duration.ofMillis(1), 41));
      return t.await() + 1;
    });
    assertThat(r.failure()).isNull();
    assertThat(r.value()).isEqualTo(42);
  }

  static SimFailure failureOf(SimResult<?> r, SimFailure.Kind kind) {
    assertThat(r.failure()).as("expected %s", kind).isNotNull();
    SimFailure f = r.failure();
    assertThat(f.kind()).as(f.getMessage()).isEqualTo(kind);
    assertThat(f.mode()).isEqualTo(r.schedule().mode());
    assertThat(f.getMessage()).startsWith(kind + " (found in " + r.schedule().mode() + " mode): ");
    assertThat(r.passed()).isFalse();
    assertThat(r.value()).isNull();
    return f;
  }

  @Nested
  class TestFailed {

    @Test
    void mainThrows_failsWithTheSameExceptionInstanceAsCause() {
      IllegalStateException boom = new IllegalStateException("boom");
      SimResult<Void> r = Simulation.run(Schedule.fifo(), () -> {
        Weft.sleep(Duration.ofMillis(1));
        throw boom;
      });
      SimFailure f = failureOf(r, SimFailure.Kind.TEST_FAILED);
      assertThat(f.getCause()).isSameAs(boom);
      assertThat(f.getMessage()).contains("boom");
      assertThat(r.virtualTime()).isEqualTo(Duration.ofMillis(1));
    }

    @Test
    void orThrow_throwsTheFailure() {
      SimResult<Void> r = Simulation.run(Schedule.fifo(), () -> {
        throw new AssertionError("expected 1 but was 2");
      });
      SimFailure f = failureOf(r, SimFailure.Kind.TEST_FAILED);
      org.assertj.core.api.Assertions.assertThatThrownBy(r::orThrow).isSameAs(f);
    }

    @Test
    void chaosMode_saysChaos() {
      SimResult<Void> r = Simulation.run(Schedule.of(Mode.CHAOS, "RANDOM", 1), () -> {
        throw new IllegalStateException("boom");
      });
      assertThat(failureOf(r, SimFailure.Kind.TEST_FAILED).mode()).isEqualTo(Mode.CHAOS);
    }
  }

  @Nested
  class Deadlock {

    @Test
    void twoLocksTakenInOppositeOrders_reportTheCycleAndEveryTask() {
      SimResult<Void> r = Simulation.run(Schedule.fifo(), () -> {
        Lock a = new Lock();
        Lock b = new Lock();
        Task<Void> t1 = Weft.createTask(() -> {
          try (Lock.Held h = a.hold()) {
            Weft.sleep(Duration.ofMillis(1));
            b.acquire();
          }
          return null;
        }, "first", null);
        Task<Void> t2 = Weft.createTask(() -> {
          try (Lock.Held h = b.hold()) {
            Weft.sleep(Duration.ofMillis(1));
            a.acquire();
          }
          return null;
        }, "second", null);
        t1.await();
        t2.await();
        return null;
      });
      SimFailure f = failureOf(r, SimFailure.Kind.DEADLOCK);
      assertThat(f.getMessage()).contains("wait-for cycle: first -> second -> first")
          .contains("3 task(s) are pending").contains("virtual time 0.001000s");
      assertThat(f.tasks()).extracting(TaskReport::name).containsExactly("main", "first", "second");
      TaskReport first = f.tasks().get(1);
      assertThat(first.phase()).isEqualTo(Task.Phase.SUSPENDED);
      assertThat(first.waitsOn()).containsExactly("second");
      // awaitSite skips io.weft.* frames, and these tests live in io.weft.sim: the stack has the acquire site.
      assertThat(first.stack()).anyMatch(frame -> frame.contains("SimulationFailureTests$Deadlock.lambda$"));
      assertThat(first.awaiting()).isNotEmpty();
      assertThat(f.tasks().get(2).waitsOn()).containsExactly("first");
      assertThat(f.tasks().get(0).waitsOn()).containsExactly("first");
      assertThat(f.getMessage()).contains(first.summary());
    }

    @Test
    void awaitingAFutureNobodyCompletes_isADeadlockWithoutACycle() {
      SimResult<Void> r = Simulation.run(Schedule.fifo(), () -> {
        Future<String> never = Weft.getRunningLoop().createFuture();
        never.await();
        return null;
      });
      SimFailure f = failureOf(r, SimFailure.Kind.DEADLOCK);
      assertThat(f.getMessage()).contains("no wait-for cycle among tasks").doesNotContain("wait-for cycle:");
      assertThat(f.tasks()).singleElement().satisfies(t -> {
        assertThat(t.name()).isEqualTo("main");
        assertThat(t.awaiting()).isNotEmpty();
        assertThat(t.waitsOn()).isEmpty();
      });
    }
  }

  @Nested
  class DeadlockOnAQueue {

    @Test
    void consumersOfAQueueNobodyFills_deadlockWithoutACycle() {
      SimResult<Void> r = Simulation.run(Schedule.of(Mode.FAITHFUL, "PCT3", 9), () -> {
        io.weft.sync.Queue<Integer> q = new io.weft.sync.Queue<>();
        Task<Integer> c = Weft.createTask(q::get, "consumer", null);
        c.await();
        return null;
      });
      SimFailure f = failureOf(r, SimFailure.Kind.DEADLOCK);
      assertThat(f.getMessage()).contains("no wait-for cycle");
      assertThat(f.tasks()).extracting(TaskReport::name).containsExactly("main", "consumer");
      assertThat(f.tasks().get(0).waitsOn()).containsExactly("consumer");
      assertThat(f.tasks().get(1).waitsOn()).isEmpty();
    }
  }

  @Nested
  class LeftBehind {

    @Test
    void aTaskStillPending_isLeakedTasks() {
      SimResult<Void> r = Simulation.run(Schedule.fifo(), () -> {
        Weft.createTask(() -> Weft.sleep(Duration.ofHours(1), null), "sleeper", null);
        Weft.sleep(Duration.ZERO);
        return null;
      });
      SimFailure f = failureOf(r, SimFailure.Kind.LEAKED_TASKS);
      assertThat(f.getMessage()).contains("1 task(s) still pending").contains("sleeper");
      assertThat(f.tasks()).extracting(TaskReport::name).containsExactly("sleeper");
    }

    @Test
    void aTimerLeftSet_isPendingCallbacks() {
      SimResult<Void> r = Simulation.run(Schedule.fifo(), () -> {
        Weft.getRunningLoop().callLater(Duration.ofHours(1), () -> { });
        return null;
      });
      SimFailure f = failureOf(r, SimFailure.Kind.PENDING_CALLBACKS);
      assertThat(f.getMessage()).contains("1 timer(s) still set");
    }

    @Test
    void withTheLeakChecksOff_leftoversPass() {
      SimResult<Integer> r = Simulation.run(Schedule.fifo(), SimOptions.DEFAULTS.withCheckLeaks(false), () -> {
        Weft.createTask(() -> Weft.sleep(Duration.ofHours(1), null));
        Weft.getRunningLoop().callLater(Duration.ofHours(1), () -> { });
        return 7;
      });
      assertThat(r.failure()).isNull();
      assertThat(r.value()).isEqualTo(7);
    }

    @Test
    void aTaskExceptionNobodyRetrieves_isUnretrievedException() {
      IllegalStateException lost = new IllegalStateException("lost");
      SimResult<Void> r = Simulation.run(Schedule.fifo(), () -> {
        Weft.createTask(() -> {
          throw lost;
        }, "failing", null);
        Weft.sleep(Duration.ofMillis(1));
        return null;
      });
      SimFailure f = failureOf(r, SimFailure.Kind.UNRETRIEVED_EXCEPTION);
      assertThat(f.getMessage()).contains("never retrieved").contains("failing").contains("lost");
      assertThat(f.getCause()).isSameAs(lost);
    }

    @Test
    void aCallbackThatThrows_isCallbackException() {
      RuntimeException boom = new RuntimeException("callback boom");
      SimResult<Void> r = Simulation.run(Schedule.fifo(), () -> {
        Weft.getRunningLoop().callSoon(() -> {
          throw boom;
        });
        Weft.sleep(Duration.ofMillis(1));
        return null;
      });
      SimFailure f = failureOf(r, SimFailure.Kind.CALLBACK_EXCEPTION);
      assertThat(f.getMessage()).contains("callback boom");
      assertThat(f.getCause()).isSameAs(boom);
    }
  }

  @Nested
  class Limits {

    @Test
    void sleepZeroForever_hitsTheStepLimit() {
      SimResult<Void> r = Simulation.run(Schedule.fifo(), SimOptions.DEFAULTS.withStepLimit(1_000), () -> {
        while (true) {
          Weft.sleep(Duration.ZERO);
        }
      });
      SimFailure f = failureOf(r, SimFailure.Kind.STEP_LIMIT);
      assertThat(f.getMessage()).contains("more than 1000 steps");
      assertThat(r.steps()).isGreaterThan(1_000).isLessThan(1_010);
    }

    @Test
    void sleepingTwoDays_hitsTheDefaultVirtualTimeLimit() {
      SimResult<Void> r = Simulation.run(Schedule.fifo(), () -> {
        Weft.sleep(Duration.ofDays(2));
        return null;
      });
      SimFailure f = failureOf(r, SimFailure.Kind.VIRTUAL_TIME_LIMIT);
      assertThat(f.getMessage()).contains("virtual time would reach 172800.").contains("PT24H");
      assertThat(r.virtualTime()).isLessThanOrEqualTo(Duration.ofHours(24));
    }

    @Test
    void aBusyLoopThatNeverEnds_hitsTheWatchdog_beforeAHugeStepLimit() {
      SimResult<Void> r = Simulation.run(Schedule.of(Mode.CHAOS, "RANDOM", 2),
          SimOptions.DEFAULTS.withStepLimit(Long.MAX_VALUE).withWatchdog(Duration.ofMillis(50)), () -> {
            while (true) {
              Weft.sleep(Duration.ZERO);
            }
          });
      SimFailure f = failureOf(r, SimFailure.Kind.WATCHDOG);
      assertThat(f.getMessage()).contains("more than PT0.05S of real time");
      assertThat(f.mode()).isEqualTo(Mode.CHAOS);
    }

    @Test
    void realWorkThatSendsNothingBack_hitsTheWatchdog() {
      EventLoop.RealWork[] work = new EventLoop.RealWork[1];
      SimResult<Void> r = Simulation.run(Schedule.fifo(), SimOptions.DEFAULTS.withWatchdog(Duration.ofMillis(100)),
          () -> {
            work[0] = Weft.getRunningLoop().beginRealWork("a reply that never comes");
            Weft.getRunningLoop().createFuture().await();
            return null;
          });
      work[0].close();
      SimFailure f = failureOf(r, SimFailure.Kind.WATCHDOG);
      assertThat(f.getMessage()).contains("1 real work item(s) in flight").contains("PT0.1S");
      assertThat(r.virtualTime()).isZero();
    }
  }

  @Nested
  class ForeignResume {

    static SimFailure foreign(SimResult<?> r, String cause) {
      SimFailure f = failureOf(r, SimFailure.Kind.FOREIGN_RESUME);
      assertThat(f.getMessage()).contains("blocker parked outside any await, in " + cause);
      assertThat(f.tasks()).extracting(TaskReport::name).containsExactly("blocker");
      assertThat(f.getMessage().lines().filter(l -> l.startsWith("      at")))
          .as("stack frames are written 'at <frame>'").isNotEmpty().allMatch(l -> l.startsWith("      at "));
      return f;
    }

    @Test
    void threadSleep() {
      SimResult<Void> r = Simulation.run(Schedule.fifo(), () -> {
        Weft.createTask(() -> {
          Thread.sleep(20);
          return null;
        }, "blocker", null).await();
        return null;
      });
      foreign(r, "Thread.sleep");
    }

    @Test
    void aSynchronizedMonitorHeldByARealThreadPastTheBound_isBlockedOutside() throws InterruptedException {
      Object monitor = new Object();
      CountDownLatch held = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      Thread holder = Thread.ofPlatform().start(() -> {
        synchronized (monitor) {
          held.countDown();
          awaitQuietly(release);
        }
      });
      held.await();
      try {
        SimResult<Void> r = Simulation.run(Schedule.fifo(), SHORT_WAIT, () -> {
          Weft.createTask(() -> {
            synchronized (monitor) {
              return null;
            }
          }, "blocker", null).await();
          return null;
        });
        blockedOutside(r, "a contended monitor (synchronized)");
      } finally {
        release.countDown();
        holder.join();
      }
    }

    @Test
    void aReentrantLockHeldByARealThreadPastTheBound_isBlockedOutside() throws InterruptedException {
      ReentrantLock lock = new ReentrantLock();
      CountDownLatch held = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      Thread holder = Thread.ofPlatform().start(() -> {
        lock.lock();
        try {
          held.countDown();
          awaitQuietly(release);
        } finally {
          lock.unlock();
        }
      });
      held.await();
      try {
        SimResult<Void> r = Simulation.run(Schedule.fifo(), SHORT_WAIT, () -> {
          Weft.createTask(() -> {
            lock.lock();
            lock.unlock();
            return null;
          }, "blocker", null).await();
          return null;
        });
        blockedOutside(r, "a java.util.concurrent lock");
      } finally {
        release.countDown();
        holder.join();
      }
    }

    static final SimOptions SHORT_WAIT = SimOptions.DEFAULTS.withBlockedWait(Duration.ofMillis(200));

    static SimFailure blockedOutside(SimResult<?> r, String cause) {
      SimFailure f = failureOf(r, SimFailure.Kind.BLOCKED_OUTSIDE);
      assertThat(f.getMessage()).contains("blocker blocked the loop on " + cause).contains("not released within PT0.2S");
      assertThat(f.tasks()).extracting(TaskReport::name).containsExactly("blocker");
      assertThat(f.tasks().get(0).phase()).isEqualTo(Task.Phase.BLOCKED);
      assertThat(f.getMessage().lines().filter(l -> l.startsWith("      at")))
          .as("stack frames are written 'at <frame>'").isNotEmpty().allMatch(l -> l.startsWith("      at "));
      return f;
    }

    @Test
    void completableFutureJoin_ofAFutureARealThreadCompletes() throws InterruptedException {
      CompletableFuture<String> cf = new CompletableFuture<>();
      CountDownLatch release = new CountDownLatch(1);
      Thread completer = Thread.ofPlatform().start(() -> {
        awaitQuietly(release);
        cf.complete("late");
      });
      try {
        SimResult<String> r = Simulation.run(Schedule.fifo(), () -> Weft.createTask(cf::join, "blocker", null).await());
        foreign(r, "a park that another thread must end");
      } finally {
        release.countDown();
        completer.join();
      }
    }

    static void awaitQuietly(CountDownLatch latch) {
      try {
        latch.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
