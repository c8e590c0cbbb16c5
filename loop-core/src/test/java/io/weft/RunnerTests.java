package io.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Weft#run} and {@link Runner}: spec section RUN, after CPython's {@code test_runners.py}.
 *
 * <p>Everything runs on virtual loops, except where another thread must interrupt a loop that waits for it.
 */
class RunnerTests {

  private static <T> T runVirtual(AsyncCallable<T> main) {
    return Weft.run(main, EventLoop::createVirtual);
  }

  /** A virtual-loop factory that records every loop it makes and installs a handler that records reports. */
  private static final class RecordingFactory implements Supplier<EventLoop> {
    final List<EventLoop> loops = new ArrayList<>();
    final List<ExceptionContext> reports = new ArrayList<>();

    @Override
    public EventLoop get() {
      EventLoop loop = EventLoop.createVirtual();
      loop.setExceptionHandler((l, ctx) -> reports.add(ctx));
      loops.add(loop);
      return loop;
    }
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  /** Starts a daemon thread, so a test that fails before releasing it cannot keep the JVM alive. */
  private static void startDaemon(Runnable body) {
    Thread.ofPlatform().daemon(true).name("interrupter").start(body);
  }

  @Nested
  class WeftRun {

    @Test
    void run01_returnsMainsValue() {
      assertThat(runVirtual(() -> {
        Weft.sleep(Duration.ofSeconds(1));
        return 42;
      })).isEqualTo(42);
    }

    @Test
    void run01_throwsMainsCheckedException_sameInstance() {
      IOException io = new IOException("disk on fire");
      Throwable thrown = catchThrowable(() -> runVirtual(() -> {
        Weft.sleep(Duration.ZERO);
        throw io;
      }));
      assertThat(thrown).isSameAs(io);
    }

    @Test
    void run01_throwsMainsRuntimeException_sameInstance() {
      IllegalArgumentException boom = new IllegalArgumentException("boom");
      assertThat(catchThrowable(() -> runVirtual(() -> {
        throw boom;
      }))).isSameAs(boom);
    }

    @Test
    void run01_systemExitFromMain_escapesUnchanged() {
      SystemExit exit = new SystemExit(3);
      assertThat(catchThrowable(() -> runVirtual(() -> {
        throw exit;
      }))).isSameAs(exit);
    }

    @Test
    void run01_mainCancelledByAnotherTask_throwsCancelledError() {
      Throwable thrown = catchThrowable(() -> runVirtual(() -> {
        Task<?> main = Weft.currentTask();
        Weft.createTask(() -> main.cancel("stop"));
        Weft.sleep(Duration.ofSeconds(10));
        return "not reached";
      }));
      assertThat(thrown).isInstanceOf(CancelledError.class).hasMessage("stop");
    }

    @Test
    void run01_calledFromInsideATask_throwsIllegalState() {
      Throwable thrown = runVirtual(() -> catchThrowable(() -> Weft.run(() -> 1, EventLoop::createVirtual)));
      assertThat(thrown).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("cannot be called from a running event loop");
    }

    @Test
    void run01_calledFromACallback_throwsIllegalState() {
      Throwable thrown = runVirtual(() -> {
        Future<Throwable> f = Weft.getRunningLoop().createFuture();
        Weft.getRunningLoop().callSoon(() -> f.setResult(catchThrowable(() -> Weft.run(() -> 1))));
        return f.await();
      });
      assertThat(thrown).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("cannot be called from a running event loop");
    }

    @Test
    void run_nullMain_isRejected() {
      assertThatThrownBy(() -> Weft.run((AsyncCallable<Object>) null, EventLoop::createVirtual))
          .isInstanceOf(NullPointerException.class);
    }

    @Test
    void run_usesANewLoopEachTime_andClosesIt() {
      RecordingFactory factory = new RecordingFactory();
      EventLoop first = Weft.run(Weft::getRunningLoop, factory);
      EventLoop second = Weft.run(Weft::getRunningLoop, factory);
      assertThat(factory.loops).containsExactly(first, second);
      assertThat(first).isNotSameAs(second);
      assertThat(first.isClosed()).isTrue();
      assertThat(second.isClosed()).isTrue();
    }

