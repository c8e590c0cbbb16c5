package io.weft.testengine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.weft.Task;
import io.weft.Weft;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mockito.Mock;
import org.mockito.junit.jupiter.MockitoExtension;

/**
 * Fixture (run only through EngineTestKit, in parallel mode): correct tests whose tasks create and stub mocks, so that
 * simulations running side by side contend on Mockito's and Byte Buddy's monitors. None may fail.
 */
@ExtendWith(MockitoExtension.class)
class ParallelMockitoTestCase {

  /** A collaborator to mock. */
  interface Store {
    String get(String key);
  }

  @Mock
  Store store;

  private void work() throws Exception {
    when(store.get(anyString())).thenAnswer(i -> "v:" + i.getArgument(0));
    List<Task<String>> tasks = List.of(
        Weft.createTask(() -> {
          @SuppressWarnings("unchecked")
          List<String> list = mock(List.class); // a mock made inside a task: class generation under a monitor
          when(list.get(0)).thenReturn("x");
          Weft.sleep(Duration.ofMillis(1));
          return list.get(0) + store.get("a");
        }),
        Weft.createTask(() -> {
          Weft.sleep(Duration.ofMillis(1));
          return store.get("b");
        }));
    assertThat(tasks.get(0).await()).isEqualTo("xv:a");
    assertThat(tasks.get(1).await()).isEqualTo("v:b");
    verify(store).get("a");
  }

  @AsyncTest(schedules = 30)
  void first() throws Exception {
    work();
  }

  @AsyncTest(schedules = 30)
  void second() throws Exception {
    work();
  }

  @AsyncTest(schedules = 30)
  void third() throws Exception {
    work();
  }
}
