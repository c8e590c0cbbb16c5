package io.weft.testengine;

import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.weft.EventLoop;
import io.weft.Weft;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mockito.Mock;
import org.mockito.junit.jupiter.MockitoExtension;

/**
 * Fixture (run only through EngineTestKit): the racy check-then-act of {@link RacyTestCase}, observed through a
 * Mockito mock stubbed in {@code @BeforeEach}. Under the bad schedule the timer closes the door between the check
 * and the act, which closes it again, so the verification fails with "Wanted 1 time ... But was 2". A re-run on the same instance would see the mock's earlier calls and fail
 * under every schedule, which is how a shrinker that reuses the instance "shrank" to FIFO with a replay that passed.
 */
@ExtendWith(MockitoExtension.class)
class MockitoRacyTestCase {

  /** What the code under test talks to. */
  interface Door {
    boolean isOpen();

    void close();
  }

  @Mock
  Door door;

  @BeforeEach
  void stub() {
    when(door.isOpen()).thenReturn(true);
  }

  @AsyncTest(schedules = 20, seed = "7")
  void closesTheDoorOnce(EventLoop loop) {
    for (int i = 0; i < 4; i++) {
      Weft.sleep(Duration.ofMillis(1)); // idle wake-ups: choices that do not matter, for shrinking to drop
    }
    boolean[] closed = {false};
    loop.callLater(Duration.ofNanos(1000), () -> { // closes the door if nobody did
      if (!closed[0]) {
        closed[0] = true;
        door.close();
      }
    });
    if (door.isOpen() && !closed[0]) { // the check
      Weft.sleep(Duration.ZERO); // two ready steps: asyncio runs them back to back, before the timer
      Weft.sleep(Duration.ZERO);
      door.close(); // the act, without checking again
      closed[0] = true;
    }
    Weft.sleep(Duration.ofMillis(1)); // lets the timer run
    verify(door, times(1)).close();
  }
}
