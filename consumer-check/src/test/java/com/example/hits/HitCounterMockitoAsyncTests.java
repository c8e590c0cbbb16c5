package com.example.hits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.verifyNoMoreInteractions;

import io.weft.Task;
import io.weft.Weft;
import io.weft.testengine.AsyncTest;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mockito.InOrder;
import org.mockito.Mock;
import org.mockito.junit.jupiter.MockitoExtension;

/**
 * {@code @AsyncTest} with Mockito's extension: a fresh {@code @Mock} per schedule, stubbed in {@code @BeforeEach}
 * (on JUnit's thread) and called from the simulated loop's tasks. Its {@code save} awaits, so hits overlap.
 */
@ExtendWith(MockitoExtension.class)
class HitCounterMockitoAsyncTests {

  @Mock
  HitCounter.Store store;

  @BeforeEach
  void slowStore() {
    doAnswer(call -> {
      Weft.sleep(Duration.ofMillis(2)); // a save that awaits: the other hits run meanwhile
      return null;
    }).when(store).save(anyString(), anyLong());
  }

  @AsyncTest(schedules = 100)
  void concurrentHits_saveEveryCountOnce_inOrder() {
    HitCounter counter = new HitCounter(store);
    Task<Long> a = Weft.createTask(() -> counter.hit("/home"));
    Task<Long> b = Weft.createTask(() -> counter.hit("/home"));
    Task<Long> c = Weft.createTask(() -> counter.hit("/home"));

    assertThat(Weft.gather(a, b, c).await()).containsExactlyInAnyOrder(1L, 2L, 3L);
    // A fresh mock per schedule: a mock shared between runs would have seen every earlier run's saves.
    InOrder saves = inOrder(store);
    saves.verify(store).save("/home", 1);
    saves.verify(store).save("/home", 2);
    saves.verify(store).save("/home", 3);
    verifyNoMoreInteractions(store);
  }
}
