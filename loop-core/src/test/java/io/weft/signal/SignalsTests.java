package io.weft.signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.weft.ContextVar;
import io.weft.EventLoop;
import io.weft.ExceptionContext;
import io.weft.Future;
import io.weft.Weft;
import io.weft.sim.Schedule;
import io.weft.sim.SimResult;
import io.weft.sim.Simulation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * {@link Signals}: asyncio's {@code add_signal_handler}/{@code remove_signal_handler} (CPython's
 * {@code test_unix_events.py} signal tests and {@code test_events.py::test_add_signal_handler}), with real signals sent
 * to this JVM by {@code kill}. Only USR1 is sent for real: its default disposition would end the JVM, so every test
 * that sends it has a handler installed first.
 */
class SignalsTests {

  /** Sends {@code signal} to this JVM with the kill command, and waits for the command. Not on a loop thread. */
  static void kill(String signal) {
    try {
      Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(ProcessHandle.current().pid()))
          .redirectErrorStream(true).start();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("kill -" + signal + " did not finish");
      }
      assertThat(p.exitValue()).as("kill -%s exit status", signal).isZero();
    } catch (java.io.IOException | InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  /** Sends {@code signal} from a worker thread and waits for {@code delivered}; in a task. */
  static <T> T killAndAwait(String signal, Future<T> delivered) throws Exception {
    Weft.toThread(() -> {
      kill(signal);
      return null;
    });
    return delivered.await();
  }

  /** The process's current disposition of {@code name}, read by swapping it out and back. */
  static SignalHandler disposition(String name) {
    Signal sig = new Signal(name);
    SignalHandler current = Signal.handle(sig, SignalHandler.SIG_DFL);
    Signal.handle(sig, current);
    return current;
  }

  @Nested
  @Timeout(60)
  class RealSignals {

    @Test
    void realSignal_runsTheHandlerOnTheLoop_inTheContextCurrentWhenItWasAdded() {
      ContextVar<String> who = new ContextVar<>("who", "nobody");
      EventLoop loop = EventLoop.create();
      try {
        String seen = loop.runUntilComplete(() -> {
          Future<String> delivered = loop.createFuture();
          who.set("adder");
          Signals.addHandler(loop, "USR1", () -> delivered.setResult(who.get() + " on "
              + (EventLoop.running() == loop ? "the loop" : Thread.currentThread().getName())));
          who.set("changed after adding");
          return killAndAwait("USR1", delivered);
        });
        assertThat(seen).isEqualTo("adder on the loop");
      } finally {
        loop.close();
      }
    }

    @Test
    void eachSignalReceived_runsTheHandlerOnce() {
      EventLoop loop = EventLoop.create();
      try {
        List<Integer> runs = loop.runUntilComplete(() -> {
          List<Integer> counts = new ArrayList<>();
          Future<?>[] next = {loop.createFuture()};
          int[] n = {0};
          Signals.addHandler(loop, "SIGUSR1", () -> {
            counts.add(++n[0]);
            next[0].setResult(null);
          });
          for (int i = 0; i < 3; i++) {
            next[0] = loop.createFuture();
            killAndAwait("USR1", next[0]);
          }
          return counts;
        });
        assertThat(runs).containsExactly(1, 2, 3);
      } finally {
        loop.close();
      }
    }

    @Test
    void addingAgain_replacesTheHandler() {
      EventLoop loop = EventLoop.create();
      try {
        List<String> log = loop.runUntilComplete(() -> {
          List<String> got = new ArrayList<>();
          Future<Void> second = loop.createFuture();
          Signals.addHandler(loop, "USR1", () -> got.add("first"));
          Signals.addHandler(loop, "usr1", () -> {
            got.add("second");
            second.setResult(null);
          });
          killAndAwait("USR1", second);
          Weft.sleep(Duration.ofMillis(50)); // room for a wrong second delivery to show up
          return got;
        });
        assertThat(log).containsExactly("second");
      } finally {
        loop.close();
      }
    }

    @Test
    void remove_returnsWhetherThereWasOne_restoresTheDefault_andAHandlerCanBeAddedAgain() {
      EventLoop loop = EventLoop.create();
      try {
        String seen = loop.runUntilComplete(() -> {
          Signals.addHandler(loop, "USR1", () -> {});
          assertThat(disposition("USR1")).as("installed").isNotEqualTo(SignalHandler.SIG_DFL);
          assertThat(Signals.removeHandler(loop, "USR1")).isTrue();
          assertThat(Signals.removeHandler(loop, "USR1")).isFalse();
          assertThat(disposition("USR1")).as("the default again").isEqualTo(SignalHandler.SIG_DFL);
          Future<String> delivered = loop.createFuture();
          Signals.addHandler(loop, "USR1", () -> delivered.setResult("again"));
          return killAndAwait("USR1", delivered);
        });
        assertThat(seen).isEqualTo("again");
      } finally {
        loop.close();
      }
    }

    @Test
    void removingTheHandlerOfASignalThatHasNone_returnsFalse() {
      EventLoop loop = EventLoop.create();
      try {
        assertThat(Signals.removeHandler(loop, "WINCH")).isFalse();
        assertThat(Signals.removeHandler(loop, "KILL")).as("never handled, so never removed").isFalse();
      } finally {
        loop.close();
      }
    }

    @Test
    void aSignal_wakesALoopThatWaitsInItsPollerForADistantTimer() {
      EventLoop loop = EventLoop.create();
      try {
        List<String> log = new ArrayList<>();
        loop.callLater(Duration.ofSeconds(600), () -> log.add("timer"));
        Signals.addHandler(loop, "USR1", () -> {
          log.add("USR1");
          loop.stop();
        });
        loop.callSoon(() -> Thread.ofPlatform().daemon(true).start(() -> kill("USR1")));
        loop.runForever(); // asyncio's test_signal_handling_while_selecting
        assertThat(log).containsExactly("USR1");
      } finally {
        loop.close();
      }
    }

    @Test
    void removingAnIntHandler_givesSigintBackToTheJvm_asAsyncioRestoresDefaultIntHandler() {
      SignalHandler initial = disposition("INT");
      assumeTrue(initial != SignalHandler.SIG_IGN, "SIGINT is ignored in this JVM (nohup): the JVM keeps it so");
      String before = String.valueOf(initial);
      EventLoop loop = EventLoop.create();
      try {
        Signals.addHandler(loop, "INT", () -> {});
        assertThat(String.valueOf(disposition("INT"))).isEqualTo("Weft's handler for SIGINT");
        assertThat(Signals.removeHandler(loop, "INT")).isTrue();
        assertThat(String.valueOf(disposition("INT"))).isEqualTo(before);
      } finally {
        loop.close();
      }
    }

    @Test
    void closingTheLoop_removesItsHandlers_andRestoresTheDefault() {
      EventLoop loop = EventLoop.create();
      Signals.addHandler(loop, "USR1", () -> {});
      Signals.addHandler(loop, "WINCH", () -> {});
      assertThat(disposition("WINCH")).isNotEqualTo(SignalHandler.SIG_DFL);
      loop.close();
      assertThat(disposition("USR1")).isEqualTo(SignalHandler.SIG_DFL);
      assertThat(disposition("WINCH")).isEqualTo(SignalHandler.SIG_DFL);
      assertThat(Signals.removeHandler(loop, "USR1")).isFalse();
    }

    @Test
    void aClosedLoop_refusesAHandler() {
      EventLoop loop = EventLoop.create();
      loop.close();
      assertThatThrownBy(() -> Signals.addHandler(loop, "USR1", () -> {}))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("SIGUSR1").hasMessageContaining("closed");
      assertThat(disposition("USR1")).isEqualTo(SignalHandler.SIG_DFL);
    }

    @Test
    void aSignalHandledByOneLoop_isRefusedToAnother_untilThatLoopLetsItGo() {
      EventLoop a = EventLoop.create();
      EventLoop b = EventLoop.create();
      try {
        Signals.addHandler(a, "USR1", () -> {});
        assertThatThrownBy(() -> Signals.addHandler(b, "USR1", () -> {}))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("SIGUSR1 is already handled by another loop");
        a.close();
        Signals.addHandler(b, "USR1", () -> {});
        assertThat(Signals.removeHandler(b, "USR1")).isTrue();
      } finally {
        a.close();
        b.close();
      }
    }

    @Test
    void aRunningLoop_takesHandlersOnlyFromItsOwnThread() {
      EventLoop loop = EventLoop.create();
      try {
        String error = loop.runUntilComplete(() -> Weft.toThread(() -> {
          try {
            Signals.addHandler(loop, "USR1", () -> {});
            return "accepted";
          } catch (IllegalStateException e) {
            return e.getMessage();
          }
        }));
        assertThat(error).contains("cannot add a handler for SIGUSR1 from thread").contains("loop's thread");
        assertThat(disposition("USR1")).isEqualTo(SignalHandler.SIG_DFL);
      } finally {
        loop.close();
      }
    }

    @Test
    void aHandlerThatThrows_isReportedToTheLoopsExceptionHandler() {
      EventLoop loop = EventLoop.create();
      try {
        Future<ExceptionContext> report = loop.createFuture();
        loop.setExceptionHandler((l, ctx) -> report.setResult(ctx));
        RuntimeException boom = new RuntimeException("boom");
        ExceptionContext ctx = loop.runUntilComplete(() -> {
          Signals.addHandler(loop, "USR1", () -> {
            throw boom;
          });
          return killAndAwait("USR1", report);
        });
        assertThat(ctx.exception()).isSameAs(boom);
      } finally {
        loop.close();
      }
    }
  }

  @Nested
  class Names {

    @ParameterizedTest
    @ValueSource(strings = {"KILL", "STOP", "QUIT", "SEGV", "FPE", "ILL", "BUS", "USR2", "PIPE", "XFSZ", "SIGKILL"})
    void signalsTheJvmReserves_areRefused_namingTheSignalAndWhy(String name) {
      EventLoop loop = EventLoop.create();
      try {
        String canonical = name.replaceFirst("^SIG", "");
        assertThatThrownBy(() -> Signals.addHandler(loop, name, () -> {}))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("SIG" + canonical + " cannot be handled: ");
      } finally {
        loop.close();
      }
    }

    @Test
    void reservedSignals_sayWhy() {
      EventLoop loop = EventLoop.create();
      try {
        assertThatThrownBy(() -> Signals.addHandler(loop, "KILL", () -> {})).hasMessageContaining("no process can");
        assertThatThrownBy(() -> Signals.addHandler(loop, "QUIT", () -> {})).hasMessageContaining("thread dumps");
        assertThatThrownBy(() -> Signals.addHandler(loop, "USR2", () -> {}))
            .hasMessageContaining("suspend and resume threads").hasMessageContaining("USR1");
      } finally {
        loop.close();
      }
    }

    @ParameterizedTest
    @ValueSource(strings = {"BOGUS", "", "SIG", "9", "RTMIN"})
    void unknownNames_areRefused_namingTheName(String name) {
      EventLoop loop = EventLoop.create();
      try {
        assertThatThrownBy(() -> Signals.addHandler(loop, name, () -> {}))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("unknown signal '" + name + "'")
            .hasMessageContaining("INT, TERM");
        assertThatThrownBy(() -> Signals.removeHandler(loop, name)).isInstanceOf(IllegalArgumentException.class);
      } finally {
        loop.close();
      }
    }

    @Test
    void nullArguments_areRejected() {
      EventLoop loop = EventLoop.create();
      try {
        assertThatThrownBy(() -> Signals.addHandler(null, "USR1", () -> {})).hasMessageContaining("loop");
        assertThatThrownBy(() -> Signals.addHandler(loop, null, () -> {})).hasMessageContaining("signal");
        assertThatThrownBy(() -> Signals.addHandler(loop, "USR1", null)).hasMessageContaining("callback");
      } finally {
        loop.close();
      }
    }
  }

  @Nested
  @Timeout(60)
  class Simulated {

    static String program() throws Exception {
      EventLoop loop = EventLoop.getRunningLoop();
      List<String> log = new ArrayList<>();
      Future<Void> done = loop.createFuture();
      ContextVar<String> who = new ContextVar<>("who", "nobody");
      who.set("adder");
      Signals.addHandler(loop, "TERM", () -> {
        log.add("TERM at " + loop.time() + " seen by " + who.get());
        if (log.size() == 2) {
          done.setResult(null);
        }
      });
      loop.callLater(Duration.ofSeconds(5), () -> Signals.simulate(loop, "TERM"));
      Weft.sleep(Duration.ofSeconds(7));
      Signals.simulate(loop, "SIGTERM");
      done.await();
      assertThat(Signals.removeHandler(loop, "TERM")).isTrue();
      assertThat(Signals.simulate(loop, "TERM")).as("no handler any more").isFalse();
      return String.join(", ", log);
    }

    @Test
    void simulate_deliversTheSignal_atAPointOfTheSchedule_andTheRunRepeats() {
      SimResult<String> a = Simulation.run(Schedule.fifo(), Simulated::program);
      SimResult<String> b = Simulation.run(Schedule.fifo(), Simulated::program);
      assertThat(a.passed()).as("%s", a.failure()).isTrue();
      assertThat(a.value()).isEqualTo("TERM at 5.0 seen by adder, TERM at 7.0 seen by adder");
      assertThat(b.traceHash()).isEqualTo(a.traceHash());
    }

    @Test
    void aSimulatedLoopsHandler_isNotInstalledInTheProcess_soItNeverMeetsAProductionLoopsHandler() {
      EventLoop production = EventLoop.create();
      try {
        Signals.addHandler(production, "USR1", () -> {});
        SignalHandler before = disposition("WINCH");
        SimResult<String> r = Simulation.run(Schedule.fifo(), () -> {
          EventLoop loop = EventLoop.getRunningLoop();
          Signals.addHandler(loop, "USR1", () -> {});
          Signals.addHandler(loop, "WINCH", () -> {});
          return disposition("WINCH") == before ? "untouched" : "installed";
        });
        assertThat(r.passed()).as("%s", r.failure()).isTrue();
        assertThat(r.value()).isEqualTo("untouched");
        assertThat(Signals.removeHandler(production, "USR1")).as("the production loop's handler is still there")
            .isTrue();
      } finally {
        production.close();
      }
    }

    @Test
    void simulate_onASimulatedLoop_fromAnotherThread_isRefused() {
      SimResult<String> r = Simulation.run(Schedule.fifo(), () -> {
        EventLoop loop = EventLoop.getRunningLoop();
        Signals.addHandler(loop, "HUP", () -> {});
        return Weft.toThread(() -> {
          try {
            Signals.simulate(loop, "HUP");
            return "accepted";
          } catch (IllegalStateException e) {
            return e.getMessage();
          }
        });
      });
      assertThat(r.passed()).as("%s", r.failure()).isTrue();
      assertThat(r.value()).contains("simulate SIGHUP on the loop's thread");
    }

    @Test
    void simulate_onAProductionLoop_runsTheHandler_withoutTheOperatingSystem() {
      EventLoop loop = EventLoop.create();
      try {
        String seen = loop.runUntilComplete(() -> {
          Future<String> delivered = loop.createFuture();
          assertThat(Signals.simulate(loop, "HUP")).as("no handler yet").isFalse();
          Signals.addHandler(loop, "HUP", () -> delivered.setResult("HUP"));
          assertThat(Signals.simulate(loop, "HUP")).isTrue();
          return delivered.await();
        });
        assertThat(seen).isEqualTo("HUP");
      } finally {
        loop.close();
      }
    }
  }
}
