package io.weft.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.weft.AsyncRunnable;
import io.weft.CancelledError;
import io.weft.EventLoop;
import io.weft.ExceptionContext;
import io.weft.Task;
import io.weft.TimerHandle;
import io.weft.Weft;
import io.weft.internal.Carrier;
import io.weft.spi.VirtualClock;
import io.weft.spi.VirtualPoller;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Queues: section Q of the spec and CPython 3.13's {@code test_queues.py}, on loops with virtual time.
 *
 * <p>The cancellation group runs on both coroutine carriers (an abstract group with one subclass per carrier); the
 * other groups use the default carrier. Every test checks the queue's invariants when it ends.
 */
class QueueTests {

  EventLoop.CarrierChoice carrierChoice = EventLoop.CarrierChoice.AUTO;
  EventLoop loop;
  final List<ExceptionContext> reports = new ArrayList<>();
  final List<Queue<?>> queues = new ArrayList<>();

  @BeforeEach
  void createLoop() {
    if (carrierChoice == EventLoop.CarrierChoice.LOOP_SCHEDULED) {
      assumeTrue(Carrier.loopScheduledAvailable(), "the loop-scheduled carrier needs --add-opens java.base/java.lang");
    }
    VirtualClock clock = new VirtualClock();
    loop = EventLoop.builder().clock(clock).poller(new VirtualPoller(clock)).carrier(carrierChoice).build();
    loop.setExceptionHandler((l, ctx) -> reports.add(ctx));
  }

  @AfterEach
  void closeLoop() {
    queues.forEach(Queue::checkInvariants);
    loop.close();
    assertThat(reports).as("exception handler reports").isEmpty();
  }

  <Q extends Queue<?>> Q track(Q q) {
    queues.add(q);
    return q;
  }

  /**
   * Runs {@code body} as a task until it ends. A watchdog an hour of virtual time away cancels it: the virtual clock
   * jumps there at once when every task is stuck, so a lost wakeup fails the test instead of hanging it.
   */
  void run(AsyncRunnable body) {
    Task<Void> main = loop.createTask(body);
    TimerHandle watchdog = loop.callLater(3600.0, () -> main.cancel("watchdog: every task is stuck"));
    try {
      loop.runUntilComplete(main);
    } finally {
      watchdog.cancel();
    }
  }

  static void yieldOnce() {
    Weft.sleep(Duration.ZERO);
  }

  /** Awaits {@code t} and asserts it ends with a CancelledError. */
  static void assertCancelled(Task<?> t) {
    assertThatThrownBy(t::await).isInstanceOf(CancelledError.class);
    assertThat(t.isCancelled()).isTrue();
  }

  // ============================================================================================================
  // Basics
  // ============================================================================================================

  @Nested
  class Basics {

    @Test
    void order_ofPuts1_3_2_isFifoForQueue_LifoForLifoQueue_LowestFirstForPriorityQueue() {
      List<List<Integer>> orders = new ArrayList<>();
      run(() -> {
        for (Queue<Integer> q : List.of(track(new Queue<Integer>()), track(new LifoQueue<Integer>()),
            track(new PriorityQueue<Integer>()))) {
          for (int i : new int[] {1, 3, 2}) {
            q.put(i);
          }
          orders.add(List.of(q.get(), q.get(), q.get()));
        }
      });

      assertThat(orders).containsExactly(List.of(1, 3, 2), List.of(2, 3, 1), List.of(1, 2, 3));
    }

    @Test
    void empty_isTrueUntilAPut_andAgainAfterTheGet() {
      Queue<Integer> q = track(new Queue<>());
      run(() -> {
        assertThat(q.empty()).isTrue();
        q.put(1);
        assertThat(q.empty()).isFalse();
        assertThat(q.qsize()).isEqualTo(1);
        assertThat(q.get()).isEqualTo(1);
        assertThat(q.empty()).isTrue();
      });
    }

    @Test
    void full_isNeverTrueWhenMaxsizeIsZeroOrNegative() {
      Queue<Integer> unbounded = track(new Queue<>());
      Queue<Integer> negative = track(new Queue<>(-3));
      for (int i = 0; i < 1000; i++) {
        unbounded.putNowait(i);
        negative.putNowait(i);
      }

      assertThat(unbounded.full()).isFalse();
      assertThat(negative.full()).isFalse();
      assertThat(negative.maxsize()).isEqualTo(-3);
      assertThat(negative.qsize()).isEqualTo(1000);
    }