    @Test
    void run_mainSeesTheCallersContextValues_butItsSetsDoNotLeakBack() {
      ContextVar<String> v = new ContextVar<>("v", "default");
      new Context().run(() -> {
        v.set("caller");
        String seen = runVirtual(() -> {
          String before = v.get();
          v.set("main");
          return before;
        });
        assertThat(seen).isEqualTo("caller");
        assertThat(v.get()).isEqualTo("caller");
      });
    }

    @Test
    void run02_pendingTasksAtExit_areCancelledAndAwaited_evenWhenTheirFinallyAwaits() {
      List<String> events = new ArrayList<>();
      runVirtual(() -> {
        EventLoop loop = Weft.getRunningLoop();
        for (String name : List.of("a", "b")) {
          Weft.createTask(() -> {
            try {
              Weft.sleep(Duration.ofHours(1));
            } catch (CancelledError e) {
              events.add(name + " cancelled at " + loop.time());
              throw e;
            } finally {
              Weft.sleep(Duration.ofSeconds(2)); // cleanup that itself awaits
              events.add(name + " finally done at " + loop.time());
            }
            return null;
          }, name, null);
        }
        Weft.sleep(Duration.ofSeconds(1));
        events.add("main returns at " + loop.time());
        return null;
      });
      assertThat(events).containsExactly(
          "main returns at 1.0",
          "a cancelled at 1.0",
          "b cancelled at 1.0",
          "a finally done at 3.0",
          "b finally done at 3.0");
    }

    @Test
    void run02_taskCreatedJustBeforeMainReturns_runsToItsFirstAwait_thenIsCancelledThere() {
      // Its first step was queued before main's done callback, so it runs before the loop stops (as in asyncio).
      AtomicReference<Task<?>> task = new AtomicReference<>();
      List<String> events = new ArrayList<>();
      runVirtual(() -> {
        task.set(Weft.createTask(() -> {
          events.add("body started");
          try {
            Weft.sleep(Duration.ofHours(1));
          } catch (CancelledError e) {
            events.add("cancelled at its first await");
            throw e;
          }
        }));
        return null;
      });
      assertThat(events).containsExactly("body started", "cancelled at its first await");
      assertThat(task.get().isCancelled()).isTrue();
    }

    @Test
    void run02_taskThatIgnoresCancellationAtExit_isAwaitedUntilItReturns() {
      AtomicReference<Task<String>> task = new AtomicReference<>();
      runVirtual(() -> {
        task.set(Weft.createTask(() -> {
          try {
            Weft.sleep(Duration.ofHours(1));
          } catch (CancelledError e) {
            // swallowed
          }
          Weft.sleep(Duration.ofSeconds(5));
          return "finished anyway at " + Weft.getRunningLoop().time();
        }));
        Weft.sleep(Duration.ZERO);
        return null;
      });
      assertThat(task.get().isCancelled()).isFalse();
      assertThat(task.get().result()).isEqualTo("finished anyway at 5.0");
    }

    @Test
    void run02_taskRaisingWhileCancelledAtShutdown_isReportedToTheExceptionHandler() {
      RecordingFactory factory = new RecordingFactory();
      IllegalStateException cleanupFailure = new IllegalStateException("cleanup failed");
      AtomicReference<Task<?>> failing = new AtomicReference<>();
      Weft.run(() -> {
        failing.set(Weft.createTask(() -> {
          try {
            Weft.sleep(Duration.ofHours(1));
          } finally {
            throw cleanupFailure;
          }
        }, "failing", null));
        Weft.createTask(() -> {
          Weft.sleep(Duration.ofHours(1));
          return null;
        }, "clean", null);
        Weft.sleep(Duration.ZERO);
        return null;
      }, factory);
      assertThat(factory.reports).hasSize(1);
      ExceptionContext report = factory.reports.getFirst();
      assertThat(report.message()).isEqualTo("unhandled exception during Weft.run() shutdown");
      assertThat(report.exception()).isSameAs(cleanupFailure);
      assertThat(report.task()).isSameAs(failing.get());
    }

