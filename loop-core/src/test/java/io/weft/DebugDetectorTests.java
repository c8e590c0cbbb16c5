package io.weft;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The debug-mode detectors for the seed's failure-mode table that tasks make visible. */
class DebugDetectorTests {

  private static EventLoop debugLoop(List<String> warnings) {
    io.weft.spi.VirtualClock clock = new io.weft.spi.VirtualClock();
    EventLoop loop = EventLoop.builder().clock(clock).poller(new io.weft.spi.VirtualPoller(clock)).debug(true).build();
    loop.setWarningHandler(warnings::add);
    // These tests are about the other detectors: on a loaded machine a step can take 100 ms of real time, and the
    // slow-callback warning it would add is not what they check.
    loop.setSlowCallbackDuration(java.time.Duration.ofHours(1));
    return loop;
  }

  @Nested
  class SwallowedCancellation {
    @Test
    void aTaskThatCatchesCancelledErrorAndCarriesOn_isReported() {
      List<String> warnings = new ArrayList<>();
      EventLoop loop = debugLoop(warnings);
      Object result = loop.runUntilComplete(() -> {
        Task<String> t = Weft.createTask(() -> {
          try {
            Weft.sleep(Duration.ofSeconds(10));
          } catch (CancelledError e) {
            // swallowed
          }
          Weft.sleep(Duration.ofSeconds(1));
          return "carried on";
        }, "swallower", null);
        Weft.sleep(Duration.ofSeconds(1));
        t.cancel();
        return t.await();
      });
      loop.close();
      assertThat(result).isEqualTo("carried on");
      assertThat(warnings).singleElement().satisfies(w -> assertThat(w)
          .contains("swallower").contains("finished normally although cancel() was requested 1 time(s)"));
    }

    @Test
    void uncancel_marksIgnoringTheRequestAsDeliberate_andNothingIsReported() {
      List<String> warnings = new ArrayList<>();
      EventLoop loop = debugLoop(warnings);
      loop.runUntilComplete(() -> {
        Task<String> t = Weft.createTask(() -> {
          try {
            Weft.sleep(Duration.ofSeconds(10));
          } catch (CancelledError e) {
            Task.current().uncancel();
          }
          return "done";
        });
        Weft.sleep(Duration.ofSeconds(1));
        t.cancel();
        return t.await();
      });
      loop.close();
      assertThat(warnings).isEmpty();
    }

    @Test
    void aTaskWhoseCancelWasForwardedToAnInnerTaskThatIgnoredIt_isNotAccused_butTheInnerOneIs() {
      List<String> warnings = new ArrayList<>();
      EventLoop loop = debugLoop(warnings);
      loop.runUntilComplete(() -> {
        Task<String> inner = Weft.createTask(() -> {
          try {
            Weft.sleep(Duration.ofSeconds(10));
          } catch (CancelledError e) {
            // ignored
          }
          return "inner";
        }, "inner", null);
        Task<String> outer = Weft.createTask(inner::await, "outer", null);
        Weft.sleep(Duration.ofSeconds(1));
        outer.cancel();
        return outer.await();
      });
      loop.close();
      assertThat(warnings).singleElement().satisfies(w -> assertThat(w).contains("'inner'"));
    }

    @Test
    void outsideDebugMode_nothingIsReported() {
      List<String> warnings = new ArrayList<>();
      EventLoop loop = EventLoop.createVirtual();
      loop.setWarningHandler(warnings::add);
      loop.runUntilComplete(() -> {
        Task<String> t = Weft.createTask(() -> {
          try {
            Weft.sleep(Duration.ofSeconds(10));
          } catch (CancelledError e) {
            // swallowed
          }
          return "x";
        });
        Weft.sleep(Duration.ofSeconds(1));
        t.cancel();
        return t.await();
      });
      loop.close();
      assertThat(warnings).isEmpty();
    }
  }

