package io.weft.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.EventLoop;
import io.weft.TimerHandle;
import io.weft.Weft;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** {@link VirtualClock} against the {@link Clock} contract, plus advancing by hand and running near overflow. */
class VirtualClockTests extends ClockContractTests {

  @Override
  protected Clock newClock() {
    return new VirtualClock();
  }

  @Override
  protected void letTimePass(Clock clock) {
    ((VirtualClock) clock).advance(Duration.ofMillis(1));
  }

  @Nested
  class Advancing {

    @Test
    void newClock_readsZero_autoAdvances_andDoesNotMoveOnItsOwn() throws InterruptedException {
      VirtualClock clock = new VirtualClock();

      assertThat(clock.nanoTime()).isZero();
      assertThat(clock.autoAdvance()).isTrue();
      Thread.sleep(5);
      assertThat(clock.nanoTime()).isZero();
    }

    @Test
    void constructor_setsTheStartAndAutoAdvance() {
      VirtualClock clock = new VirtualClock(-42, false);

      assertThat(clock.nanoTime()).isEqualTo(-42);
      assertThat(clock.autoAdvance()).isFalse();
      clock.setAutoAdvance(true);
      assertThat(clock.autoAdvance()).isTrue();
    }

    @Test
    void advance_movesByExactlyTheDuration() {
      VirtualClock clock = new VirtualClock(1_000, false);

      clock.advance(Duration.ofSeconds(2, 5));
      assertThat(clock.nanoTime()).isEqualTo(2_000_001_005L);

      clock.advance(Duration.ZERO);
      assertThat(clock.nanoTime()).isEqualTo(2_000_001_005L);
    }

    @Test
    void advanceNanos_movesByExactlyTheNanos() {
      VirtualClock clock = new VirtualClock();

      clock.advanceNanos(7);
      clock.advanceNanos(0);
      clock.advanceNanos(993);

      assertThat(clock.nanoTime()).isEqualTo(1_000);
    }

    @Test
    void negativeAdvance_isRejectedNamingTheValue_andLeavesTheClockAlone() {
      VirtualClock clock = new VirtualClock(500, false);

      assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(-1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("PT-1S");
      assertThatThrownBy(() -> clock.advanceNanos(-5))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("-5");
      assertThatThrownBy(() -> clock.advance(null)).isInstanceOf(NullPointerException.class);
      assertThat(clock.nanoTime()).isEqualTo(500);
    }

    @Test
    void advanceFromAnotherThread_isSeenHere() throws InterruptedException {
      VirtualClock clock = new VirtualClock();

      Thread t = Thread.ofPlatform().start(() -> clock.advance(Duration.ofMillis(3)));
      t.join();

      assertThat(clock.nanoTime()).isEqualTo(3_000_000L);
    }

    @Test
    void toString_showsTheReading() {
      VirtualClock clock = new VirtualClock(123, false);

      assertThat(clock.toString()).contains("now=123ns").contains("autoAdvance=false");
    }
  }

  @Nested
  class NearOverflow {

    @Test
    void advancingAcrossLongOverflow_keepsOrderingBySubtraction() {
      long start = Long.MAX_VALUE - 10;
      VirtualClock clock = new VirtualClock(start, false);
      long deadline = start + 15; // wraps to a negative number

      clock.advanceNanos(5);
      long beforeOverflow = clock.nanoTime();
      clock.advanceNanos(10);
      long afterOverflow = clock.nanoTime();

      assertThat(beforeOverflow).isEqualTo(Long.MAX_VALUE - 5);
      assertThat(afterOverflow).as("the raw reading wrapped").isNegative();
      assertThat(afterOverflow - beforeOverflow).isEqualTo(10);
      assertThat(afterOverflow - start).isEqualTo(15);
      assertThat(beforeOverflow - deadline).as("before the deadline").isNegative();
      assertThat(afterOverflow - deadline).as("at the deadline").isZero();
    }

    @Test
    void loopOnAClockNearOverflow_runsTimersAcrossItInDeadlineOrder() {
      VirtualClock clock = new VirtualClock(Long.MAX_VALUE - 1_000_000, true);
      EventLoop loop = EventLoop.builder().clock(clock).poller(new VirtualPoller(clock)).debug(false).build();
      List<String> fired = new ArrayList<>();
      List<Long> readings = new ArrayList<>();
      // Deadlines in microseconds from the loop's start; the clock overflows at 1000 us.
      long[] micros = {1500, 500, 999, 2000, 1000, 1001, 10};
      List<TimerHandle> handles = new ArrayList<>();
      for (long us : micros) {
        handles.add(loop.callLater(Duration.ofNanos(us * 1000), () -> {
          fired.add(us + "us@" + Math.round(loop.time() * 1e6));
          readings.add(clock.nanoTime());
        }));
      }
      loop.callLater(Duration.ofMillis(3), loop::stop);

      try {
        loop.runForever();
      } finally {
        loop.close();
      }

      assertThat(fired).containsExactly(
          "10us@10", "500us@500", "999us@999", "1000us@1000", "1001us@1001", "1500us@1500", "2000us@2000");
      assertThat(readings.getFirst()).isPositive();
      assertThat(readings.getLast()).as("the clock overflowed during the run").isNegative();
      for (int i = 1; i < readings.size(); i++) {
        assertThat(readings.get(i) - readings.get(i - 1)).isPositive();
      }
      assertThat(handles.get(0).when()).isEqualTo(0.0015);
    }

    @Test
    void taskSleepingAcrossOverflow_wakesAtItsDeadline() {
      VirtualClock clock = new VirtualClock(Long.MAX_VALUE - 500_000, true);
      EventLoop loop = EventLoop.builder().clock(clock).poller(new VirtualPoller(clock)).debug(false).build();

      List<Double> woke = new ArrayList<>();
      try {
        loop.runUntilComplete(() -> {
          Weft.sleep(Duration.ofMillis(1)); // crosses the overflow at 0.5 ms
          woke.add(loop.time());
          Weft.sleep(Duration.ofMillis(1));
          woke.add(loop.time());
          return null;
        });
      } finally {
        loop.close();
      }

      assertThat(woke).containsExactly(0.001, 0.002);
      assertThat(clock.nanoTime()).isNegative();
    }
  }
}
