package io.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.EventLoop.CarrierChoice;
import io.weft.spi.VirtualClock;
import io.weft.spi.VirtualPoller;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The exception handler, debug mode and its diagnostics: section EXC of {@code shared/spec/asyncio-semantics.md}.
 *
 * <p>The default handler logs through {@code System.Logger}, which maps to {@code java.util.logging}; these tests
 * capture the {@code io.weft} JUL logger's records (see {@link JulCapture}) and restore it afterwards.
 */
class ExceptionHandlerTests {

  /** Runs a test once on each coroutine carrier. */
  @Target(ElementType.METHOD)
  @Retention(RetentionPolicy.RUNTIME)
  @ParameterizedTest(name = "{0}")
  @EnumSource(value = CarrierChoice.class, names = {"LOOP_SCHEDULED", "BATON"})
  @interface OnBothCarriers {}

  /**
   * Captures what one {@code java.util.logging} logger receives, and keeps it off the console.
   *
   * <p>Test sources are compiled into the {@code io.weft.core} module, which does not read {@code java.logging}, so
   * this reaches JUL by reflection (the tests run on the class path): it installs a {@code java.util.logging.Filter}
   * proxy that records each record and rejects it, and puts the previous filter back on {@link #close()}.
   */
  static final class JulCapture implements AutoCloseable {
    /** One record: the level's (unlocalized) name, the message, the thrown error. */
    record Logged(String level, String message, Throwable thrown) {}

    final List<Logged> records = new CopyOnWriteArrayList<>();
    // Held strongly: JUL keeps loggers weakly, and a collected logger would lose the filter.
    private final Object logger;
    private final Object previousFilter;
    private final Method setFilter;

    JulCapture(String loggerName) throws ReflectiveOperationException {
      Class<?> loggerClass = Class.forName("java.util.logging.Logger");
      Class<?> filterClass = Class.forName("java.util.logging.Filter");
      Class<?> recordClass = Class.forName("java.util.logging.LogRecord");
      Method getLevel = recordClass.getMethod("getLevel");
      Method getMessage = recordClass.getMethod("getMessage");
      Method getThrown = recordClass.getMethod("getThrown");
      Method levelName = Class.forName("java.util.logging.Level").getMethod("getName");
      logger = loggerClass.getMethod("getLogger", String.class).invoke(null, loggerName);
      previousFilter = loggerClass.getMethod("getFilter").invoke(logger);
      setFilter = loggerClass.getMethod("setFilter", filterClass);
      Object filter = Proxy.newProxyInstance(ExceptionHandlerTests.class.getClassLoader(),
          new Class<?>[] {filterClass}, (proxy, method, args) -> switch (method.getName()) {
            case "isLoggable" -> {
              Object r = args[0];
              records.add(new Logged((String) levelName.invoke(getLevel.invoke(r)), (String) getMessage.invoke(r),
                  (Throwable) getThrown.invoke(r)));
              yield false;
            }
            case "equals" -> proxy == args[0];
            case "hashCode" -> System.identityHashCode(proxy);
            default -> "JulCapture";
          });
      setFilter.invoke(logger, filter);
    }

    List<Logged> at(String level) {
      return records.stream().filter(r -> r.level().equals(level)).toList();
    }

    @Override
    public void close() throws ReflectiveOperationException {
      setFilter.invoke(logger, previousFilter);
    }
  }

  private JulCapture capture;
  private final List<EventLoop> loops = new ArrayList<>();
  private final List<ExceptionContext> reported = new CopyOnWriteArrayList<>();
  private final List<String> warnings = new CopyOnWriteArrayList<>();
  private final List<String> log = new CopyOnWriteArrayList<>();

  @BeforeEach
  void captureLogging() throws ReflectiveOperationException {
    capture = new JulCapture("io.weft");
  }

  @AfterEach
  void closeLoopsAndRestoreLogging() throws ReflectiveOperationException {
    try {
      for (EventLoop loop : loops) {
        if (!loop.isRunning()) {
          loop.close();
        }
      }
    } finally {
      capture.close();
    }
  }

  EventLoop loop(CarrierChoice carrier, boolean debug) {
    VirtualClock clock = new VirtualClock();
    EventLoop loop = EventLoop.builder().clock(clock).poller(new VirtualPoller(clock)).carrier(carrier).debug(debug)
        .build();
    loops.add(loop);
    return loop;
  }

