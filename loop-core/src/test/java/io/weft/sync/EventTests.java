package io.weft.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.AsyncRunnable;
import io.weft.CancelledError;
import io.weft.EventLoop;
import io.weft.Task;
import io.weft.TimerHandle;
import io.weft.Weft;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** {@link Event}: section EV of the spec and CPython 3.13's {@code test_locks.py::EventTests}, on virtual time. */
class EventTests {

  final EventLoop loop = EventLoop.createVirtual();
  final Event ev = new Event();

  @AfterEach
  void closeLoop() {
    loop.close();
  }

  void run(AsyncRunnable body) {
    // A deadlock would hang the virtual loop in real time: a watchdog timer an hour of virtual time away makes it a
    // failure instead (the clock jumps to it when nothing else can run).
    Task<Void> main = loop.createTask(body);
    TimerHandle watchdog = loop.callLater(Duration.ofHours(1), () -> main.cancel("watchdog: deadlock"));
    try {
      loop.runUntilComplete(main);
    } finally {
      watchdog.cancel();
    }
    ev.checkInvariants();
  }

  static void tick() {
    Weft.sleep(Duration.ZERO);
  }

  Task<Boolean> waiter(List<Integer> log, int tag) {
    return loop.createTask(() -> {
      boolean r = ev.await();
      log.add(tag);
      return r;
    });
  }

  @Nested
  class Flag {

    @Test
    void newEvent_isClear_setSetsIt_clearClearsIt() {
      assertThat(ev.isSet()).isFalse();
      ev.set();
      assertThat(ev.isSet()).isTrue();
      ev.clear();
      assertThat(ev.isSet()).isFalse();
    }

    @Test
    void await_onASetEvent_returnsTrueWithoutSuspending() {
      List<String> log = new ArrayList<>();
      ev.set();
      run(() -> {
        loop.callSoon(() -> log.add("callback"));
        assertThat(ev.await()).isTrue();
        log.add("returned");
      });
      assertThat(log).containsExactly("returned", "callback");
    }

    @Test
    void await_outsideATask_throwsIllegalStateException() {
      assertThatThrownBy(ev::await).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Event.await() must be called from a task");
    }

    @Test
    void toString_showsSetOrUnset_andTheWaiters() {
      assertThat(ev).hasToString("Event[unset]");
      run(() -> {
        Task<Boolean> t = loop.createTask(() -> ev.await());
        tick();
        assertThat(ev).hasToString("Event[unset, waiters:1]");
        ev.set();
        t.await();
        assertThat(ev).hasToString("Event[set]");
      });
    }
  }

  @Nested
  class Waking {

    @Test
    void set_wakesAllWaiters_aTaskWhoseFirstStepIsQueuedRunsFirst_EV01() {
      List<Integer> log = new ArrayList<>();
      run(() -> {
        Task<Boolean> t1 = waiter(log, 1);
        Task<Boolean> t2 = waiter(log, 2);
        tick();
        assertThat(log).isEmpty();

        Task<Boolean> t3 = waiter(log, 3);
        ev.set();
        tick();
        assertThat(log).containsExactly(3, 1, 2);
        assertThat(List.of(t1, t2, t3)).allSatisfy(t -> {
          assertThat(t.isDone()).isTrue();
          assertThat(t.result()).isTrue();
        });
      });
    }

    @Test
    void setThenClear_beforeTheWaitersRun_doesNotTakeTheWakeupBack_EV02() {
      List<Integer> log = new ArrayList<>();
      run(() -> {
        Task<Boolean> t = waiter(log, 1);
        tick();
        assertThat(log).isEmpty();

        ev.set();
        ev.clear();
        assertThat(ev.isSet()).isFalse();
        ev.set();
        ev.set(); // no-op
        assertThat(ev.waiterCount()).isEqualTo(1);

        tick();
        assertThat(log).containsExactly(1);
        assertThat(ev.waiterCount()).isZero();
        assertThat(t.result()).isTrue();
      });
    }

    @Test
    void afterClear_newWaitersWaitForTheNextSet() {
      List<Integer> log = new ArrayList<>();
      run(() -> {
        ev.set();
        ev.clear();
        Task<Boolean> t = waiter(log, 1);
        Weft.sleep(Duration.ofSeconds(5));
        assertThat(log).isEmpty();
        ev.set();
        t.await();
        assertThat(log).containsExactly(1);
      });
    }

    @Test
    void cancelledWaiter_raisesCancelledError_andLeavesTheQueue() {
      run(() -> {
        Task<Boolean> t = loop.createTask(() -> ev.await());
        loop.callSoon(() -> t.cancel());
        assertThatThrownBy(t::await).isInstanceOf(CancelledError.class);
        assertThat(ev.waiterCount()).isZero();
      });
    }

    @Test
    void wokenWaiterCancelledBeforeItResumes_getsCancelledError_theOthersStillReturn() {
      List<Integer> log = new ArrayList<>();
      run(() -> {
        Task<Boolean> t1 = waiter(log, 1);
        Task<Boolean> t2 = waiter(log, 2);
        tick();
        ev.set();
        t1.cancel();
        assertThat(t2.await()).isTrue();
        assertThat(t1.isCancelled()).isTrue();
        assertThat(log).containsExactly(2);
        assertThat(ev.waiterCount()).isZero();
      });
    }
  }
}
