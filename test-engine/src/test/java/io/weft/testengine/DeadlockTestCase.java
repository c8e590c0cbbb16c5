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
    Task<Void> a = Weft.createTask(() -> both(first, second));
    Task<Void> b = Weft.createTask(() -> both(second, first));
    Weft.gather(a, b).await();
  }

  private static void both(Lock outer, Lock inner) {
    outer.acquire();
    try {
      Weft.sleep(Duration.ZERO);
      inner.acquire();
      inner.release();
    } finally {
      outer.release();
    }
  }
}
