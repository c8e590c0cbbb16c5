package io.weft;

import static io.weft.IterationTrace.yieldOnce;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.net.StreamReader;
import io.weft.sync.Barrier;
import io.weft.sync.BrokenBarrierError;
import io.weft.sync.Condition;
import io.weft.sync.Event;
import io.weft.sync.Lock;
import io.weft.sync.Queue;
import io.weft.sync.Semaphore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The synchronisation primitives, queues and the stream reader wake, hand over and cancel in the same loop iterations
 * as asyncio's: each test's expected trace is what the same program printed on CPython 3.13.0 (see
 * {@link IterationTrace}).
 * Areas 10 to 12 of the spec (test_locks.py, test_queues.py, test_streams.py), measured rather than read.
 */
@Timeout(30)
class SyncTraceConformanceTests {

  @Test
  void lock_releaseWakesTheWaiter_whichAcquiresInTheNextIteration() {
    String trace = IterationTrace.of(t -> {
      Lock lock = new Lock();
      lock.acquire();
      Task<Void> b = Weft.createTask(() -> {
        lock.acquire();
        t.ev("B acquired");
      });
      yieldOnce();
      yieldOnce();
      t.ev("A release");
      lock.release();
      b.await();
      t.ev("main resumed");
    });
    assertThat(trace).isEqualTo("2:A release 3:B acquired 4:main resumed");
  }

