package io.weft.thread;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.ContextVar;
import io.weft.EventLoop;
import io.weft.Future;
import io.weft.Weft;
import io.weft.sim.Schedule;
import io.weft.sim.SimResult;
import io.weft.sim.Simulation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * asyncio's executor behaviours (spec EX-01, EX-02, EX-04; test_events.py's run_in_executor tests, test_threads.py):
 * blocking work runs off the loop, its result or exception comes back through a future, cancelling does not stop a
 * started thread, to_thread copies the context and run_in_executor does not, and the runner joins the default pool.
 */
class ThreadsTests {

  @Test
  void runInExecutor_runsOnAnotherThread_andTheLoopCompletesTheFutureWithTheResult() {
    String got = Weft.run(() -> {
      Thread loopThread = Thread.currentThread();
      Future<String> f = Threads.runInExecutor(null, () -> {
        assertThat(Thread.currentThread()).isNotSameAs(loopThread);
        return Thread.currentThread().getName();
      });
      return f.await();
    });
    assertThat(got).startsWith("weft-executor-");
  }

  @Test
  void anException_reachesTheAwaiter_unchanged() {
    java.io.IOException boom = new java.io.IOException("disk on fire");
    assertThatThrownBy(() -> Weft.run(() -> Threads.runInExecutor(null, () -> {
      throw boom;
    }).await())).isSameAs(boom);
  }

  @Test
  void cancelling_doesNotStopAStartedThread_andItsLateResultIsDropped() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean finished = new AtomicBoolean();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      String got = Weft.run(() -> {
        Future<String> f = Threads.runInExecutor(pool, () -> {
          started.countDown();
          release.await();
          finished.set(true);
          return "late";
        });
        Threads.toThread(() -> started.await(5, TimeUnit.SECONDS));
        f.cancel();
        release.countDown();
        Threads.toThread(() -> {
          pool.submit(() -> { }).get(); // the single thread has finished the first job
          return null;
        });
        return f.isCancelled() + " " + finished.get();
      });
      assertThat(got).isEqualTo("true true");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void cancellingBeforeItStarts_meansItNeverRuns() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    CountDownLatch busy = new CountDownLatch(1);
    AtomicBoolean ran = new AtomicBoolean();
    try {
      Weft.run(() -> {
        Future<Void> blocker = Threads.runInExecutor(pool, () -> {
          busy.await();
          return null;
        });
        Future<Void> queued = Threads.runInExecutor(pool, () -> {
          ran.set(true);
          return null;
        });
        queued.cancel();
        busy.countDown();
        blocker.await();
        Threads.toThread(() -> pool.submit(() -> { }).get());
        return null;
      });
      assertThat(ran).as("a job cancelled while queued does not run").isFalse();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aResultAfterTheLoopClosed_isDropped_withoutError() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    try {
      EventLoop loop = EventLoop.create();
      loop.runUntilComplete(loop.createTask(() -> {
        Threads.runInExecutor(pool, () -> {
          release.await();
          return "too late";
        });
        return null;
      }));
      loop.close();
      release.countDown();
      pool.submit(() -> { }).get(5, TimeUnit.SECONDS);
      assertThat(failure.get()).isNull();
    } finally {
      pool.shutdownNow();
    }
  }

  static final ContextVar<String> USER = new ContextVar<>("user");

  @Test
  void toThread_seesTheCallersContextVariables_butRunInExecutorDoesNot() {
    String got = Weft.run(() -> {
      USER.set("alice");
      String viaToThread = Weft.toThread(() -> USER.get("nobody"));
      String viaExecutor = Threads.runInExecutor(null, () -> USER.get("nobody")).await();
      return viaToThread + " " + viaExecutor;
    });
    assertThat(got).isEqualTo("alice nobody");
  }

  @Test
  void weftRun_joinsTheDefaultExecutor_andAfterAShutdownTheDefaultIsRefused() {
    AtomicReference<ExecutorService> pool = new AtomicReference<>();
    String got = Weft.run(() -> {
      Threads.runInExecutor(null, () -> 1).await();
      pool.set(DefaultExecutor.of(EventLoop.getRunningLoop()).current());
      return "ok";
    });
    assertThat(got).isEqualTo("ok");
    assertThat(pool.get().isTerminated()).as("Weft.run shut the default executor down and joined it").isTrue();

    assertThatThrownBy(() -> Weft.run(() -> {
      Threads.runInExecutor(null, () -> 1).await();
      Threads.shutdownDefaultExecutor(null);
      return Threads.runInExecutor(null, () -> 2).await();
    })).isInstanceOf(IllegalStateException.class).hasMessageContaining("Executor shutdown has been called");
  }