  EventLoop loop() {
    return loop(CarrierChoice.AUTO, false);
  }

  EventLoop debugLoop() {
    return loop(CarrierChoice.AUTO, true);
  }

  static Throwable thrownOnAnotherThread(Runnable action) {
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread t = Thread.ofPlatform().start(() -> {
      try {
        action.run();
      } catch (Throwable e) {
        thrown.set(e);
      }
    });
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    return thrown.get();
  }

  static boolean hasFrameOf(StackTraceElement[] frames, String methodName) {
    return Arrays.stream(frames).anyMatch(f -> f.getMethodName().contains(methodName));
  }

  /** An extras value whose {@code toString} fails, which makes {@link ExceptionContext#format()} fail. */
  static final class Unprintable {
    final RuntimeException failure = new IllegalStateException("cannot print me");

    @Override
    public String toString() {
      throw failure;
    }
  }

  // ------------------------------------------------------------------------------------------------------------

  @Nested
  class CustomHandler {

    @OnBothCarriers
    void failingCallback_goesToTheHandler_withMessageExceptionAndHandle_andTheLoopGoesOn(CarrierChoice carrier) {
      // EXC-01
      EventLoop loop = loop(carrier, false);
      AtomicReference<EventLoop> handlerLoop = new AtomicReference<>();
      loop.setExceptionHandler((l, c) -> {
        handlerLoop.set(l);
        reported.add(c);
      });
      RuntimeException boom = new IllegalArgumentException("boom");
      Handle failing = loop.callSoon(() -> {
        throw boom;
      });
      loop.callSoon(() -> log.add("same batch"));
      loop.callSoon(() -> loop.callSoon(() -> {
        log.add("next iteration");
        loop.stop();
      }));

      loop.runForever();

      assertThat(reported).singleElement().satisfies(c -> {
        assertThat(c.message()).startsWith("Exception in callback");
        assertThat(c.message()).contains(failing.toString());
        assertThat(c.exception()).isSameAs(boom);
        assertThat(c.handle()).isSameAs(failing);
        assertThat(c.future()).isNull();
        assertThat(c.task()).isNull();
        assertThat(c.extras()).doesNotContainKey("source_traceback");
      });
      assertThat(handlerLoop.get()).isSameAs(loop);
      assertThat(log).containsExactly("same batch", "next iteration");
      assertThat(capture.records).isEmpty();
    }

    @Test
    void failingTimer_goesToTheHandler_withItsTimerHandle() {
      EventLoop loop = loop();
      loop.setExceptionHandler((l, c) -> reported.add(c));
      RuntimeException boom = new UnsupportedOperationException("late boom");
      TimerHandle failing = loop.callLater(1.0, () -> {
        throw boom;
      });
      loop.callLater(2.0, () -> {
        log.add("later timer at " + loop.time());
        loop.stop();
      });

      loop.runForever();

      assertThat(reported).singleElement().satisfies(c -> {
        assertThat(c.message()).startsWith("Exception in callback <TimerHandle");
        assertThat(c.exception()).isSameAs(boom);
        assertThat(c.handle()).isSameAs(failing);
      });
      assertThat(log).containsExactly("later timer at 2.0");
    }

    @Test
    void callbackThrowingAnError_isReportedToo_unlessItEscapes() {
      EventLoop loop = loop();
      loop.setExceptionHandler((l, c) -> reported.add(c));
      AssertionError failed = new AssertionError("an Error that is not a base error");
      loop.callSoon(() -> {
        throw failed;
      });
      loop.callSoon(loop::stop);

      loop.runForever();

      assertThat(reported).singleElement().satisfies(c -> assertThat(c.exception()).isSameAs(failed));
    }

    @Test
    void getExceptionHandler_returnsTheHandlerSet_andNullRestoresTheDefault() {
      EventLoop loop = loop();
      ExceptionHandler handler = (l, c) -> reported.add(c);
      assertThat(loop.getExceptionHandler()).isNull();

      loop.setExceptionHandler(handler);
      assertThat(loop.getExceptionHandler()).isSameAs(handler);

      loop.setExceptionHandler(null);
      assertThat(loop.getExceptionHandler()).isNull();
      loop.callSoon(() -> {
        throw new IllegalStateException("to the default handler");
      });
      loop.callSoon(loop::stop);
      loop.runForever();

      assertThat(reported).isEmpty();
      assertThat(capture.at("SEVERE")).singleElement().satisfies(r -> {
        assertThat(r.message()).startsWith("Exception in callback");
        assertThat(r.message()).contains("to the default handler");
      });
    }

