package io.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.EventLoop.CarrierChoice;
import io.weft.spi.Clock;
import io.weft.spi.Poller;
import io.weft.spi.VirtualClock;
import io.weft.spi.VirtualPoller;
import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The event loop's scheduling and lifecycle: section LOOP of {@code shared/spec/asyncio-semantics.md}.
 *
 * <p>Most tests run on virtual time ({@link VirtualClock} + {@link VirtualPoller}), which is deterministic. Tests of
 * ordering run on both coroutine carriers. Tests of the production loop assert only lower bounds on time.
 */
class EventLoopTests {

  /** Runs a test once on each coroutine carrier. */
  @Target(ElementType.METHOD)
  @Retention(RetentionPolicy.RUNTIME)
  @ParameterizedTest(name = "{0}")
  @EnumSource(value = CarrierChoice.class, names = {"LOOP_SCHEDULED", "BATON"})
  @interface OnBothCarriers {}

  private final List<EventLoop> loops = new ArrayList<>();
  private final List<String> log = new ArrayList<>();

  @AfterEach
  void closeLoops() {
    for (EventLoop loop : loops) {
      if (!loop.isRunning()) {
        loop.checkInvariants();
        loop.close();
      }
    }
  }

  private EventLoop track(EventLoop loop) {
    loops.add(loop);
    return loop;
  }

  EventLoop virtualLoop(CarrierChoice carrier) {
    VirtualClock clock = new VirtualClock();
    return track(EventLoop.builder().clock(clock).poller(new VirtualPoller(clock)).carrier(carrier).debug(false)
        .build());
  }

  EventLoop virtualLoop() {
    return virtualLoop(CarrierChoice.AUTO);
  }

  EventLoop productionLoop(CarrierChoice carrier) {
    return track(EventLoop.builder().carrier(carrier).debug(false).build());
  }

  Runnable record(String name) {
    return () -> log.add(name);
  }

  /**
   * Counts iterations: a callback that reschedules itself. Queued before anything else, it stays first in every
   * iteration's batch (what it queues lands behind the rest of its batch and ahead of what that batch queues), so
   * {@link #iteration} is the number of the iteration now running. It stops the loop in iteration {@code stopAt}.
   */
  static final class IterationCounter implements Runnable {
    private final EventLoop loop;
    private final int stopAt;
    int iteration;

    IterationCounter(EventLoop loop, int stopAt) {
      this.loop = loop;
      this.stopAt = stopAt;
    }

    static IterationCounter start(EventLoop loop, int stopAt) {
      IterationCounter c = new IterationCounter(loop, stopAt);
      loop.callSoon(c);
      return c;
    }

    @Override
    public void run() {
      iteration++;
      if (iteration >= stopAt) {
        loop.stop();
      } else {
        loop.callSoon(this);
      }
    }
  }

  /** A poller that counts its calls and delegates to another. */
  static final class CountingPoller implements Poller {
    final Poller delegate;
    final AtomicInteger polls = new AtomicInteger();
    final AtomicInteger closes = new AtomicInteger();

    CountingPoller(Poller delegate) {
      this.delegate = delegate;
    }

    @Override
    public Registration register(Pollable source, int interestOps, IoHandler handler) throws IOException {
      return delegate.register(source, interestOps, handler);
    }

    @Override
    public int poll(long timeoutNanos, ReadySink sink) throws IOException {
      polls.incrementAndGet();
      return delegate.poll(timeoutNanos, sink);
    }

    @Override
    public boolean hasRegistrations() {
      return delegate.hasRegistrations();
    }

    @Override
    public void wakeup() {
      delegate.wakeup();
    }

    @Override
    public void close() {
      closes.incrementAndGet();
      delegate.close();
    }
  }

  // ------------------------------------------------------------------------------------------------------------

  @Nested
  class CallSoon {

    @OnBothCarriers
    void callSoon_runsCallbacksFifo_eachExactlyOnce(CarrierChoice carrier) {
      EventLoop loop = virtualLoop(carrier);
      for (String s : List.of("a", "b", "c", "d", "e")) {
        loop.callSoon(record(s));
      }
      loop.callSoon(loop::stop);

      loop.runForever();

      assertThat(log).containsExactly("a", "b", "c", "d", "e");
    }

    @OnBothCarriers
    void callSoon_duringIteration_runsInNextIteration_behindWhatWasQueued(CarrierChoice carrier) {
      EventLoop loop = virtualLoop(carrier);
      IterationCounter it = IterationCounter.start(loop, 4);
      loop.callSoon(() -> {
        log.add("cb1@" + it.iteration);
        loop.callSoon(() -> log.add("cb3@" + it.iteration));
      });
      loop.callSoon(() -> log.add("cb2@" + it.iteration));

      loop.runForever();

      assertThat(log).containsExactly("cb1@1", "cb2@1", "cb3@2");
    }

    @OnBothCarriers
    void nestedCallSoonChain_runsOneLinkPerIteration(CarrierChoice carrier) {
      EventLoop loop = virtualLoop(carrier);
      IterationCounter it = IterationCounter.start(loop, 6);
      loop.callSoon(() -> {
        log.add("a@" + it.iteration);
        loop.callSoon(() -> {
          log.add("b@" + it.iteration);
          loop.callSoon(() -> {
            log.add("c@" + it.iteration);
            loop.callSoon(() -> log.add("d@" + it.iteration));
          });
        });
      });

      loop.runForever();

      assertThat(log).containsExactly("a@1", "b@2", "c@3", "d@4");
    }

    @OnBothCarriers
    void sleepZero_givesUpExactlyOneIteration(CarrierChoice carrier) {
      EventLoop loop = virtualLoop(carrier);
      IterationCounter it = IterationCounter.start(loop, 10);
      loop.createTask(() -> {
        for (int i = 0; i < 4; i++) {
          log.add("step@" + it.iteration);
          Weft.sleep(Duration.ZERO);
        }
      });

      loop.runForever();

      assertThat(log).containsExactly("step@1", "step@2", "step@3", "step@4");
    }