    @Test
    void run02_tasksThatEndCancelledAtShutdown_areNotReported() {
      RecordingFactory factory = new RecordingFactory();
      Weft.run(() -> {
        for (int i = 0; i < 3; i++) {
          Weft.createTask(() -> Weft.sleep(Duration.ofHours(1)));
        }
        Weft.sleep(Duration.ZERO);
        return null;
      }, factory);
      assertThat(factory.reports).isEmpty();
    }
  }

  @Nested
  class RunnerLifecycle {

    @Test
    void run04_runnerReusesOneLoopAcrossRuns_andCreatesItLazilyOnce() {
      RecordingFactory factory = new RecordingFactory();
      try (Runner runner = new Runner(factory, null)) {
        assertThat(factory.loops).isEmpty();
        EventLoop loop = runner.getLoop();
        assertThat(runner.run(Weft::getRunningLoop)).isSameAs(loop);
        assertThat(runner.run(Weft::getRunningLoop)).isSameAs(loop);
        assertThat(runner.getLoop()).isSameAs(loop);
        assertThat(factory.loops).hasSize(1);
        assertThat(loop.isClosed()).isFalse();
      }
      assertThat(factory.loops.getFirst().isClosed()).isTrue();
    }

    @Test
    void run04_runnerKeepsOneContextAcrossRuns() {
      // test_runners.py::RunnerTests::test_run_keeps_context
      ContextVar<Integer> cvar = new ContextVar<>("cvar", -1);
      AsyncCallable<Integer> swap1 = () -> {
        int old = cvar.get();
        Weft.sleep(Duration.ZERO);
        cvar.set(1);
        return old;
      };
      AsyncCallable<Integer> swap2 = () -> {
        int old = cvar.get();
        Weft.sleep(Duration.ZERO);
        cvar.set(2);
        return old;
      };
      new Context().run(() -> {
        try (Runner runner = new Runner(EventLoop::createVirtual, null)) {
          assertThat(runner.run(swap1)).isEqualTo(-1);
          assertThat(runner.run(swap2)).isEqualTo(1);
          Context ctx = runner.run(Context::copyCurrent);
          assertThat(ctx.get(cvar)).isEqualTo(2);
        }
        assertThat(cvar.get()).isEqualTo(-1); // the runner's context is a copy of the creator's
      });
    }

    @Test
    void runner_runWithAContext_runsMainInIt_andLeavesTheRunnersContextAlone() {
      ContextVar<String> v = new ContextVar<>("v", "default");
      Context given = new Context();
      try (Runner runner = new Runner(EventLoop::createVirtual, null)) {
        Context seen = runner.run(() -> {
          v.set("given");
          return Context.current();
        }, given);
        assertThat(seen).isSameAs(given);
        assertThat(given.get(v)).isEqualTo("given");
        assertThat(runner.run(() -> {
          return v.get();
        })).isEqualTo("default");
      }
    }

    @Test
    void runner_tasksLeftByOneRun_keepRunningInTheNext() {
      try (Runner runner = new Runner(EventLoop::createVirtual, null)) {
        Task<String> background = runner.run(() -> {
          Task<String> t = Weft.createTask(() -> {
            Weft.sleep(Duration.ofSeconds(2));
            return "background done";
          });
          Weft.sleep(Duration.ofSeconds(1));
          return t;
        });
        assertThat(background.isDone()).isFalse();
        assertThat(runner.run(() -> {
          Weft.sleep(Duration.ofSeconds(2));
          return background.isDone();
        })).isTrue();
        assertThat(background.result()).isEqualTo("background done");
      }
    }

    @Test
    void runner_close_cancelsTheTasksLeftByEarlierRuns() {
      Runner runner = new Runner(EventLoop::createVirtual, null);
      Task<Void> left = runner.run(() -> Weft.createTask(() -> Weft.sleep(Duration.ofHours(1))));
      assertThat(left.isDone()).isFalse();
      runner.close();
      assertThat(left.isCancelled()).isTrue();
    }

    @Test
    void run04_afterClose_getLoopAndRunThrowRunnerIsClosed() {
      Runner runner = new Runner(EventLoop::createVirtual, null);
      runner.run(() -> 1);
      runner.close();
      assertThatThrownBy(runner::getLoop).isInstanceOf(IllegalStateException.class).hasMessage("Runner is closed");
      assertThatThrownBy(() -> runner.run(() -> 1))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("Runner is closed");
    }