    @Test
    void full_isTrueOnceQsizeReachesMaxsize() {
      Queue<Integer> q = track(new Queue<>(1));
      run(() -> q.put(1));

      assertThat(q.full()).isTrue();
      assertThat(q.maxsize()).isEqualTo(1);
    }

    @Test
    void nullItem_isRejected_andNothingIsCounted() {
      Queue<String> q = track(new Queue<>());

      assertThatThrownBy(() -> q.putNowait(null)).isInstanceOf(NullPointerException.class)
          .hasMessageContaining("item must not be null");
      assertThat(q.qsize()).isZero();
      assertThat(q.unfinishedTasks()).isZero();
    }

    @Test
    void nowaitMethods_workOutsideTheLoop() {
      Queue<String> q = track(new Queue<>(1));
      q.putNowait("a");

      assertThat(q.getNowait()).isEqualTo("a");
    }

    @Test
    void toString_showsMaxsizeItemsWaitersTasksAndShutdown_asAsyncioDoes() {
      Queue<Integer> q = track(new Queue<>());
      assertThat(q.toString()).isEqualTo("<Queue maxsize=0>");
      Task<Integer> getter = loop.createTask(q::get);
      run(QueueTests::yieldOnce);
      assertThat(q.toString()).isEqualTo("<Queue maxsize=0 getters[1]>");
      q.putNowait(0);
      run(() -> assertThat(getter.await()).isZero());

      Queue<Integer> full = track(new Queue<>(1));
      full.putNowait(1);
      Task<Void> putter = loop.createTask(() -> full.put(2));
      run(QueueTests::yieldOnce);
      assertThat(full.toString()).isEqualTo("<Queue maxsize=1 queue=[1] putters[1] tasks=1>");
      full.getNowait();
      run(putter::await);

      LifoQueue<Integer> lifo = track(new LifoQueue<>());
      lifo.putNowait(1);
      lifo.putNowait(2);
      lifo.shutdown();
      assertThat(lifo.toString()).isEqualTo("<LifoQueue maxsize=0 queue=[2, 1] tasks=2 shutdown>");
    }

    @Test
    void toString_showsAtMostTenItems() {
      Queue<Integer> q = track(new Queue<>());
      for (int i = 0; i < 12; i++) {
        q.putNowait(i);
      }

      assertThat(q.toString()).isEqualTo("<Queue maxsize=0 queue=[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]... tasks=12>");
    }
  }

  // ============================================================================================================
  // Capacity and the non-blocking forms
  // ============================================================================================================

  @Nested
  class Capacity {

    @Test
    void putNowait_onAFullQueue_throwsQueueFull_andLeavesItUnchanged() {
      Queue<Integer> q = track(new Queue<>(1));
      q.putNowait(1);

      assertThatThrownBy(() -> q.putNowait(2)).isInstanceOf(QueueFull.class)
          .hasMessageContaining("putNowait() on a full queue").hasMessageContaining("maxsize=1");
      assertThat(q.itemsInTakeOrder()).containsExactly(1);
      assertThat(q.unfinishedTasks()).isEqualTo(1);
    }

    @Test
    void getNowait_onAnEmptyQueue_throwsQueueEmpty() {
      Queue<Integer> q = track(new Queue<>());

      assertThatThrownBy(q::getNowait).isInstanceOf(QueueEmpty.class)
          .hasMessageContaining("getNowait() on an empty queue");
    }

    @Test
    void putter_blocksAfterMaxsizeItems_andResumesOneIterationAfterAGet() {
      Queue<Integer> q = track(new Queue<>(2));
      List<Integer> haveBeenPut = new ArrayList<>();
      Task<Boolean> putter = loop.createTask(() -> {
        for (int i = 0; i < 3; i++) {
          q.put(i);
          haveBeenPut.add(i);
        }
        return true;
      });

      run(() -> {
        yieldOnce();
        yieldOnce();
        assertThat(haveBeenPut).containsExactly(0, 1);
        assertThat(q.get()).isZero();

        yieldOnce();
        assertThat(haveBeenPut).containsExactly(0, 1, 2);
        assertThat(q.get()).isEqualTo(1);
        assertThat(q.get()).isEqualTo(2);
        assertThat(putter.isDone()).isTrue();
        assertThat(putter.result()).isTrue();
      });
    }

