package io.weft.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.CancelledError;
import io.weft.EventLoop;
import io.weft.Future;
import io.weft.Task;
import io.weft.Weft;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WaitQueueTests {

  private static <T> T runVirtual(io.weft.AsyncCallable<T> main) {
    return Weft.run(main, EventLoop::createVirtual);
  }

  @Test
  void wakeFirst_wakesWaitersInArrivalOrder() {
    List<Integer> order = runVirtual(() -> {
      WaitQueue q = new WaitQueue();
      List<Integer> out = new ArrayList<>();
      List<Task<?>> tasks = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        int n = i;
        tasks.add(Weft.createTask(() -> {
          q.await(q.enqueue(), () -> {});
          out.add(n);
        }));
      }
      Weft.sleep(Duration.ZERO);
      assertThat(q.size()).isEqualTo(3);
      for (int i = 0; i < 3; i++) {
        assertThat(q.wakeFirst()).isTrue();
        Weft.sleep(Duration.ZERO);
      }
      assertThat(q.wakeFirst()).isFalse();
      for (Task<?> t : tasks) {
        t.await();
      }
      return out;
    });
    assertThat(order).containsExactly(0, 1, 2);
  }

  @Test
  void aWaiterWokenThenCancelled_runsPassOn_andLeavesTheQueue() {
    List<String> log = runVirtual(() -> {
      WaitQueue q = new WaitQueue();
      List<String> out = new ArrayList<>();
      Task<?> t = Weft.createTask(() -> {
        q.await(q.enqueue(), () -> out.add("passOn"));
        out.add("acquired");
      });
      Weft.sleep(Duration.ZERO);
      q.wakeFirst();
      t.cancel(); // before the woken task resumes: the wake/cancel race
      assertThatThrownBy(t::await).isInstanceOf(CancelledError.class);
      assertThat(q.isEmpty()).isTrue();
      return out;
    });
    assertThat(log).containsExactly("passOn");
  }

  @Test
  void aWaiterCancelledBeforeItWasWoken_leavesWithoutPassingOn() {
    List<String> log = runVirtual(() -> {
      WaitQueue q = new WaitQueue();
      List<String> out = new ArrayList<>();
      Task<?> t = Weft.createTask(() -> q.await(q.enqueue(), () -> out.add("passOn")));
      Weft.sleep(Duration.ZERO);
      t.cancel();
      assertThatThrownBy(t::await).isInstanceOf(CancelledError.class);
      assertThat(q.isEmpty()).isTrue();
      assertThat(q.hasUnwoken()).isFalse();
      return out;
    });
    assertThat(log).isEmpty();
  }

  @Test
  void aWaiterFailedByFailAll_getsTheError_andLeavesTheQueue() {
    IllegalStateException shutDown = new IllegalStateException("shut down");
    runVirtual(() -> {
      WaitQueue q = new WaitQueue();
      Task<?> t = Weft.createTask(() -> q.await(q.enqueue(), () -> {}));
      Weft.sleep(Duration.ZERO);
      assertThat(q.failAll(shutDown)).isEqualTo(1);
      assertThatThrownBy(t::await).isSameAs(shutDown);
      assertThat(q.isEmpty()).isTrue();
      return null;
    });
  }

  @Test
  void wake_n_wakesAtMostN_andSkipsWaitersAlreadyWoken() {
    runVirtual(() -> {
      WaitQueue q = new WaitQueue();
      List<Future<Void>> ws = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Future<Void> w = q.enqueue();
        ws.add(w);
      }
      assertThat(q.wake(1)).isEqualTo(1);
      assertThat(q.wake(2)).isEqualTo(2);
      assertThat(ws).extracting(Future::isDone).containsExactly(true, true, true, false);
      assertThat(q.wakeAll()).isEqualTo(1);
      return null;
    });
  }

  @Test
  void aQueueBoundToOneLoop_refusesWaitersFromAnother() {
    WaitQueue q = new WaitQueue();
    runVirtual(() -> q.enqueue());
    assertThatThrownBy(() -> runVirtual(() -> q.enqueue()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("different event loop");
  }
}