    @Test
    void callExceptionHandler_passesTheContextUnchanged() {
      EventLoop loop = loop();
      loop.setExceptionHandler((l, c) -> reported.add(c));
      ExceptionContext context = ExceptionContext.of("something odd", new RuntimeException("odd"))
          .with("detail", 42);

      loop.callExceptionHandler(context);

      assertThat(reported).singleElement().isSameAs(context);
    }

    @OnBothCarriers
    void handlerThatThrows_isReportedThroughTheDefaultHandler_andTheLoopSurvives(CarrierChoice carrier) {
      // EXC-02
      EventLoop loop = loop(carrier, false);
      RuntimeException broken = new IllegalStateException("the handler is broken");
      loop.setExceptionHandler((l, c) -> {
        throw broken;
      });
      loop.callSoon(() -> {
        throw new RuntimeException("original failure");
      });
      loop.callSoon(() -> loop.callSoon(() -> {
        log.add("survived");
        loop.stop();
      }));

      loop.runForever();

      assertThat(log).containsExactly("survived");
      assertThat(capture.at("SEVERE")).singleElement().satisfies(r -> {
        assertThat(r.message()).startsWith("Unhandled error in exception handler");
        assertThat(r.message()).contains("the handler is broken");
        // The original context travels along as context['context'].
        assertThat(r.message()).contains("context: ").contains("Exception in callback")
            .contains("original failure");
      });
    }

    @Test
    void handlerThrowingKeyboardInterrupt_escapesTheLoop() {
      EventLoop loop = loop();
      KeyboardInterrupt interrupt = new KeyboardInterrupt();
      loop.setExceptionHandler((l, c) -> {
        throw interrupt;
      });
      loop.callSoon(() -> {
        throw new RuntimeException("failure");
      });

      assertThatThrownBy(loop::runForever).isSameAs(interrupt);
      assertThat(loop.isRunning()).isFalse();
      assertThat(capture.records).isEmpty();
    }
  }

  // ------------------------------------------------------------------------------------------------------------

  @Nested
  class PendingTasks {

    @OnBothCarriers
    void close_reportsEachTaskStillPending_once(CarrierChoice carrier) {
      EventLoop loop = loop(carrier, false);
      loop.setExceptionHandler((l, c) -> reported.add(c));
      Future<Void> never = loop.createFuture();
      Task<Void> stuck = loop.createTask(() -> {
        never.await();
      });
      Task<Integer> finished = loop.createTask(() -> 1);
      loop.stop();
      loop.runForever(); // one iteration: both tasks take their first step

      loop.close();
      loop.close();

      assertThat(finished.isDone()).isTrue();
      assertThat(reported).singleElement().satisfies(c -> {
        assertThat(c.message()).isEqualTo("Task was destroyed but it is pending!");
        assertThat(c.task()).isSameAs(stuck);
      });
    }
  }

  // ------------------------------------------------------------------------------------------------------------

  @Nested
  class DefaultHandler {

    @Test
    void defaultHandler_logsTheFormattedContextAtError() {
      EventLoop loop = loop();
      RuntimeException cause = new RuntimeException("the cause");
      ExceptionContext context = ExceptionContext.of("Something failed", cause).with("peer", "10.0.0.1");

      loop.callExceptionHandler(context);

      assertThat(capture.at("SEVERE")).singleElement().satisfies(r -> {
        assertThat(r.message()).isEqualTo(context.format());
        assertThat(r.message()).startsWith("Something failed").contains("peer: 10.0.0.1").contains("the cause");
      });
    }

    @Test
    void defaultHandlerThatFails_isLoggedAsExceptionInDefaultExceptionHandler() {
      EventLoop loop = loop();
      Unprintable bad = new Unprintable();

      loop.callExceptionHandler(new ExceptionContext("x", null, null, null, null, Map.of("bad", bad)));

      assertThat(capture.at("SEVERE")).singleElement().satisfies(r -> {
        assertThat(r.message()).isEqualTo("Exception in default exception handler");
        assertThat(r.thrown()).isSameAs(bad.failure);
      });
    }

