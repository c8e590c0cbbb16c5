package io.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class AsyncGeneratorTests {

  private static <T> T runVirtual(AsyncCallable<T> main) {
    return Weft.run(main, EventLoop::createVirtual);
  }

  /** Yields 0..n-1, sleeping 1 s of virtual time before each, and records its finally. */
  private static AsyncGenerator<Integer> counter(int n, List<String> log) {
    return AsyncGenerator.of(out -> {
      try {
        for (int i = 0; i < n; i++) {
          Weft.sleep(Duration.ofSeconds(1));
          out.yield(i);
        }
      } finally {
        log.add("finally");
      }
    });
  }

  @Nested
  class Iteration {
    @Test
    void forEach_inATask_getsEveryValue_withTheBodysAwaitsSuspendingTheConsumer() {
      List<String> log = new ArrayList<>();
      List<Object> seen = runVirtual(() -> {
        List<Object> out = new ArrayList<>();
        for (int v : counter(3, log)) {
          out.add(v + "@" + Weft.getRunningLoop().time());
        }
        return out;
      });
      assertThat(seen).containsExactly("0@1.0", "1@2.0", "2@3.0");
      assertThat(log).containsExactly("finally");
    }

    @Test
    void nothingRuns_untilTheFirstIteration() {
      List<String> log = new ArrayList<>();
      runVirtual(() -> {
        AsyncGenerator<Integer> g = AsyncGenerator.of(out -> log.add("started"));
        Weft.sleep(Duration.ofSeconds(5));
        assertThat(log).isEmpty();
        assertThat(g.iterator().hasNext()).isFalse();
        assertThat(log).containsExactly("started");
        return null;
      });
    }

    @Test
    void hasNext_isIdempotent_andNextAfterTheEnd_throwsNoSuchElement() {
      runVirtual(() -> {
        Iterator<Integer> it = counter(1, new ArrayList<>()).iterator();
        assertThat(it.hasNext()).isTrue();
        assertThat(it.hasNext()).isTrue();
        assertThat(it.next()).isZero();
        assertThat(it.hasNext()).isFalse();
        assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
        return null;
      });
    }

    @Test
    void anErrorInTheBody_reachesTheConsumer_asTheSameInstance_andFinishesTheGenerator() {
      IllegalArgumentException boom = new IllegalArgumentException("boom");
      runVirtual(() -> {
        AsyncGenerator<Integer> g = AsyncGenerator.of(out -> {
          out.yield(1);
          throw boom;
        });
        Iterator<Integer> it = g.iterator();
        assertThat(it.next()).isEqualTo(1);
        assertThatThrownBy(it::hasNext).isSameAs(boom);
        assertThat(g.isFinished()).isTrue();
        assertThat(it.hasNext()).isFalse();
        return null;
      });
    }

    @Test
    void twoConsumersAtOnce_theSecondIsRefused_asAlreadyRunning() {
      runVirtual(() -> {
        AsyncGenerator<Integer> g = counter(2, new ArrayList<>());
        Task<Boolean> first = Weft.createTask(() -> g.iterator().hasNext());
        Weft.sleep(Duration.ZERO); // first now waits inside the body's sleep
        assertThatThrownBy(() -> g.iterator().hasNext())
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("already running");
        assertThat(first.await()).isTrue();
        g.aclose();
        return null;
      });
    }

    @Test
    void yieldOutsideTheBody_isRefused() {
      runVirtual(() -> {
        AsyncGenerator.Yield<?>[] escaped = new AsyncGenerator.Yield<?>[1];
        AsyncGenerator<Integer> g = AsyncGenerator.of(out -> {
          escaped[0] = out;
          out.yield(1);
        });
        g.iterator().hasNext();
        @SuppressWarnings("unchecked")
        AsyncGenerator.Yield<Integer> y = (AsyncGenerator.Yield<Integer>) escaped[0];
        assertThatThrownBy(() -> y.yield(2)).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("generator's own body");
        g.aclose();
        return null;
      });
    }
  }

  @Nested
  class Closing {
    @Test
    void breakThenClose_raisesGeneratorExitAtTheYield_andRunsFinallyEvenIfItAwaits() {
      List<String> log = new ArrayList<>();
      double[] closedAt = new double[1];
      runVirtual(() -> {
        try (AsyncGenerator<Integer> g = AsyncGenerator.of(out -> {
          try {
            for (int i = 0; ; i++) {
              out.yield(i);
            }
          } catch (GeneratorExit e) {
            log.add("exit");
            throw e;
          } finally {
            Weft.sleep(Duration.ofSeconds(2));
            log.add("finally");
          }
        })) {
          for (int v : g) {
            if (v == 2) {
              break;
            }
          }
        }
        closedAt[0] = Weft.getRunningLoop().time();
        return null;
      });
      assertThat(log).containsExactly("exit", "finally");
      assertThat(closedAt[0]).isEqualTo(2.0);
    }

    @Test
    void acloseOfAGeneratorNeverIterated_finishesItWithoutRunningTheBody() {
      List<String> log = new ArrayList<>();
      runVirtual(() -> {
        AsyncGenerator<Integer> g = AsyncGenerator.of(out -> log.add("ran"));
        g.aclose();
        assertThat(g.isFinished()).isTrue();
        assertThat(g.iterator().hasNext()).isFalse();
        return null;
      });
      assertThat(log).isEmpty();
    }

    @Test
    void aclose_isIdempotent() {
      List<String> log = new ArrayList<>();
      runVirtual(() -> {
        AsyncGenerator<Integer> g = counter(5, log);
        g.iterator().next();
        g.aclose();
        g.aclose();
        return null;
      });
      assertThat(log).containsExactly("finally");
    }

    @Test
    void aBodyThatIgnoresGeneratorExit_andYieldsAgain_isAnError() {
      runVirtual(() -> {
        AsyncGenerator<Integer> g = AsyncGenerator.of(out -> {
          try {
            out.yield(1);
          } catch (GeneratorExit e) {
            out.yield(2);
          }
        });
        g.iterator().next();
        assertThatThrownBy(g::aclose).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("ignored GeneratorExit");
        assertThat(g.isFinished()).isTrue();
        return null;
      });
    }

    @Test
    void anErrorRaisedWhileClosing_propagatesFromAclose() {
      IllegalStateException fromFinally = new IllegalStateException("cleanup failed");
      runVirtual(() -> {
        AsyncGenerator<Integer> g = AsyncGenerator.of(out -> {
          try {
            out.yield(1);
          } finally {
            throw fromFinally;
          }
        });
        g.iterator().next();
        assertThatThrownBy(g::aclose).isSameAs(fromFinally);
        return null;
      });
    }

    @Test
    void forEachHelper_closesTheGenerator_whenTheBodyThrows() {
      List<String> log = new ArrayList<>();
      IllegalArgumentException stop = new IllegalArgumentException("stop");
      runVirtual(() -> {
        AsyncGenerator<Integer> g = counter(10, log);
        assertThatThrownBy(() -> AsyncIterable.forEach(g, v -> {
          if (v == 1) {
            throw stop;
          }
        })).isSameAs(stop);
        assertThat(g.isFinished()).isTrue();
        return null;
      });
      assertThat(log).containsExactly("finally");
    }
  }

  @Nested
  class Cancellation {
    @Test
    void aConsumerCancelledWhileTheBodyAwaits_cancelsTheBody_andFinishesTheGenerator() {
      List<String> log = new ArrayList<>();
      runVirtual(() -> {
        AsyncGenerator<Integer> g = counter(3, log);
        Task<Boolean> consumer = Weft.createTask(() -> g.iterator().hasNext());
        Weft.sleep(Duration.ofMillis(500));
        consumer.cancel("enough");
        assertThatThrownBy(consumer::await).isInstanceOf(CancelledError.class);
        Weft.sleep(Duration.ZERO);
        assertThat(g.isFinished()).isTrue();
        return null;
      });
      assertThat(log).containsExactly("finally");
    }
  }

  @Nested
  class CancellationRegressions {
    @Test
    void theBodyTaskEndsCancelled_atOnce_notAtShutdown_andDebugModeDoesNotCallItSwallowed() {
      List<String> log = new ArrayList<>();
      List<String> warnings = new ArrayList<>();
      io.weft.spi.VirtualClock clock = new io.weft.spi.VirtualClock();
      EventLoop loop = EventLoop.builder().clock(clock).poller(new io.weft.spi.VirtualPoller(clock)).debug(true).build();
      loop.setWarningHandler(warnings::add);
      loop.runUntilComplete(() -> {
        AsyncGenerator<Integer> g = AsyncGenerator.of(out -> {
          try {
            Weft.sleep(Duration.ofSeconds(10));
            out.yield(1);
          } catch (CancelledError e) {
            log.add("body cancelled at " + Weft.getRunningLoop().time());
            throw e;
          }
        });
        Task<Boolean> consumer = Weft.createTask(() -> g.iterator().hasNext());
        Weft.sleep(Duration.ofSeconds(1));
        consumer.cancel();
        assertThatThrownBy(consumer::await).isInstanceOf(CancelledError.class);
        Weft.sleep(Duration.ZERO);
        Weft.sleep(Duration.ZERO);
        assertThat(log).containsExactly("body cancelled at 1.0"); // not left sleeping until shutdown
        return null;
      });
      loop.close();
      assertThat(warnings).noneSatisfy(w -> assertThat(w).contains("finished normally"));
    }
  }

  @Nested
  class Shutdown {
    @Test
    void weftRun_closesEverySuspendedGenerator_concurrently_runningTheirFinallyBlocks() {
      List<String> log = new ArrayList<>();
      double[] end = new double[1];
      EventLoop[] loop = new EventLoop[1];
      runVirtual(() -> {
        loop[0] = Weft.getRunningLoop();
        for (String name : List.of("a", "b")) {
          AsyncGenerator<Integer> g = AsyncGenerator.of(out -> {
            try {
              out.yield(1);
              out.yield(2);
            } finally {
              Weft.sleep(Duration.ofSeconds(1));
              log.add(name + " closed at " + Weft.getRunningLoop().time());
            }
          });
          g.iterator().next(); // suspended at its first yield, and never closed by the program
        }
        return null;
      });
      // Both close during shutdown, concurrently: each finally sleeps 1 s and both end at t=1.
      assertThat(log).containsExactlyInAnyOrder("a closed at 1.0", "b closed at 1.0");
      assertThat(loop[0].isClosed()).isTrue();
    }

    @Test
    void anErrorWhileClosingAtShutdown_goesToTheExceptionHandler_withTheGenerator() {
      List<ExceptionContext> reports = new ArrayList<>();
      IllegalStateException boom = new IllegalStateException("boom");
      try (Runner runner = new Runner(EventLoop::createVirtual, null)) {
        runner.getLoop().setExceptionHandler((l, c) -> reports.add(c));
        runner.run(() -> {
          AsyncGenerator<Integer> g = AsyncGenerator.of(out -> {
            try {
              out.yield(1);
            } finally {
              throw boom;
            }
          });
          g.iterator().next();
          return null;
        });
      }
      assertThat(reports).hasSize(1);
      assertThat(reports.get(0).message()).startsWith("an error occurred during closing of asynchronous generator");
      assertThat(reports.get(0).exception()).isSameAs(boom);
      assertThat(reports.get(0).extras()).containsKey("asyncgen");
    }

    @Test
    void aGeneratorFirstIteratedAfterShutdown_isWarnedAbout() {
      List<String> warnings = new ArrayList<>();
      try (Runner runner = new Runner(EventLoop::createVirtual, null)) {
        EventLoop loop = runner.getLoop();
        loop.setWarningHandler(warnings::add);
        runner.run(() -> {
          counter(2, new ArrayList<>()).iterator().next(); // registers the shutdown of generators
          loop.addShutdownHook(new EventLoop.ShutdownHook("late", () -> {
            AsyncGenerator<Integer> late = AsyncGenerator.of(out -> out.yield(1));
            late.iterator().next();
            late.aclose();
          }));
          return null;
        });
      }
      assertThat(warnings).anySatisfy(w -> assertThat(w).contains("was scheduled after"));
    }

    @Test
    void generatorBodies_areClosedWithGeneratorExit_notCancelled_atShutdown() {
      List<String> log = new ArrayList<>();
      runVirtual(() -> {
        AsyncGenerator<Integer> g = AsyncGenerator.of(out -> {
          try {
            out.yield(1);
          } catch (GeneratorExit e) {
            log.add("GeneratorExit");
            throw e;
          } catch (CancelledError e) {
            log.add("CancelledError");
            throw e;
          }
        });
        g.iterator().next();
        return null;
      });
      assertThat(log).containsExactly("GeneratorExit");
    }
  }
}
