package io.weft.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link Coroutine} SPI contract, run on every {@link Carrier}: {@code resume} runs the body until it suspends
 * or returns; exactly one of the loop and the body runs at a time; writes on either side are visible to the other
 * after a switch; the body keeps one thread for its whole life, so thread-bound state works across suspends.
 *
 * <p>Every test drives coroutines from inside {@link Carrier#runLoop}, as the event loop does.
 */
abstract class CoroutineContractTests {

  /** The carrier under test. */
  abstract Carrier.Kind kind();

  /** Skips the tests (with an assumption) when the carrier cannot run in this JVM. */
  void assumeAvailable() {}

  Carrier carrier;
  RecordingHost host;

  @BeforeEach
  void createCarrier() {
    assumeAvailable();
    host = new RecordingHost();
    carrier = Carrier.create(kind(), host);
  }

  /** A host that records what the carrier queues on it; await-style switches must queue nothing. */
  static final class RecordingHost implements CarrierHost {
    final AtomicInteger onLoop = new AtomicInteger();
    final AtomicInteger fromOtherThread = new AtomicInteger();

    @Override
    public void submitOnLoop(Runnable r) {
      onLoop.incrementAndGet();
    }

    @Override
    public void submitFromOtherThread(Runnable r) {
      fromOtherThread.incrementAndGet();
    }
  }

  /** Plain, unsynchronized state shared by the loop side and the body side. */
  static final class Shared {
    int counter;
    int mismatches;
    int fromLoop;
    int fromBody;
    boolean flag;
    Object ref;
    final List<String> log = new ArrayList<>();
  }

  /** Creates a coroutine whose body receives the coroutine itself, to suspend on. */
  Coroutine coroutine(Consumer<Coroutine> body) {
    Coroutine[] self = new Coroutine[1];
    self[0] = carrier.create(() -> body.accept(self[0]));
    return self[0];
  }

  void onLoop(Runnable loopBody) {
    carrier.runLoop(loopBody);
  }

  // ------------------------------------------------------------------------------------------------------------
  // Stepping
  // ------------------------------------------------------------------------------------------------------------

  @Test
  void create_runsNothingUntilTheFirstResume() {
    Shared s = new Shared();
    onLoop(() -> {
      Coroutine co = coroutine(self -> s.flag = true);

      assertThat(co.isStarted()).isFalse();
      assertThat(s.flag).isFalse();
      assertThat(co.thread().getState()).isEqualTo(Thread.State.NEW);

      co.resume();
      assertThat(co.isStarted()).isTrue();
      assertThat(s.flag).isTrue();
    });
  }

  @Test
  void resume_runsTheBodyUntilItSuspends_oneStepPerResume() {
    Shared s = new Shared();
    onLoop(() -> {
      Coroutine co = coroutine(self -> {
        s.log.add("a");
        self.suspend();
        s.log.add("b");
        self.suspend();
        s.log.add("c");
      });

      co.resume();
      assertThat(s.log).containsExactly("a");
      co.resume();
      assertThat(s.log).containsExactly("a", "b");
      co.resume();
      assertThat(s.log).containsExactly("a", "b", "c");
    });
  }

  @Test
  void resume_returnsWhenTheBodyFinishesWithoutSuspending_andTheThreadEnds() throws Exception {
    Shared s = new Shared();
    Coroutine[] out = new Coroutine[1];
    onLoop(() -> {
      out[0] = coroutine(self -> s.log.add("only step"));
      out[0].resume();
      assertThat(s.log).containsExactly("only step");
      assertThat(out[0].isStarted()).isTrue();
    });

    assertThat(out[0].thread().join(Duration.ofSeconds(10))).isTrue();
  }

  @Test
  void isStarted_staysTrueAcrossStepsAndAfterTheBodyEnds() {
    onLoop(() -> {
      Coroutine co = coroutine(Coroutine::suspend);
      assertThat(co.isStarted()).isFalse();
      co.resume();
      assertThat(co.isStarted()).isTrue();
      co.resume();
      assertThat(co.isStarted()).isTrue();
    });
  }

  @Test
  void suspendAndResume_queueNothingOnTheHost() {
    onLoop(() -> {
      Coroutine co = coroutine(self -> {
        for (int i = 0; i < 100; i++) {
          self.suspend();
        }
      });
      for (int i = 0; i <= 100; i++) {
        co.resume();
      }
    });

    assertThat(host.onLoop).hasValue(0);
    assertThat(host.fromOtherThread).hasValue(0);
  }

  @Test
  void suspendedCoroutine_canBeResumedInALaterRunOfTheLoop() {
    Shared s = new Shared();
    Coroutine[] co = new Coroutine[1];
    onLoop(() -> {
      co[0] = coroutine(self -> {
        s.log.add("first run");
        self.suspend();
        s.log.add("second run");
      });
      co[0].resume();
    });
    assertThat(s.log).containsExactly("first run");

    onLoop(() -> co[0].resume());

    assertThat(s.log).containsExactly("first run", "second run");
  }

  @Test
  void suspendedCoroutineNeverResumed_doesNotKeepTheLoopFromReturning() {
    Shared s = new Shared();
    onLoop(() -> {
      Coroutine co = coroutine(self -> {
        self.suspend();
        s.flag = true;
      });
      co.resume();
    });

    assertThat(s.flag).isFalse();
    assertThat(carrier.loopThread()).isNull();
  }

  @Test
  void manyCoroutines_resumedRoundRobin_interleaveExactlyInResumeOrder() {
    int n = 50;
    int steps = 20;
    Shared s = new Shared();
    List<String> expected = new ArrayList<>();
    onLoop(() -> {
      List<Coroutine> all = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int id = i;
        all.add(coroutine(self -> {
          for (int k = 0; k < steps; k++) {
            s.log.add(id + ":" + k);
            self.suspend();
          }
        }));
      }
      for (int k = 0; k < steps; k++) {
        for (int i = 0; i < n; i++) {
          expected.add(i + ":" + k);
          all.get(i).resume();
        }
      }
      for (Coroutine co : all) {
        co.resume();
      }
    });

    assertThat(s.log).isEqualTo(expected);
  }

  @Test
  void deepStack_survivesSuspends() {
    Shared s = new Shared();
    onLoop(() -> {
      Coroutine co = coroutine(self -> s.counter = recurseAndSuspend(self, 2000));
      co.resume();
      co.resume();
      co.resume();
    });

    assertThat(s.counter).isEqualTo(2000);
  }

  private static int recurseAndSuspend(Coroutine self, int depth) {
    if (depth == 0) {
      self.suspend();
      self.suspend();
      return 0;
    }
    return 1 + recurseAndSuspend(self, depth - 1);
  }

  // ------------------------------------------------------------------------------------------------------------
  // Mutual exclusion and visibility
  // ------------------------------------------------------------------------------------------------------------

  @Test
  void exactlyOneSideRunsAtATime_aPlainCounterIsExactAfter100kSwitches() {
    int rounds = 50_000; // two switches per round
    Shared s = new Shared();
    onLoop(() -> {
      Coroutine co = coroutine(self -> {
        for (int i = 0; i < rounds; i++) {
          if (s.counter != 2 * i) {
            s.mismatches++;
          }
          s.counter++;
          self.suspend();
        }
      });
      for (int i = 0; i < rounds; i++) {
        co.resume();
        if (s.counter != 2 * i + 1) {
          s.mismatches++;
        }
        s.counter++;
      }
      co.resume();
    });

    assertThat(s.mismatches).isZero();
    assertThat(s.counter).isEqualTo(2 * rounds);
  }

  @Test
  void writesOnEachSide_areVisibleToTheOtherAfterASwitch() {
    Shared s = new Shared();
    List<String> bodyErrors = new ArrayList<>();
    onLoop(() -> {
      Coroutine co = coroutine(self -> {
        for (int i = 0; i < 1000; i++) {
          if (s.fromLoop != i || !("loop " + i).equals(s.ref)) {
            bodyErrors.add("step " + i + " saw fromLoop=" + s.fromLoop + " ref=" + s.ref);
          }
          s.fromBody = i * 2;
          s.ref = "body " + i;
          s.log.add("body " + i);
          self.suspend();
        }
      });
      for (int i = 0; i < 1000; i++) {
        s.fromLoop = i;
        s.ref = "loop " + i;
        s.log.add("loop " + i);
        co.resume();
        assertThat(s.fromBody).isEqualTo(i * 2);
        assertThat(s.ref).isEqualTo("body " + i);
      }
      co.resume();
    });

    assertThat(bodyErrors).isEmpty();
    assertThat(s.log).hasSize(2000);
    for (int i = 0; i < 1000; i++) {
      assertThat(s.log.get(2 * i)).isEqualTo("loop " + i);
      assertThat(s.log.get(2 * i + 1)).isEqualTo("body " + i);
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // Thread identity and thread-bound state
  // ------------------------------------------------------------------------------------------------------------

  @Test
  void body_runsOnOneVirtualThreadForItsWholeLife_whichIsThreadOfTheCoroutine() {
    List<Thread> seen = new ArrayList<>();
    Thread[] loopSide = new Thread[2];
    Coroutine[] co = new Coroutine[1];
    onLoop(() -> {
      co[0] = coroutine(self -> {
        for (int i = 0; i < 5; i++) {
          seen.add(Thread.currentThread());
          self.suspend();
        }
      });
      loopSide[0] = Thread.currentThread();
      loopSide[1] = carrier.loopThread();
      for (int i = 0; i <= 5; i++) {
        co[0].resume();
      }
    });

    assertThat(seen).hasSize(5);
    assertThat(seen).allSatisfy(t -> assertThat(t).isSameAs(co[0].thread()));
    assertThat(co[0].thread().isVirtual()).isTrue();
    assertThat(co[0].thread()).isNotSameAs(loopSide[0]);
    assertThat(loopSide[1]).isSameAs(loopSide[0]);
  }

  @Test
  void threadLocal_setInTheBody_survivesSuspends_andDoesNotLeakToTheLoop() {
    ThreadLocal<String> tl = new ThreadLocal<>();
    Shared s = new Shared();
    onLoop(() -> {
      Coroutine co = coroutine(self -> {
        tl.set("body value");
        self.suspend();
        s.log.add("after 1: " + tl.get());
        self.suspend();
        s.log.add("after 2: " + tl.get());
      });
      co.resume();
      s.log.add("loop sees: " + tl.get());
      co.resume();
      co.resume();
    });

    assertThat(s.log).containsExactly("loop sees: null", "after 1: body value", "after 2: body value");
  }

  @Test
  void reentrantLock_heldAcrossASuspend_staysHeldByTheBody() {
    ReentrantLock lock = new ReentrantLock();
    Shared s = new Shared();
    onLoop(() -> {
      Coroutine co = coroutine(self -> {
        lock.lock();
        try {
          self.suspend();
          s.log.add("held after suspend: " + lock.isHeldByCurrentThread());
          lock.lock(); // reentrant on the same thread
          lock.unlock();
        } finally {
          lock.unlock();
        }
      });
      co.resume();
      assertThat(lock.isLocked()).isTrue();
      assertThat(lock.isHeldByCurrentThread()).isFalse();
      assertThat(lock.tryLock()).isFalse();
      co.resume();
      assertThat(lock.isLocked()).isFalse();
      assertThat(lock.tryLock()).isTrue();
      lock.unlock();
    });

    assertThat(s.log).containsExactly("held after suspend: true");
  }

  @Test
  void synchronizedMonitor_heldAcrossASuspend_isReleasedWhenTheBodyLeavesTheBlock() {
    Object monitor = new Object();
    Shared s = new Shared();
    onLoop(() -> {
      Coroutine co = coroutine(self -> {
        synchronized (monitor) {
          self.suspend();
          s.log.add("holds monitor after suspend: " + Thread.holdsLock(monitor));
        }
        s.log.add("holds monitor after block: " + Thread.holdsLock(monitor));
      });
      co.resume();
      co.resume();
    });

    assertThat(s.log).containsExactly("holds monitor after suspend: true", "holds monitor after block: false");
  }

  private static final ScopedValue<String> SCOPED = ScopedValue.newInstance();

  @Test
  void scopedValue_boundInTheBody_staysBoundAcrossSuspends_andIsNotBoundOnTheLoop() {
    Shared s = new Shared();
    onLoop(() -> {
      Coroutine co = coroutine(self -> ScopedValue.where(SCOPED, "bound in body").run(() -> {
        self.suspend();
        s.log.add("after 1: " + SCOPED.orElse("unbound"));
        self.suspend();
        s.log.add("after 2: " + SCOPED.orElse("unbound"));
      }));
      co.resume();
      s.log.add("loop sees: " + SCOPED.orElse("unbound"));
      co.resume();
      co.resume();
    });

    assertThat(s.log).containsExactly("loop sees: unbound", "after 1: bound in body", "after 2: bound in body");
  }

  @Test
  void scopedValueBoundOnTheLoop_isNotSeenByTheBody() {
    Shared s = new Shared();
    onLoop(() -> ScopedValue.where(SCOPED, "bound on loop").run(() -> {
      Coroutine co = coroutine(self -> s.log.add("body sees: " + SCOPED.orElse("unbound")));
      co.resume();
    }));

    assertThat(s.log).containsExactly("body sees: unbound");
  }

  // ------------------------------------------------------------------------------------------------------------
  // Errors
  // ------------------------------------------------------------------------------------------------------------

  @Test
  void bodyException_doesNotEscapeResume_theBodysFinallyRuns_andTheThreadsHandlerGetsIt() throws Exception {
    Shared s = new Shared();
    IllegalStateException boom = new IllegalStateException("boom");
    List<Throwable> uncaught = new ArrayList<>();
    Coroutine[] co = new Coroutine[1];
    Throwable[] fromResume = new Throwable[1];
    onLoop(() -> {
      co[0] = coroutine(self -> {
        try {
          self.suspend();
          throw boom;
        } finally {
          s.flag = true;
        }
      });
      co[0].thread().setUncaughtExceptionHandler((t, e) -> {
        synchronized (uncaught) {
          uncaught.add(e);
        }
      });
      co[0].resume();
      fromResume[0] = catchThrowable(co[0]::resume);
    });

    assertThat(fromResume[0]).isNull();
    assertThat(s.flag).isTrue();
    assertThat(co[0].thread().join(Duration.ofSeconds(10))).isTrue();
    synchronized (uncaught) {
      assertThat(uncaught).containsExactly(boom);
    }
  }

  @Test
  void runLoop_setsTheLoopThreadForItsDuration_andRethrowsTheSameInstance() {
    IllegalArgumentException boom = new IllegalArgumentException("from the loop body");
    Thread[] during = new Thread[2];

    Throwable thrown = catchThrowable(() -> carrier.runLoop(() -> {
      during[0] = carrier.loopThread();
      during[1] = Thread.currentThread();
      throw boom;
    }));

    assertThat(thrown).isSameAs(boom);
    assertThat(during[0]).isNotNull().isSameAs(during[1]);
    assertThat(carrier.loopThread()).isNull();
  }
}
