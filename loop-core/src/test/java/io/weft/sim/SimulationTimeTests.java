package io.weft.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.weft.EventLoop;
import io.weft.Future;
import io.weft.Task;
import io.weft.TimeoutError;
import io.weft.Weft;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class SimulationTimeTests {

  @Nested
  class VirtualTime {

    @Test
    void anHourLongSleep_jumpsStraightToTheTimer() {
      long realStart = System.nanoTime();
      SimResult<Double> r = Simulation.run(Schedule.fifo(), () -> {
        double before = Weft.getRunningLoop().time();
        Weft.sleep(Duration.ofHours(1));
        return Weft.getRunningLoop().time() - before;
      });
      long realNanos = System.nanoTime() - realStart;
      assertThat(r.failure()).isNull();
      assertThat(r.value()).isEqualTo(3600.0);
      assertThat(r.virtualTime()).isEqualTo(Duration.ofHours(1));
      assertThat(Duration.ofNanos(realNanos)).as("virtual, not real, time passed").isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void timeMovesOnlyWhenNothingIsReady() {
      SimResult<Double> r = Simulation.run(Schedule.fifo(), () -> {
        EventLoop loop = Weft.getRunningLoop();
        double start = loop.time();
        for (int i = 0; i < 100; i++) {
          Weft.sleep(Duration.ZERO);
        }
        return loop.time() - start;
      });
      assertThat(r.value()).isZero();
      assertThat(r.virtualTime()).isZero();
    }

    @Test
    void lateWakeUps_stayWithinTheLateBound() {
      for (int seed = 0; seed < 20; seed++) {
        SimResult<Double> r = Simulation.run(Schedule.of(Mode.FAITHFUL, "RANDOM", seed), () -> {
          Weft.sleep(Duration.ofSeconds(1));
          return Weft.getRunningLoop().time();
        });
        assertThat(r.value()).isBetween(1.0, 1.001);
      }
    }
  }

  @Nested
  class RealWork {

    @Test
    void whileRealWorkIsOpen_virtualTimeStandsStill_andTheResultArrives() throws InterruptedException {
      AtomicReference<Thread> worker = new AtomicReference<>();
      SimResult<String> r = Simulation.run(Schedule.fifo(), () -> {
        EventLoop loop = Weft.getRunningLoop();
        Task<String> sleeper = Weft.createTask(() -> Weft.sleep(Duration.ofSeconds(1), "slept"));
        Future<String> reply = loop.createFuture();
        EventLoop.RealWork work = loop.beginRealWork("x");
        worker.set(Thread.ofPlatform().start(() -> {
          try {
            Thread.sleep(50);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          // The work ends in the callback that delivers its result: no window where neither holds the clock.
          loop.callSoonThreadsafe(() -> {
            work.close();
            reply.setResult("from a real thread");
          });
        }));
        double before = loop.time();
        String got = reply.await();
        assertThat(loop.time()).as("virtual time during the real wait").isEqualTo(before);
        assertThat(sleeper.isDone()).as("the 1 s timer did not fire during the real wait").isFalse();
        assertThat(loop.realWorkInFlight()).isZero();
        return got + " then " + sleeper.await();
      });
      worker.get().join();
      assertThat(r.failure()).isNull();
      assertThat(r.value()).isEqualTo("from a real thread then slept");
      assertThat(r.virtualTime()).isEqualTo(Duration.ofSeconds(1));
    }
  }

  @Nested
  class Timeouts {

    /**
     * A timeout in a simulation expires in virtual time; the message should say so, since a reader looking at a
     * 30-second timeout that "expired" in a few milliseconds needs to know why. (Simulation's class Javadoc promises
     * it: "A timeout raised in a simulation says the time was virtual".)
     */
    @Test
    void weftTimeout_inASimulation_saysTheTimeWasVirtual() {
      SimResult<Throwable> r = Simulation.run(Schedule.fifo(), () -> catchThrowable(
          () -> Weft.timeout(Duration.ofSeconds(30), t -> Weft.sleep(Duration.ofHours(1), null))));
      assertThat(r.failure()).isNull();
      assertThat(r.value()).isInstanceOf(TimeoutError.class);
      assertThat(r.virtualTime()).isEqualTo(Duration.ofSeconds(30));
      assertThat(r.value().getMessage()).contains("virtual");
    }

    @Test
    void waitFor_inASimulation_saysTheTimeWasVirtual() {
      SimResult<Throwable> r = Simulation.run(Schedule.fifo(), () -> {
        Task<Void> slow = Weft.createTask(() -> Weft.sleep(Duration.ofHours(1), null));
        return catchThrowable(() -> Weft.waitFor(slow, Duration.ofSeconds(30)));
      });
      assertThat(r.failure()).isNull();
      assertThat(r.value()).isInstanceOf(TimeoutError.class);
      assertThat(r.value().getMessage()).contains("virtual");
    }
  }
}
