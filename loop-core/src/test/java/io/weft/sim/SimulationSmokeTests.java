package io.weft.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.Task;
import io.weft.Weft;
import io.weft.sync.Lock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulationSmokeTests {

  @Test
  void fifoRunPassesAndReturnsValue() {
    SimResult<Integer> r = Simulation.run(Schedule.fifo(), () -> {
      Weft.sleep(Duration.ofSeconds(5));
      return 42;
    });
    assertThat(r.failure()).isNull();
    assertThat(r.value()).isEqualTo(42);
    assertThat(r.virtualTime()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void deadlockIsReportedWithCycle() {
    SimResult<Void> r = Simulation.run(Schedule.fifo(), () -> {
      Lock a = new Lock();
      Lock b = new Lock();
      Task<Void> t1 = Weft.createTask(() -> {
        a.acquire();
        Weft.sleep(Duration.ofMillis(1));
        b.acquire();
        return null;
      });
      Task<Void> t2 = Weft.createTask(() -> {
        b.acquire();
        Weft.sleep(Duration.ofMillis(1));
        a.acquire();
        return null;
      });
      t1.await();
      t2.await();
      return null;
    });
    assertThat(r.failure()).isNotNull();
    assertThat(r.failure().kind()).isEqualTo(SimFailure.Kind.DEADLOCK);
    assertThat(r.failure().getMessage()).contains("wait-for cycle: Task-2 -> Task-3 -> Task-2");
    System.out.println(r.failure().getMessage());
  }

  @Test
  void randomSeedsDifferAndReplayReproduces() {
    List<Long> hashes = new ArrayList<>();
    for (int seed = 0; seed < 5; seed++) {
      SimResult<Void> r = Simulation.run(Schedule.of(Mode.CHAOS, "RANDOM", seed), SimulationSmokeTests::ticker);
      assertThat(r.failure()).isNull();
      SimResult<Void> again = Simulation.run(r.replay(), SimulationSmokeTests::ticker);
      assertThat(again.traceHash()).isEqualTo(r.traceHash());
      SimResult<Void> parsed = Simulation.run(Schedule.parse(r.replay().toString()), SimulationSmokeTests::ticker);
      assertThat(parsed.traceHash()).isEqualTo(r.traceHash());
      hashes.add(r.traceHash());
    }
    assertThat(hashes.stream().distinct().count()).isGreaterThan(1);
  }

  @Test
  void foreignThreadCompletingAFuture_failsTheRunNamingTheThread() {
    SimResult<Object> r = Simulation.run(Schedule.fifo(), () -> {
      io.weft.Future<String> f = io.weft.EventLoop.getRunningLoop().createFuture();
      io.weft.EventLoop.getRunningLoop().beginRealWork("the intruder thread");
      Thread.ofPlatform().name("intruder").start(() -> {
        try {
          f.setResult("x");
        } catch (IllegalStateException expected) {
          // refused; the run records it
        }
      });
      return f.await();
    });
    assertThat(r.failure()).isNotNull();
    assertThat(r.failure().kind()).isEqualTo(SimFailure.Kind.FOREIGN_RESUME);
    assertThat(r.failure().getMessage()).contains("intruder").contains("callSoonThreadsafe");
  }

  @Test
  void threadJoinInATask_isAForeignResumeNamedThreadJoin() {
    SimResult<Object> r = Simulation.run(Schedule.fifo(), () -> {
      Thread t = Thread.ofPlatform().start(() -> {
        try {
          Thread.sleep(200); // long enough that join() must park
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      t.join();
      return null;
    });
    assertThat(r.failure().kind()).isEqualTo(SimFailure.Kind.FOREIGN_RESUME);
    assertThat(r.failure().getMessage()).contains("Thread.join");
  }

  static Void ticker() {
    List<Task<Void>> ts = new ArrayList<>();
    Lock lock = new Lock();
    for (int i = 0; i < 4; i++) {
      ts.add(Weft.createTask(() -> {
        for (int k = 0; k < 5; k++) {
          try (Lock.Held h = lock.hold()) {
            Weft.sleep(Duration.ofMillis(1));
          }
        }
        return null;
      }));
    }
    for (Task<Void> t : ts) {
      t.await();
    }
    return null;
  }
}
