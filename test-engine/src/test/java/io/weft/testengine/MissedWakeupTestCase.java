package io.weft.testengine;

import io.weft.EventLoop;
import io.weft.Task;
import io.weft.Weft;
import io.weft.sync.Event;
import java.time.Duration;

/**
 * Fixture (run only through EngineTestKit): a missed wakeup. The main task checks a flag, awaits twice (two ready steps
 * asyncio runs back to back), clears the event and waits for it; a timer 0.5 ms away sets the flag and the event. An
 * EARLY choice at the busy iteration between the check and the clear lets the timer in: the set is cleared, and the
 * wait never ends (DEADLOCK). A ticker and the main task sleep first, on deadlines 0.5 ms apart, so that how late the
 * loop wakes (LATE) decides whether their timers fall due together: a late wake-up takes away a later choice point,
 * and the EARLY deviation of a random schedule sits one place earlier than in asyncio's order. Deleting or zeroing the
 * LATE deviation leaves the EARLY one at the wrong choice point, so only a move reaches the one deviation that is
 * enough.
 */
class MissedWakeupTestCase {

  @AsyncTest(schedules = 10, seed = "7")
  void wakeupIsNotLost(EventLoop loop) {
    Event wake = new Event();
    boolean[] ready = {false};
    Task<?> ticker = Weft.createTask(() -> {
      for (int i = 0; i < 3; i++) {
        Weft.sleep(Duration.ofMillis(1));
      }
      return null;
    });
    for (int i = 0; i < 2; i++) {
      Weft.sleep(Duration.ofNanos(1_500_000));
    }
    loop.callLater(Duration.ofNanos(500_000), () -> {
      ready[0] = true;
      wake.set();
    });
    if (!ready[0]) {
      Weft.sleep(Duration.ZERO); // two ready steps between the check and the clear
      Weft.sleep(Duration.ZERO);
      wake.clear();
      wake.await();
    }
    ticker.await();
  }
}
