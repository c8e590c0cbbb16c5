package io.weft.testengine;

import io.weft.Task;
import io.weft.Weft;
import io.weft.sync.Lock;
import java.time.Duration;

/** Fixture (run only through EngineTestKit): two tasks take two locks in opposite orders. */
class DeadlockTestCase {

  @AsyncTest(schedules = 2)
  void lockOrder() throws Exception {
    Lock first = new Lock();
    Lock second = new Lock();
    Task<Void> a = Weft.createTask(() -> {
      try (Lock.Held h1 = first.hold()) {
        Weft.sleep(Duration.ZERO);
        try (Lock.Held h2 = second.hold()) {
          Weft.sleep(Duration.ZERO);
        }
      }
    });
    Task<Void> b = Weft.createTask(() -> {
      try (Lock.Held h1 = second.hold()) {
        Weft.sleep(Duration.ZERO);
        try (Lock.Held h2 = first.hold()) {
          Weft.sleep(Duration.ZERO);
        }
      }
    });
    Weft.gather(a, b).await();
  }
}