    @Test
    void run04_closingAnUnusedRunner_closesIt_withoutEverCreatingALoop() {
      RecordingFactory factory = new RecordingFactory();
      Runner runner = new Runner(factory, null);
      runner.close();
      assertThatThrownBy(runner::getLoop).isInstanceOf(IllegalStateException.class).hasMessage("Runner is closed");
      assertThat(factory.loops).isEmpty();
    }

    @Test
    void run04_close_isIdempotent() {
      Runner runner = new Runner(EventLoop::createVirtual, null);
      EventLoop loop = runner.getLoop();
      runner.close();
      runner.close();
      assertThat(loop.isClosed()).isTrue();
    }

    @Test
    void run04_runnerRunInsideItsOwnRunningLoop_throwsIllegalState_andTheRunnerStaysUsable() {
      // test_runners.py::RunnerTests::test_recursive_run
      try (Runner runner = new Runner(EventLoop::createVirtual, null)) {
        Throwable thrown = runner.run(() -> catchThrowable(() -> runner.run(() -> 1)));
        assertThat(thrown).isInstanceOf(IllegalStateException.class)
            .hasMessage("Runner.run() cannot be called from a running event loop");
        assertThat(runner.run(() -> "still fine")).isEqualTo("still fine");
      }
    }

    @Test
    void runner_runInsideAnotherRunningLoop_throwsIllegalState() {
      try (Runner outer = new Runner(EventLoop::createVirtual, null);
          Runner inner = new Runner(EventLoop::createVirtual, null)) {
        Throwable thrown = outer.run(() -> catchThrowable(() -> inner.run(() -> 1)));
        assertThat(thrown).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("cannot be called from a running event loop");
      }
    }

    @Test
    void runner_debugArgument_overridesTheLoopsSetting_andNullLeavesIt() {
      Supplier<EventLoop> debugLoop = () -> {
        io.weft.spi.VirtualClock clock = new io.weft.spi.VirtualClock();
        return EventLoop.builder().clock(clock).poller(new io.weft.spi.VirtualPoller(clock)).debug(true).build();
      };
      try (Runner forcedOff = new Runner(debugLoop, false);
          Runner forcedOn = new Runner(EventLoop::createVirtual, true);
          Runner left = new Runner(debugLoop, null)) {
        assertThat(forcedOff.getLoop().isDebug()).isFalse();
        assertThat(forcedOn.getLoop().isDebug()).isTrue();
        assertThat(left.getLoop().isDebug()).isTrue();
      }
    }

    @Test
    void runner_nullFactory_isRejected() {
      assertThatThrownBy(() -> new Runner(null, null)).isInstanceOf(NullPointerException.class);
    }
  }

  @Nested
  class ShutdownHooks {

    @Test
    void hooks_runInRegistrationOrder_afterPendingTasksAreCancelled_andMayAwait() {
      List<String> events = new ArrayList<>();
      runVirtual(() -> {
        EventLoop loop = Weft.getRunningLoop();
        loop.addShutdownHook(new EventLoop.ShutdownHook("first", () -> {
          events.add("first hook starts at " + loop.time());
          Weft.sleep(Duration.ofSeconds(1));
          events.add("first hook ends at " + loop.time());
        }));
        loop.addShutdownHook(new EventLoop.ShutdownHook("second", () -> events.add("second hook at " + loop.time())));
        Weft.createTask(() -> {
          try {
            Weft.sleep(Duration.ofHours(1));
          } finally {
            events.add("task cleaned up at " + loop.time());
          }
        });
        Weft.sleep(Duration.ZERO);
        events.add("main returns");
        return null;
      });
      assertThat(events).containsExactly(
          "main returns",
          "task cleaned up at 0.0",
          "first hook starts at 0.0",
          "first hook ends at 1.0",
          "second hook at 1.0");
    }

