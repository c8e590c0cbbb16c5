package io.weft.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The {@link Clock} contract, run against every implementation: readings never go backwards (compared by
 * subtraction, as the loop compares them), they move once time passes, and the resolution is positive.
 */
abstract class ClockContractTests {

  /** Returns a new clock to test (or the single instance, for the system clock). */
  protected abstract Clock newClock();

  /** Makes at least one nanosecond pass on {@code clock}. */
  protected abstract void letTimePass(Clock clock);

  @Test
  void readings_neverDecrease() {
    Clock clock = newClock();
    long previous = clock.nanoTime();
    for (int i = 0; i < 10_000; i++) {
      long now = clock.nanoTime();
      assertThat(now - previous).as("reading %d went backwards", i).isGreaterThanOrEqualTo(0);
      previous = now;
    }
  }

  @Test
  void readings_increaseOnceTimePasses() {
    Clock clock = newClock();
    long before = clock.nanoTime();

    letTimePass(clock);

    assertThat(clock.nanoTime() - before).isPositive();
  }

  @Test
  void readings_neverDecrease_acrossRepeatedPassagesOfTime() {
    Clock clock = newClock();
    long previous = clock.nanoTime();
    for (int i = 0; i < 20; i++) {
      letTimePass(clock);
      long now = clock.nanoTime();
      assertThat(now - previous).isPositive();
      previous = now;
    }
  }

  @Test
  void readingOnAnotherThread_isNotBeforeAnEarlierReadingHere() throws InterruptedException {
    Clock clock = newClock();
    long here = clock.nanoTime();
    AtomicLong there = new AtomicLong();

    Thread t = Thread.ofPlatform().start(() -> there.set(clock.nanoTime()));
    t.join();

    assertThat(there.get() - here).isGreaterThanOrEqualTo(0);
  }

  @Test
  void resolution_isPositive() {
    assertThat(newClock().resolutionNanos()).isPositive();
  }
}
