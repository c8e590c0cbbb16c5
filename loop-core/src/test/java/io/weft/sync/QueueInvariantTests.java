package io.weft.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.weft.AsyncRunnable;
import io.weft.CancelledError;
import io.weft.EventLoop;
import io.weft.ExceptionContext;
import io.weft.Future;
import io.weft.Task;
import io.weft.TimerHandle;
import io.weft.Weft;
import io.weft.internal.Carrier;
import io.weft.spi.VirtualClock;
import io.weft.spi.VirtualPoller;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The queue's invariant under many schedules: <em>no item is lost or duplicated</em>, and {@code join()} returns once
 * every item taken was marked done.
 *
 * <p>Each seed drives one run on a virtual-time loop: 1 to 3 producers and 1 to 3 consumers of a random kind and
 * capacity of queue, random sleeps (none, one iteration, or a few virtual milliseconds) between operations, a
 * "chaos" task that cancels random pending {@code put()}s and {@code get()}s (each runs as its own small task so
 * that it can be cancelled alone, while it waits or just after it was woken), and sometimes a thief that calls
 * {@code getNowait()}/{@code putNowait()} between a wakeup and the woken task's turn. A run ends in one of two ways:
 * the producers finish and {@code join()} waits for the consumers, or the queue is shut down immediately at a random
 * moment. Then every put that returned must have been got exactly once or still be in the queue when it was shut
 * down, no item whose put failed may show up anywhere, and the unfinished count must match.
 *
 * <p>A failure names the seed and carrier; {@link #runSchedule(long, EventLoop.CarrierChoice)} replays it.
 */
class QueueInvariantTests {

  static final int SEEDS = 200;

  /** What one run saw, for the checks and the determinism tests. */
  record Outcome(List<String> trace, int puts, int gets, int cancelledOps, int wokenThenCancelled) {}

  @Nested
  class NoItemLostOrDuplicated {

    @Test
    void underSeededSchedules_onTheLoopScheduledCarrier() {
      assumeTrue(Carrier.loopScheduledAvailable(), "the loop-scheduled carrier needs --add-opens java.base/java.lang");
      runAllSeeds(EventLoop.CarrierChoice.LOOP_SCHEDULED);
    }

    @Test
    void underSeededSchedules_onTheBatonCarrier() {
      runAllSeeds(EventLoop.CarrierChoice.BATON);
    }

    void runAllSeeds(EventLoop.CarrierChoice carrier) {
      int cancelled = 0;
      int wokenThenCancelled = 0;
      int gets = 0;
      for (long seed = 0; seed < SEEDS; seed++) {
        Outcome o = runSchedule(seed, carrier);
        cancelled += o.cancelledOps();
        wokenThenCancelled += o.wokenThenCancelled();
        gets += o.gets();
      }
      System.out.printf("queue invariant on %s: %d seeds, %d items got, %d operations cancelled, %d of them woken%n",
          carrier, SEEDS, gets, cancelled, wokenThenCancelled);
      // The schedules must really exercise cancellation and traffic, or they prove little.
      assertThat(cancelled).as("cancelled operations over all seeds").isGreaterThan(SEEDS);
      assertThat(wokenThenCancelled).as("operations cancelled after they were woken").isGreaterThan(SEEDS / 4);
      assertThat(gets).as("items got over all seeds").isGreaterThan(SEEDS * 10);
    }
  }

  @Nested
  class Determinism {

    @Test
    void sameSeed_givesTheSameTrace() {
      for (long seed : new long[] {3, 77, 150}) {
        assertThat(runSchedule(seed, EventLoop.CarrierChoice.AUTO).trace())
            .isEqualTo(runSchedule(seed, EventLoop.CarrierChoice.AUTO).trace());
      }
    }

    @Test
    void sameSeed_givesTheSameTraceOnBothCarriers() {
      assumeTrue(Carrier.loopScheduledAvailable(), "the loop-scheduled carrier needs --add-opens java.base/java.lang");
      for (long seed : new long[] {5, 42}) {
        assertThat(runSchedule(seed, EventLoop.CarrierChoice.BATON).trace())
            .isEqualTo(runSchedule(seed, EventLoop.CarrierChoice.LOOP_SCHEDULED).trace());
      }
    }

    @Test
    void differentSeeds_giveDifferentTraces() {
      assertThat(runSchedule(1, EventLoop.CarrierChoice.AUTO).trace())
          .isNotEqualTo(runSchedule(2, EventLoop.CarrierChoice.AUTO).trace());
    }
  }

  // ============================================================================================================
  // One run
  // ============================================================================================================

  /** Runs the schedule of {@code seed} on {@code carrier}, checks the invariant, and returns what it saw. */
  static Outcome runSchedule(long seed, EventLoop.CarrierChoice carrier) {
    String where = "seed " + seed + " on " + carrier + " (replay: QueueInvariantTests.runSchedule(" + seed + ", "
        + carrier + "))";
    VirtualClock clock = new VirtualClock();
    EventLoop loop = EventLoop.builder().clock(clock).poller(new VirtualPoller(clock)).carrier(carrier).build();
    List<ExceptionContext> reports = new ArrayList<>();
    loop.setExceptionHandler((l, ctx) -> reports.add(ctx));
    try {
      Run run = new Run(seed, loop);
      Task<Void> main = loop.createTask(run::main);
      TimerHandle watchdog = loop.callLater(3600.0, () -> main.cancel("watchdog: every task is stuck"));
      try {
        loop.runUntilComplete(main);
      } catch (RuntimeException | Error e) {
        throw new AssertionError(where + ": " + e + "\ntrace tail: " + tail(run.trace), e);
      } finally {
        watchdog.cancel();
      }
      run.check(where);
      assertThat(reports).as(where + ": exception handler reports").isEmpty();
      return new Outcome(run.trace, run.putReturned.size(), run.got.size(), run.cancelledOps,
          run.wokenThenCancelled);
    } finally {
      loop.close();
    }
  }

  static List<String> tail(List<String> trace) {
    return trace.subList(Math.max(0, trace.size() - 30), trace.size());
  }

  /** The state and the tasks of one run; everything runs on the loop thread. */
  static final class Run {
    final Random rnd;
    final EventLoop loop;
    final Queue<Integer> q;
    final boolean endWithImmediateShutdown;
    final List<String> trace = new ArrayList<>();

    final Set<Integer> putReturned = new LinkedHashSet<>();
    final Set<Integer> putFailed = new HashSet<>();
    final List<Integer> got = new ArrayList<>();
    final List<Integer> remainingAtShutdown = new ArrayList<>();
    final List<Task<?>> pendingOps = new ArrayList<>();
    final List<Task<?>> pendingGets = new ArrayList<>();
    final List<Task<?>> pendingPuts = new ArrayList<>();
    int done;
    int cancelledOps;
    int wokenThenCancelled;
    boolean producersFinished;
    boolean joinReturned;

    Run(long seed, EventLoop loop) {
      this.rnd = new Random(seed);
      this.loop = loop;
      int maxsize = rnd.nextInt(4); // 0: unbounded
      this.q = switch (rnd.nextInt(3)) {
        case 0 -> new Queue<>(maxsize);
        case 1 -> new LifoQueue<>(maxsize);
        default -> new PriorityQueue<>(maxsize);
      };
      this.endWithImmediateShutdown = rnd.nextInt(3) == 0;
      trace.add("queue " + q + " immediateShutdown=" + endWithImmediateShutdown);
    }

    /** None (no suspension), one iteration, or 1 to 4 virtual milliseconds. */
    void randomPause() {
      switch (rnd.nextInt(4)) {
        case 0 -> {}
        case 1 -> Weft.sleep(Duration.ZERO);
        default -> Weft.sleep(Duration.ofMillis(1 + rnd.nextInt(4)));
      }
    }

    void main() {
      int producers = 1 + rnd.nextInt(3);
      int consumers = 1 + rnd.nextInt(3);
      List<Task<Void>> producerTasks = new ArrayList<>();
      List<Task<Void>> others = new ArrayList<>();
      for (int p = 0; p < producers; p++) {
        int id = p;
        int items = 5 + rnd.nextInt(16);
        producerTasks.add(spawn("producer-" + p, () -> produce(id, items)));
      }
      for (int c = 0; c < consumers; c++) {
        int id = c;
        others.add(spawn("consumer-" + c, () -> consume(id)));
      }
      int cancellations = rnd.nextInt(25);
      others.add(spawn("chaos", () -> chaos(cancellations)));
      if (rnd.nextBoolean()) {
        others.add(spawn("thief", this::thief));
      }

      if (endWithImmediateShutdown) {
        Weft.sleep(Duration.ofMillis(rnd.nextInt(40)));
        remainingAtShutdown.addAll(q.itemsInTakeOrder());
        trace.add("shutdown(immediate) with " + remainingAtShutdown);
        q.shutdown(true);
        q.checkInvariants();
        await(producerTasks);
        producersFinished = true;
        q.join();
        joined();
      } else {
        await(producerTasks);
        producersFinished = true;
        q.join();
        joined();
        remainingAtShutdown.addAll(q.itemsInTakeOrder()); // none: nothing is put once the producers finished
        q.shutdown(true); // releases the consumers
      }
      await(others);
      q.checkInvariants();
    }

    void joined() {
      joinReturned = true;
      trace.add("join returned: got " + got.size() + ", done " + done);
      if (done != got.size() || q.unfinishedTasks() != 0) {
        throw new AssertionError("join() returned with " + got.size() + " items got but " + done
            + " marked done, unfinished count " + q.unfinishedTasks() + ": " + q);
      }
    }

    /**
     * Checks the queue's own invariants and, from the waiting operations' tasks, the exact wakeup accounting: while
     * some getter is still waiting for its turn, no item lacks a woken getter (each put wakes one, and a woken getter
     * that is cancelled passes its wakeup on); the same for putters and free slots.
     */
    void check() {
      q.checkInvariants();
      int[] getters = wokenAndWaiting(pendingGets);
      if (getters[1] > 0 && q.qsize() > getters[0]) {
        throw new AssertionError(q.qsize() + " items but only " + getters[0] + " woken getters while "
            + getters[1] + " wait: a wakeup was lost; " + q);
      }
      int[] putters = wokenAndWaiting(pendingPuts);
      int free = q.maxsize() - q.qsize();
      if (q.maxsize() > 0 && putters[1] > 0 && free > putters[0]) {
        throw new AssertionError(free + " free slots but only " + putters[0] + " woken putters while "
            + putters[1] + " wait: a wakeup was lost; " + q);
      }
    }

    /** Returns whether {@code op} waits on a waiter that was woken, and has not run since. */
    static boolean isWoken(Task<?> op) {
      Future<?> waiter = op.awaiting();
      return waiter != null && waiter.isDone() && !waiter.isCancelled();
    }

    /** Counts the operations whose waiter was woken but that have not run yet, and those still waiting. */
    static int[] wokenAndWaiting(List<Task<?>> ops) {
      int woken = 0;
      int waiting = 0;
      for (Task<?> op : ops) {
        Future<?> waiter = op.awaiting();
        if (waiter == null) {
          continue;
        }
        if (!waiter.isDone()) {
          waiting++;
        } else if (!waiter.isCancelled()) {
          woken++;
        }
      }
      return new int[] {woken, waiting};
    }

    Task<Void> spawn(String name, AsyncRunnable body) {
      return loop.createTask(body.asCallable(), name, null);
    }

    static void await(List<? extends Task<?>> tasks) {
      for (Task<?> t : tasks) {
        t.await();
      }
    }

    void produce(int id, int items) {
      for (int i = 0; i < items; i++) {
        int item = id * 1000 + i;
        Task<Void> op = loop.createTask(() -> {
          q.put(item);
          putReturned.add(item); // no suspension between put() returning and this record
          trace.add("put " + item);
          check();
        });
        pendingOps.add(op);
        pendingPuts.add(op);
        try {
          op.await();
        } catch (CancelledError e) {
          if (!op.isCancelled()) {
            throw e;
          }
          putFailed.add(item);
          trace.add("put " + item + " cancelled");
        } catch (QueueShutDown e) {
          putFailed.add(item);
          trace.add("put " + item + " shut down");
          return;
        } finally {
          pendingOps.remove(op);
          pendingPuts.remove(op);
        }
        randomPause();
      }
    }

    void consume(int id) {
      while (true) {
        Task<Integer> op = loop.createTask(() -> {
          Integer item = q.get();
          got.add(item); // no suspension between get() returning and this record
          trace.add("consumer-" + id + " got " + item);
          check();
          return item;
        });
        pendingOps.add(op);
        pendingGets.add(op);
        try {
          op.await();
        } catch (CancelledError e) {
          if (!op.isCancelled()) {
            throw e;
          }
          trace.add("consumer-" + id + " get cancelled");
          randomPause(); // a getter that does not come back at once: its wakeup must have been passed on
          continue;
        } catch (QueueShutDown e) {
          trace.add("consumer-" + id + " sees shutdown");
          return;
        } finally {
          pendingOps.remove(op);
          pendingGets.remove(op);
        }
        randomPause(); // processing
        q.taskDone();
        done++;
      }
    }

    void chaos(int cancellations) {
      for (int i = 0; i < cancellations; i++) {
        randomPause();
        Weft.sleep(Duration.ofMillis(rnd.nextInt(3)));
        List<Task<?>> woken = pendingOps.stream().filter(Run::isWoken).toList();
        List<Task<?>> pool = !woken.isEmpty() && rnd.nextBoolean() ? woken : pendingOps;
        if (!pool.isEmpty()) {
          Task<?> victim = pool.get(rnd.nextInt(pool.size()));
          boolean wasWoken = isWoken(victim);
          if (victim.cancel("chaos")) {
            cancelledOps++;
            if (wasWoken) {
              wokenThenCancelled++;
            }
            trace.add("chaos cancels " + victim.getName() + (wasWoken ? " (woken)" : ""));
          }
        }
        check();
      }
    }

    /** Takes and adds items without waiting, typically between a wakeup and the woken task's turn. */
    void thief() {
      int next = 0;
      while (!producersFinished) {
        randomPause();
        if (producersFinished) {
          return; // nothing is put after the producers finished, so join() can check its count
        }
        try {
          if (rnd.nextBoolean()) {
            Integer item = q.getNowait();
            got.add(item);
            trace.add("thief got " + item);
            q.taskDone();
            done++;
          } else {
            int item = 9000 + next++;
            try {
              q.putNowait(item);
              putReturned.add(item);
              trace.add("thief put " + item);
            } catch (QueueFull e) {
              putFailed.add(item);
            }
          }
        } catch (QueueEmpty e) {
          // nothing to steal this time
        } catch (QueueShutDown e) {
          return;
        }
        check();
      }
    }

    static Set<Integer> intersection(Set<Integer> a, java.util.Collection<Integer> b) {
      Set<Integer> both = new HashSet<>(a);
      both.retainAll(b);
      return both;
    }

    /** The invariant, checked once the run is over. */
    void check(String where) {
      q.checkInvariants();
      assertThat(joinReturned).as(where + ": join() returned").isTrue();
      assertThat(new HashSet<>(got)).as(where + ": an item was got twice").hasSize(got.size());
      Set<Integer> accounted = new HashSet<>(got);
      assertThat(intersection(accounted, remainingAtShutdown)).as(where + ": items both got and left in the queue")
          .isEmpty();
      accounted.addAll(remainingAtShutdown);
      assertThat(accounted).as(where + ": items got or left in the queue vs. puts that returned")
          .containsExactlyInAnyOrderElementsOf(putReturned);
      assertThat(intersection(accounted, putFailed)).as(where + ": items whose put failed").isEmpty();
      assertThat(q.qsize()).as(where + ": queue empty after the immediate shutdown").isZero();
      assertThat(q.unfinishedTasks()).as(where + ": unfinished tasks").isZero();
      assertThat(done).as(where + ": task_done calls").isEqualTo(got.size());
      assertThat(pendingOps).as(where + ": operations still pending").isEmpty();
    }
  }
}
