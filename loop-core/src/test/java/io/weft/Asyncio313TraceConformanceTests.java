package io.weft;

import static io.weft.IterationTrace.sleepLong;
import static io.weft.IterationTrace.yieldOnce;

import io.weft.sync.Queue;
import io.weft.sync.QueueShutDown;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What asyncio 3.12 and 3.13 changed, traced iteration by iteration as in {@link IterationTrace}: wait_for built on
 * timeout(), Queue.shutdown, timeouts and task groups that count cancellations (uncancel), asynchronous iteration of
 * as_completed, gather taking children that are already done. Each expected trace is what the same program printed
 * on CPython 3.13.0 ({@code src/test/cpython/asyncio313_traces.py}); Python's {@code True}/{@code False} are kept.
 */
@org.junit.jupiter.api.Timeout(60)
class Asyncio313TraceConformanceTests extends TraceCaseTable {

  @Override
  void defineCases() {
    add("wait_for_inner_completes", "4:got 7", t -> {
      Task<Integer> c = Weft.createTask(() -> {
        yieldOnce();
        yieldOnce();
        return 7;
      });
      t.ev("got " + Weft.waitFor(c, Duration.ofSeconds(10)));
    });
    add("wait_for_body", "2:got 7", t -> {
      t.ev("got " + Timeout.waitFor(() -> {
        yieldOnce();
        yieldOnce();
        return 7;
      }, Duration.ofSeconds(10)));
    });
    add("wait_for_outer_cancel_inner_ignores", "2:cancel 3:inner ignores", t -> {
      Task<Integer> inner = Weft.createTask(() -> {
        try {
          sleepLong();
        } catch (CancelledError c) {
          t.ev("inner ignores");
          yieldOnce();
          yieldOnce();
          return 42;
        }
        return 0;
      });
      Task<Integer> w = Weft.createTask(() -> Weft.waitFor(inner, Duration.ofSeconds(10)));
      yieldOnce();
      yieldOnce();
      w.cancel();
      t.ev("cancel");
      try {
        w.await();
      } catch (CancelledError c) {
        t.ev("w cancelled, inner=" + inner.result());
      }
    });
    add("q_shutdown_graceful", "1:g0 got 1 2:shutdown 3:g0 shutdown 3:g1 shutdown 5:put refused 5:joined", t -> {
      Queue<Integer> q = new Queue<>();
      q.putNowait(1);
      List<Future<?>> ts = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        int j = i;
        ts.add(Weft.createTask(() -> {
          try {
            while (true) {
              int v = q.get();
              t.ev("g" + j + " got " + v);
              q.taskDone();
            }
          } catch (QueueShutDown e) {
            t.ev("g" + j + " shutdown");
          }
        }));
      }
      yieldOnce();
      yieldOnce();
      t.ev("shutdown");
      q.shutdown();
      Weft.gather(ts).await();
      try {
        q.putNowait(3);
      } catch (QueueShutDown e) {
        t.ev("put refused");
      }
      q.join();
      t.ev("joined");
    });
    add("q_shutdown_immediate",
        "1:took 1 1:shutdown immediate 2:putter shutdown 5:qsize 0 joiner done False 6:joiner released 7:main",
        t -> {
      Queue<Integer> q = new Queue<>(2);
      q.putNowait(1);
      q.putNowait(2);
      Task<Void> tp = Weft.createTask(() -> {
        try {
          q.put(3);
        } catch (QueueShutDown e) {
          t.ev("putter shutdown");
        }
      });
      Task<Void> tj = Weft.createTask(() -> {
        q.join();
        t.ev("joiner released");
      });
      yieldOnce();
      int v = q.getNowait();
      t.ev("took " + v);
      t.ev("shutdown immediate");
      q.shutdown(true);
      tp.await();
      yieldOnce();
      yieldOnce();
      t.ev("qsize " + q.qsize() + " joiner done " + py(tj.isDone()));
      q.taskDone();
      tj.await();
      t.ev("main");
    });
    add("timeout_outer_cancel_same_iteration", "0:cancelled before start 2:CancelledError", t -> {
      Task<Object> w = Weft.createTask(() -> Timeout.run(Duration.ZERO, x -> {
        sleepLong();
        return null;
      }));
      w.cancel();
      t.ev("cancelled before start");
      try {
        w.await();
      } catch (CancelledError c) {
        t.ev("CancelledError");
      } catch (TimeoutError e) {
        t.ev("TimeoutError");
      }
    });
    add("timeout_expire_then_outside_cancel",
        "2:outside cancel 3:body cancelled cancelling=2 4:after cm cancelling=1 5:CancelledError",
        t -> {
      Task<Object> w = Weft.createTask(() -> {
        try {
          return Timeout.run(Duration.ZERO, x -> {
            try {
              sleepLong();
            } catch (CancelledError c) {
              t.ev("body cancelled cancelling=" + Task.current().cancelling());
              yieldOnce();
              throw c;
            }
            return null;
          });
        } finally {
          t.ev("after cm cancelling=" + Task.current().cancelling());
        }
      });
      yieldOnce();
      yieldOnce();
      w.cancel();
      t.ev("outside cancel");
      try {
        w.await();
      } catch (CancelledError c) {
        t.ev("CancelledError");
      } catch (TimeoutError e) {
        t.ev("TimeoutError");
      }
    });
    add("tg_error_and_outside_cancel",
        "3:outside cancel 4:body cancelled 6:caught cancelling=1 7:next await cancelled 8:w cancelled",
        t -> {
      Task<Void> w = Weft.createTask(() -> {
        try {
          TaskGroup.run(g -> {
            g.createTask(() -> {
              yieldOnce();
              throw new IllegalArgumentException();
            });
            try {
              sleepLong();
            } catch (CancelledError c) {
              t.ev("body cancelled");
              yieldOnce();
              yieldOnce();
              throw c;
            }
            return null;
          });
        } catch (ExceptionGroup eg) {
          t.ev("caught cancelling=" + Task.current().cancelling());
        }
        try {
          yieldOnce();
          t.ev("next await ran");
        } catch (CancelledError c) {
          t.ev("next await cancelled");
          throw c;
        }
      });
      yieldOnce();
      yieldOnce();
      yieldOnce();
      w.cancel();
      t.ev("outside cancel");
      try {
        w.await();
      } catch (CancelledError c) {
        t.ev("w cancelled");
      }
    });
    add("tg_no_leak", "4:caught cancelling=0 5:not cancelled", t -> {
      Timeout.run(null, x -> {
        try {
          TaskGroup.run(g -> {
            g.createTask(() -> {
              yieldOnce();
              throw new IllegalArgumentException();
            });
            sleepLong();
            return null;
          });
        } catch (ExceptionGroup eg) {
          t.ev("caught cancelling=" + Task.current().cancelling());
        }
        yieldOnce();
        t.ev("not cancelled");
        return null;
      });
    });
    add("as_completed_async_for", "4:got task 1 -> 1 5:got task 2 -> 2 5:got task 0 -> 3", t -> {
      List<Task<Integer>> ts = new ArrayList<>();
      for (int k : new int[] {3, 1, 2}) {
        ts.add(Weft.createTask(() -> {
          for (int i = 0; i < k; i++) {
            yieldOnce();
          }
          return k;
        }));
      }
      for (Future<Integer> f : Combinators.asCompletedAsync(ts, null)) {
        t.ev("got task " + ts.indexOf(f) + " -> " + f.result());
      }
    });
    add("uncancel_resets_must_cancel", "1:set+cancel+uncancel 2:resumed 3:v 42", t -> {
      Future<Void> fut = t.loop().createFuture();
      Task<Integer> c = Weft.createTask(() -> {
        fut.await();
        t.ev("resumed");
        return 42;
      });
      yieldOnce();
      fut.setResult(null);
      c.cancel();
      c.uncancel();
      t.ev("set+cancel+uncancel");
      t.ev("v " + c.await());
    });
    add("gather_all_done_immediately", "0:done at once True 0:r [1]", t -> {
      Future<Integer> f = t.loop().createFuture();
      f.setResult(1);
      Future<List<Integer>> g = Weft.gather(List.of(f));
      t.ev("done at once " + py(g.isDone()));
      t.ev("r " + g.await());
    });
  }
}