    @Test
    void defaultHandlerFailing_whileReportingABrokenCustomHandler_isLoggedAndSwallowed() {
      EventLoop loop = loop();
      loop.setExceptionHandler((l, c) -> {
        throw new IllegalStateException("broken handler");
      });
      Unprintable bad = new Unprintable();

      loop.callExceptionHandler(new ExceptionContext("x", null, null, null, null, Map.of("bad", bad)));

      assertThat(capture.at("SEVERE")).singleElement().satisfies(r -> {
        assertThat(r.message()).isEqualTo("Exception in default exception handler while handling an unexpected"
            + " error in custom exception handler");
        assertThat(r.thrown()).isSameAs(bad.failure);
      });
    }
  }

  // ------------------------------------------------------------------------------------------------------------

  @Nested
  class DebugMode {

    @Test
    void debugMode_isSetByTheBuilderAndBySetDebug() {
      EventLoop loop = loop();
      assertThat(loop.isDebug()).isFalse();
      loop.setDebug(true);
      assertThat(loop.isDebug()).isTrue();
      assertThat(debugLoop().isDebug()).isTrue();
    }

    @Test
    void slowCallbackDuration_defaultsTo100ms_andRejectsNegativeValuesNamingThem() {
      EventLoop loop = debugLoop();
      assertThat(loop.slowCallbackDuration()).isEqualTo(Duration.ofMillis(100));

      loop.setSlowCallbackDuration(Duration.ofMillis(5));
      assertThat(loop.slowCallbackDuration()).isEqualTo(Duration.ofMillis(5));

      assertThatThrownBy(() -> loop.setSlowCallbackDuration(Duration.ofMillis(-3)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("PT-0.003S");
      assertThatThrownBy(() -> loop.setSlowCallbackDuration(null)).isInstanceOf(NullPointerException.class);
      assertThat(loop.slowCallbackDuration()).isEqualTo(Duration.ofMillis(5));
    }

    @OnBothCarriers
    void slowCallback_warnsExecutingHandleTookNSeconds(CarrierChoice carrier) {
      // EXC-04
      EventLoop loop = loop(carrier, true);
      loop.setSlowCallbackDuration(Duration.ofMillis(10));
      loop.setWarningHandler(warnings::add);
      loop.callSoon(() -> {
        try {
          Thread.sleep(30);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      loop.callSoon(loop::stop);

      loop.runForever();

      assertThat(warnings).anySatisfy(w -> assertThat(w).matches("(?s)Executing <Handle .*> took \\d+\\.\\d{3} seconds"));
      assertThat(capture.records).isEmpty();
    }

    @Test
    void callbacksFasterThanTheThreshold_doNotWarn() {
      EventLoop loop = debugLoop();
      loop.setSlowCallbackDuration(Duration.ofHours(1));
      loop.setWarningHandler(warnings::add);
      loop.callSoon(() -> log.add("quick"));
      loop.callSoon(loop::stop);

      loop.runForever();

      assertThat(log).containsExactly("quick");
      assertThat(warnings).isEmpty();
    }

    @Test
    void withoutDebugMode_slowCallbacksDoNotWarn() {
      EventLoop loop = loop();
      loop.setSlowCallbackDuration(Duration.ZERO);
      loop.setWarningHandler(warnings::add);
      loop.callSoon(() -> log.add("any"));
      loop.callSoon(loop::stop);

      loop.runForever();

      assertThat(log).containsExactly("any");
      assertThat(warnings).isEmpty();
    }

    @Test
    void warningHandlerNull_restoresTheDefault_whichLogsAtWarning() {
      EventLoop loop = debugLoop();
      loop.setSlowCallbackDuration(Duration.ZERO);
      loop.setWarningHandler(warnings::add);
      loop.setWarningHandler(null);
      loop.callSoon(loop::stop);

      loop.runForever();

      assertThat(warnings).isEmpty();
      assertThat(capture.at("WARNING")).isNotEmpty()
          .allSatisfy(r -> assertThat(r.message()).startsWith("Executing <Handle"));
    }

    @OnBothCarriers
    void slowTaskStep_warningShowsWhereTheTaskIsNow(CarrierChoice carrier, TestInfo info) {
      EventLoop loop = loop(carrier, true);
      loop.setSlowCallbackDuration(Duration.ZERO); // every step counts as slow
      loop.setWarningHandler(warnings::add);
      Future<String> gate = loop.createFuture();
      loop.callLater(1.0, () -> gate.setResult("open"));

      String result = loop.runUntilComplete(() -> gate.await());

      assertThat(result).isEqualTo("open");
      String method = info.getTestMethod().orElseThrow().getName();
      assertThat(warnings).anySatisfy(w -> {
        assertThat(w).startsWith("Executing <Handle step of <Task");
        assertThat(w).contains(" is now at:");
        assertThat(w).contains(method);
      });
    }

    @Test
    void debugMode_recordsWhereAFailingCallbackWasScheduled(TestInfo info) {
      EventLoop loop = debugLoop();
      loop.setExceptionHandler((l, c) -> reported.add(c));
      Handle failing = loop.callSoon(() -> {
        throw new RuntimeException("boom");
      });
      loop.callSoon(loop::stop);

      loop.runForever();

      String method = info.getTestMethod().orElseThrow().getName();
      assertThat(failing.sourceTraceback()).isNotNull();
      assertThat(hasFrameOf(failing.sourceTraceback(), method)).isTrue();
      assertThat(reported).singleElement().satisfies(c -> {
        assertThat(c.extras()).containsKey("source_traceback");
        assertThat(c.extras().get("source_traceback")).isInstanceOfSatisfying(StackTraceElement[].class,
            frames -> assertThat(hasFrameOf(frames, method)).isTrue());
        assertThat(c.format()).contains("source_traceback:").contains(method);
      });
    }

    @Test
    void debugMode_recordsWhereAFailingTimerWasScheduled(TestInfo info) {
      EventLoop loop = debugLoop();
      loop.setExceptionHandler((l, c) -> reported.add(c));
      loop.callLater(0.5, () -> {
        throw new RuntimeException("boom");
      });
      loop.callLater(1.0, loop::stop);

      loop.runForever();

      String method = info.getTestMethod().orElseThrow().getName();
      assertThat(reported).singleElement().satisfies(c ->
          assertThat(c.extras().get("source_traceback")).isInstanceOfSatisfying(StackTraceElement[].class,
              frames -> assertThat(hasFrameOf(frames, method)).isTrue()));
    }

    @Test
    void withoutDebugMode_noSourceTracebackIsRecorded() {
      EventLoop loop = loop();
      loop.setExceptionHandler((l, c) -> reported.add(c));
      Handle failing = loop.callSoon(() -> {
        throw new RuntimeException("boom");
      });
      loop.callSoon(loop::stop);

      loop.runForever();

      assertThat(failing.sourceTraceback()).isNull();
      assertThat(reported).singleElement().satisfies(c -> assertThat(c.extras()).isEmpty());
    }
  }

  // ------------------------------------------------------------------------------------------------------------

  @Nested
  class WrongThread {

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.weft.ExceptionHandlerTests#nonThreadSafeCalls")
    void debugMode_nonThreadSafeCallFromAnotherThreadWhileRunning_throws(Consumer<EventLoop> call) {
      EventLoop loop = debugLoop();
      AtomicReference<Throwable> thrown = new AtomicReference<>();
      loop.callSoon(() -> {
        thrown.set(thrownOnAnotherThread(() -> call.accept(loop)));
        loop.stop();
      });

      loop.runForever();

      assertThat(thrown.get())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Non-thread-safe operation");
      assertThat(loop.readyCount()).isZero();
      assertThat(loop.timerCount()).isZero();
    }

    @OnBothCarriers
    void debugMode_callSoonFromAnotherThread_throwsOnEitherCarrier(CarrierChoice carrier) {
      EventLoop loop = loop(carrier, true);
      AtomicReference<Throwable> thrown = new AtomicReference<>();
      loop.callSoon(() -> {
        thrown.set(thrownOnAnotherThread(() -> loop.callSoon(() -> log.add("never"))));
        loop.stop();
      });

      loop.runForever();

      assertThat(thrown.get())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Non-thread-safe operation")
          .hasMessageContaining("callSoonThreadsafe");
      assertThat(log).isEmpty();
    }

    @OnBothCarriers
    void debugMode_callsFromTheLoopsOwnTasks_areAllowed(CarrierChoice carrier) {
      EventLoop loop = loop(carrier, true);

      loop.runUntilComplete(() -> {
        loop.callSoon(() -> log.add("from task"));
        loop.callLater(0.1, () -> log.add("timer from task"));
        return loop.createTask(() -> "inner").await();
      });
      loop.runUntilComplete(() -> Weft.sleep(Duration.ofMillis(200), null));

      assertThat(log).containsExactly("from task", "timer from task");
    }

    @Test
    void debugMode_callSoonThreadsafeFromAnotherThread_isAllowed() {
      EventLoop loop = debugLoop();
      AtomicReference<Throwable> thrown = new AtomicReference<>();
      loop.callSoon(() -> thrown.set(thrownOnAnotherThread(() -> loop.callSoonThreadsafe(() -> {
        log.add("threadsafe");
        loop.stop();
      }))));

      loop.runForever();

      assertThat(thrown.get()).isNull();
      assertThat(log).containsExactly("threadsafe");
    }

    @Test
    void debugMode_doesNotCheckWhileTheLoopIsNotRunning() {
      EventLoop loop = debugLoop();

      Throwable thrown = thrownOnAnotherThread(() -> loop.callSoon(() -> log.add("scheduled before running")));
      loop.stop();
      loop.runForever();

      assertThat(thrown).isNull();
      assertThat(log).containsExactly("scheduled before running");
    }

    @Test
    void withoutDebugMode_theThreadIsNotChecked() {
      EventLoop loop = loop();
      AtomicReference<Throwable> thrown = new AtomicReference<>(new AssertionError("not run"));
      loop.callSoon(() -> {
        // The loop thread waits in join, so the unsafe call does not race with it.
        thrown.set(thrownOnAnotherThread(() -> loop.callSoon(() -> {
          log.add("scheduled from another thread");
          loop.stop();
        })));
      });

      loop.runForever();

      assertThat(thrown.get()).isNull();
      assertThat(log).containsExactly("scheduled from another thread");
    }
  }

  static Stream<Arguments> nonThreadSafeCalls() {
    return Stream.of(
        call("callSoon", l -> l.callSoon(() -> {})),
        call("callLater", l -> l.callLater(1.0, () -> {})),
        call("callAt", l -> l.callAt(1.0, () -> {})),
        call("createTask", l -> l.createTask(() -> 1)));
  }

  private static Arguments call(String name, Consumer<EventLoop> c) {
    return Arguments.of(Named.of(name, c));
  }

  // ------------------------------------------------------------------------------------------------------------

  @Nested
  class BlockedTask {

    @Test
    void debugMode_taskBlockedOutsideAwait_warns_andStillCompletes(TestInfo info) {
      EventLoop loop = loop(CarrierChoice.LOOP_SCHEDULED, true);
      List<Task.Phase> phaseAtWarning = new CopyOnWriteArrayList<>();
      AtomicReference<Task<?>> task = new AtomicReference<>();
      loop.setWarningHandler(w -> {
        warnings.add(w);
        if (w.contains("blocked outside await")) {
          phaseAtWarning.add(task.get().phase());
        }
      });

      String result = loop.runUntilComplete(() -> {
        task.set(Task.current());
        Thread.sleep(20);
        return "done";
      });

      assertThat(result).isEqualTo("done");
      String method = info.getTestMethod().orElseThrow().getName();
      assertThat(warnings).anySatisfy(w -> {
        assertThat(w).contains("blocked outside await");
        assertThat(w).contains(method);
      });
      assertThat(phaseAtWarning).containsExactly(Task.Phase.BLOCKED);
      assertThat(task.get().phase()).isEqualTo(Task.Phase.DONE);
    }

    @Test
    void withoutDebugMode_taskBlockedOutsideAwait_completesWithoutWarning() {
      EventLoop loop = loop(CarrierChoice.LOOP_SCHEDULED, false);
      loop.setWarningHandler(warnings::add);

      String result = loop.runUntilComplete(() -> {
        Thread.sleep(20);
        return "done";
      });

      assertThat(result).isEqualTo("done");
      assertThat(warnings).isEmpty();
    }
  }
}