    @OnBothCarriers
    void taskStepsAndCallbacks_interleaveFifo(CarrierChoice carrier) {
      EventLoop loop = virtualLoop(carrier);
      for (String name : List.of("A", "B")) {
        loop.createTask(() -> {
          for (int i = 0; i < 3; i++) {
            log.add(name + i);
            Weft.sleep(Duration.ZERO);
          }
        });
      }
      loop.callSoon(record("cb"));

      loop.runUntilComplete(() -> Weft.sleep(Duration.ofSeconds(1), null));

      assertThat(log).containsExactly("A0", "B0", "cb", "A1", "B1", "A2", "B2");
    }

    @Test
    void cancelledHandle_doesNotRun() {
      EventLoop loop = virtualLoop();
      Handle h = loop.callSoon(record("cancelled"));
      loop.callSoon(record("kept"));
      h.cancel();
      h.cancel();
      loop.callSoon(loop::stop);

      loop.runForever();

      assertThat(h.isCancelled()).isTrue();
      assertThat(log).containsExactly("kept");
    }

    @Test
    void handleCancelledByEarlierCallbackInSameBatch_doesNotRun() {
      EventLoop loop = virtualLoop();
      AtomicReference<Handle> later = new AtomicReference<>();
      loop.callSoon(() -> later.get().cancel());
      later.set(loop.callSoon(record("later")));
      loop.callSoon(loop::stop);

      loop.runForever();

      assertThat(log).isEmpty();
    }

    @Test
    void runningLoop_isVisibleInsideCallbacks_andNotOutside() {
      EventLoop loop = virtualLoop();
      AtomicReference<EventLoop> seen = new AtomicReference<>();
      AtomicBoolean running = new AtomicBoolean();
      loop.callSoon(() -> {
        seen.set(EventLoop.getRunningLoop());
        running.set(loop.isRunning());
        loop.stop();
      });

      loop.runForever();

      assertThat(seen.get()).isSameAs(loop);
      assertThat(running.get()).isTrue();
      assertThat(loop.isRunning()).isFalse();
      assertThat(loop.runState()).isEqualTo(EventLoop.RunState.IDLE);
      assertThat(EventLoop.running()).isNull();
      assertThatThrownBy(EventLoop::getRunningLoop)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("no running event loop");
    }
  }

  // ------------------------------------------------------------------------------------------------------------

  @Nested
  class Timers {

    @OnBothCarriers
    void callAt_pastDeadlines_runInDeadlineOrder_notSchedulingOrder(CarrierChoice carrier) {
      // LOOP-04: asyncio's call_later(-1)/call_later(-2); Weft's callLater rejects negative delays, so callAt.
      EventLoop loop = virtualLoop(carrier);
      loop.callLater(Duration.ofSeconds(5), () -> {
        loop.callAt(loop.time() - 1, record("a"));
        loop.callAt(loop.time() - 2, record("b"));
        loop.callAt(loop.time() - 1.5, record("c"));
        loop.callSoon(() -> loop.callSoon(loop::stop));
      });

      loop.runForever();

      assertThat(log).containsExactly("b", "c", "a");
    }

    @OnBothCarriers
    void timers_runInDeadlineOrder_atTheirVirtualDeadlines(CarrierChoice carrier) {
      EventLoop loop = virtualLoop(carrier);
      for (double d : new double[] {0.3, 0.1, 0.25, 0.2}) {
        loop.callLater(d, () -> log.add(d + "@" + loop.time()));
      }
      loop.callLater(1.0, loop::stop);

      loop.runForever();

      assertThat(log).containsExactly("0.1@0.1", "0.2@0.2", "0.25@0.25", "0.3@0.3");
      assertThat(loop.time()).isEqualTo(1.0);
    }

    @OnBothCarriers
    void equalDeadlines_runInSchedulingOrder(CarrierChoice carrier) {
      // LOOP-05: asyncio leaves this undefined; Weft breaks ties by sequence number (FIFO).
      EventLoop loop = virtualLoop(carrier);
      for (String s : List.of("t1", "t2", "t3", "t4", "t5", "t6")) {
        loop.callAt(2.0, record(s));
      }
      loop.callAt(2.0, loop::stop);

      loop.runForever();

      assertThat(log).containsExactly("t1", "t2", "t3", "t4", "t5", "t6");
    }

    @Test
    void equalDeadlines_fromCallLaterAndCallAt_runInSchedulingOrder() {
      EventLoop loop = virtualLoop();
      loop.callLater(Duration.ofMillis(500), record("later-duration"));
      loop.callAt(0.5, record("at"));
      loop.callLater(0.5, record("later-double"));
      loop.callAtNanos(loop.clock().nanoTime() + 500_000_000L, record("at-nanos"), null);
      loop.callLater(1.0, loop::stop);

      loop.runForever();

      assertThat(log).containsExactly("later-duration", "at", "later-double", "at-nanos");
    }

    @OnBothCarriers
    void dueTimers_queueBehindCallbacksAlreadyReady(CarrierChoice carrier) {
      EventLoop loop = virtualLoop(carrier);
      IterationCounter it = IterationCounter.start(loop, 5);
      loop.callSoon(() -> {
        loop.callAt(loop.time() - 1, () -> log.add("timer@" + it.iteration));
        loop.callSoon(() -> log.add("soon@" + it.iteration));
      });

      loop.runForever();

      assertThat(log).containsExactly("soon@2", "timer@2");
    }