    @Test
    void blockingPut_onAnUnboundedQueue_doesNotWait() {
      Queue<Integer> q = track(new Queue<>());
      run(() -> {
        double before = loop.time();
        q.put(1);
        assertThat(q.get()).isEqualTo(1);
        assertThat(loop.time()).isEqualTo(before);
      });
    }

    @Test
    void blockingGet_whenAnItemIsThere_doesNotSuspendTheTask() {
      Queue<Integer> q = track(new Queue<>());
      q.putNowait(1);
      List<String> log = new ArrayList<>();
      run(() -> {
        loop.callSoon(() -> log.add("callback"));
        assertThat(q.get()).isEqualTo(1);
        log.add("got");
      });

      assertThat(log).containsExactly("got", "callback");
    }

    @Test
    void waitingMethodsOutsideATask_throwIllegalStateException_andLeaveNoWaiter() {
      Queue<Integer> q = track(new Queue<>(1));

      assertThatThrownBy(q::get).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Queue.get() must be called from a task");
      q.putNowait(1);
      assertThatThrownBy(q::get).as("even when it would not wait").isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> q.put(2)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Queue.put() must be called from a task");
      assertThatThrownBy(q::join).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Queue.join() must be called from a task");
      assertThat(q.getterCount()).isZero();
      assertThat(q.putterCount()).isZero();
      assertThat(q.itemsInTakeOrder()).containsExactly(1);
    }

    @Test
    void queueUsedFromASecondLoop_throwsIllegalStateException() {
      Queue<Integer> q = track(new Queue<>());
      Task<Integer> first = loop.createTask(q::get);
      run(QueueTests::yieldOnce);
      q.putNowait(1);
      run(first::await);

      try (EventLoop other = EventLoop.createVirtual()) {
        Task<Integer> second = other.createTask(q::get);
        assertThatThrownBy(() -> other.runUntilComplete(second)).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("different event loop");
      }
    }
  }

  // ============================================================================================================
  // Blocking get and put (QueueGetTests, QueuePutTests)
  // ============================================================================================================

  @Nested
  class BlockingGetAndPut {

    @Test
    void get_waitsUntilAPutLater() {
      Queue<Integer> q = track(new Queue<>());
      loop.callLater(0.01, () -> q.putNowait(1));
      run(() -> {
        assertThat(q.get()).isEqualTo(1);
        assertThat(loop.time()).isGreaterThanOrEqualTo(0.01);
      });
    }

    @Test
    void put_waitsUntilAGetLater() {
      Queue<Integer> q = track(new Queue<>(1));
      loop.callLater(0.01, q::getNowait);
      run(() -> {
        q.put(1);
        q.put(2);
        assertThat(loop.time()).isGreaterThanOrEqualTo(0.01);
        assertThat(q.itemsInTakeOrder()).containsExactly(2);
      });
    }

    @Test
    void get_wakesTheFirstWaitingPutter() {
      Queue<String> q = track(new Queue<>(1));
      Task<Void> putA = loop.createTask(() -> q.put("a"));
      Task<Void> putB = loop.createTask(() -> q.put("b"));
      run(() -> {
        assertThat(q.get()).isEqualTo("a");
        assertThat(q.get()).isEqualTo("b");
        putB.await();
      });

      assertThat(putA.isDone()).isTrue();
    }

    @Test
    void put_wakesTheWaitingGetter() {
      Queue<String> q = track(new Queue<>());
      Task<String> getter = loop.createTask(q::get);
      run(() -> {
        yieldOnce();
        q.put("a");
        assertThat(getter.await()).isEqualTo("a");
      });
    }

