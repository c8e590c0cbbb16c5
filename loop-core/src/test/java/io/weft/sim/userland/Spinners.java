package io.weft.sim.userland;

import io.weft.Weft;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;

/**
 * Code under test that misbehaves, kept outside Weft's packages so that failure reports show its frames as the
 * user's (a report's await site skips every {@code io.weft.sim} frame, the tests' included).
 */
public final class Spinners {

  private Spinners() {}

  /** Spins without ever awaiting until {@code released} says so. */
  public static void spinWithoutAwaiting(BooleanSupplier released) {
    long n = 0;
    while (!released.getAsBoolean()) {
      n++;
    }
    sink = n;
  }

  /** Gives up the loop with sleep(0) forever. */
  public static Void yieldForever() {
    while (true) {
      Weft.sleep(Duration.ZERO);
    }
  }

  /** Reads {@link SlowInit#VALUE}, waiting for another thread's class initialization if it is running. */
  public static int readSlowInit() {
    return SlowInit.VALUE;
  }

  private static volatile long sink;

  /** Released by the test; {@link SlowInit}'s initializer waits for it. */
  public static final CountDownLatch INIT_GATE = new CountDownLatch(1);
  /** Counted down when {@link SlowInit}'s initializer starts. */
  public static final CountDownLatch INIT_STARTED = new CountDownLatch(1);

  /** A class whose initializer waits for {@link #INIT_GATE}. */
  public static final class SlowInit {
    static final int VALUE;

    static {
      INIT_STARTED.countDown();
      try {
        INIT_GATE.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      VALUE = 42;
    }

    private SlowInit() {}
  }
}