    @Test
    void timer_isDue_whenDeadlineIsBeforeNowPlusResolution() {
      // LOOP-07: due when when < now + resolution. The clock's resolution here is 10 ms.
      VirtualClock vc = new VirtualClock(0, false);
      Clock coarse = new Clock() {
        @Override
        public long nanoTime() {
          return vc.nanoTime();
        }

        @Override
        public long resolutionNanos() {
          return 10_000_000L;
        }
      };
      EventLoop loop = track(EventLoop.builder().clock(coarse).poller(new VirtualPoller(vc)).debug(false).build());
      loop.callAt(0.100, record("at-100ms"));
      loop.callAt(0.105, record("at-105ms"));

      vc.advance(Duration.ofMillis(90)); // 100 < 90 + 10 is false: not due yet
      loop.stop();
      loop.runForever();
      assertThat(log).isEmpty();

      vc.advance(Duration.ofMillis(5)); // 100 < 95 + 10: due; 105 < 105 is false: not due
      loop.stop();
      loop.runForever();
      assertThat(log).containsExactly("at-100ms");
      assertThat(loop.timerCount()).isEqualTo(1);
    }

    @Test
    void timer_withUnitResolution_isDueExactlyAtItsDeadline() {
      VirtualClock vc = new VirtualClock(0, false);
      EventLoop loop = track(EventLoop.builder().clock(vc).poller(new VirtualPoller(vc)).debug(false).build());
      loop.callAtNanos(1000, record("at-1000"), null);
      loop.callAtNanos(1001, record("at-1001"), null);

      vc.advanceNanos(1000);
      loop.stop();
      loop.runForever();

      assertThat(log).containsExactly("at-1000");
    }

    @Test
    void timerHandle_when_isTheDeadlineOnTheLoopTimeScale() {
      EventLoop loop = virtualLoop();
      TimerHandle later = loop.callLater(1.5, () -> {});
      TimerHandle at = loop.callAt(2.25, () -> {});
      TimerHandle byDuration = loop.callLater(Duration.ofMillis(750), () -> {});

      assertThat(later.when()).isEqualTo(1.5);
      assertThat(at.when()).isEqualTo(2.25);
      assertThat(byDuration.when()).isEqualTo(0.75);
      assertThat(later.whenNanos() - loop.clock().nanoTime()).isEqualTo(1_500_000_000L);
    }

    @Test
    void cancelledTimer_neverRuns_andCancelIsIdempotent() {
      EventLoop loop = virtualLoop();
      TimerHandle h = loop.callLater(1.0, record("cancelled"));
      loop.callLater(2.0, record("kept"));
      h.cancel();
      h.cancel();
      loop.callLater(3.0, loop::stop);

      loop.runForever();

      assertThat(h.isCancelled()).isTrue();
      assertThat(log).containsExactly("kept");
    }

    @Test
    void timerCancelledByEarlierTimerDueInSameIteration_doesNotRun() {
      EventLoop loop = virtualLoop();
      AtomicReference<TimerHandle> second = new AtomicReference<>();
      loop.callAt(1.0, () -> second.get().cancel());
      second.set(loop.callAt(1.0, record("second")));
      loop.callAt(1.0, record("third"));
      loop.callAt(2.0, loop::stop);

      loop.runForever();

      assertThat(log).containsExactly("third");
    }

    @Test
    void cancelledTimer_isRemovedAtOnce_soAnIdleLoopDoesNotJumpToIt() {
      EventLoop loop = virtualLoop();
      TimerHandle h = loop.callLater(Duration.ofHours(1), record("cancelled"));
      h.cancel();
      assertThat(loop.timerCount()).isZero();

      // Nothing ready and no timer: the loop waits (in real time) for the other thread instead of jumping an hour.
      Future<String> f = loop.createFuture();
      loop.callSoon(() -> Thread.ofPlatform().start(() -> loop.callSoonThreadsafe(() -> f.setResult("woken"))));

      assertThat(loop.runUntilComplete(f)).isEqualTo("woken");
      assertThat(loop.time()).isEqualTo(0.0);
      assertThat(log).isEmpty();
    }

    @Test
    void virtualLoop_withOnlyALongTimer_jumpsStraightToIt() {
      EventLoop loop = virtualLoop();
      loop.callLater(Duration.ofDays(365), () -> {
        log.add("fired@" + loop.time());
        loop.stop();
      });

      loop.runForever();

      assertThat(log).containsExactly("fired@" + 365 * 86400.0);
    }
  }

  // ------------------------------------------------------------------------------------------------------------

  @Nested
  class ArgumentErrors {