  @Nested
  class Orphans {
    @Test
    void tasksStillPendingWhenTheMainTaskEnds_areReportedAsOrphans_inDebugMode() {
      List<String> warnings = new ArrayList<>();
      try (Runner runner = new Runner(() -> debugLoop(warnings), null)) {
        runner.run(() -> {
          Weft.createTask(() -> Weft.sleep(Duration.ofHours(1), "x"), "forgotten", null);
          Weft.sleep(Duration.ZERO);
          return null;
        });
      }
      assertThat(warnings).singleElement().satisfies(w -> assertThat(w).contains("forgotten").contains("orphan"));
    }

    @Test
    void awaitedTasks_areNotOrphans() {
      List<String> warnings = new ArrayList<>();
      try (Runner runner = new Runner(() -> debugLoop(warnings), null)) {
        runner.run(() -> Weft.createTask(() -> Weft.sleep(Duration.ofSeconds(1), "x")).await());
      }
      assertThat(warnings).isEmpty();
    }
  }

  @Nested
  class ThreadLocks {
    @Test
    void aReentrantLockContendedBetweenTasks_isReported_onTheLoopScheduledCarrier() {
      org.junit.jupiter.api.Assumptions.assumeTrue(io.weft.internal.Carrier.loopScheduledAvailable());
      List<String> warnings = new ArrayList<>();
      EventLoop loop = EventLoop.builder().debug(true).carrier(EventLoop.CarrierChoice.LOOP_SCHEDULED).build();
      loop.setWarningHandler(warnings::add);
      ReentrantLock threadLock = new ReentrantLock();
      loop.runUntilComplete(() -> {
        Task<Void> holder = Weft.createTask(() -> {
          threadLock.lock();
          try {
            Weft.sleep(Duration.ofMillis(50)); // holds a thread lock across an await: the classic mistake
          } finally {
            threadLock.unlock();
          }
        });
        Weft.sleep(Duration.ZERO);
        Task<Object> waiter = Weft.createTask(() -> {
          threadLock.lock(); // contended: parks this task's thread outside any await
          threadLock.unlock();
          return null;
        }, "waiter", null);
        holder.await();
        waiter.await();
        return null;
      });
      loop.close();
      assertThat(warnings).anySatisfy(w -> assertThat(w).contains("'waiter'").contains("waits for a thread lock"));
    }

    @Test
    void aMonitorContendedBetweenTasks_isReported() {
      org.junit.jupiter.api.Assumptions.assumeTrue(io.weft.internal.Carrier.loopScheduledAvailable());
      List<String> warnings = new ArrayList<>();
      EventLoop loop = EventLoop.builder().debug(true).carrier(EventLoop.CarrierChoice.LOOP_SCHEDULED).build();
      loop.setWarningHandler(warnings::add);
      Object monitor = new Object();
      loop.runUntilComplete(() -> {
        Task<Void> holder = Weft.createTask(() -> {
          synchronized (monitor) {
            Weft.sleep(Duration.ofMillis(50));
          }
        });
        Weft.sleep(Duration.ZERO);
        Task<Object> waiter = Weft.createTask(() -> {
          synchronized (monitor) {
            monitor.hashCode();
          }
          return null;
        }, "waiter", null);
        holder.await();
        waiter.await();
        return null;
      });
      loop.close();
      assertThat(warnings).anySatisfy(w -> assertThat(w).contains("'waiter'").contains("waits for a thread lock"));
    }

    @Test
    void threadSleep_isReportedAsABlockingCall_notAsALock() {
      org.junit.jupiter.api.Assumptions.assumeTrue(io.weft.internal.Carrier.loopScheduledAvailable());
      List<String> warnings = new ArrayList<>();
      EventLoop loop = EventLoop.builder().debug(true).carrier(EventLoop.CarrierChoice.LOOP_SCHEDULED).build();
      loop.setWarningHandler(warnings::add);
      loop.runUntilComplete(() -> {
        Thread.sleep(20);
        return null;
      });
      loop.close();
      assertThat(warnings).anySatisfy(w -> assertThat(w).contains("blocked outside await")
          .doesNotContain("thread lock"));
    }
  }
}