    @Test
    void getters_areServedInArrivalOrder() {
      Queue<Integer> q = track(new Queue<>());
      List<String> log = new ArrayList<>();
      for (String name : List.of("g1", "g2", "g3")) {
        loop.createTask(() -> {
          log.add(name + "=" + q.get());
        });
      }
      run(() -> {
        yieldOnce();
        q.putNowait(1);
        q.putNowait(2);
        q.putNowait(3);
        yieldOnce();
      });

      assertThat(log).containsExactly("g1=1", "g2=2", "g3=3");
    }

    @Test
    void producerAndConsumer_throughAQueueOfOne_neverLeaveAWaiterBehind() {
      Queue<Integer> q = track(new Queue<>(1));
      List<Integer> consumed = new ArrayList<>();
      Task<Void> producer = loop.createTask(() -> {
        for (int i = 0; i < 5; i++) {
          q.put(i);
        }
      });
      Task<Void> consumer = loop.createTask(() -> {
        for (int i = 0; i < 5; i++) {
          consumed.add(q.get());
        }
      });
      run(() -> {
        producer.await();
        consumer.await();
      });

      assertThat(consumed).containsExactly(0, 1, 2, 3, 4);
      assertThat(q.getterCount()).isZero();
      assertThat(q.putterCount()).isZero();
    }

    @Test
    void putters_aheadOfAGetterThatEmptiesTheQueue_allGetIn() {
      // test_why_are_putters_waiting: a getter drains 2 items at once; the 2 waiting putters must both be woken.
      Queue<Integer> q = track(new Queue<>(2));
      Task<Void> getter = loop.createTask(() -> {
        yieldOnce();
        int n = q.qsize();
        for (int i = 0; i < n; i++) {
          q.getNowait();
        }
      });
      List<Task<Void>> putters = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        int item = i;
        putters.add(loop.createTask(() -> q.put(item)));
      }
      run(() -> {
        getter.await();
        for (Task<Void> p : putters) {
          p.await();
        }
      });

