package io.weft;

import static io.weft.TaskTests.collectUntil;
import static io.weft.TaskTests.runOnce;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.spi.VirtualClock;
import io.weft.spi.VirtualPoller;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a production loop does when the garbage collector takes a future whose exception nobody read (asyncio's
 * {@code Future.__del__}, test_futures.py {@code test_tb_logger_*}) or an async generator dropped before it finished
 * (asyncio's {@code _asyncgen_finalizer_hook}).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GcReportsTests {

  EventLoop loop;
  final List<ExceptionContext> reports = new ArrayList<>();
  // Whether the loop was running (so: on its thread, inside an iteration) when each report arrived.
  final List<Boolean> reportedWhileRunning = new ArrayList<>();

  @BeforeEach
  void createLoop() {
    VirtualClock clock = new VirtualClock();
    loop = EventLoop.builder().clock(clock).poller(new VirtualPoller(clock)).build();
    loop.setExceptionHandler((l, ctx) -> {
      reports.add(ctx);
      reportedWhileRunning.add(l.isRunning() && EventLoop.running() == l);
    });
  }

  @AfterEach
  void closeLoop() {
    loop.close();
  }

  // ------------------------------------------------------------------------------------------------------------

  @Nested
  class Futures {

    @Test
    void aFutureCollectedWithAnUnreadException_isReported_onTheLoop_withTheException() {
      IllegalStateException boom = new IllegalStateException("nobody reads me");
      WeakReference<Future<?>> ref = failedFuture(boom, f -> { });

      collectUntil(loop, () -> !reports.isEmpty());

      assertThat(ref.refersTo(null)).as("the future was collected").isTrue();
      assertThat(reports).singleElement().satisfies(r -> {
        assertThat(r.message()).isEqualTo("Future exception was never retrieved");
        assertThat(r.exception()).isSameAs(boom);
        assertThat(r.extras()).containsEntry("future",
            "<Future finished exception=java.lang.IllegalStateException: nobody reads me>");
        assertThat(r.extras()).doesNotContainKey("source_traceback");
      });
      assertThat(reportedWhileRunning).containsExactly(true);
      assertThat(loop.gcReports.size()).as("nothing is tracked any more").isZero();
    }

    @Test
    void inDebugMode_theReportSaysWhereTheFutureWasCreated() {
      loop.setDebug(true);
      WeakReference<Future<?>> ref = failedFuture(new IllegalStateException("x"), f -> { });

      collectUntil(loop, () -> !reports.isEmpty());

      assertThat(ref.refersTo(null)).isTrue();
      assertThat(reports).singleElement().satisfies(r -> {
        StackTraceElement[] where = (StackTraceElement[]) r.extras().get("source_traceback");
        assertThat(where).isNotNull();
        assertThat(where).anySatisfy(e -> assertThat(e.getMethodName()).isEqualTo("failedFuture"));
      });
    }

    @Test
    void readingTheException_cancelsTheReport() {
      assertNotReportedAfter(f -> assertThat(f.exception()).isNotNull());
    }

    @Test
    void readingTheResult_cancelsTheReport() {
      assertNotReportedAfter(f -> {
        try {
          f.result();
        } catch (IllegalStateException expected) {
          // the future's exception, thrown: retrieved
        }
      });
    }

    @Test
    void awaitingTheFuture_cancelsTheReport() {
      assertNotReportedAfter(f -> loop.runUntilComplete(loop.createTask(() -> {
        try {
          return f.await();
        } catch (IllegalStateException expected) {
          return null;
        }
      })));
    }

    @Test
    void cancellingTheDoneFuture_cancelsTheReport_asInAsyncio() {
      assertNotReportedAfter(f -> assertThat(f.cancel()).isFalse());
    }

    @Test
    void aFutureWithAResult_isNeverTracked_andOneWithAnExceptionIsTrackedUntilRead() {
      Future<String> ok = loop.createFuture();
      ok.setResult("fine");
      assertThat(loop.gcReports.size()).isZero();

      Future<String> failed = loop.createFuture();
      failed.setException(new IllegalStateException("x"));
      assertThat(loop.gcReports.size()).isEqualTo(1);
      failed.exception();
      assertThat(loop.gcReports.size()).isZero();
    }

    @Test
    void aPendingFuture_andOneWithAResult_areNotReported_whenCollected() {
      // test_futures.py test_tb_logger_abandoned and test_tb_logger_result_unretrieved: nothing to report
      WeakReference<Future<?>> pending = new WeakReference<>(loop.createFuture());
      WeakReference<Future<?>> succeeded = succeededFuture();

      boolean collected = collectUntil(loop, () -> pending.refersTo(null) && succeeded.refersTo(null));
      runOnce(loop);

      assertThat(collected).as("both futures were collected").isTrue();
      assertThat(reports).isEmpty();
    }

    private WeakReference<Future<?>> succeededFuture() {
      Future<String> f = loop.createFuture();
      f.setResult("fine");
      return new WeakReference<>(f);
    }

    @Test
    void manyFailedFutures_areEachTrackedUntilTheirOwnExceptionIsRead() {
      // Enough futures that some share an identity hash (about 2^31 values): each read must untrack its own.
      int n = 200_000;
      List<Future<String>> futures = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        Future<String> f = loop.createFuture();
        f.setException(new IllegalStateException("#" + i));
        futures.add(f);
      }
      for (int i = 0; i < n; i += 2) {
        futures.get(i).exception();
      }
      assertThat(loop.gcReports.size()).isEqualTo(n / 2);
      for (int i = 1; i < n; i += 2) {
        assertThat(futures.get(i).cancel()).isFalse();
      }
      assertThat(loop.gcReports.size()).isZero();
    }

    @Test
    void aFailedTask_isReportedOnce_asATask_notAlsoAsAFuture() {
      IllegalStateException boom = new IllegalStateException("task");
      failedTask(boom);
      assertThat(loop.gcReports.size()).as("tasks report through their own registry").isZero();

      collectUntil(loop, () -> !reports.isEmpty());
      runOnce(loop);

      assertThat(reports).singleElement().satisfies(r -> {
        assertThat(r.message()).isEqualTo("Task exception was never retrieved");
        assertThat(r.exception()).isSameAs(boom);
      });
    }

    @Test
    void twoCollectedFutures_areEachReportedOnce() {
      IllegalStateException a = new IllegalStateException("a");
      IllegalStateException b = new IllegalStateException("b");
      failedFuture(a, f -> { });
      failedFuture(b, f -> { });

      collectUntil(loop, () -> reports.size() >= 2);
      runOnce(loop);
      runOnce(loop);

      assertThat(reports).extracting(ExceptionContext::exception).containsExactlyInAnyOrder(a, b);
    }

    private void assertNotReportedAfter(Consumer<Future<String>> retrieve) {
      WeakReference<Future<?>> ref = failedFuture(new IllegalStateException("read"), retrieve);
      assertThat(loop.gcReports.size()).as("retrieval stops the tracking").isZero();

      boolean collected = collectUntil(loop, () -> ref.refersTo(null));
      runOnce(loop);
      runOnce(loop);

      assertThat(collected).as("the future was collected").isTrue();
      assertThat(reports).isEmpty();
    }

    private WeakReference<Future<?>> failedFuture(Throwable error, Consumer<Future<String>> then) {
      Future<String> f = loop.createFuture();
      f.setException(error);
      then.accept(f);
      return new WeakReference<>(f);
    }

    private void failedTask(Throwable error) {
      loop.createTask(() -> {
        throw io.weft.internal.Sneaky.<RuntimeException>raise(error);
      });
      loop.runUntilComplete(() -> Weft.sleep(Duration.ofSeconds(1), null));
    }
  }

  // ------------------------------------------------------------------------------------------------------------

  @Nested
  class Generators {

    final List<String> log = new ArrayList<>();

    @Test
    void aGeneratorDroppedAtAYield_isClosedByTheLoop_runningItsFinallyBlocks_evenOnesThatAwait() {
      WeakReference<AsyncGenerator<Integer>> ref = iterateOnceAndDrop(out -> {
        try {
          out.yield(1);
          out.yield(2);
          log.add("not reached");
        } catch (GeneratorExit e) {
          log.add("GeneratorExit");
          throw e;
        } finally {
          Weft.sleep(Duration.ofSeconds(1));
          log.add("finally at " + Weft.getRunningLoop().time());
        }
      });
      assertThat(log).isEmpty();

      collectUntil(loop, () -> log.size() >= 2);
      runUntilIdle();

      assertThat(ref.refersTo(null)).as("the generator users held was collected").isTrue();
      assertThat(log).containsExactly("GeneratorExit", "finally at 1.0");
      assertThat(reports).isEmpty();
      assertThat(loop.allTasks()).as("the body's task and the closing task are done").isEmpty();
    }

    @Test
    void anErrorWhileClosingADroppedGenerator_isReportedOnce() {
      IllegalStateException boom = new IllegalStateException("finally failed");
      iterateOnceAndDrop(out -> {
        try {
          out.yield(1);
        } finally {
          throw boom;
        }
      });

      collectUntil(loop, () -> !reports.isEmpty());
      runUntilIdle();

      assertThat(reports).singleElement().satisfies(r -> {
        assertThat(r.message()).startsWith("an error occurred during closing of asynchronous generator");
        assertThat(r.exception()).isSameAs(boom);
        assertThat(r.extras()).containsKey("asyncgen");
      });
      assertThat(reportedWhileRunning).containsExactly(true);
    }

    @Test
    void aGeneratorDroppedAfterItFinished_needsNoClosing() {
      WeakReference<AsyncGenerator<Integer>> ref = loop.runUntilComplete(loop.createTask(() -> {
        AsyncGenerator<Integer> g = AsyncGenerator.of(out -> {
          try {
            out.yield(1);
          } finally {
            log.add("finally");
          }
        });
        for (int v : g) {
          log.add("got " + v);
        }
        return new WeakReference<>(g);
      }));

      boolean collected = collectUntil(loop, () -> ref.refersTo(null));
      runUntilIdle();

      assertThat(collected).isTrue();
      assertThat(log).containsExactly("got 1", "finally");
      assertThat(loop.allTasks()).isEmpty();
      assertThat(reports).isEmpty();
    }

    /** In a task: creates a generator, takes one value, and drops it, its body left waiting at a yield. */
    private WeakReference<AsyncGenerator<Integer>> iterateOnceAndDrop(AsyncGenerator.Body<Integer> body) {
      Task<WeakReference<AsyncGenerator<Integer>>> t = loop.createTask(() -> {
        AsyncGenerator<Integer> g = AsyncGenerator.of(body);
        AsyncIterator<Integer> it = g.iterator();
        assertThat(it.hasNext()).isTrue();
        return new WeakReference<>(g);
      });
      return loop.runUntilComplete(t);
    }

    private void runUntilIdle() {
      for (int i = 0; i < 20; i++) {
        runOnce(loop);
      }
      loop.runUntilComplete(() -> Weft.sleep(Duration.ofSeconds(5), null));
    }
  }
}
