package io.weft;

import static io.weft.IterationTrace.sleepLong;
import static io.weft.IterationTrace.yieldOnce;

import io.weft.net.IncompleteReadError;
import io.weft.net.StreamReader;
import io.weft.sync.Barrier;
import io.weft.sync.BrokenBarrierError;
import io.weft.sync.Condition;
import io.weft.sync.Event;
import io.weft.sync.Lock;
import io.weft.sync.Queue;
import io.weft.sync.Semaphore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Cancellation races, hand-overs and the less travelled paths of the primitives, combinators, timeouts and task
 * groups happen in the same loop iterations as in asyncio: each case's expected trace is what the same program
 * printed on CPython 3.13.0 (see {@link IterationTrace}; the programs are {@code edge_traces.py} beside
 * {@code iteration_traces.py}). Python's {@code True}/{@code False} are kept in the traces.
 */
@org.junit.jupiter.api.Timeout(60)
class EdgeTraceConformanceTests extends TraceCaseTable {

  @Override
  void defineCases() {
    add("cond_cancel_reacquire",
        "1:notified, holding 2:cancel 4:release 5:w cancelled locked=True 6:main saw cancel",
        t -> {
      Condition c = new Condition();
      Task<Void> w = Weft.createTask(() -> {
        try (Lock.Held h = c.hold()) {
          try {
            c.await();
          } catch (CancelledError e) {
            t.ev("w cancelled locked=" + py(c.locked()));
            throw e;
          }
        }
      });
      yieldOnce();
      c.acquire();
      c.signal();
      t.ev("notified, holding");
      yieldOnce();
      w.cancel();
      t.ev("cancel");
      yieldOnce();
      yieldOnce();
      t.ev("release");
      c.release();
      try {
        w.await();
      } catch (CancelledError e) {
        t.ev("main saw cancel");
      }
    });
    add("lock_cancel_unwoken", "2:B cancelled 2:release 3:C acquired 5:main", t -> {
      Lock lock = new Lock();
      lock.acquire();
      List<Task<Void>> ts = new ArrayList<>();
      for (String name : List.of("B", "C")) {
        ts.add(Weft.createTask(() -> {
          try {
            lock.acquire();
            t.ev(name + " acquired");
            lock.release();
          } catch (CancelledError e) {
            t.ev(name + " cancelled");
            throw e;
          }
        }));
      }
      yieldOnce();
      ts.get(0).cancel();
      yieldOnce();
      t.ev("release");
      lock.release();
      Weft.gather(true, ts).await();
      t.ev("main");
    });
    add("q_three_readers_first_cancelled",
        "1:put2+cancel r0 2:r0 cancelled 2:r1 got 1 3:r2 got 2 5:main qsize 0",
        t -> {
      Queue<Integer> q = new Queue<>();
      List<Task<Void>> ts = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        int j = i;
        ts.add(Weft.createTask(() -> {
          try {
            int v = q.get();
            t.ev("r" + j + " got " + v);
          } catch (CancelledError e) {
            t.ev("r" + j + " cancelled");
            throw e;
          }
        }));
      }
      yieldOnce();
      q.putNowait(1);
      q.putNowait(2);
      ts.get(0).cancel();
      t.ev("put2+cancel r0");
      Weft.gather(true, ts).await();
      t.ev("main qsize " + q.qsize());
    });
    add("q_putter_woken_cancelled", "1:get_nowait+cancel p1 2:p1 cancelled 3:p2 put 5:main 2", t -> {
      Queue<Integer> q = new Queue<>(1);
      q.putNowait(0);
      List<Task<Void>> ts = new ArrayList<>();
      for (int i : new int[] {1, 2}) {
        ts.add(Weft.createTask(() -> {
          try {
            q.put(i);
            t.ev("p" + i + " put");
          } catch (CancelledError e) {
            t.ev("p" + i + " cancelled");
            throw e;
          }
        }));
      }
      yieldOnce();
      q.getNowait();
      ts.get(0).cancel();
      t.ev("get_nowait+cancel p1");
      Weft.gather(true, ts).await();
      t.ev("main " + q.getNowait());
    });
    add("barrier_abort", "1:abort 2:w0 broken 2:w1 broken 4:late broken", t -> {
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
      t.ev("abort");
      b.abort();
      Weft.gather(ts).await();
      try {
        b.await();
      } catch (BrokenBarrierError e) {
        t.ev("late broken");
      }
    });
    add("barrier_twice", "1:w1 round0 idx1 2:w0 round0 idx0 3:w1 round1 idx1 4:w0 round1 idx0 6:main", t -> {
      Barrier b = new Barrier(2);
      List<AsyncCallable<Object>> ws = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        int j = i;
        ws.add(() -> {
          for (int r = 0; r < 2; r++) {
            int idx = b.await();
            t.ev("w" + j + " round" + r + " idx" + idx);
          }
          return null;
        });
      }
      Weft.gatherBodies(ws).await();
      t.ev("main");
    });
    add("sem_woken_cancelled", "1:release+cancel w0 2:w0 cancelled 3:w1 acquired 5:main locked=True", t -> {
      Semaphore s = new Semaphore(0);
      List<Task<Void>> ts = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        int j = i;
        ts.add(Weft.createTask(() -> {
          try {
            s.acquire();
            t.ev("w" + j + " acquired");
          } catch (CancelledError e) {
            t.ev("w" + j + " cancelled");
            throw e;
          }
        }));
      }
      yieldOnce();
      s.release();
      ts.get(0).cancel();
      t.ev("release+cancel w0");
      Weft.gather(true, ts).await();
      t.ev("main locked=" + py(s.locked()));
    });
    add("event_already_set", "0:returned 1:after yield", t -> {
      Event e = new Event();
      e.set();
      e.await();
      t.ev("returned");
      yieldOnce();
      t.ev("after yield");
    });
    add("tg_body_raises_at_once", "3:caught [True, True]", t -> {
      List<Task<Void>> ts = new ArrayList<>();
      try {
        TaskGroup.run(g -> {
          for (int i = 1; i <= 2; i++) {
            int j = i;
            ts.add(g.createTask(() -> {
              try {
                sleepLong();
              } catch (CancelledError c) {
                t.ev("c" + j + " cancelled");
                throw c;
              }
            }));
          }
          throw new ArithmeticException();
        });
      } catch (ExceptionGroup eg) {
        t.ev("caught " + ts.stream().map(x -> py(x.isCancelled())).toList());
      }
    });
    add("tg_body_awaits_child", "5:body await cancelled 5:caught", t -> {
      try {
        TaskGroup.run(g -> {
          g.createTask(() -> {
            yieldOnce();
            throw new IllegalArgumentException();
          });
          Task<Void> slow = g.createTask(IterationTrace::sleepLong);
          try {
            slow.await();
          } catch (CancelledError c) {
            t.ev("body await cancelled");
            throw c;
          }
          return null;
        });
      } catch (ExceptionGroup eg) {
        t.ev("caught");
      }
    });
    add("tg_child_spawns_during_exit", "2:root spawns 4:leaf1 4:leaf2 6:exited", t -> {
      TaskGroup.run(g -> {
        g.createTask(() -> {
          yieldOnce();
          t.ev("root spawns");
          for (int i = 1; i <= 2; i++) {
            int j = i;
            g.createTask(() -> {
              yieldOnce();
              t.ev("leaf" + j);
            });
          }
        });
        return null;
      });
      t.ev("exited");
    });
    add("timeout_nested_zero", "2:inner let CancelledError through 2:outer TimeoutError", t -> {
      try {
        Timeout.run(Duration.ZERO, o -> {
          try {
            return Timeout.run(Duration.ZERO, i -> {
              sleepLong();
              return null;
            });
          } catch (CancelledError c) {
            t.ev("inner let CancelledError through");
            throw c;
          }
        });
      } catch (TimeoutError e) {
        t.ev("outer TimeoutError");
      }
    });
    add("timeout_reschedule_past", "0:resched scheduled 3:timeout", t -> {
      EventLoop loop = t.loop();
      try {
        Timeout.run(Duration.ofSeconds(10), cm -> {
          loop.callSoon(() -> cm.reschedule(loop.time() - 1));
          t.ev("resched scheduled");
          sleepLong();
          return null;
        });
      } catch (TimeoutError e) {
        t.ev("timeout");
      }
    });
    add("gather_duplicate", "4:r [7, 7, 7]", t -> {
      Future<Integer> f = t.loop().createFuture();
      Weft.createTask(() -> {
        yieldOnce();
        f.setResult(7);
      });
      List<Integer> r = Weft.gather(List.of(f, f, f)).await();
      t.ev("r " + r);
    });
    add("shield_outer_cancelled_directly", "1:outer cancelled, inner done=False 2:w cancelled 5:main", t -> {
      Future<Integer> inner = t.loop().createFuture();
      Future<Integer> outer = Weft.shield(inner);
      Task<Integer> w = Weft.createTask(() -> {
        try {
          return outer.await();
        } catch (CancelledError c) {
          t.ev("w cancelled");
          throw c;
        }
      });
      yieldOnce();
      outer.cancel();
      t.ev("outer cancelled, inner done=" + py(inner.isDone()));
      Weft.gather(true, List.of(w)).await();
      inner.setResult(1);
      yieldOnce();
      t.ev("main");
    });
    add("gather_child_cancelled_directly",
        "1:a cancelled 3:w got CancelledError, g.cancelled=False 5:t.cancelled=True",
        t -> {
      Future<Integer> a = t.loop().createFuture();
      Future<Integer> b = t.loop().createFuture();
      Future<List<Integer>> g = Weft.gather(List.of(a, b));
      Task<Object> w = Weft.createTask(() -> {
        try {
          return g.await();
        } catch (CancelledError c) {
          t.ev("w got CancelledError, g.cancelled=" + py(g.isCancelled()));
          throw c;
        }
      });
      yieldOnce();
      a.cancel();
      t.ev("a cancelled");
      Weft.gather(true, List.of(w)).await();
      t.ev("t.cancelled=" + py(w.isCancelled()));
      b.setResult(1);
    });
    add("cancel_between_yields", "3:cancel 4:cancelled after 2", t -> {
      Task<Void> w = Weft.createTask(() -> {
        int i = 0;
        try {
          while (true) {
            yieldOnce();
            i++;
          }
        } catch (CancelledError c) {
          t.ev("cancelled after " + i);
          throw c;
        }
      });
      yieldOnce();
      yieldOnce();
      yieldOnce();
      w.cancel();
      t.ev("cancel");
      Weft.gather(true, List.of(w)).await();
    });
    add("self_cancel_swallow", "2:swallowed cancelling=1 3:next await fine 4:v 5", t -> {
      int v = Weft.createTask(() -> {
        Task.current().cancel();
        try {
          yieldOnce();
        } catch (CancelledError c) {
          t.ev("swallowed cancelling=" + Task.current().cancelling());
        }
        yieldOnce();
        t.ev("next await fine");
        return 5;
      }).await();
      t.ev("v " + v);
    });
    add("uncancel_in_except", "2:uncancelled 3:cancelling=0 4:v 1", t -> {
      Task<Integer> w = Weft.createTask(() -> {
        try {
          sleepLong();
        } catch (CancelledError c) {
          Task.current().uncancel();
          t.ev("uncancelled");
        }
        yieldOnce();
        t.ev("cancelling=" + Task.current().cancelling());
        return 1;
      });
      yieldOnce();
      w.cancel();
      t.ev("v " + w.await());
    });
    add("future_cancelled_by_callback",
        "1:scheduled cancel 3:w cancelled, task.cancelling=0 5:t.cancelled=True",
        t -> {
      Future<Integer> f = t.loop().createFuture();
      Task<Integer> w = Weft.createTask(() -> {
        try {
          return f.await();
        } catch (CancelledError c) {
          t.ev("w cancelled, task.cancelling=" + Task.current().cancelling());
          throw c;
        }
      });
      yieldOnce();
      t.loop().callSoon(() -> f.cancel());
      t.ev("scheduled cancel");
      Weft.gather(true, List.of(w)).await();
      t.ev("t.cancelled=" + py(w.isCancelled()));
    });
    add("as_completed_exception", "4:got ValueError 4:got 2", t -> {
      Task<Integer> good = Weft.createTask(() -> {
        yieldOnce();
        yieldOnce();
        return 2;
      });
      Task<Integer> bad = Weft.createTask(() -> {
        yieldOnce();
        throw new IllegalArgumentException();
      });
      for (Future<Integer> f : Combinators.asCompleted(List.of(good, bad))) {
        try {
          t.ev("got " + f.await());
        } catch (IllegalArgumentException e) {
          t.ev("got ValueError");
        }
      }
    });
    add("wait_timeout_zero", "2:done 0 pending 1", t -> {
      Future<Integer> f = t.loop().createFuture();
      WaitResult<Future<Integer>> r = Weft.wait(List.of(f), ReturnWhen.ALL_COMPLETED, Duration.ZERO);
      t.ev("done " + r.done().size() + " pending " + r.pending().size());
    });
    add("stream_readuntil_split", "4:until b'ab\\r\\n' 6:incomplete b'cd' 7:main", t -> {
      StreamReader r = new StreamReader();
      Task<Void> rd = Weft.createTask(() -> {
        byte[] d = r.readUntil("\r\n".getBytes());
        t.ev("until b'" + new String(d).replace("\r", "\\r").replace("\n", "\\n") + "'");
        try {
          r.readUntil("!".getBytes());
        } catch (IncompleteReadError e) {
          t.ev("incomplete b'" + new String(e.partial()) + "'");
        }
      });
      EventLoop loop = t.loop();
      yieldOnce();
      loop.callSoon(() -> r.feedData("ab\r".getBytes()));
      yieldOnce();
      loop.callSoon(() -> r.feedData("\ncd".getBytes()));
      yieldOnce();
      yieldOnce();
      loop.callSoon(r::feedEof);
      rd.await();
      t.ev("main");
    });
    add("stream_exception_wakes", "3:read raised 4:main", t -> {
      StreamReader r = new StreamReader();
      Task<Void> rd = Weft.createTask(() -> {
        try {
          r.readLine();
        } catch (IllegalStateException e) {
          t.ev("read raised");
        }
      });
      yieldOnce();
      t.loop().callSoon(() -> r.setException(new IllegalStateException("x")));
      rd.await();
      t.ev("main");
    });
  }
}
