package io.weft.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.weft.CancelledError;
import io.weft.EventLoop;
import io.weft.Task;
import io.weft.Weft;
import io.weft.internal.Carrier;
import io.weft.spi.VirtualClock;
import io.weft.spi.VirtualPoller;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The primitives' invariants under many schedules: for each of 200 seeds, a seeded {@link Random} picks the sizes,
 * the sleeps (zero, giving up one iteration, or a few virtual milliseconds, so deadlines tie often) and the
 * cancellations (timers that cancel a random task at a random time), on a loop on virtual time. Every schedule also
 * checks that no waiter is stranded: the run ends with every task done. Both coroutine carriers run every schedule.
 */
class SyncInvariantTests {

  static final int SEEDS = 200;
  static final Duration[] DELAYS = {
    Duration.ZERO, Duration.ZERO, Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5)
  };

  abstract static class Invariants {
    final EventLoop.CarrierChoice carrier;

    Invariants(EventLoop.CarrierChoice carrier) {
      this.carrier = carrier;
    }

    EventLoop newLoop() {
      if (carrier == EventLoop.CarrierChoice.LOOP_SCHEDULED) {
        assumeTrue(Carrier.loopScheduledAvailable(), "the loop-scheduled carrier needs --add-opens java.base/java.lang");
      }
      VirtualClock clock = new VirtualClock();
      return EventLoop.builder().clock(clock).poller(new VirtualPoller(clock)).carrier(carrier).build();
    }

    /** Runs {@code schedule} once per seed, each on a new loop; a failure names its seed. */
    void forEachSeed(Schedule schedule) {
      for (int seed = 0; seed < SEEDS; seed++) {
        try (EventLoop loop = newLoop()) {
          schedule.run(loop, new Random(seed));
          assertThat(loop.allTasks()).as("tasks left pending").isEmpty();
        } catch (Throwable e) {
          throw new AssertionError("schedule failed for seed " + seed + " on carrier " + carrier + ": " + e, e);
        }
      }
    }

    // ==========================================================================================================
    // Lock and Semaphore: never more holders than permits, served in arrival order
    // ==========================================================================================================

    @Test
    void semaphore_neverAdmitsMoreThanItsValue_servesInArrivalOrder_andEndsWithAllPermitsFree() {
      forEachSeed((loop, r) -> {
        int k = 1 + r.nextInt(3);
        Semaphore sem = r.nextBoolean() ? new Semaphore(k) : new BoundedSemaphore(k);
        Admission admission = new Admission(k, a -> sem.checkInvariants());
        runAdmissions(loop, r, admission, id -> {
          if (r.nextBoolean()) {
            try (Semaphore.Held h = sem.hold()) {
              admission.inside(r, id);
            }
          } else {
            sem.acquire();
            try {
              admission.inside(r, id);
            } finally {
              sem.release();
            }
          }
        });
        assertThat(sem.value()).isEqualTo(k);
        assertThat(sem.locked()).isFalse();
        assertThat(sem.waiterCount()).isZero();
      });
    }

    @Test
    void lock_neverHasTwoHolders_servesInArrivalOrder_andEndsUnlocked() {
      forEachSeed((loop, r) -> {
        Lock lock = new Lock();
        Admission admission = new Admission(1, a -> {
          lock.checkInvariants();
          // Between steps, the lock is locked exactly when a task holds it (a hand-off is not "locked").
          assertThat(lock.locked()).as("locked() with %d holders", a.holders).isEqualTo(a.holders == 1);
        });
        runAdmissions(loop, r, admission, id -> {
          if (r.nextBoolean()) {
            try (Lock.Held h = lock.hold()) {
              admission.inside(r, id);
            }
          } else {
            lock.acquire();
            try {
              admission.inside(r, id);
            } finally {
              lock.release();
            }
          }
        });
        assertThat(lock.locked()).isFalse();
        assertThat(lock.waiterCount()).isZero();
      });
    }

    /** Workers arrive (after random sleeps), get admitted, hold for a random time, and leave; timers cancel some. */
    void runAdmissions(EventLoop loop, Random r, Admission admission, Admitted admitted) {
      int workers = 2 + r.nextInt(7);
      int rounds = 1 + r.nextInt(4);
      loop.runUntilComplete(() -> {
        List<Task<Void>> tasks = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
          int id = w;
          tasks.add(loop.createTask(() -> {
            for (int round = 0; round < rounds; round++) {
              Weft.sleep(pick(r));
              int arrival = id * 100 + round;
              admission.arrive(arrival);
              admitted.run(arrival);
            }
          }));
        }
        List<Task<Void>> agents = scheduleCancellations(loop, r, tasks);
        awaitAll(loop, tasks);
        awaitAll(loop, agents);
        return null;
      });
      assertThat(admission.errors).isEmpty();
      // Fair: those admitted were admitted in the order they arrived (cancelled arrivals drop out).
      Set<Integer> admittedIds = new HashSet<>(admission.admitted);
      assertThat(admission.admitted).containsExactlyElementsOf(
          admission.arrived.stream().filter(admittedIds::contains).toList());
      assertThat(admission.holders).isZero();
    }

    /** Records arrivals and admissions, and the number of holders, checking it against the limit. */
    static final class Admission {
      final int limit;
      final Consumer<Admission> check;
      final List<Integer> arrived = new ArrayList<>();
      final List<Integer> admitted = new ArrayList<>();
      final List<String> errors = new ArrayList<>();
      int holders;

      Admission(int limit, Consumer<Admission> check) {
        this.limit = limit;
        this.check = check;
      }

      void arrive(int id) {
        check.accept(this);
        arrived.add(id);
      }

      /** The body run while admitted: count in, hold for a while (maybe cancelled there), count out. */
      void inside(Random r, int id) {
        admitted.add(id);
        holders++;
        if (holders > limit) {
          errors.add(holders + " holders, limit " + limit);
        }
        try {
          Weft.sleep(pick(r));
        } finally {
          holders--;
        }
      }
    }

    // ==========================================================================================================
    // Barrier: the parties of a round all pass or all see it broken
    // ==========================================================================================================

    @Test
    void barrier_everyPartyOfARoundPassesOrAllSeeItBroken_andNoPartyIsStranded() {
      forEachSeed((loop, r) -> {
        int parties = 1 + r.nextInt(5);
        int rounds = 1 + r.nextInt(3);
        boolean randomAbort = r.nextInt(4) == 0;
        Barrier barrier = new Barrier(parties);
        // outcome[party][round]: an index >= 0 (passed), BROKEN, CANCELLED, or NOT_REACHED.
        int[][] outcome = new int[parties][rounds];
        boolean[] anyCancelled = {false};
        loop.runUntilComplete(() -> {
          List<Task<Void>> tasks = new ArrayList<>();
          for (int p = 0; p < parties; p++) {
            int party = p;
            Arrays.fill(outcome[party], NOT_REACHED);
            tasks.add(loop.createTask(() -> {
              try {
                for (int round = 0; round < rounds; round++) {
                  Weft.sleep(pick(r));
                  try {
                    outcome[party][round] = barrier.await();
                  } catch (BrokenBarrierError e) {
                    outcome[party][round] = BROKEN;
                  } catch (CancelledError e) {
                    outcome[party][round] = CANCELLED;
                    throw e;
                  }
                  barrier.checkInvariants();
                }
              } catch (CancelledError e) {
                anyCancelled[0] = true;
                throw e;
              }
            }));
          }
          List<Task<Void>> agents = scheduleCancellations(loop, r, tasks);
          if (randomAbort) {
            loop.callLater(pick(r).multipliedBy(1 + r.nextInt(4)),
                () -> loop.createTask(() -> barrier.abort()));
          }
          // Parties short of a cancelled one wait for good: once nothing moves, abort, and all must finish.
          awaitAllOrDeadline(loop, tasks, 100);
          if (tasks.stream().anyMatch(t -> !t.isDone())) {
            barrier.abort();
          }
          awaitAll(loop, tasks);
          awaitAll(loop, agents);
          return null;
        });
        barrier.checkInvariants();
        assertThat(barrier.nWaiting()).isZero();
        if (!anyCancelled[0] && !randomAbort) {
          // Nothing disturbed this schedule: every party passed every round, and the barrier is whole.
          assertThat(Arrays.stream(outcome).flatMapToInt(Arrays::stream).toArray()).as("outcomes").doesNotContain(
              BROKEN, CANCELLED, NOT_REACHED);
          assertThat(barrier.state()).isEqualTo(Barrier.State.FILLING);
        }
        for (int round = 0; round < rounds; round++) {
          List<Integer> passed = new ArrayList<>();
          int broken = 0;
          for (int p = 0; p < parties; p++) {
            int o = outcome[p][round];
            if (o >= 0) {
              passed.add(o);
            } else if (o == BROKEN) {
              broken++;
            }
          }
          assertThat(passed).as("indices passed in round %d", round).doesNotHaveDuplicates()
              .allSatisfy(i -> assertThat(i).isBetween(0, parties - 1));
          if (!randomAbort) {
            // An abort comes only once every party is stuck, so no round is half passed and half broken.
            assertThat(passed.isEmpty() || broken == 0)
                .as("round %d: %d passed, %d broken", round, passed.size(), broken).isTrue();
          }
        }
      });
    }

    static final int BROKEN = -1;
    static final int CANCELLED = -2;
    static final int NOT_REACHED = -3;

    // ==========================================================================================================
    // Condition and Event: no signal and no wakeup is lost
    // ==========================================================================================================

    @Test
    void condition_noSignalIsLost_aLiveConsumerTakesEveryItem_despiteCancelledConsumers() {
      forEachSeed((loop, r) -> {
        Condition cond = r.nextBoolean() ? new Condition() : new Condition(new Lock());
        int consumers = 2 + r.nextInt(4);
        int batch = 3 + r.nextInt(8);
        int[] items = {0};
        int[] consumed = {0};
        boolean[] closed = {false};
        loop.runUntilComplete(() -> {
          List<Task<Void>> consumerTasks = new ArrayList<>();
          for (int c = 0; c < consumers; c++) {
            consumerTasks.add(loop.createTask(() -> {
              try (Lock.Held h = cond.hold()) {
                while (true) {
                  cond.awaitFor(() -> items[0] > 0 || closed[0]);
                  if (items[0] == 0) {
                    return;
                  }
                  items[0]--;
                  consumed[0]++;
                }
              }
            }));
          }
          // Consumer 0 is never cancelled, so a live consumer always waits for the next item.
          List<Task<Void>> agents =
              scheduleCancellations(loop, r, consumerTasks.subList(1, consumers), consumers + 2);
          // One producer, one item at a time: each signal must get its item consumed, or it was lost (a later
          // signal would hide the loss, as a woken consumer takes every item there is).
          for (int i = 0; i < batch; i++) {
            Weft.sleep(pick(r));
            try (Lock.Held h = cond.hold()) {
              items[0]++;
              cond.signal();
            }
            for (int poll = 0; poll < 1000 && items[0] > 0; poll++) {
              Weft.sleep(poll < 20 ? Duration.ZERO : Duration.ofMillis(1));
            }
            assertThat(items[0]).as("item %d not taken, with a live consumer waiting: its signal was lost", i)
                .isZero();
          }
          assertThat(consumed[0]).isEqualTo(batch);
          awaitAll(loop, agents);
          try (Lock.Held h = cond.hold()) {
            closed[0] = true;
            cond.signalAll();
          }
          awaitAll(loop, consumerTasks);
          return null;
        });
        assertThat(cond.waiterCount()).isZero();
        assertThat(cond.locked()).isFalse();
      });
    }

    @Test
    void event_everyWaiterNotCancelledReturnsOnceSet_despiteClearsAndCancellations() {
      forEachSeed((loop, r) -> {
        Event ev = new Event();
        int waiters = 1 + r.nextInt(8);
        loop.runUntilComplete(() -> {
          List<Task<Void>> tasks = new ArrayList<>();
          for (int w = 0; w < waiters; w++) {
            int times = 1 + r.nextInt(3);
            tasks.add(loop.createTask(() -> {
              for (int i = 0; i < times; i++) {
                Weft.sleep(pick(r));
                ev.await();
                ev.checkInvariants();
              }
            }));
          }
          int flips = r.nextInt(4);
          for (int i = 0; i < flips; i++) {
            loop.callLater(pick(r).multipliedBy(1 + r.nextInt(5)), r.nextBoolean() ? ev::set : ev::clear);
          }
          List<Task<Void>> agents = scheduleCancellations(loop, r, tasks);
          awaitAllOrDeadline(loop, tasks, 100);
          ev.set(); // wakes everyone still waiting
          awaitAll(loop, tasks);
          awaitAll(loop, agents);
          return null;
        });
        ev.checkInvariants();
        assertThat(ev.waiterCount()).isZero();
      });
    }

    // ==========================================================================================================
    // Schedule helpers
    // ==========================================================================================================

    /**
     * Starts up to three chaos agents that each cancel a random task of {@code tasks} at a random moment, and returns
     * them (they always finish; await them too). An agent is a timer, or a task that sleeps a random number of times
     * (zero-length sleeps shift it by single iterations, so its cancel can land between a wakeup and the woken task's
     * resumption) and then cancels at once or from a {@code callSoon} callback.
     */
    static List<Task<Void>> scheduleCancellations(EventLoop loop, Random r, List<Task<Void>> tasks) {
      return scheduleCancellations(loop, r, tasks, 3);
    }

    /** Starts up to {@code maxAgents} chaos agents; see {@link #scheduleCancellations(EventLoop, Random, List)}. */
    static List<Task<Void>> scheduleCancellations(EventLoop loop, Random r, List<Task<Void>> tasks, int maxAgents) {
      List<Task<Void>> agents = new ArrayList<>();
      if (tasks.isEmpty()) {
        return agents;
      }
      int n = r.nextInt(maxAgents + 1);
      for (int i = 0; i < n; i++) {
        Task<Void> victim = tasks.get(r.nextInt(tasks.size()));
        switch (r.nextInt(3)) {
          case 0 -> loop.callLater(pick(r).multipliedBy(1 + r.nextInt(6)), () -> victim.cancel());
          default -> {
            int sleeps = 1 + r.nextInt(8);
            boolean soon = r.nextBoolean();
            agents.add(loop.createTask(() -> {
              for (int j = 0; j < sleeps; j++) {
                Weft.sleep(pick(r));
              }
              if (soon) {
                loop.callSoon(() -> victim.cancel());
              } else {
                victim.cancel();
              }
            }));
          }
        }
      }
      return agents;
    }

    /**
     * Awaits every task and rethrows the first failure (cancellation is not one); a task stranded in a wait fails
     * the run (after 1,000 s of virtual time) rather than hang it.
     */
    static void awaitAll(EventLoop loop, List<Task<Void>> tasks) {
      awaitAllOrDeadline(loop, tasks, 1000);
      List<Task<Void>> stranded = tasks.stream().filter(t -> !t.isDone()).toList();
      if (!stranded.isEmpty()) {
        stranded.forEach(Task::cancel);
        throw new AssertionError("tasks stranded: " + stranded);
      }
      for (Task<Void> t : tasks) {
        if (!t.isCancelled() && t.exception() != null) {
          throw new AssertionError(t + " failed", t.exception());
        }
      }
    }

    /** Sleeps in steps until every task is done or {@code seconds} of virtual time have passed. */
    static void awaitAllOrDeadline(EventLoop loop, List<Task<Void>> tasks, double seconds) {
      double deadline = loop.time() + seconds;
      while (tasks.stream().anyMatch(t -> !t.isDone()) && loop.time() < deadline) {
        Weft.sleep(Duration.ofMillis(100));
      }
    }

    static Duration pick(Random r) {
      return DELAYS[r.nextInt(DELAYS.length)];
    }
  }

  /** What an admitted worker does, given its arrival's id. */
  @FunctionalInterface
  interface Admitted {
    void run(int id) throws Exception;
  }

  /** One schedule: runs on {@code loop}, drawing every choice from {@code r}. */
  @FunctionalInterface
  interface Schedule {
    void run(EventLoop loop, Random r) throws Exception;
  }

  @Nested
  class OnLoopScheduledCarrier extends Invariants {
    OnLoopScheduledCarrier() {
      super(EventLoop.CarrierChoice.LOOP_SCHEDULED);
    }
  }

  @Nested
  class OnBatonCarrier extends Invariants {
    OnBatonCarrier() {
      super(EventLoop.CarrierChoice.BATON);
    }
  }
}