  @Test
  void setDefaultExecutor_isUsedByToThread() {
    ExecutorService mine = Executors.newSingleThreadExecutor(r -> new Thread(r, "mine"));
    try {
      String got = Weft.run(() -> {
        Threads.setDefaultExecutor(mine);
        return Weft.toThread(() -> Thread.currentThread().getName());
      });
      assertThat(got).isEqualTo("mine");
      assertThat(mine.isShutdown()).as("the runner shuts down the default executor, set or made").isTrue();
    } finally {
      mine.shutdownNow();
    }
  }

  @Test
  void aShutdownThatTimesOut_warns_andLeavesTheThreads() {
    List<String> warnings = new ArrayList<>();
    CountDownLatch release = new CountDownLatch(1);
    try {
      Weft.run(() -> {
        EventLoop loop = EventLoop.getRunningLoop();
        loop.setWarningHandler(w -> {
          warnings.add(w);
          release.countDown(); // so that the runner's own join does not wait for the stuck thread
        });
        Threads.runInExecutor(null, () -> release.await(5, TimeUnit.SECONDS));
        Threads.shutdownDefaultExecutor(Duration.ofMillis(50));
        return null;
      });
    } finally {
      release.countDown();
    }
    assertThat(warnings).anySatisfy(w -> assertThat(w)
        .isEqualTo("The executor did not finish joining its threads within 0.05 seconds."));
  }

  /** Two jobs that take different real times; returns the order their completions entered the loop. */
  static String twoJobs() throws Exception {
    List<String> order = new ArrayList<>();
    Future<Void> slow = Threads.runInExecutor(null, () -> {
      Thread.sleep(30);
      return null;
    });
    Future<Void> fast = Threads.runInExecutor(null, () -> null);
    slow.addDoneCallback(f -> order.add("slow"));
    fast.addDoneCallback(f -> order.add("fast"));
    Weft.gather(slow, fast).await();
    return String.join(",", order);
  }

  @Test
  void inASimulation_executorCompletionsEnterWhereTheScheduleSays_notWhenTheThreadsFinish() {
    SimResult<String> fifo = Simulation.run(Schedule.fifo(), ThreadsTests::twoJobs);
    assertThat(fifo.value()).as("asyncio with slow threads: the older job first").isEqualTo("slow,fast");
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (long seed = 1; seed <= 12; seed++) {
      SimResult<String> r = Simulation.run(Schedule.of(io.weft.sim.Mode.FAITHFUL, "RANDOM", seed),
          ThreadsTests::twoJobs);
      assertThat(r.passed()).as("%s", r.failure()).isTrue();
      SimResult<String> again = Simulation.run(r.replay(), ThreadsTests::twoJobs);
      assertThat(again.value()).as("seed %d replayed", seed).isEqualTo(r.value());
      assertThat(again.traceHash()).isEqualTo(r.traceHash());
      seen.add(r.value());
    }
    assertThat(seen).as("the schedule, not the threads' timing, decides").contains("slow,fast", "fast,slow");
  }

  @Test
  void inASimulation_theWorkRunsOnARealThread_andTheRunRepeats() {
    io.weft.AsyncCallable<String> program = () -> {
      Weft.sleep(Duration.ofSeconds(1));
      String r = Weft.toThread(() -> "computed");
      Weft.sleep(Duration.ofSeconds(1));
      return r + " at " + EventLoop.getRunningLoop().time();
    };
    SimResult<String> a = Simulation.run(Schedule.fifo(), program);
    SimResult<String> b = Simulation.run(Schedule.fifo(), program);
    assertThat(a.passed()).as("%s", a.failure()).isTrue();
    assertThat(a.value()).isEqualTo("computed at 2.0");
    assertThat(b.traceHash()).isEqualTo(a.traceHash());
  }
}