    @Test
    void hook_thatFails_isReported_andLaterHooksStillRun() {
      RecordingFactory factory = new RecordingFactory();
      IllegalStateException failure = new IllegalStateException("hook broke");
      List<String> ran = new ArrayList<>();
      Weft.run(() -> {
        EventLoop loop = Weft.getRunningLoop();
        loop.addShutdownHook(new EventLoop.ShutdownHook("a", () -> ran.add("a")));
        loop.addShutdownHook(new EventLoop.ShutdownHook("b", () -> {
          ran.add("b");
          Weft.sleep(Duration.ZERO);
          throw failure;
        }));
        loop.addShutdownHook(new EventLoop.ShutdownHook("c", () -> ran.add("c")));
        return null;
      }, factory);
      assertThat(ran).containsExactly("a", "b", "c");
      assertThat(factory.reports).hasSize(1);
      assertThat(factory.reports.getFirst().message()).isEqualTo("shutdown hook 'b' failed");
      assertThat(factory.reports.getFirst().exception()).isSameAs(failure);
      assertThat(factory.loops.getFirst().isClosed()).isTrue();
    }

    @Test
    void hooks_runOnlyWhenTheRunnerCloses_notAfterEachRun() {
      List<String> ran = new ArrayList<>();
      Runner runner = new Runner(EventLoop::createVirtual, null);
      runner.getLoop().addShutdownHook(new EventLoop.ShutdownHook("h", () -> ran.add("hook")));
      runner.run(() -> ran.add("run 1"));
      runner.run(() -> ran.add("run 2"));
      assertThat(ran).containsExactly("run 1", "run 2");
      runner.close();
      runner.close();
      assertThat(ran).containsExactly("run 1", "run 2", "hook");
    }

    @Test
    void shutdownHook_requiresANameAndABody() {
      assertThatThrownBy(() -> new EventLoop.ShutdownHook(null, () -> {}))
          .isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> new EventLoop.ShutdownHook("x", null)).isInstanceOf(NullPointerException.class);
    }
  }

  /** RUN-05: {@link Runner#interrupt()} is Ctrl-C; after test_runners.py::RunnerTests::test_interrupt_*. */
  @Nested
  class Interrupt {

    @Test
    @Timeout(20)
    void run05_interruptWhileMainAwaitsAFuture_cancelsMainAndTheFuture_thenRunThrowsKeyboardInterrupt() {
      CountDownLatch waiting = new CountDownLatch(1);
      AtomicReference<Future<String>> awaited = new AtomicReference<>();
      AtomicReference<Throwable> seenByMain = new AtomicReference<>();
      try (Runner runner = new Runner(EventLoop::createVirtual, null)) {
        startDaemon(() -> {
          awaitLatch(waiting);
          runner.interrupt();
        });
        Throwable thrown = catchThrowable(() -> runner.run(() -> {
          Future<String> fut = Weft.getRunningLoop().createFuture();
          awaited.set(fut);
          waiting.countDown();
          try {
            return fut.await(); // nothing will ever complete it: the loop waits for the other thread
          } catch (CancelledError e) {
            seenByMain.set(e);
            throw new CancelledError(); // as the asyncio test: raise a fresh CancelledError
          }
        }));
        assertThat(thrown).isInstanceOf(KeyboardInterrupt.class);
        assertThat(thrown.getCause()).isInstanceOf(CancelledError.class);
        assertThat(seenByMain.get()).isInstanceOf(CancelledError.class);
        assertThat(awaited.get().isCancelled()).isTrue();
      }
    }

    @Test
    @Timeout(20)
    void run05_interruptWhileMainOnlyYields_cancelsIt_thenRunThrowsKeyboardInterrupt() {
      // test_interrupt_call_soon: the main task is never suspended on a future, only on sleep(0)
      CountDownLatch started = new CountDownLatch(1);
      try (Runner runner = new Runner(EventLoop::createVirtual, null)) {
        startDaemon(() -> {
          awaitLatch(started);
          runner.interrupt();
        });
        AtomicInteger spins = new AtomicInteger();
        Throwable thrown = catchThrowable(() -> runner.run(() -> {
          started.countDown();
          try {
            while (true) {
              spins.incrementAndGet();
              Weft.sleep(Duration.ZERO);
            }
          } catch (CancelledError e) {
            throw new CancelledError();
          }
        }));
        assertThat(thrown).isInstanceOf(KeyboardInterrupt.class);
        assertThat(spins.get()).isPositive();
      }
    }

