package io.weft;

import static io.weft.IterationTrace.sleepLong;
import static io.weft.IterationTrace.yieldOnce;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tasks, gather, shield, wait, asCompleted, timeouts and task groups resume and cancel in the same loop iterations as
 * asyncio's: each test's expected trace is what the same program printed on CPython 3.13.0 (see
 * {@link IterationTrace}).
 * Areas 4 to 9 of the spec (test_tasks.py, test_timeouts.py, test_waitfor.py, test_taskgroups.py), measured rather
 * than read.
 */
@org.junit.jupiter.api.Timeout(30)
class TaskTraceConformanceTests {

  @Test
  void chainOfTasks_eachAwaitingTheNext_resumesOneIterationPerLink() {
    String trace = IterationTrace.of(t -> {
      int v = Weft.createTask(() -> Weft.createTask(() -> Weft.createTask(() -> {
        yieldOnce();
        return 3;
      }).await() + 1).await() + 1).await();
      t.ev("v " + v);
    });
    assertThat(trace).isEqualTo("7:v 5");
  }

  @Test
  void cancellingATaskThatAwaitsATask_reachesTheInnerFirst() {
    String trace = IterationTrace.of(t -> {
      Task<Void> outer = Weft.createTask(() -> {
        Weft.createTask(() -> {
          try {
            sleepLong();
          } catch (CancelledError c) {
            t.ev("inner cancelled");
            throw c;
          }
        }).await();
      });
      yieldOnce();
      yieldOnce();
      t.ev("cancel");
      outer.cancel();
      try {
        outer.await();
      } catch (CancelledError c) {
        t.ev("outer cancelled");
      }
    });
    assertThat(trace).isEqualTo("2:cancel 3:inner cancelled 5:outer cancelled");
  }

  @Test
  void gather_resultsArriveTheIterationAfterTheLastChild_andAFailureAtOnce() {
    String results = IterationTrace.of(t -> {
      List<AsyncCallable<Integer>> bodies = new ArrayList<>();
      for (int i = 1; i <= 2; i++) {
        int j = i;
        bodies.add(() -> {
          yieldOnce();
          t.ev("c" + j);
          return j;
        });
      }
      t.ev("gathered " + Weft.gatherBodies(bodies).await());
    });
    String firstError = IterationTrace.of(t -> {
      List<AsyncCallable<Object>> bodies = List.of(() -> {
        yieldOnce();
        throw new IllegalArgumentException();
      }, () -> {
        yieldOnce();
        yieldOnce();
        yieldOnce();
        t.ev("good done");
        return 1;
      });
      try {
        Weft.gatherBodies(bodies).await();
      } catch (IllegalArgumentException e) {
        t.ev("caught");
      }
      yieldOnce();
      yieldOnce();
      yieldOnce();
    });
    String returnExceptions = IterationTrace.of(t -> {
      List<AsyncCallable<?>> bodies = List.of(() -> {
        yieldOnce();
        throw new IllegalArgumentException();
      }, () -> {
        yieldOnce();
        yieldOnce();
        return 1;
      });
      List<Object> r = Combinators.gatherBodies(true, bodies).await();
      t.ev("r " + r.stream().map(x -> x instanceof Throwable ? "error" : "value").toList());
    });
    assertThat(results).isEqualTo("2:c1 2:c2 4:gathered [1, 2]");
    assertThat(firstError).isEqualTo("4:caught 4:good done");
    assertThat(returnExceptions).isEqualTo("5:r [error, value]");
  }

  @Test
  void gather_cancellingTheAwaitingTask_cancelsEveryChild() {
    String trace = IterationTrace.of(t -> {
      List<AsyncCallable<Object>> bodies = new ArrayList<>();
      for (int i = 1; i <= 2; i++) {
        int j = i;
        bodies.add(() -> {
          try {
            sleepLong();
            return null;
          } catch (CancelledError c) {
            t.ev("c" + j + " cancelled");
            throw c;
          }
        });
      }
      Task<Object> w = Weft.createTask(() -> Weft.gatherBodies(bodies).await());
      yieldOnce();
      yieldOnce();
      t.ev("cancel");
      w.cancel();
      try {
        w.await();
      } catch (CancelledError c) {
        t.ev("w cancelled");
      }
    });
    assertThat(trace).isEqualTo("2:cancel 3:c1 cancelled 3:c2 cancelled 6:w cancelled");
  }