    @ParameterizedTest
    @ValueSource(doubles = {-1.0, -0.001, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void callLater_invalidDelay_throwsIllegalArgumentNamingTheValue(double delay) {
      // Deliberate difference: asyncio accepts negative delays; Weft rejects them.
      EventLoop loop = virtualLoop();

      assertThatThrownBy(() -> loop.callLater(delay, () -> {}))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(String.valueOf(delay));
      assertThat(loop.timerCount()).isZero();
    }

    @Test
    void callLater_negativeDuration_throwsIllegalArgumentNamingTheValue() {
      EventLoop loop = virtualLoop();

      assertThatThrownBy(() -> loop.callLater(Duration.ofSeconds(-1), () -> {}))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("PT-1S");
      assertThatThrownBy(() -> loop.callLater((Duration) null, () -> {}))
          .isInstanceOf(NullPointerException.class)
          .hasMessageContaining("delay");
      assertThat(loop.timerCount()).isZero();
    }

    @ParameterizedTest
    @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void callAt_nonFiniteTime_throwsIllegalArgumentNamingTheValue(double when) {
      EventLoop loop = virtualLoop();

      assertThatThrownBy(() -> loop.callAt(when, () -> {}))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(String.valueOf(when));
      assertThat(loop.timerCount()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.weft.EventLoopTests#nullCallbackCalls")
    void schedulingNullCallback_throwsNullPointerNamingCallback(Consumer<EventLoop> call) {
      EventLoop loop = virtualLoop();

      assertThatThrownBy(() -> call.accept(loop))
          .isInstanceOf(NullPointerException.class)
          .hasMessageContaining("callback");
      assertThat(loop.readyCount()).isZero();
      assertThat(loop.timerCount()).isZero();
    }

    @Test
    void hugeDelay_isCappedInsteadOfOverflowing() {
      EventLoop loop = virtualLoop();
      TimerHandle h = loop.callLater(Duration.ofSeconds(Long.MAX_VALUE), () -> {});
      TimerHandle d = loop.callLater(1e300, () -> {});

      assertThat(h.when()).isPositive();
      assertThat(d.when()).isPositive();
      assertThat(h.whenNanos() - loop.clock().nanoTime()).isPositive();
    }
  }

  static Stream<Arguments> nullCallbackCalls() {
    return Stream.of(
        call("callSoon", l -> l.callSoon(null)),
        call("callSoon with context", l -> l.callSoon(null, new Context())),
        call("callSoonThreadsafe", l -> l.callSoonThreadsafe(null)),
        call("callLater(double)", l -> l.callLater(1.0, null)),
        call("callLater(Duration)", l -> l.callLater(Duration.ofSeconds(1), null)),
        call("callAt", l -> l.callAt(1.0, null)),
        call("callAtNanos", l -> l.callAtNanos(1, null, null)));
  }

  private static Arguments call(String name, Consumer<EventLoop> c) {
    return Arguments.of(Named.of(name, c));
  }

  // ------------------------------------------------------------------------------------------------------------

  @Nested
  class ClosedLoop {

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.weft.EventLoopTests#closedLoopCalls")
    void usingClosedLoop_throwsEventLoopIsClosed(Consumer<EventLoop> call) {
      EventLoop loop = virtualLoop();
      loop.close();

      assertThatThrownBy(() -> call.accept(loop))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Event loop is closed");
    }

    @Test
    void close_dropsQueuedCallbacksAndTimers_andClosesThePoller() {
      VirtualClock vc = new VirtualClock();
      CountingPoller poller = new CountingPoller(new VirtualPoller(vc));
      EventLoop loop = track(EventLoop.builder().clock(vc).poller(poller).debug(false).build());
      loop.callSoon(record("soon"));
      loop.callLater(1.0, record("later"));
      loop.callSoonThreadsafe(record("threadsafe"));

      loop.close();

      assertThat(loop.isClosed()).isTrue();
      assertThat(loop.runState()).isEqualTo(EventLoop.RunState.CLOSED);
      assertThat(loop.readyCount()).isZero();
      assertThat(loop.timerCount()).isZero();
      assertThat(poller.closes.get()).isEqualTo(1);
      assertThat(log).isEmpty();
    }

    @Test
    void close_isIdempotent() {
      VirtualClock vc = new VirtualClock();
      CountingPoller poller = new CountingPoller(new VirtualPoller(vc));
      EventLoop loop = track(EventLoop.builder().clock(vc).poller(poller).debug(false).build());

      loop.close();
      assertThatCode(loop::close).doesNotThrowAnyException();
      assertThatCode(loop::close).doesNotThrowAnyException();

      assertThat(poller.closes.get()).isEqualTo(1);
      assertThat(loop.isClosed()).isTrue();
    }

    @OnBothCarriers
    void close_whileRunning_throws_andTheLoopKeepsRunning(CarrierChoice carrier) {
      EventLoop loop = virtualLoop(carrier);
      AtomicReference<Throwable> thrown = new AtomicReference<>();
      loop.callSoon(() -> {
        try {
          loop.close();
        } catch (RuntimeException e) {
          thrown.set(e);
        }
        loop.callSoon(() -> {
          log.add("still running");
          loop.stop();
        });
      });

      loop.runForever();

      assertThat(thrown.get())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Cannot close a running event loop");
      assertThat(log).containsExactly("still running");
      assertThat(loop.isClosed()).isFalse();
    }
  }

  static Stream<Arguments> closedLoopCalls() {
    return Stream.of(
        call("callSoon", l -> l.callSoon(() -> {})),
        call("callSoonThreadsafe", l -> l.callSoonThreadsafe(() -> {})),
        call("callLater(double)", l -> l.callLater(1.0, () -> {})),
        call("callLater(Duration)", l -> l.callLater(Duration.ofSeconds(1), () -> {})),
        call("callAt", l -> l.callAt(1.0, () -> {})),
        call("createTask", l -> l.createTask(() -> 1)),
        call("runForever", EventLoop::runForever),
        call("runUntilComplete(body)", l -> l.runUntilComplete(() -> 1)),
        call("runUntilComplete(future)", l -> l.runUntilComplete(new Future<Integer>(l))));
  }

  // ------------------------------------------------------------------------------------------------------------

  @Nested
  class Stop {

    @OnBothCarriers
    void stop_finishesTheCurrentBatch_andWhatItQueuedRunsInTheNextRun(CarrierChoice carrier) {
      // LOOP-10
      EventLoop loop = virtualLoop(carrier);
      loop.callSoon(() -> {
        log.add("a");
        loop.callSoon(() -> {
          log.add("c");
          loop.stop();
        });
      });
      loop.callSoon(loop::stop);
      loop.callSoon(record("b"));

      loop.runForever();
      assertThat(log).containsExactly("a", "b");
      assertThat(loop.readyCount()).isEqualTo(1);

      loop.runForever();
      assertThat(log).containsExactly("a", "b", "c");
    }

    @OnBothCarriers
    void stopBeforeRunForever_runsExactlyOneIteration(CarrierChoice carrier) {
      EventLoop loop = virtualLoop(carrier);
      loop.callSoon(() -> {
        log.add("first");
        loop.callSoon(record("second"));
      });

      loop.stop();
      loop.runForever();

      assertThat(log).containsExactly("first");
      assertThat(loop.readyCount()).isEqualTo(1);
      assertThat(loop.isRunning()).isFalse();
    }

    @Test
    void stopBeforeRunForever_pollsWithoutWaiting_evenWithATimerPending() {
      EventLoop loop = virtualLoop();
      loop.callLater(10.0, record("timer"));

      loop.stop();
      loop.runForever();

      assertThat(log).isEmpty();
      assertThat(loop.time()).isEqualTo(0.0);
      assertThat(loop.timerCount()).isEqualTo(1);
    }

    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void stopBeforeRunForever_onProductionLoop_returnsWithNothingScheduled() {
      EventLoop loop = productionLoop(CarrierChoice.AUTO);
      loop.callLater(Duration.ofHours(1), record("timer"));

      loop.stop();
      loop.runForever();

      assertThat(log).isEmpty();
      assertThat(loop.isRunning()).isFalse();
    }

    @OnBothCarriers
    void stopRequest_isConsumedByTheRunItEnds(CarrierChoice carrier) {
      EventLoop loop = virtualLoop(carrier);
      loop.stop();
      loop.runForever();

      IterationCounter it = IterationCounter.start(loop, 3);
      loop.runForever();

      assertThat(it.iteration).isEqualTo(3);
    }

    @OnBothCarriers
    void runForever_whileRunning_throwsAlreadyRunning(CarrierChoice carrier) {
      EventLoop loop = virtualLoop(carrier);
      AtomicReference<Throwable> thrown = new AtomicReference<>();
      loop.callSoon(() -> {
        try {
          loop.runForever();
        } catch (RuntimeException e) {
          thrown.set(e);
        }
        loop.stop();
      });

      loop.runForever();

      assertThat(thrown.get())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("already running");
    }
  }

  // ------------------------------------------------------------------------------------------------------------

  @Nested
  class RunUntilComplete {

    @OnBothCarriers
    void returnsTheResult_onceTheFutureIsDone(CarrierChoice carrier) {
      EventLoop loop = virtualLoop(carrier);
      Future<Integer> f = loop.createFuture();
      loop.callLater(1.0, () -> f.setResult(42));

      assertThat(loop.runUntilComplete(f)).isEqualTo(42);
      assertThat(loop.time()).isEqualTo(1.0);
      assertThat(loop.isRunning()).isFalse();
    }

    @OnBothCarriers
    void withBody_runsItAsATask_andReturnsItsResult(CarrierChoice carrier) {
      EventLoop loop = virtualLoop(carrier);

      String r = loop.runUntilComplete(() -> {
        Weft.sleep(Duration.ofMillis(250));
        return "done@" + loop.time();
      });

      assertThat(r).isEqualTo("done@0.25");
    }

    @Test
    void futureAlreadyDone_returnsItsResultAfterOneIteration() {
      EventLoop loop = virtualLoop();
      Future<String> f = loop.createFuture();
      f.setResult("ready");
      loop.callSoon(() -> {
        log.add("first iteration");
        loop.callSoon(record("second iteration"));
      });

      assertThat(loop.runUntilComplete(f)).isEqualTo("ready");
      assertThat(log).containsExactly("first iteration");
    }

    @Test
    void throwsTheFuturesExceptionUnchanged() {
      EventLoop loop = virtualLoop();
      Future<Integer> f = loop.createFuture();
      IllegalStateException boom = new IllegalStateException("boom");
      loop.callSoon(() -> f.setException(boom));

      assertThatThrownBy(() -> loop.runUntilComplete(f)).isSameAs(boom);
    }

    @Test
    void cancelledFuture_throwsCancelledError() {
      EventLoop loop = virtualLoop();
      Future<Integer> f = loop.createFuture();
      loop.callSoon(() -> f.cancel("no more"));

      assertThatThrownBy(() -> loop.runUntilComplete(f))
          .isInstanceOf(CancelledError.class)
          .hasMessageContaining("no more");
    }

    @Test
    void loopStoppedBeforeTheFutureIsDone_throws() {
      EventLoop loop = virtualLoop();
      Future<Integer> f = loop.createFuture();
      loop.callSoon(loop::stop);

      assertThatThrownBy(() -> loop.runUntilComplete(f))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Event loop stopped before Future completed");
      assertThat(f.isDone()).isFalse();
    }

    @OnBothCarriers
    void nestedInACallback_throwsAlreadyRunning_andCreatesNoTask(CarrierChoice carrier) {
      // LOOP-11
      EventLoop loop = virtualLoop(carrier);
      AtomicReference<Throwable> withBody = new AtomicReference<>();
      AtomicReference<Throwable> withFuture = new AtomicReference<>();
      AtomicInteger tasksAfter = new AtomicInteger(-1);
      loop.callSoon(() -> {
        try {
          loop.runUntilComplete(() -> "never");
        } catch (RuntimeException e) {
          withBody.set(e);
        }
        try {
          loop.runUntilComplete(loop.createFuture());
        } catch (RuntimeException e) {
          withFuture.set(e);
        }
        tasksAfter.set(loop.allTasks().size());
        loop.stop();
      });

      loop.runForever();

      assertThat(withBody.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("already running");
      assertThat(withFuture.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("already running");
      assertThat(tasksAfter.get()).isZero();
    }

    @OnBothCarriers
    void nestedInATask_throwsAlreadyRunning(CarrierChoice carrier) {
      EventLoop loop = virtualLoop(carrier);

      Throwable thrown = loop.runUntilComplete(() -> {
        try {
          loop.runUntilComplete(() -> "never");
          return null;
        } catch (IllegalStateException e) {
          return e;
        }
      });

      assertThat(thrown).isInstanceOf(IllegalStateException.class).hasMessageContaining("already running");
    }

    @OnBothCarriers
    void anotherLoopInsideARunningLoop_throws(CarrierChoice carrier) {
      EventLoop outer = virtualLoop(carrier);
      EventLoop inner = virtualLoop(carrier);
      AtomicReference<Throwable> runUntil = new AtomicReference<>();
      AtomicReference<Throwable> runForever = new AtomicReference<>();
      outer.callSoon(() -> {
        try {
          inner.runUntilComplete(inner.createFuture());
        } catch (RuntimeException e) {
          runUntil.set(e);
        }
        try {
          inner.runForever();
        } catch (RuntimeException e) {
          runForever.set(e);
        }
        outer.stop();
      });

      outer.runForever();

      assertThat(runUntil.get()).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("another loop is running");
      assertThat(runForever.get()).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("another loop is running");
      assertThat(inner.isRunning()).isFalse();
    }

    @Test
    void futureOfAnotherLoop_throwsIllegalArgument() {
      EventLoop loop = virtualLoop();
      EventLoop other = virtualLoop();
      Future<Integer> foreign = other.createFuture();

      assertThatThrownBy(() -> loop.runUntilComplete(foreign))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("different loop");
      assertThat(loop.isRunning()).isFalse();
      assertThat(loop.readyCount()).isZero();
    }

    @Test
    void nullFuture_throwsNullPointer() {
      EventLoop loop = virtualLoop();

      assertThatThrownBy(() -> loop.runUntilComplete((Future<Object>) null))
          .isInstanceOf(NullPointerException.class)
          .hasMessageContaining("future");
    }
  }

  // ------------------------------------------------------------------------------------------------------------

  @Nested
  class EscapingErrors {

    @OnBothCarriers
    void keyboardInterruptFromATask_escapesRunUntilComplete_andLeavesNoStrayStop(CarrierChoice carrier) {
      // LOOP-13, after test_base_events.py::test_run_until_complete_baseexception
      EventLoop loop = virtualLoop(carrier);
      List<ExceptionContext> reported = new ArrayList<>();
      loop.setExceptionHandler((l, c) -> reported.add(c));
      KeyboardInterrupt interrupt = new KeyboardInterrupt("^C");
      Task<Object> task = loop.createTask(() -> {
        throw interrupt;
      });

      assertThatThrownBy(() -> loop.runUntilComplete(task)).isSameAs(interrupt);
      assertThat(task.isDone()).isTrue();
      assertThat(task.exceptionUnretrieved).as("the interrupt was thrown, so it counts as retrieved").isFalse();
      assertThat(task.ref.unretrieved).as("so it is never reported as never retrieved").isNull();

      AtomicBoolean called = new AtomicBoolean();
      loop.callSoon(() -> loop.callSoon(() -> {
        called.set(true);
        loop.stop();
      }));
      loop.runForever();

      assertThat(called).isTrue();
      assertThat(reported).isEmpty();
      assertThat(loop.runUntilComplete(() -> "usable")).isEqualTo("usable");
    }

    @OnBothCarriers
    void keyboardInterruptFromACallback_beforeTheFutureIsDone_leavesNoDoneCallbackBehind(CarrierChoice carrier) {
      EventLoop loop = virtualLoop(carrier);
      Future<Integer> f = loop.createFuture();
      KeyboardInterrupt interrupt = new KeyboardInterrupt();
      loop.callSoon(() -> {
        throw interrupt;
      });

      assertThatThrownBy(() -> loop.runUntilComplete(f)).isSameAs(interrupt);

      // Had run_until_complete's done callback stayed on f, completing f would stop the loop before "three" runs.
      loop.callSoon(() -> f.setResult(1));
      loop.callSoon(() -> loop.callSoon(() -> loop.callSoon(() -> {
        log.add("three");
        loop.stop();
      })));
      loop.runForever();

      assertThat(log).containsExactly("three");
    }

    @OnBothCarriers
    void systemExitFromACallback_escapesRunForever_andTheRestOfTheBatchRunsNextTime(CarrierChoice carrier) {
      EventLoop loop = virtualLoop(carrier);
      List<ExceptionContext> reported = new ArrayList<>();
      loop.setExceptionHandler((l, c) -> reported.add(c));
      loop.callSoon(record("before"));
      loop.callSoon(() -> {
        throw new SystemExit(3);
      });
      loop.callSoon(record("after"));

      assertThatThrownBy(loop::runForever)
          .isInstanceOfSatisfying(SystemExit.class, e -> assertThat(e.status()).isEqualTo(3));
      assertThat(log).containsExactly("before");
      assertThat(loop.isRunning()).isFalse();

      loop.stop();
      loop.runForever();
      assertThat(log).containsExactly("before", "after");
      assertThat(reported).isEmpty();
    }

    @Test
    void virtualMachineErrorFromACallback_escapesRunForever() {
      EventLoop loop = virtualLoop();
      StackOverflowError error = new StackOverflowError("deep");
      loop.callSoon(() -> {
        throw error;
      });

      assertThatThrownBy(loop::runForever).isSameAs(error);
      assertThat(loop.isRunning()).isFalse();
    }

    @Test
    void keyboardInterruptFromATimer_escapes_andLaterTimersStillRun() {
      EventLoop loop = virtualLoop();
      loop.callLater(1.0, () -> {
        throw new KeyboardInterrupt();
      });
      loop.callLater(2.0, () -> {
        log.add("at " + loop.time());
        loop.stop();
      });

      assertThatThrownBy(loop::runForever).isInstanceOf(KeyboardInterrupt.class);
      loop.runForever();

      assertThat(log).containsExactly("at 2.0");
    }
  }

  // ------------------------------------------------------------------------------------------------------------

  @Nested
  class Io {

    @OnBothCarriers
    void readySource_runsItsHandlerAsACallback_withTheReadyOpsItIsInterestedIn(CarrierChoice carrier)
        throws IOException {
      EventLoop loop = virtualLoop(carrier);
      VirtualPoller poller = (VirtualPoller) loop.poller();
      VirtualPoller.Source source = poller.newSource("s");
      List<Integer> ops = new ArrayList<>();
      Poller.Registration[] reg = new Poller.Registration[1];
      reg[0] = poller.register(source, Poller.READ, o -> {
        ops.add(o);
        reg[0].interestOps(0);
        loop.stop();
      });
      source.setReady(Poller.READ | Poller.WRITE);

      loop.runForever();

      assertThat(ops).containsExactly(Poller.READ);
    }

    @Test
    void sourceThatStaysReady_runsItsHandlerOncePerIteration() throws IOException {
      EventLoop loop = virtualLoop();
      VirtualPoller poller = (VirtualPoller) loop.poller();
      VirtualPoller.Source source = poller.newSource("s");
      IterationCounter it = IterationCounter.start(loop, 3);
      poller.register(source, Poller.READ, o -> log.add("io@" + it.iteration));
      source.setReady(Poller.READ);

      loop.runForever();

      assertThat(log).containsExactly("io@1", "io@2", "io@3");
    }

    @Test
    void ioHandlers_queueBehindCallbacksAlreadyReady_andAheadOfDueTimers() throws IOException {
      EventLoop loop = virtualLoop();
      VirtualPoller poller = (VirtualPoller) loop.poller();
      VirtualPoller.Source source = poller.newSource("s");
      Poller.Registration[] reg = new Poller.Registration[1];
      reg[0] = poller.register(source, Poller.READ, o -> {
        log.add("io");
        reg[0].interestOps(0);
      });
      loop.callSoon(() -> {
        loop.callAt(loop.time() - 1, record("timer"));
        source.setReady(Poller.READ);
        loop.callSoon(record("soon"));
        loop.callSoon(() -> loop.callSoon(loop::stop));
      });

      loop.runForever();

      assertThat(log).containsExactly("soon", "io", "timer");
    }

    @OnBothCarriers
    @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void sourceReadiedByAnotherThread_wakesAnIdleLoop(CarrierChoice carrier) throws IOException {
      EventLoop loop = virtualLoop(carrier);
      VirtualPoller poller = (VirtualPoller) loop.poller();
      VirtualPoller.Source source = poller.newSource("remote");
      poller.register(source, Poller.READ, o -> {
        log.add("ready@" + loop.time());
        loop.stop();
      });
      loop.callSoon(() -> Thread.ofPlatform().start(() -> source.setReady(Poller.READ)));

      loop.runForever();

      assertThat(log).containsExactly("ready@0.0");
    }

    @Test
    void failingIoHandler_isReportedAsAnExceptionInACallback() throws IOException {
      EventLoop loop = virtualLoop();
      List<ExceptionContext> reported = new ArrayList<>();
      loop.setExceptionHandler((l, c) -> reported.add(c));
      VirtualPoller poller = (VirtualPoller) loop.poller();
      VirtualPoller.Source source = poller.newSource("s");
      RuntimeException boom = new RuntimeException("io boom");
      poller.register(source, Poller.READ, o -> {
        source.setReady(0);
        throw boom;
      });
      source.setReady(Poller.READ);
      loop.callSoon(() -> loop.callSoon(loop::stop));

      loop.runForever();

      assertThat(reported).singleElement().satisfies(c -> {
        assertThat(c.message()).startsWith("Exception in callback");
        assertThat(c.exception()).isSameAs(boom);
      });
    }
  }

  // ------------------------------------------------------------------------------------------------------------

  @Nested
  class Threads {

    @OnBothCarriers
    void callSoonThreadsafe_onTheLoopThread_keepsFifoWithCallSoon(CarrierChoice carrier) {
      // LOOP-01, test_call_soon_threadsafe_same_thread
      EventLoop loop = virtualLoop(carrier);
      loop.callSoon(() -> {
        loop.callSoonThreadsafe(record("hello"));
        loop.callSoon(record("world"));
        loop.callSoonThreadsafe(record("!"));
        loop.callSoon(() -> loop.callSoon(loop::stop));
      });

      loop.runForever();

      assertThat(log).containsExactly("hello", "world", "!");
    }

    @OnBothCarriers
    void callSoonThreadsafe_fromATask_keepsFifoWithCallSoon(CarrierChoice carrier) {
      EventLoop loop = virtualLoop(carrier);

      loop.runUntilComplete(() -> {
        loop.callSoonThreadsafe(record("hello"));
        loop.callSoon(record("world"));
        Weft.sleep(Duration.ZERO);
        Weft.sleep(Duration.ZERO);
        return null;
      });

      assertThat(log).containsExactly("hello", "world");
    }

    @OnBothCarriers
    @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void callSoonThreadsafe_fromAnotherThread_wakesAProductionLoopWaitingWithNoTimers(CarrierChoice carrier)
        throws Exception {
      EventLoop loop = productionLoop(carrier);
      CountDownLatch loopStarted = new CountDownLatch(1);
      AtomicReference<Thread> ranOn = new AtomicReference<>();
      Thread other = Thread.ofPlatform().start(() -> {
        try {
          loopStarted.await();
          Thread.sleep(50); // most likely blocked in the selector by now; the test passes either way
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        loop.callSoonThreadsafe(() -> {
          ranOn.set(Thread.currentThread());
          loop.stop();
        });
      });
      loop.callSoon(loopStarted::countDown);

      loop.runForever();
      other.join();

      assertThat(ranOn.get()).isNotNull().isNotSameAs(other);
    }

    @OnBothCarriers
    @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void callSoonThreadsafe_fromAnotherThread_wakesAnIdleVirtualLoop_withoutMovingItsClock(CarrierChoice carrier)
        throws Exception {
      EventLoop loop = virtualLoop(carrier);
      Future<String> f = loop.createFuture();
      loop.callSoon(() -> Thread.ofPlatform().start(() -> loop.callSoonThreadsafe(() -> f.setResult("from thread"))));

      assertThat(loop.runUntilComplete(f)).isEqualTo("from thread");
      assertThat(loop.time()).isEqualTo(0.0);
    }

    @Test
    @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void callSoonThreadsafe_manyFromOneThread_runInSubmissionOrder() throws Exception {
      EventLoop loop = productionLoop(CarrierChoice.AUTO);
      List<Integer> seen = new ArrayList<>();
      int n = 2000;
      loop.callSoon(() -> Thread.ofPlatform().start(() -> {
        for (int i = 0; i < n; i++) {
          int v = i;
          loop.callSoonThreadsafe(() -> seen.add(v));
        }
        loop.callSoonThreadsafe(loop::stop);
      }));

      loop.runForever();

      assertThat(seen).hasSize(n);
      for (int i = 0; i < n; i++) {
        assertThat(seen.get(i)).isEqualTo(i);
      }
    }

    @Test
    void callSoonThreadsafe_beforeTheLoopRuns_runsInTheFirstIteration() throws Exception {
      EventLoop loop = virtualLoop();
      Thread t = Thread.ofPlatform().start(() -> loop.callSoonThreadsafe(record("from thread")));
      t.join();

      loop.stop();
      loop.runForever();

      assertThat(log).containsExactly("from thread");
    }

    @Test
    @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void callSoonThreadsafe_fromManyThreads_runsEveryCallbackOnce() throws Exception {
      EventLoop loop = productionLoop(CarrierChoice.AUTO);
      int threads = 4;
      int each = 250;
      AtomicInteger count = new AtomicInteger();
      List<Thread> senders = new CopyOnWriteArrayList<>();
      loop.callSoon(() -> {
        for (int t = 0; t < threads; t++) {
          senders.add(Thread.ofPlatform().start(() -> {
            for (int i = 0; i < each; i++) {
              loop.callSoonThreadsafe(() -> {
                if (count.incrementAndGet() == threads * each) {
                  loop.stop();
                }
              });
            }
          }));
        }
      });

      loop.runForever();
      for (Thread t : senders) {
        t.join();
      }

      assertThat(count.get()).isEqualTo(threads * each);
    }
  }

  // ------------------------------------------------------------------------------------------------------------

  @Nested
  class Time {

    @Test
    @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void productionLoop_sleepsInThePollerUntilItsNextTimer() {
      CountingPoller poller = new CountingPoller(new io.weft.spi.NioPoller());
      EventLoop loop = track(EventLoop.builder().poller(poller).debug(false).build());
      long[] scheduledAt = new long[1];
      long[] firedAt = new long[1];
      loop.callSoon(() -> {
        scheduledAt[0] = loop.clock().nanoTime();
        poller.polls.set(0);
        loop.callLater(0.05, () -> {
          firedAt[0] = loop.clock().nanoTime();
          loop.stop();
        });
      });

      loop.runForever();

      assertThat(firedAt[0] - scheduledAt[0]).isGreaterThanOrEqualTo(50_000_000L);
      // Not a busy spin: a handful of polls at most for one 50 ms wait (a spinning loop makes thousands).
      assertThat(poller.polls.get()).isLessThan(10);
    }

    @Test
    @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void productionLoop_chainedTimers_neverFireEarly() {
      // LOOP-07, after test_timeout_rounding: successive short timers add up to at least their sum.
      EventLoop loop = productionLoop(CarrierChoice.AUTO);
      double start = loop.time();
      List<Double> firings = new ArrayList<>();
      Runnable[] step = new Runnable[1];
      step[0] = () -> {
        firings.add(loop.time());
        if (firings.size() == 4) {
          loop.stop();
        } else {
          loop.callLater(0.02, step[0]);
        }
      };
      loop.callLater(0.02, step[0]);

      loop.runForever();

      assertThat(firings).hasSize(4);
      assertThat(firings.get(3) - start).isGreaterThanOrEqualTo(0.08 - 1e-9);
      for (int i = 1; i < 4; i++) {
        assertThat(firings.get(i) - firings.get(i - 1)).isGreaterThanOrEqualTo(0.02 - 1e-9);
      }
    }

    @Test
    void time_onTheProductionLoop_isMonotonic() {
      EventLoop loop = productionLoop(CarrierChoice.AUTO);
      double previous = loop.time();
      for (int i = 0; i < 10_000; i++) {
        double now = loop.time();
        assertThat(now).isGreaterThanOrEqualTo(previous);
        previous = now;
      }
      assertThat(previous).isGreaterThanOrEqualTo(0.0);
    }

    @Test
    void time_countsFromLoopCreation_onTheLoopsClock() {
      VirtualClock vc = new VirtualClock(7_000_000_000L, false);
      EventLoop loop = track(EventLoop.builder().clock(vc).poller(new VirtualPoller(vc)).debug(false).build());

      assertThat(loop.time()).isEqualTo(0.0);
      vc.advance(Duration.ofMillis(1500));
      assertThat(loop.time()).isEqualTo(1.5);
      assertThat(loop.clock()).isSameAs(vc);
    }

    @Test
    void callAt_usesTheSameScaleAsTime() {
      EventLoop loop = virtualLoop();
      loop.callLater(0.5, () -> loop.callAt(loop.time() + 0.25, () -> {
        log.add("at " + loop.time());
        loop.stop();
      }));

      loop.runForever();

      assertThat(log).containsExactly("at 0.75");
    }
  }
}