    @Test
    void run05_interruptOfAMainTaskAlreadyCancelled_throwsCancelledError_notKeyboardInterrupt() {
      // test_interrupt_cancelled_task: a subtask cancels main, then "Ctrl-C" arrives; main was cancelled twice,
      // so after one uncancel() it is still cancelling and run() raises CancelledError.
      try (Runner runner = new Runner(EventLoop::createVirtual, null)) {
        Throwable thrown = catchThrowable(() -> runner.run(() -> {
          Task<?> main = Weft.currentTask();
          Weft.createTask(() -> {
            Weft.sleep(Duration.ZERO);
            main.cancel();
            runner.interrupt();
            return null;
          });
          Weft.sleep(Duration.ofSeconds(10));
          return null;
        }));
        assertThat(thrown).isExactlyInstanceOf(CancelledError.class);
      }
    }

    @Test
    @Timeout(20)
    void run05_mainThatSwallowsTheCancellationAndReturns_runReturnsItsValue() {
      CountDownLatch waiting = new CountDownLatch(1);
      try (Runner runner = new Runner(EventLoop::createVirtual, null)) {
        startDaemon(() -> {
          awaitLatch(waiting);
          runner.interrupt();
        });
        String result = runner.run(() -> {
          Future<String> fut = Weft.getRunningLoop().createFuture();
          waiting.countDown();
          try {
            return fut.await();
          } catch (CancelledError e) {
            return "swallowed";
          }
        });
        assertThat(result).isEqualTo("swallowed");
      }
    }

    @Test
    @Timeout(20)
    void run05_secondInterruptWhileMainStillRuns_raisesKeyboardInterrupt_andCloseThenCancelsMain() {
      CountDownLatch waiting = new CountDownLatch(1);
      CountDownLatch swallowed = new CountDownLatch(1);
      AtomicReference<Task<?>> mainTask = new AtomicReference<>();
      List<String> events = new ArrayList<>();
      Runner runner = new Runner(EventLoop::createVirtual, null);
      startDaemon(() -> {
        awaitLatch(waiting);
        runner.interrupt();
        awaitLatch(swallowed);
        runner.interrupt();
      });
      Throwable thrown = catchThrowable(() -> runner.run(() -> {
        mainTask.set(Weft.currentTask());
        Future<String> first = Weft.getRunningLoop().createFuture();
        waiting.countDown();
        try {
          first.await();
        } catch (CancelledError e) {
          events.add("first interrupt swallowed");
        }
        Future<String> second = Weft.getRunningLoop().createFuture();
        swallowed.countDown();
        try {
          return second.await();
        } finally {
          events.add("main finally");
        }
      }));
      assertThat(thrown).isInstanceOf(KeyboardInterrupt.class);
      assertThat(events).containsExactly("first interrupt swallowed");
      assertThat(mainTask.get().isDone()).isFalse();
      runner.close();
      assertThat(events).containsExactly("first interrupt swallowed", "main finally");
      assertThat(mainTask.get().isCancelled()).isTrue();
    }

    @Test
    @Timeout(20)
    void run05_afterAKeyboardInterrupt_theRunnerCanRunAgain() {
      CountDownLatch waiting = new CountDownLatch(1);
      try (Runner runner = new Runner(EventLoop::createVirtual, null)) {
        startDaemon(() -> {
          awaitLatch(waiting);
          runner.interrupt();
        });
        Throwable thrown = catchThrowable(() -> runner.run(() -> {
          waiting.countDown();
          return Weft.getRunningLoop().createFuture().await();
        }));
        assertThat(thrown).isInstanceOf(KeyboardInterrupt.class);
        assertThat(runner.run(() -> Weft.sleep(Duration.ofSeconds(1), "next run"))).isEqualTo("next run");
      }
    }

    @Test
    void interrupt_beforeTheFirstRun_andAfterClose_doesNothing() {
      Runner runner = new Runner(EventLoop::createVirtual, null);
      runner.interrupt();
      assertThat(runner.run(() -> Weft.sleep(Duration.ofSeconds(1), "ran"))).isEqualTo("ran");
      runner.close();
      runner.interrupt();
    }
  }
}