  @Test
  void shield_passesTheInnersOutcome_andCancellingTheAwaiterLeavesTheInnerRunning() {
    String result = IterationTrace.of(t -> {
      Future<Integer> f = t.loop().createFuture();
      Task<Void> w = Weft.createTask(() -> {
        int v = Weft.shield(f).await();
        t.ev("got " + v);
      });
      yieldOnce();
      t.ev("set");
      f.setResult(1);
      w.await();
      t.ev("main resumed");
    });
    String error = IterationTrace.of(t -> {
      try {
        Weft.shield(Weft.createTask(() -> {
          yieldOnce();
          throw new IllegalArgumentException();
        })).await();
      } catch (IllegalArgumentException e) {
        t.ev("caught");
      }
    });
    String cancelled = IterationTrace.of(t -> {
      Task<Integer> inner = Weft.createTask(() -> {
        yieldOnce();
        yieldOnce();
        yieldOnce();
        t.ev("inner done");
        return 1;
      });
      Task<Integer> w = Weft.createTask(() -> Weft.shield(inner).await());
      yieldOnce();
      t.ev("cancel");
      w.cancel();
      try {
        w.await();
      } catch (CancelledError c) {
        t.ev("w cancelled");
      }
      inner.await();
      t.ev("main");
    });
    assertThat(result).isEqualTo("1:set 3:got 1 4:main resumed");
    assertThat(error).isEqualTo("4:caught");
    assertThat(cancelled).isEqualTo("1:cancel 3:w cancelled 4:inner done 5:main");
  }

  @Test
  void wait_firstCompletedAndFirstException_returnAsSoonAsTheyHold() {
    String firstCompleted = IterationTrace.of(t -> {
      Task<Void> a = Weft.createTask(IterationTrace::yieldOnce);
      Future<Void> b = t.loop().createFuture();
      WaitResult<Future<Void>> r = Weft.wait(List.of(a, b), ReturnWhen.FIRST_COMPLETED, null);
      t.ev("done " + r.done().size() + " pending " + r.pending().size());
    });
    String firstException = IterationTrace.of(t -> {
      Task<Void> a = Weft.createTask(() -> {
        yieldOnce();
        throw new IllegalArgumentException();
      });
      Task<Void> b = Weft.createTask(IterationTrace::sleepLong);
      WaitResult<Task<Void>> r = Weft.wait(List.of(a, b), ReturnWhen.FIRST_EXCEPTION, null);
      t.ev("done " + r.done().size() + " pending " + r.pending().size());
      b.cancel();
      Weft.gather(true, List.of(b)).await();
    });
    assertThat(firstCompleted).isEqualTo("4:done 1 pending 1");
    assertThat(firstException).isEqualTo("4:done 1 pending 1");
  }

  @Test
  void asCompleted_stepsResolveInCompletionOrder_theQueuedOnesWithoutWaiting() {
    String trace = IterationTrace.of(t -> {
      List<Future<Integer>> fs = new ArrayList<>();
      for (int k : new int[] {3, 1, 2}) {
        fs.add(Weft.createTask(() -> {
          for (int i = 0; i < k; i++) {
            yieldOnce();
          }
          return k;
        }));
      }
      for (Future<Integer> step : Combinators.asCompleted(fs)) {
        t.ev("got " + step.await());
      }
    });
    assertThat(trace).isEqualTo("4:got 1 5:got 2 5:got 3");
  }