      assertThat(q.itemsInTakeOrder()).containsExactly(2, 3);
    }
  }

  // ============================================================================================================
  // Cancellation, on both carriers
  // ============================================================================================================

  abstract class CancellationRules {

    CancellationRules(EventLoop.CarrierChoice carrier) {
      carrierChoice = carrier;
    }

    @Test
    void loop_usesTheChosenCarrier() {
      String expected = carrierChoice == EventLoop.CarrierChoice.BATON ? "baton" : "loop";
      assertThat(loop.carrierName()).isEqualTo(expected);
    }

    @Test
    void cancelledGet_afterItWasWoken_losesNoItem_Q04() {
      Queue<Integer> q = track(new Queue<>());
      Task<Integer> reader = loop.createTask(q::get);
      run(() -> {
        yieldOnce();
        q.putNowait(1);
        q.putNowait(2);
        reader.cancel();

        assertCancelled(reader);
        Task<Integer> again = loop.createTask(q::get);
        assertThat(again.await()).as("1 must not be dropped").isEqualTo(1);
      });
    }

    @Test
    void wokenGetterCancelled_passesTheWakeupToTheNextGetter_Q05() {
      Queue<Integer> q = track(new Queue<>());
      Task<Integer> reader1 = loop.createTask(q::get);
      Task<Integer> reader2 = loop.createTask(q::get);
      Task<Integer> reader3 = loop.createTask(q::get);
      run(() -> {
        yieldOnce();
        q.putNowait(1);
        q.putNowait(2);
        reader1.cancel();

        assertCancelled(reader1);
        reader3.await();
      });

      assertThat(List.of(reader2.result(), reader3.result())).containsExactlyInAnyOrder(1, 2);
      assertThat(q.getterCount()).isZero();
    }

    @Test
    void getterCancelledBeforeItWasWoken_leavesTheGettersAndTakesNothing() {
      Queue<String> q = track(new Queue<>());
      Task<String> t1 = loop.createTask(q::get);
      Task<String> t2 = loop.createTask(q::get);
      run(() -> {
        yieldOnce();
        t1.cancel();
        yieldOnce();
        assertThat(t1.isDone()).isTrue();
        assertThat(q.getterCount()).isEqualTo(1);
        q.put("a");
        yieldOnce();
        assertThat(t2.await()).isEqualTo("a");
      });
    }

    @Test
    void cancelledGetters_doNotStayInTheGetters_Q07() {
      Queue<Integer> q = track(new Queue<>(5));
      Task<Integer> get = loop.createTask(q::get);
      loop.callLater(0.1, get::cancel); // asyncio's wait_for(queue.get(), 0.1)
      run(() -> {
        assertCancelled(get);
        assertThat(q.getterCount()).isZero();
      });
    }

    @Test
    void cancelledPutters_doNotStayInThePutters_Q07() {
      Queue<Integer> q = track(new Queue<>(1));
      q.putNowait(1);
      Task<Void> put = loop.createTask(() -> q.put(1));
      run(() -> {
        yieldOnce();
        assertThat(q.putterCount()).isEqualTo(1);
        put.cancel();
        assertCancelled(put);
        assertThat(q.putterCount()).isZero();
      });
    }

    @Test
    void putterWokenByGetNowait_thenCancelled_raisesCancelledError_andPassesTheSlotOn_Q07() {
      Queue<Integer> q = track(new Queue<>(1));
      q.putNowait(1);
      Task<Void> put = loop.createTask(() -> q.put(2));
      Task<Void> next = loop.createTask(() -> q.put(3));
      run(() -> {
        yieldOnce();
        assertThat(q.getNowait()).isEqualTo(1); // wakes the first putter
        put.cancel();

        assertCancelled(put);
        next.await();
        assertThat(q.itemsInTakeOrder()).containsExactly(3);
        assertThat(q.putterCount()).isZero();
      });
    }

    @Test
    void cancelledPut_losesNoSlot_andARetryPuts() {
      // test_put_cancel_drop
      Queue<Integer> q = track(new Queue<>(1));
      q.putNowait(1);
      Task<Void> writer = loop.createTask(() -> q.put(2));
      run(() -> {
        yieldOnce();
        assertThat(q.getNowait()).isEqualTo(1);
        writer.cancel();
        assertCancelled(writer);

        loop.createTask(() -> q.put(2)).await();
        assertThat(q.getNowait()).isEqualTo(2);
        assertThat(q.qsize()).isZero();
      });
    }

    @Test
    void putterCancelledWhileWaiting_doesNotTakeTheTurnOfThoseBehindIt() {
      // test_put_cancelled_race
      Queue<String> q = track(new Queue<>(1));
      Task<Void> putA = loop.createTask(() -> q.put("a"));
      Task<Void> putB = loop.createTask(() -> q.put("b"));
      Task<Void> putC = loop.createTask(() -> q.put("X"));
      run(() -> {
        yieldOnce();
        assertThat(putA.isDone()).isTrue();
        assertThat(putB.isDone()).isFalse();

        putC.cancel();
        yieldOnce();
        assertThat(putC.isDone()).isTrue();
        assertThat(q.getNowait()).isEqualTo("a");
        yieldOnce();
        assertThat(q.getNowait()).isEqualTo("b");
        putB.await();
      });
    }

    @Test
    void aWakeupIsNotAHandOff_getNowaitInBetweenTakesTheItem_andTheWokenGetterWaitsAgainAtTheTail_Q08() {
      Queue<String> q = track(new Queue<>());
      Task<String> g1 = loop.createTask(q::get);
      Task<String> g2 = loop.createTask(q::get);
      run(() -> {
        yieldOnce();
        q.putNowait("a"); // wakes g1 ...
        assertThat(q.getNowait()).isEqualTo("a"); // ... but the item goes to whoever takes it first
        yieldOnce(); // g1 runs, finds the queue empty, and waits again behind g2
        assertThat(g1.isDone()).isFalse();
        assertThat(q.getterCount()).isEqualTo(2);

        q.putNowait("b");
        q.putNowait("c");
        g1.await();
      });

      assertThat(g2.result()).as("g2 is now first").isEqualTo("b");
      assertThat(g1.result()).isEqualTo("c");
    }

    @Test
    void cancelledJoin_leavesTheJoiners_andTheOthersStillReturn() {
      Queue<Integer> q = track(new Queue<>());
      q.putNowait(1);
      Task<Void> j1 = loop.createTask(q::join);
      Task<Void> j2 = loop.createTask(q::join);
      run(() -> {
        yieldOnce();
        j1.cancel();
        assertCancelled(j1);
        q.getNowait();
        q.taskDone();
        j2.await();
      });
    }
  }

  @Nested
  class CancellationRulesOnTheLoopScheduledCarrier extends CancellationRules {
    CancellationRulesOnTheLoopScheduledCarrier() {
      super(EventLoop.CarrierChoice.LOOP_SCHEDULED);
    }
  }

  @Nested
  class CancellationRulesOnTheBatonCarrier extends CancellationRules {
    CancellationRulesOnTheBatonCarrier() {
      super(EventLoop.CarrierChoice.BATON);
    }
  }

  // ============================================================================================================
  // PriorityQueue and LifoQueue
  // ============================================================================================================

  @Nested
  class Orderings {

    record Job(int priority, String name) {}

    @Test
    void priorityQueue_withAComparator_returnsLowestFirst_andEqualItemsInPutOrder() {
      PriorityQueue<Job> q = track(new PriorityQueue<>(Comparator.comparingInt(Job::priority)));
      for (Job j : List.of(new Job(2, "a"), new Job(1, "b"), new Job(2, "c"), new Job(1, "d"), new Job(2, "e"))) {
        q.putNowait(j);
      }

      List<String> names = new ArrayList<>();
      while (!q.empty()) {
        names.add(q.getNowait().name());
      }
      assertThat(names).containsExactly("b", "d", "a", "c", "e");
    }

    @Test
    void priorityQueue_withNaturalOrdering_rejectsAnItemThatIsNotComparable() {
      PriorityQueue<Object> q = track(new PriorityQueue<>());
      q.putNowait(1);

      assertThatThrownBy(() -> q.putNowait(new Object())).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("needs Comparable items, got java.lang.Object");
      assertThat(q.itemsInTakeOrder()).containsExactly(1);
      assertThat(q.unfinishedTasks()).isEqualTo(1);
    }

    @Test
    void priorityQueue_whoseComparatorThrows_keepsEveryQueuedItem() {
      PriorityQueue<Integer> q = track(new PriorityQueue<>((a, b) -> {
        if (a == 13 || b == 13) {
          throw new IllegalArgumentException("unlucky");
        }
        return Integer.compare(a, b);
      }));
      for (int i : new int[] {5, 3, 8, 1, 9, 2, 7}) {
        q.putNowait(i);
      }

      assertThatThrownBy(() -> q.putNowait(13)).isInstanceOf(IllegalArgumentException.class).hasMessage("unlucky");
      assertThat(q.itemsInTakeOrder()).containsExactly(1, 2, 3, 5, 7, 8, 9);
      assertThat(q.unfinishedTasks()).isEqualTo(7);
    }

    @Test
    void priorityQueue_rejectsANullComparator() {
      assertThatThrownBy(() -> new PriorityQueue<Integer>(2, null)).isInstanceOf(NullPointerException.class)
          .hasMessageContaining("comparator");
    }

    @Test
    void priorityQueue_bounded_blocksPuttersLikeAQueue() {
      PriorityQueue<Integer> q = track(new PriorityQueue<>(2));
      Task<Void> putter = loop.createTask(() -> {
        q.put(5);
        q.put(4);
        q.put(1);
      });
      run(() -> {
        yieldOnce();
        assertThat(putter.isDone()).isFalse();
        assertThat(q.get()).isEqualTo(4);
        putter.await();
        assertThat(q.itemsInTakeOrder()).containsExactly(1, 5);
      });
    }

    @Test
    void lifoQueue_bounded_returnsTheNewestFirst() {
      LifoQueue<Integer> q = track(new LifoQueue<>(3));
      q.putNowait(1);
      q.putNowait(2);
      q.putNowait(3);

      assertThat(q.full()).isTrue();
      assertThat(q.getNowait()).isEqualTo(3);
      q.putNowait(4);
      assertThat(q.itemsInTakeOrder()).containsExactly(4, 2, 1);
    }
  }

  // ============================================================================================================
  // taskDone and join (QueueJoinTests, for each kind)
  // ============================================================================================================

  @Nested
  class TaskDoneAndJoin {

    List<Queue<Integer>> eachKind() {
      return List.of(track(new Queue<>()), track(new LifoQueue<>()), track(new PriorityQueue<>()));
    }

    @Test
    void taskDone_moreTimesThanPuts_throwsIllegalStateException() {
      for (Queue<Integer> q : eachKind()) {
        assertThatThrownBy(q::taskDone).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("taskDone() called too many times");
      }
    }

    @Test
    void join_returnsOnceTwoWorkersMarkedEveryItemDone() {
      for (Queue<Integer> q : eachKind()) {
        for (int i = 0; i < 100; i++) {
          q.putNowait(i);
        }
        int[] sum = {0};
        List<Task<Void>> workers = new ArrayList<>();
        run(() -> {
          for (int w = 0; w < 2; w++) {
            workers.add(loop.createTask(() -> {
              while (true) {
                int item = q.get();
                sum[0] += item;
                yieldOnce();
                q.taskDone();
              }
            }));
          }
          q.join();
          assertThat(sum[0]).isEqualTo(4950);
          assertThat(q.unfinishedTasks()).isZero();
          for (Task<Void> w : workers) {
            w.cancel();
            assertCancelled(w);
          }
        });
      }
    }

    @Test
    void join_onAQueueWithNothingUnfinished_returnsAtOnce_twice() {
      for (Queue<Integer> q : eachKind()) {
        List<String> log = new ArrayList<>();
        run(() -> {
          loop.callSoon(() -> log.add("callback"));
          q.join();
          q.join();
          log.add("joined");
        });
        assertThat(log).containsExactly("joined", "callback");
      }
    }

    @Test
    void join_waitsForTaskDoneOfEveryItemTaken_notJustForTheGets() {
      Queue<Integer> q = track(new Queue<>());
      q.putNowait(1);
      q.putNowait(2);
      Task<Void> joiner = loop.createTask(q::join);
      run(() -> {
        q.get();
        q.get();
        yieldOnce();
        assertThat(joiner.isDone()).isFalse();
        q.taskDone();
        yieldOnce();
        assertThat(joiner.isDone()).isFalse();
        q.taskDone();
        yieldOnce();
        assertThat(joiner.isDone()).isTrue();
      });
    }

    @Test
    void wokenJoiner_returnsEvenIfAPutComesBeforeItRuns_likeAsyncioEvent() {
      Queue<Integer> q = track(new Queue<>());
      q.putNowait(1);
      Task<Void> joiner = loop.createTask(q::join);
      run(() -> {
        yieldOnce();
        q.getNowait();
        q.taskDone(); // wakes the joiner
        q.putNowait(2); // asyncio: _finished.clear() does not take the wakeup back
        joiner.await();
        assertThat(q.unfinishedTasks()).isEqualTo(1);
      });
    }
  }

  // ============================================================================================================
  // shutdown (3.13, Q-10; QueueShutdownTests, for each kind)
  // ============================================================================================================

  @Nested
  class Shutdown {

    List<Queue<String>> eachKind(int maxsize) {
      return List.of(track(new Queue<>(maxsize)), track(new LifoQueue<>(maxsize)),
          track(new PriorityQueue<>(maxsize)));
    }

    void assertEveryOperationRaisesShutDown(Queue<String> q) {
      assertThatThrownBy(() -> q.put("data")).isInstanceOf(QueueShutDown.class)
          .hasMessageContaining("shut-down queue");
      assertThatThrownBy(() -> q.putNowait("data")).isInstanceOf(QueueShutDown.class);
      assertThatThrownBy(q::get).isInstanceOf(QueueShutDown.class).hasMessageContaining("shut-down, empty queue");
      assertThatThrownBy(q::getNowait).isInstanceOf(QueueShutDown.class);
    }

    @Test
    void shutdownOfAnEmptyQueue_releasesABlockedGetWithQueueShutDown_andJoinReturns() {
      for (Queue<String> q : eachKind(0)) {
        Task<String> getTask = loop.createTask(q::get);
        run(() -> {
          yieldOnce();
          q.shutdown(false);
          assertThat(q.isShutDown()).isTrue();
          assertThat(q.qsize()).isZero();
          q.join();

          yieldOnce();
          assertThat(getTask.isDone()).isTrue();
          assertThatThrownBy(getTask::await).isInstanceOf(QueueShutDown.class);
          assertEveryOperationRaisesShutDown(q);
        });
      }
    }

    @Test
    void shutdownOfANonEmptyQueue_failsBlockedPuts_butGetsStillDrainIt() {
      for (Queue<String> q : eachKind(1)) {
        q.putNowait("data");
        Task<Void> joinTask = loop.createTask(q::join);
        Task<Void> putTask = loop.createTask(() -> q.put("data2"));
        run(() -> {
          yieldOnce();
          assertThat(putTask.isDone()).isFalse();

          q.shutdown();
          assertThat(q.qsize()).isEqualTo(1);
          yieldOnce();
          assertThat(putTask.isDone()).isTrue();
          assertThatThrownBy(putTask::await).isInstanceOf(QueueShutDown.class);

          assertThat(q.get()).isEqualTo("data");
          yieldOnce();
          assertThat(joinTask.isDone()).isFalse();
          assertEveryOperationRaisesShutDown(q);

          q.taskDone();
          yieldOnce();
          assertThat(joinTask.isDone()).isTrue();
          assertThatThrownBy(q::taskDone).isInstanceOf(IllegalStateException.class);
        });
        assertThat(q.putterCount()).isZero();
      }
    }

    @Test
    void immediateShutdown_emptiesTheQueue_countsTheItemsDone_andReleasesJoin_Q10() {
      for (Queue<String> q : eachKind(0)) {
        q.putNowait("data");
        Task<Void> joinTask = loop.createTask(q::join);
        run(() -> {
          q.shutdown(true);
          assertThat(q.qsize()).isZero();
          yieldOnce();
          assertThat(joinTask.isDone()).isTrue();
          joinTask.await();
          assertEveryOperationRaisesShutDown(q);
          assertThatThrownBy(q::taskDone).isInstanceOf(IllegalStateException.class);
        });
      }
    }

    @Test
    void immediateShutdown_withAnItemAlreadyTaken_releasesJoinOnlyAfterItsTaskDone_Q10() {
      for (Queue<String> q : eachKind(0)) {
        q.putNowait("data");
        q.putNowait("data");
        Task<Void> joinTask = loop.createTask(q::join);
        run(() -> {
          assertThat(q.get()).isEqualTo("data");
          q.shutdown(true);
          assertThat(q.qsize()).isZero();
          assertThat(q.unfinishedTasks()).isEqualTo(1);
          yieldOnce();
          assertThat(joinTask.isDone()).isFalse();
          assertEveryOperationRaisesShutDown(q);

          q.taskDone();
          assertThatThrownBy(q::taskDone).isInstanceOf(IllegalStateException.class);
          yieldOnce();
          assertThat(joinTask.isDone()).isTrue();
        });
      }
    }

    @Test
    void immediateShutdown_releasesEveryBlockedGetterAndPutter() {
      Queue<Integer> empty = track(new Queue<>());
      Queue<Integer> full = track(new Queue<>(1));
      full.putNowait(0);
      List<Task<?>> blocked = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        int item = i;
        blocked.add(loop.createTask(empty::get));
        blocked.add(loop.createTask(() -> full.put(item)));
      }
      run(() -> {
        yieldOnce();
        empty.shutdown(true);
        full.shutdown(true);
        yieldOnce();
        for (Task<?> t : blocked) {
          assertThat(t.isDone()).isTrue();
          assertThatThrownBy(t::await).isInstanceOf(QueueShutDown.class);
        }
      });

      assertThat(empty.getterCount()).isZero();
      assertThat(full.putterCount()).isZero();
      assertThat(full.unfinishedTasks()).isZero();
    }

    @Test
    void immediateShutdown_afterAPlainOne_stillEmptiesTheQueue() {
      Queue<String> q = track(new Queue<>());
      q.putNowait("a");
      q.putNowait("b");
      q.shutdown();
      assertThat(q.getNowait()).isEqualTo("a");

      q.shutdown(true);
      assertThat(q.qsize()).isZero();
      assertThat(q.unfinishedTasks()).as("'a' was taken, not done").isEqualTo(1);
      assertThatThrownBy(q::getNowait).isInstanceOf(QueueShutDown.class);
    }
  }
}
