package io.weft.spi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link SystemClock} against the {@link Clock} contract. */
class SystemClockTests extends ClockContractTests {

  @Override
  protected Clock newClock() {
    return Clock.system();
  }

  @Override
  protected void letTimePass(Clock clock) {
    long start = clock.nanoTime();
    while (clock.nanoTime() == start) {
      Thread.onSpinWait();
    }
  }

  @Test
  void system_isTheSingleInstance() {
    assertThat(Clock.system()).isSameAs(SystemClock.INSTANCE);
    assertThat(SystemClock.INSTANCE.toString()).isEqualTo("SystemClock");
  }

  @Test
  void readings_followSystemNanoTime() {
    long before = System.nanoTime();
    long reading = SystemClock.INSTANCE.nanoTime();
    long after = System.nanoTime();

    assertThat(reading - before).isGreaterThanOrEqualTo(0);
    assertThat(after - reading).isGreaterThanOrEqualTo(0);
  }
}
