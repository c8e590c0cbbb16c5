package io.weft.sim;

import static io.weft.sim.SimulationFailureTests.failureOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.EventLoop;
import io.weft.Task;
import io.weft.Weft;
import io.weft.sim.userland.Spinners;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class SimulationSupervisionTests {

  /** After every test, stuck or not, a new run on the same thread works and nothing is left running here. */
  @AfterEach
  void aNewRunOnTheSameThreadWorks() {
    assertThat(EventLoop.running()).isNull();
    assertThat(Simulation.isSimulated()).isFalse();
    SimResult<Integer> r = Simulation.run(Schedule.of(Mode.FAITHFUL, "RANDOM", 3), () -> {
      Task<Integer> t = Weft.createTask(() -> Weft.sleep(Duration.ofMillis(1), 41));
      return t.await() + 1;
    });
    assertThat(r.failure()).isNull();
    assertThat(r.value()).isEqualTo(42);
  }

  static long millisSince(long t0) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
  }

  @Nested
  class StuckSteps {

    @Test
    void busySpinWithoutAwait_isWatchdogWithinTheStepTimeout_namingTheSpinningMethod() throws InterruptedException {
      AtomicReference<EventLoop> loop = new AtomicReference<>();
      CountDownLatch released = new CountDownLatch(1);
      long t0 = System.nanoTime();
      try {
        SimResult<Void> r = Simulation.run(Schedule.fifo(),
            SimOptions.DEFAULTS.withStepTimeout(Duration.ofMillis(300)), () -> {
              loop.set(Simulation.current().loop());
              Weft.createTask(() -> {
                Spinners.spinWithoutAwaiting(() -> released.getCount() == 0);
                return null;
              }, "spinner", null).await();
              return null;
            });
        assertThat(millisSince(t0)).isLessThan(5_000);
        SimFailure f = failureOf(r, SimFailure.Kind.WATCHDOG);
        assertThat(f.getMessage()).contains("ran more than PT0.3S of real time without returning to the loop")
            .contains("running now: task spinner").contains("Spinners.spinWithoutAwaiting")
            .contains("loop thread weft-sim-").contains("pending tasks:").contains("main (suspended)")
            .contains("The run was abandoned");
        assertThat(f.tasks()).extracting(TaskReport::name).containsExactly("main", "spinner");
        assertThat(f.tasks().get(1).phase()).isEqualTo(Task.Phase.RUNNING);
        assertThat(f.tasks().get(1).awaitSite()).contains("Spinners.spinWithoutAwaiting");
        assertThat(loop.get().isClosed()).as("abandoned, not finished").isFalse();
      } finally {
        released.countDown();
      }
      // Once the spin ends, the abandoned run stops and cleans up on its own thread.
      long t1 = System.nanoTime();
      while (!loop.get().isClosed() && millisSince(t1) < 5_000) {
        Thread.sleep(5);
      }
      assertThat(loop.get().isClosed()).isTrue();
    }

    @Test
    void sleepZeroForever_isWatchdogAtTheRunBound_namingTheTaskAndItsSite() {
      long t0 = System.nanoTime();
      SimResult<Void> r = Simulation.run(Schedule.fifo(), SimOptions.DEFAULTS.withStepLimit(Long.MAX_VALUE)
          .withWatchdog(Duration.ofMillis(300)), () -> {
            Weft.createTask(Spinners::yieldForever, "yielder", null).await();
            return null;
          });
      assertThat(millisSince(t0)).isLessThan(5_000);
      SimFailure f = failureOf(r, SimFailure.Kind.WATCHDOG);
      assertThat(f.getMessage()).contains("the run took more than PT0.3S of real time").contains("yielder")
          .contains("Spinners.yieldForever").contains("pending tasks:").doesNotContain("abandoned");
      assertThat(f.tasks()).extracting(TaskReport::name).containsExactly("main", "yielder");
      assertThat(f.tasks().get(1).awaitSite()).contains("Spinners.yieldForever");
    }

    @Test
    void anAbandonedRun_longerThanTheTraceLimit_keepsItsLastEvents_inOrder_withTheirNumbers() {
      CountDownLatch released = new CountDownLatch(1);
      SimResult<Void> r;
      try {
        r = Simulation.run(Schedule.fifo(), SimOptions.DEFAULTS.withStepTimeout(Duration.ofMillis(300))
            .withTraceLimit(100), () -> {
              for (int i = 0; i < 130; i++) { // 130 sleeps: enough events to wrap the ring of 100
                Weft.sleep(Duration.ofMillis(1));
              }
              Weft.createTask(() -> {
                Spinners.spinWithoutAwaiting(() -> released.getCount() == 0);
                return null;
              }, "spinner", null).await();
              return null;
            });
      } finally {
        released.countDown();
      }
      failureOf(r, SimFailure.Kind.WATCHDOG);
      Trace t = r.trace();
      assertThat(t.eventCount()).isGreaterThan(100);
      assertThat(t.keptCount()).isEqualTo(100);
      assertThat(t.firstKept()).as("the number of the first kept event").isEqualTo(t.eventCount() - 100);
      t.checkInvariants();
      List<String> last = t.lastEvents(3);
      assertThat(last.get(last.size() - 1)).as("the last event, the spinner's step")
          .startsWith((t.eventCount() - 1) + " step spinner");
      List<Long> numbers = t.render(0, 200).stream().skip(1).map(l -> Long.parseLong(l.split(" ")[0])).toList();
      assertThat(numbers).isSorted().hasSize(100);
    }

    @Test
    void aFailedMainTask_whoseEndChecksOutlastTheRunBound_isStillAFailure_neverAPass() {
      long t0 = System.nanoTime();
      // The run bound passes after the loop stopped, while the end-of-run checks word the main task's failure (its
      // toString is slow here; a GC pause or a loaded machine does the same at the edge of the bound).
      class SlowToString extends IllegalStateException {
        SlowToString() {
          super("the main task's own failure");
        }

        @Override
        public String toString() {
          while (millisSince(t0) < 160) {
            Thread.onSpinWait();
          }
          return super.toString();
        }
      }
      SimResult<Void> r = Simulation.run(Schedule.fifo(), SimOptions.DEFAULTS.withWatchdog(Duration.ofMillis(100)),
          () -> {
            Weft.sleep(Duration.ofMillis(1));
            throw new SlowToString();
          });
      assertThat(r.failure()).as("a run whose main task failed").isNotNull();
      assertThat(r.failure().kind()).isEqualTo(SimFailure.Kind.TEST_FAILED);
      assertThat(r.failure().getCause()).isInstanceOf(SlowToString.class);
    }

    @Test
    void waitingForAnotherThreadsClassInitializer_pinsTheLoopThread_andIsBoundedByTheStepTimeout()
        throws InterruptedException {
      Thread initializer = Thread.ofPlatform().start(Spinners::readSlowInit);
      try {
        assertThat(Spinners.INIT_STARTED.await(5, TimeUnit.SECONDS)).isTrue();
        SimResult<Integer> r = Simulation.run(Schedule.fifo(),
            SimOptions.DEFAULTS.withStepTimeout(Duration.ofMillis(300)),
            () -> Weft.createTask(Spinners::readSlowInit, "reader", null).await());
        SimFailure f = failureOf(r, SimFailure.Kind.WATCHDOG);
        assertThat(f.getMessage()).contains("running now: task reader").contains("Spinners.readSlowInit");
      } finally {
        Spinners.INIT_GATE.countDown();
        initializer.join();
      }
    }

    @Test
    void blockingAcceptOnAVirtualThread_unmounts_andIsForeignResume() throws IOException {
      try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        SimResult<Void> r = Simulation.run(Schedule.fifo(), () -> {
          Weft.createTask(() -> {
            server.accept().close();
            return null;
          }, "blocker", null).await();
          return null;
        });
        SimFailure f = failureOf(r, SimFailure.Kind.FOREIGN_RESUME);
        assertThat(f.getMessage()).contains("blocker parked outside any await, in blocking I/O");
      }
    }

    @Test
    void run_fromAVirtualThread_runsTheLoopOnASupervisedThread_andTheBodySeesTheSimulatedLoop() throws Exception {
      AtomicReference<SimResult<String>> result = new AtomicReference<>();
      Thread caller = Thread.ofVirtual().start(() -> result.set(Simulation.run(Schedule.fifo(), () -> {
        assertThat(EventLoop.running()).isSameAs(Simulation.current().loop());
        io.weft.Future<String> f = Weft.getRunningLoop().createFuture();
        Weft.getRunningLoop().callSoon(() -> f.setResult(Thread.currentThread().getName()));
        return f.await();
      })));
      caller.join();
      assertThat(result.get().failure()).isNull();
      assertThat(result.get().value()).startsWith("weft-sim-");
    }

    @Test
    void run_insideARunningSimulation_isRefused() {
      SimResult<Void> r = Simulation.run(Schedule.fifo(), () -> {
        assertThatThrownBy(() -> Simulation.run(Schedule.fifo(), () -> null))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot be called from a running loop");
        return null;
      });
      assertThat(r.failure()).isNull();
    }
  }

  @Nested
  class LocksHeldOutside {

    static void sleepQuietly(long millis) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    static SimResult<Integer> runContending(Runnable enter) {
      return Simulation.run(Schedule.of(Mode.FAITHFUL, "RANDOM", 7), () -> {
        int[] count = {0};
        List<Task<Void>> tasks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          tasks.add(Weft.createTask(() -> {
            Weft.sleep(Duration.ofMillis(1));
            enter.run();
            count[0]++;
            Weft.sleep(Duration.ofMillis(1));
            return null;
          }, "worker-" + i, null));
        }
        for (Task<Void> t : tasks) {
          t.await();
        }
        return count[0];
      });
    }

    @Test
    void aMonitorHeldBriefly_byAThreadOutside_blocksTheLoop_andPassesWithTheSameTraceEveryTime() throws Exception {
      Object monitor = new Object();
      List<Long> hashes = new ArrayList<>();
      for (int run = 0; run < 3; run++) {
        CountDownLatch held = new CountDownLatch(1);
        Thread holder = Thread.ofPlatform().start(() -> {
          synchronized (monitor) {
            held.countDown();
            sleepQuietly(50);
          }
        });
        held.await();
        long t0 = System.nanoTime();
        SimResult<Integer> r = runContending(() -> {
          synchronized (monitor) {
            monitor.hashCode();
          }
        });
        holder.join();
        assertThat(r.failure()).isNull();
        assertThat(r.value()).isEqualTo(3);
        assertThat(millisSince(t0)).as("the loop waited for the holder").isGreaterThanOrEqualTo(20);
        hashes.add(r.traceHash());
      }
      SimResult<Integer> uncontended = runContending(() -> { });
      assertThat(hashes).containsOnly(uncontended.traceHash());
    }

    @Test
    void aReentrantLockHeldBriefly_byAThreadOutside_blocksTheLoop_andPassesWithTheSameTraceEveryTime()
        throws Exception {
      ReentrantLock lock = new ReentrantLock();
      List<Long> hashes = new ArrayList<>();
      for (int run = 0; run < 3; run++) {
        CountDownLatch held = new CountDownLatch(1);
        Thread holder = Thread.ofPlatform().start(() -> {
          lock.lock();
          try {
            held.countDown();
            sleepQuietly(50);
          } finally {
            lock.unlock();
          }
        });
        held.await();
        SimResult<Integer> r = runContending(() -> {
          lock.lock();
          lock.unlock();
        });
        holder.join();
        assertThat(r.failure()).isNull();
        hashes.add(r.traceHash());
      }
      assertThat(hashes).containsOnly(runContending(() -> { }).traceHash());
    }

    @Test
    void twoSimulationsOnTwoThreads_contendingOnOneMonitor_neverFail() throws Exception {
      Object shared = new Object();
      int[] counter = {0};
      List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
      Runnable runs = () -> {
        for (int i = 0; i < 200; i++) {
          SimResult<Void> r = Simulation.run(Schedule.of(Mode.FAITHFUL, "RANDOM", i), () -> {
            List<Task<Void>> tasks = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
              tasks.add(Weft.createTask(() -> {
                for (int k = 0; k < 10; k++) {
                  synchronized (shared) {
                    counter[0]++;
                  }
                  Weft.sleep(Duration.ZERO);
                }
                return null;
              }));
            }
            for (Task<Void> t : tasks) {
              t.await();
            }
            return null;
          });
          if (!r.passed()) {
            failures.add(r.failure().getMessage());
          }
        }
      };
      Thread a = Thread.ofPlatform().start(runs);
      Thread b = Thread.ofPlatform().start(runs);
      a.join();
      b.join();
      assertThat(failures).isEmpty();
      synchronized (shared) {
        assertThat(counter[0]).isEqualTo(2 * 200 * 3 * 10);
      }
    }

    @Test
    void aMonitorHeldAcrossAnAwaitByAnotherTask_isBlockedOutsideWithinTheBound() {
      long t0 = System.nanoTime();
      SimResult<Void> r = Simulation.run(Schedule.fifo(),
          SimOptions.DEFAULTS.withBlockedWait(Duration.ofMillis(200)), () -> {
            Object x = new Object();
            Task<Void> holder = Weft.createTask(() -> {
              synchronized (x) {
                Weft.sleep(Duration.ofMillis(10));
              }
              return null;
            }, "holder", null);
            Task<Void> blocker = Weft.createTask(() -> {
              Weft.sleep(Duration.ofMillis(1));
              synchronized (x) {
                return null;
              }
            }, "blocker", null);
            holder.await();
            blocker.await();
            return null;
          });
      assertThat(millisSince(t0)).isLessThan(5_000);
      SimFailure f = failureOf(r, SimFailure.Kind.BLOCKED_OUTSIDE);
      assertThat(f.getMessage()).contains("blocker blocked the loop on a contended monitor (synchronized)")
          .contains("not released within PT0.2S").contains("suspended at an await while holding it");
      assertThat(r.virtualTime()).isEqualTo(Duration.ofMillis(1));
    }

    @Test
    void threadSleepInATask_isStillForeignResume() {
      SimResult<Void> r = Simulation.run(Schedule.fifo(), () -> {
        Weft.createTask(() -> {
          Thread.sleep(20);
          return null;
        }, "sleeper", null).await();
        return null;
      });
      assertThat(failureOf(r, SimFailure.Kind.FOREIGN_RESUME).getMessage())
          .contains("sleeper parked outside any await, in Thread.sleep");
    }
  }

  @Nested
  class Options {

    @Test
    void defaults_boundAStepAndABlockedWaitByTenSeconds() {
      assertThat(SimOptions.DEFAULTS.stepTimeout()).isEqualTo(Duration.ofSeconds(10));
      assertThat(SimOptions.DEFAULTS.blockedWait()).isEqualTo(Duration.ofSeconds(10));
      assertThat(SimOptions.DEFAULTS.watchdog()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void withMethods_keepTheNewBounds_andTheOldConstructorDefaultsThem() {
      SimOptions o = SimOptions.DEFAULTS.withStepTimeout(Duration.ofMillis(300)).withBlockedWait(Duration.ofMillis(200))
          .withStepLimit(5).withWatchdog(Duration.ofSeconds(1)).withDebug(true);
      assertThat(o.stepTimeout()).isEqualTo(Duration.ofMillis(300));
      assertThat(o.blockedWait()).isEqualTo(Duration.ofMillis(200));
      assertThat(o.stepLimit()).isEqualTo(5);
      SimOptions old = new SimOptions(10, Duration.ofHours(1), Duration.ofSeconds(5), true, true, true, 10, false);
      assertThat(old.stepTimeout()).isEqualTo(SimOptions.DEFAULT_STEP_TIMEOUT);
      assertThat(old.blockedWait()).isEqualTo(SimOptions.DEFAULT_BLOCKED_WAIT);
    }

    @Test
    void nonPositiveBounds_areRefusedWithTheValue() {
      assertThatThrownBy(() -> SimOptions.DEFAULTS.withStepTimeout(Duration.ZERO))
          .isInstanceOf(IllegalArgumentException.class).hasMessage("stepTimeout must be positive, got PT0S");
      assertThatThrownBy(() -> SimOptions.DEFAULTS.withBlockedWait(Duration.ofMillis(-1)))
          .isInstanceOf(IllegalArgumentException.class).hasMessage("blockedWait must be positive, got PT-0.001S");
    }
  }

  @Nested
  class Carriers {

    @Test
    void theLoopScheduledCarrier_detectsBlockingCalls_andSaysSo() {
      assertThat(Simulation.detectsBlockingCalls()).isTrue();
      assertThat(Simulation.carrierDescription()).startsWith("loop-scheduled carrier").contains("FOREIGN_RESUME");
    }

    @Test
    void theBatonCarrier_saysItDoesNotDetectBlockingCalls_andAThreadSleepInATaskPasses() {
      String before = System.getProperty("weft.carrier");
      System.setProperty("weft.carrier", "baton");
      try {
        assertThat(Simulation.detectsBlockingCalls()).isFalse();
        assertThat(Simulation.carrierDescription()).startsWith("baton carrier (the fallback)")
            .contains("NOT detected").contains("Thread.sleep")
            .contains("--add-opens java.base/java.lang=ALL-UNNAMED");
        SimResult<String> r = Simulation.run(Schedule.fifo(), () -> Weft.createTask(() -> {
          Thread.sleep(20);
          return Weft.getRunningLoop().carrierName();
        }, "sleeper", null).await());
        assertThat(r.failure()).as("the fallback does not see the sleep").isNull();
        assertThat(r.value()).isEqualTo("baton");
        assertThat(r.virtualTime()).isZero();
      } finally {
        if (before == null) {
          System.clearProperty("weft.carrier");
        } else {
          System.setProperty("weft.carrier", before);
        }
      }
    }
  }
}