  @Test
  void lock_contendedByThreeTasks_passesInFifoOrder_oneHolderPerIteration() {
    String trace = IterationTrace.of(t -> {
      Lock lock = new Lock();
      List<AsyncCallable<Object>> ws = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        int j = i;
        ws.add(() -> {
          try (Lock.Held h = lock.hold()) {
            t.ev("w" + j + " in");
            yieldOnce();
            t.ev("w" + j + " out");
          }
          return null;
        });
      }
      Weft.gatherBodies(ws).await();
      t.ev("main");
    });
    assertThat(trace).isEqualTo("1:w0 in 2:w0 out 3:w1 in 4:w1 out 5:w2 in 6:w2 out 8:main");
  }

  @Test
  void lock_releaseAndCancelOfTheFirstWaiterInOneStep_theNextWaiterAcquires() {
    assertThat(IterationTrace.of(t -> lockRace(t, false)))
        .isEqualTo("1:release+cancel 2:B cancelled 3:C acquired 5:main");
  }

  @Test
  void lock_wokenWaiterCancelledBeforeItRuns_passesTheLockOn() {
    assertThat(IterationTrace.of(t -> lockRace(t, true)))
        .isEqualTo("1:release then cancel woken 2:B cancelled 3:C acquired 6:main");
  }

  private static void lockRace(IterationTrace t, boolean yieldWhileHolding) {
    Lock lock = new Lock();
    lock.acquire();
    List<Task<Void>> ts = new ArrayList<>();
    for (String name : List.of("B", "C")) {
      ts.add(Weft.createTask(() -> {
        try {
          lock.acquire();
          t.ev(name + " acquired");
          if (yieldWhileHolding) {
            yieldOnce();
          }
          lock.release();
        } catch (CancelledError c) {
          t.ev(name + " cancelled");
          throw c;
        }
      }));
    }
    yieldOnce();
    if (!yieldWhileHolding) {
      t.ev("release+cancel");
    }
    lock.release();
    ts.get(0).cancel();
    if (yieldWhileHolding) {
      t.ev("release then cancel woken");
    }
    Weft.gather(true, ts).await();
    t.ev("main");
  }

  @Test
  void event_setWakesEveryWaiter_andACancelledOneLeavesTheOthersTheirWakeup() {
    String woken = IterationTrace.of(t -> {
      Event e = new Event();
      List<Future<?>> ts = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        int j = i;
        ts.add(Weft.createTask(() -> {
          e.await();
          t.ev("w" + j);
        }));
      }
      yieldOnce();
      t.ev("set");
      e.set();
      Weft.gather(ts).await();
      t.ev("main resumed");
    });
    String cancelled = IterationTrace.of(t -> {
      Event e = new Event();
      List<Task<Void>> ts = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        int j = i;
        ts.add(Weft.createTask(() -> {
          try {
            e.await();
            t.ev("w" + j + " woke");
          } catch (CancelledError c) {
            t.ev("w" + j + " cancelled");
            throw c;
          }
        }));
      }
      yieldOnce();
      t.ev("set+cancel");
      e.set();
      ts.get(0).cancel();
      Weft.gather(true, ts).await();
      t.ev("main");
    });
    assertThat(woken).isEqualTo("1:set 2:w0 2:w1 4:main resumed");
    assertThat(cancelled).isEqualTo("1:set+cancel 2:w0 cancelled 2:w1 woke 4:main");
  }

  @Test
  void condition_notifiedWaiterRunsOnlyOnceTheNotifierReleased() {
    String one = IterationTrace.of(t -> {
      Condition c = new Condition();
      Task<Void> w = Weft.createTask(() -> {
        try (Lock.Held h = c.hold()) {
          c.await();
          t.ev("woken");
        }
      });
      yieldOnce();
      try (Lock.Held h = c.hold()) {
        t.ev("notify");
        c.signal();
      }
      t.ev("released");
      w.await();
      t.ev("main resumed");
    });
    String eachInTurn = IterationTrace.of(t -> {
      Condition c = new Condition();
      List<Future<?>> ts = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        int j = i;
        ts.add(Weft.createTask(() -> {
          try (Lock.Held h = c.hold()) {
            c.await();
            t.ev("w" + j + " woken");
          }
        }));
      }
      yieldOnce();
      for (int i = 0; i < 3; i++) {
        try (Lock.Held h = c.hold()) {
          c.signal(1);
          t.ev("notify");
        }
        yieldOnce();
      }
      Weft.gather(ts).await();
      t.ev("main");
    });
    assertThat(one).isEqualTo("1:notify 1:released 2:woken 3:main resumed");
    // 4:main, not 6: gather of tasks already done is done at once (asyncio 3.12+; 3.11 printed 6:main)
    assertThat(eachInTurn).isEqualTo("1:notify 2:w0 woken 2:notify 3:w1 woken 3:notify 4:w2 woken 4:main");
  }

  @Test
  void condition_awaitFor_checksAgainAfterEachNotify() {
    String trace = IterationTrace.of(t -> {
      Condition c = new Condition();
      int[] state = {0};
      Task<Void> w = Weft.createTask(() -> {
        try (Lock.Held h = c.hold()) {
          c.awaitFor(() -> state[0] == 2);
          t.ev("pred true");
        }
      });
      for (int i = 0; i < 2; i++) {
        yieldOnce();
        try (Lock.Held h = c.hold()) {
          state[0]++;
          t.ev("notify " + state[0]);
          c.signalAll();
        }
      }
      w.await();
      t.ev("main");
    });
    assertThat(trace).isEqualTo("1:notify 1 2:notify 2 3:pred true 4:main");
  }

  @Test
  void semaphore_releasesWakeWaitersInOrder_andTwoPermitsAdmitTwoAtATime() {
    String wake = IterationTrace.of(t -> {
      Semaphore s = new Semaphore(0);
      List<Future<?>> ts = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        int j = i;
        ts.add(Weft.createTask(() -> {
          s.acquire();
          t.ev("w" + j);
        }));
      }
      yieldOnce();
      t.ev("release2");
      s.release();
      s.release();
      Weft.gather(ts).await();
      t.ev("main resumed");
    });
    String twoPermits = IterationTrace.of(t -> {
      Semaphore s = new Semaphore(2);
      List<AsyncCallable<Object>> ws = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        int j = i;
        ws.add(() -> {
          try (Semaphore.Held h = s.hold()) {
            t.ev("w" + j + " in");
            yieldOnce();
            t.ev("w" + j + " out");
          }
          return null;
        });
      }
      Weft.gatherBodies(ws).await();
      t.ev("main");
    });
    assertThat(wake).isEqualTo("1:release2 2:w0 2:w1 4:main resumed");
    assertThat(twoPermits)
        .isEqualTo("1:w0 in 1:w1 in 2:w0 out 2:w1 out 3:w2 in 3:w3 in 4:w2 out 4:w3 out 6:main");
  }

  @Test
  void semaphore_waiterCancelledBeforeTheRelease_thePermitGoesToTheNext() {
    String trace = IterationTrace.of(t -> {
      Semaphore s = new Semaphore(0);
      List<Task<Void>> ts = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        int j = i;
        ts.add(Weft.createTask(() -> {
          try {
            s.acquire();
            t.ev("w" + j + " acquired");
          } catch (CancelledError c) {
            t.ev("w" + j + " cancelled");
            throw c;
          }
        }));
      }
      yieldOnce();
      ts.get(0).cancel();
      t.ev("release");
      s.release();
      yieldOnce();
      yieldOnce();
      yieldOnce();
      t.ev("done " + ts.stream().map(Future::isDone).toList());
      for (Task<Void> w : ts) {
        w.cancel();
      }
      Weft.gather(true, ts).await();
    });
    assertThat(trace).isEqualTo("1:release 2:w0 cancelled 2:w1 acquired 4:done [true, true, false] 5:w2 cancelled");
  }

  @Test
  void barrier_tripsWhenTheLastPartyArrives_andResetBreaksTheWaiters() {
    String trip = IterationTrace.of(t -> {
      Barrier b = new Barrier(3);
      List<AsyncCallable<Object>> ws = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        int j = i;
        ws.add(() -> {
          for (int k = 0; k < j; k++) {
            yieldOnce();
          }
          int r = b.await();
          t.ev("w" + j + "->" + r);
          return null;
        });
      }
      Weft.gatherBodies(ws).await();
      t.ev("main");
    });
    String reset = IterationTrace.of(t -> {
      Barrier b = new Barrier(3);
      List<Future<?>> ts = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        int j = i;
        ts.add(Weft.createTask(() -> {
          try {
            b.await();
            t.ev("w" + j + " passed");
          } catch (BrokenBarrierError e) {
            t.ev("w" + j + " broken");
          }
        }));
      }
      yieldOnce();
      yieldOnce();
      t.ev("reset");
      b.reset();
      t.ev("state " + b.nWaiting());
      Weft.gather(ts).await();
      t.ev("main");
    });
    assertThat(trip).isEqualTo("3:w2->2 4:w0->0 4:w1->1 6:main");
    assertThat(reset).isEqualTo("2:reset 2:state 0 3:w0 broken 3:w1 broken 5:main");
  }

  @Test
  void queue_putWakesTheGetter_andGetNowaitWakesThePutter() {
    String get = IterationTrace.of(t -> {
      Queue<Integer> q = new Queue<>();
      Task<Void> g = Weft.createTask(() -> {
        int v = q.get();
        t.ev("got " + v);
      });
      yieldOnce();
      t.ev("put");
      q.putNowait(1);
      g.await();
      t.ev("main resumed");
    });
    String put = IterationTrace.of(t -> {
      Queue<Integer> q = new Queue<>(1);
      q.putNowait(0);
      Task<Void> p = Weft.createTask(() -> {
        q.put(1);
        t.ev("put done");
      });
      yieldOnce();
      t.ev("get_nowait");
      q.getNowait();
      p.await();
      t.ev("main " + q.qsize());
    });
    assertThat(get).isEqualTo("1:put 2:got 1 3:main resumed");
    assertThat(put).isEqualTo("1:get_nowait 2:put done 3:main 1");
  }

  @Test
  void queue_producerAndConsumerThroughAQueueOfOne_alternate() {
    String trace = IterationTrace.of(t -> {
      Queue<Integer> q = new Queue<>(1);
      List<AsyncCallable<Object>> ws = List.of(() -> {
        for (int i = 0; i < 3; i++) {
          q.put(i);
          t.ev("put " + i);
        }
        return null;
      }, () -> {
        for (int i = 0; i < 3; i++) {
          int v = q.get();
          t.ev("get " + v);
        }
        return null;
      });
      Weft.gatherBodies(ws).await();
      t.ev("main");
    });
    assertThat(trace).isEqualTo("1:put 0 1:get 0 2:put 1 3:get 1 4:put 2 5:get 2 7:main");
  }

  @Test
  void queue_joinReturnsOnceEveryItemIsDone() {
    String trace = IterationTrace.of(t -> {
      Queue<Integer> q = new Queue<>();
      q.putNowait(1);
      q.putNowait(2);
      Task<Void> worker = Weft.createTask(() -> {
        while (true) {
          int v = q.get();
          yieldOnce();
          t.ev("done " + v);
          q.taskDone();
        }
      });
      q.join();
      t.ev("joined");
      worker.cancel();
      try {
        worker.await();
      } catch (CancelledError c) {
        t.ev("worker cancelled");
      }
    });
    assertThat(trace).isEqualTo("2:done 1 3:done 2 4:joined 6:worker cancelled");
  }

  @Test
  void queue_getCancelledAfterAPut_losesNoItem() {
    String trace = IterationTrace.of(t -> {
      Queue<Integer> q = new Queue<>();
      Task<Void> reader = Weft.createTask(() -> {
        int v = q.get();
        t.ev("got " + v);
      });
      yieldOnce();
      q.putNowait(1);
      q.putNowait(2);
      reader.cancel();
      try {
        reader.await();
      } catch (CancelledError c) {
        t.ev("cancelled");
      }
      int v = q.get();
      t.ev("then got " + v);
    });
    assertThat(trace).isEqualTo("3:cancelled 3:then got 1");
  }

  @Test
  void streamReader_readsWakeOnTheFeedThatSatisfiesThem() {
    String trace = IterationTrace.of(t -> {
      StreamReader r = new StreamReader();
      Task<Void> reading = Weft.createTask(() -> {
        t.ev("read " + str(r.read(10)));
        t.ev("exact " + str(r.readExactly(4)));
        t.ev("line " + str(r.readLine()).strip());
      });
      EventLoop loop = t.loop();
      yieldOnce();
      loop.callSoon(() -> r.feedData(bytes("ab")));
      yieldOnce();
      yieldOnce();
      loop.callSoon(() -> r.feedData(bytes("cd")));
      yieldOnce();
      loop.callSoon(() -> r.feedData(bytes("ef")));
      yieldOnce();
      loop.callSoon(() -> r.feedData(bytes("x\nrest")));
      reading.await();
      t.ev("main");
    });
    assertThat(trace).isEqualTo("3:read ab 6:exact cdef 7:line x 8:main");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String str(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