  @Test
  void timeout_zeroExpiresInTheNextIteration_andAnOutsideCancelPassesThrough() {
    String zero = IterationTrace.of(t -> {
      try {
        Timeout.run(Duration.ZERO, x -> {
          t.ev("enter");
          sleepLong();
          return null;
        });
      } catch (TimeoutError e) {
        t.ev("timeout");
      }
    });
    String outside = IterationTrace.of(t -> {
      Task<Object> w = Weft.createTask(() -> Timeout.run(Duration.ofSeconds(10), x -> {
        sleepLong();
        return null;
      }));
      yieldOnce();
      t.ev("cancel");
      w.cancel();
      try {
        w.await();
      } catch (CancelledError c) {
        t.ev("cancelled");
      }
    });
    String swallowed = IterationTrace.of(t -> {
      Timeout cm = Timeout.after(Duration.ZERO);
      cm.enter(x -> {
        try {
          sleepLong();
        } catch (CancelledError c) {
          t.ev("swallowed");
          yieldOnce();
        }
        return null;
      });
      t.ev("after expired=" + cm.expired());
    });
    assertThat(zero).isEqualTo("0:enter 2:timeout");
    assertThat(outside).isEqualTo("1:cancel 3:cancelled");
    assertThat(swallowed).isEqualTo("2:swallowed 3:after expired=true");
  }

  @Test
  void waitFor_zero_cancelsTheTaskAndWaitsForItsFinally() {
    String trace = IterationTrace.of(t -> {
      Task<Void> c = Weft.createTask(() -> {
        try {
          sleepLong();
        } finally {
          t.ev("c finally");
        }
      });
      yieldOnce();
      try {
        Weft.waitFor(c, Duration.ZERO);
      } catch (TimeoutError e) {
        t.ev("timeout");
      }
    });
    assertThat(trace).isEqualTo("2:c finally 4:timeout");
  }

  @Test
  void taskGroup_exitWaitsForTheChildren_andAFailureCancelsTheBodyAndTheSiblings() {
    String exit = IterationTrace.of(t -> {
      TaskGroup.run(g -> {
        g.createTask(() -> {
          yieldOnce();
          t.ev("child done");
        });
        t.ev("body end");
        return null;
      });
      t.ev("after tg");
    });
    String failure = IterationTrace.of(t -> {
      try {
        TaskGroup.run(g -> {
          g.createTask(() -> {
            yieldOnce();
            t.ev("child raising");
            throw new IllegalArgumentException();
          });
          g.createTask(() -> {
            try {
              sleepLong();
            } catch (CancelledError c) {
              t.ev("d cancelled");
              throw c;
            }
          });
          try {
            sleepLong();
          } catch (CancelledError c) {
            t.ev("body cancelled");
            throw c;
          }
          return null;
        });
      } catch (ExceptionGroup eg) {
        t.ev("caught group");
      }
    });
    assertThat(exit).isEqualTo("0:body end 2:child done 4:after tg");
    assertThat(failure).isEqualTo("2:child raising 4:d cancelled 4:body cancelled 6:caught group");
  }

  @Test
  void taskGroup_cancelledFromOutside_andNested_unwindInAsyncioOrder() {
    String outside = IterationTrace.of(t -> {
      Task<Object> runner = Weft.createTask(() -> TaskGroup.run(g -> {
        g.createTask(() -> {
          try {
            sleepLong();
          } catch (CancelledError c) {
            t.ev("child cancelled");
            throw c;
          }
        });
        try {
          sleepLong();
        } catch (CancelledError c) {
          t.ev("body cancelled");
          throw c;
        }
        return null;
      }));
      yieldOnce();
      yieldOnce();
      t.ev("cancel");
      runner.cancel();
      try {
        runner.await();
      } catch (CancelledError c) {
        t.ev("runner cancelled");
      }
    });
    String nested = IterationTrace.of(t -> {
      try {
        TaskGroup.run(g1 -> {
          g1.createTask(() -> {
            yieldOnce();
            t.ev("crash");
            throw new IllegalArgumentException();
          });
          return TaskGroup.run(g2 -> {
            g2.createTask(() -> {
              try {
                sleepLong();
              } catch (CancelledError c) {
                t.ev("slow cancelled");
                throw c;
              }
            });
            return null;
          });
        });
      } catch (ExceptionGroup eg) {
        t.ev("caught");
      }
    });
    assertThat(outside).isEqualTo("2:cancel 3:body cancelled 4:child cancelled 7:runner cancelled");
    assertThat(nested).isEqualTo("2:crash 5:slow cancelled 7:caught");
  }
}
