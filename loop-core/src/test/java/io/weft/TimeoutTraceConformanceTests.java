package io.weft;

import static io.weft.IterationTrace.sleepLong;
import static io.weft.IterationTrace.yieldOnce;

import io.weft.sync.Barrier;
import io.weft.sync.Condition;
import io.weft.sync.Event;
import io.weft.sync.Lock;
import io.weft.sync.Queue;
import io.weft.sync.Semaphore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Timeouts and {@code waitFor} around the other tools (shield, gather, task groups, every primitive, asCompleted and
 * wait with zero timeouts): what is cancelled, what keeps running and what is left behind, iteration by iteration as
 * in {@link IterationTrace}. Each expected trace is what the same program printed on CPython 3.13.0
 * ({@code src/test/cpython/timeout_traces.py}); Python's {@code True}/{@code False} are kept.
 */
@org.junit.jupiter.api.Timeout(60)
class TimeoutTraceConformanceTests extends TraceCaseTable {

  @Override
  void defineCases() {
    add("timeout_around_shield", "2:timeout 5:inner done 6:inner -> 1", t -> {
      Task<Integer> it = Weft.createTask(() -> {
        for (int i = 0; i < 4; i++) {
          yieldOnce();
        }
        t.ev("inner done");
        return 1;
      });
      try {
        Timeout.run(Duration.ZERO, x -> Weft.shield(it).await());
      } catch (TimeoutError e) {
        t.ev("timeout");
      }
      t.ev("inner -> " + it.await());
    });
    add("wait_for_shield_zero", "3:timeout 4:inner done 5:inner -> 1", t -> {
      Task<Integer> it = Weft.createTask(() -> {
        for (int i = 0; i < 3; i++) {
          yieldOnce();
        }
        t.ev("inner done");
        return 1;
      });
      yieldOnce();
      try {
        Weft.waitFor(Weft.shield(it), Duration.ZERO);
      } catch (TimeoutError e) {
        t.ev("timeout");
      }
      t.ev("inner -> " + it.await());
    });
    add("gather_in_timeout", "3:timeout", t -> {
      List<AsyncCallable<Object>> cs = new ArrayList<>();
      for (int i = 1; i <= 2; i++) {
        int j = i;
        cs.add(() -> {
          try {
            sleepLong();
            return null;
          } catch (CancelledError c) {
            t.ev("c" + j + " cancelled");
            throw c;
          }
        });
      }
      try {
        Timeout.run(Duration.ZERO, x -> Weft.gatherBodies(cs).await());
      } catch (TimeoutError e) {
        t.ev("timeout");
      }
    });
    add("tg_in_wait_for_zero_body", "3:timeout", t -> {
      try {
        Timeout.waitFor(() -> TaskGroup.run(g -> {
          g.createTask(() -> {
            try {
              sleepLong();
            } catch (CancelledError c) {
              t.ev("child cancelled");
              throw c;
            }
          });
          yieldOnce();
          t.ev("body yielded");
          sleepLong();
          return null;
        }), Duration.ZERO);
      } catch (TimeoutError e) {
        t.ev("timeout");
      }
    });
    add("lock_in_timeout", "2:timeout waiters=0 2:acquired after", t -> {
      Lock lock = new Lock();
      lock.acquire();
      try {
        Timeout.run(Duration.ZERO, x -> lock.acquire());
      } catch (TimeoutError e) {
        t.ev("timeout waiters=" + (lock.toString().contains("waiters") ? "some" : "0"));
      }
      lock.release();
      lock.acquire();
      t.ev("acquired after");
      lock.release();
    });
    add("queue_get_wait_for_zero", "4:get timed out 7:g2 got 5 8:qsize 0", t -> {
      Queue<Integer> q = new Queue<>();
      Weft.createTask(() -> {
        try {
          return Weft.waitFor(Weft.createTask(q::get), Duration.ZERO);
        } catch (TimeoutError e) {
          t.ev("get timed out");
          return null;
        }
      }).await();
      Task<Void> g2 = Weft.createTask(() -> {
        int v = q.get();
        t.ev("g2 got " + v);
      });
      yieldOnce();
      q.putNowait(5);
      g2.await();
      t.ev("qsize " + q.qsize());
    });
    add("cond_in_timeout", "2:timeout locked=True 2:after locked=False", t -> {
      Condition c = new Condition();
      try (Lock.Held h = c.hold()) {
        try {
          Timeout.run(Duration.ZERO, x -> c.await());
        } catch (TimeoutError e) {
          t.ev("timeout locked=" + py(c.locked()));
        }
      }
      t.ev("after locked=" + py(c.locked()));
    });
    add("sem_in_timeout", "2:timeout locked=True 2:acquired after", t -> {
      Semaphore s = new Semaphore(0);
      try {
        Timeout.run(Duration.ZERO, x -> s.acquire());
      } catch (TimeoutError e) {
        t.ev("timeout locked=" + py(s.locked()));
      }
      s.release();
      s.acquire();
      t.ev("acquired after");
    });
    add("event_wait_for_zero", "4:timeout 5:set ok", t -> {
      Event e = new Event();
      Weft.createTask(() -> {
        try {
          Weft.waitFor(Weft.createTask(e::await), Duration.ZERO);
        } catch (TimeoutError x) {
          t.ev("timeout");
        }
      }).await();
      e.set();
      e.await();
      t.ev("set ok");
    });
    add("barrier_in_timeout", "2:timeout n_waiting=0 broken=False", t -> {
      Barrier b = new Barrier(2);
      try {
        Timeout.run(Duration.ZERO, x -> b.await());
      } catch (TimeoutError e) {
        t.ev("timeout n_waiting=" + b.nWaiting() + " broken=" + py(b.broken()));
      }
    });
    add("as_completed_timeout_zero", "2:step timeout, f pending=True", t -> {
      Future<Integer> f = t.loop().createFuture();
      for (Future<Integer> step : Combinators.asCompleted(List.of(f), Duration.ZERO)) {
        try {
          step.await();
        } catch (TimeoutError e) {
          t.ev("step timeout, f pending=" + py(!f.isDone()));
        }
      }
    });
    add("wait_timeout_zero_done", "2:done 1 pending 1", t -> {
      Future<Integer> f = t.loop().createFuture();
      f.setResult(1);
      Future<Integer> g = t.loop().createFuture();
      WaitResult<Future<Integer>> r = Weft.wait(List.of(f, g), ReturnWhen.ALL_COMPLETED, Duration.ZERO);
      t.ev("done " + r.done().size() + " pending " + r.pending().size());
    });
  }
}
