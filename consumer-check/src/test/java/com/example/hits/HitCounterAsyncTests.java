package com.example.hits;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.EventLoop;
import io.weft.Task;
import io.weft.Weft;
import io.weft.spi.VirtualClock;
import io.weft.testengine.AsyncTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Concurrent hits under many simulated schedules: none is lost, whatever order the loop picks. */
class HitCounterAsyncTests {

  @AsyncTest(schedules = 200)
  void concurrentHits_areAllCounted(EventLoop loop, VirtualClock clock) {
    // The Surefire argLine gives Weft its fast carrier; without it this would be "baton".
    assertThat(loop.carrierName()).isEqualTo("loop");
    HitCounter counter = new HitCounter((page, count) -> Weft.sleep(Duration.ofMillis(5)));
    List<Task<Long>> hits = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      hits.add(Weft.createTask(() -> counter.hit("/home")));
    }
    List<Long> returned = Weft.gather(hits).await();

    assertThat(returned).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L);
    assertThat(counter.count("/home")).isEqualTo(5);
    assertThat(clock.nanoTime()).isGreaterThanOrEqualTo(Duration.ofMillis(25).toNanos()); // five saves, one at a time
  }
}
