package io.weft.signal;

import io.weft.CancelledError;
import io.weft.EventLoop;
import io.weft.Future;
import io.weft.KeyboardInterrupt;
import io.weft.Runner;
import io.weft.Weft;
import java.time.Duration;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * A program that {@link CtrlCTests} runs in a child JVM and sends SIGINT to; it prints what happened, one line each,
 * and "ready" once SIGINT may be sent. The first argument says which scene to play.
 */
public final class CtrlCMain {

  private CtrlCMain() {}

  /** Runs the scene named by {@code args[0]}. */
  public static void main(String[] args) throws Exception {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> say("JVM shutdown hook ran")));
    switch (args[0]) {
      case "wait" -> caught(CtrlCMain::awaitFuture);
      case "uncaught" -> Weft.run(CtrlCMain::awaitFuture);
      case "stubborn" -> caught(CtrlCMain::swallowOnce);
      case "afterRun" -> afterRun();
      case "appHandler" -> appHandler();
      case "otherThread" -> otherThread();
      case "runnerTwice" -> runnerTwice();
      case "loopHandler" -> loopHandler();
      case "ignored" -> caught(() -> {
        try {
          Signals.addHandler(EventLoop.getRunningLoop(), "INT", () -> say("INT handler ran"));
          say("INT handler added");
        } catch (IllegalArgumentException e) {
          say(e.getMessage());
        }
        say("ready");
        Weft.sleep(Duration.ofSeconds(2));
        say("main was not cancelled");
      });
      default -> throw new IllegalArgumentException("unknown scene " + args[0]);
    }
  }

  static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }

  private static void caught(io.weft.AsyncRunnable main) {
    try {
      Weft.run(main);
      say("run returned");
    } catch (KeyboardInterrupt k) {
      say("KeyboardInterrupt");
      say("SIGINT restored: " + jvmDefault());
      System.exit(130);
    }
  }

  /** RUN-05: main awaits a future; Ctrl-C cancels main and the future. */
  private static void awaitFuture() throws Exception {
    Future<Void> f = EventLoop.getRunningLoop().createFuture();
    try {
      say("ready");
      f.await();
    } catch (CancelledError e) {
      say("main cancelled, its future cancelled: " + f.isCancelled());
      throw e;
    } finally {
      say("finally ran");
    }
  }

  /** Main swallows the first cancellation and keeps waiting; the second Ctrl-C raises KeyboardInterrupt. */
  private static void swallowOnce() throws Exception {
    try {
      say("ready");
      Weft.sleep(Duration.ofSeconds(60));
    } catch (CancelledError e) {
      Weft.currentTask().uncancel();
      say("swallowed the first");
      say("ready");
      try {
        Weft.sleep(Duration.ofSeconds(60));
      } finally {
        say("finally ran");
      }
    }
  }

  /** After Weft.run, SIGINT has the JVM's disposition again: the JVM exits 130, running its shutdown hooks. */
  private static void afterRun() throws Exception {
    Weft.run(() -> Weft.sleep(Duration.ofMillis(1)));
    say("run returned");
    say("ready");
    Thread.sleep(60_000);
    say("still alive");
  }

  /** An application's own SIGINT handler is left alone: Ctrl-C goes to it, not to the runner. */
  private static void appHandler() throws Exception {
    boolean[] hit = {false};
    SignalHandler mine = sig -> hit[0] = true;
    Signal.handle(new Signal("INT"), mine);
    String r = Weft.run(() -> {
      say("ready");
      for (int i = 0; i < 600 && !hit[0]; i++) {
        Weft.sleep(Duration.ofMillis(50));
      }
      return hit[0] ? "main saw the application's handler run, and was not cancelled" : "no signal";
    });
    say(r);
    SignalHandler now = Signal.handle(new Signal("INT"), mine);
    say("application's handler kept: " + (now == mine));
  }

  /**
   * A handler that main adds for INT replaces the runner's while it is installed; the runner leaves it in place, and
   * the loop's close removes it, giving SIGINT back to the JVM.
   */
  private static void loopHandler() {
    String r = Weft.run(() -> {
      EventLoop loop = EventLoop.getRunningLoop();
      Future<String> stop = loop.createFuture();
      Signals.addHandler(loop, "INT", () -> stop.setResult("main's own INT handler ran"));
      say("ready");
      return stop.await();
    });
    say(r);
    say("SIGINT restored: " + jvmDefault());
  }

  /** A runner on another thread leaves SIGINT to the JVM, so Ctrl-C still ends the program. */
  private static void otherThread() throws Exception {
    Thread t = Thread.ofPlatform().name("worker").start(() -> Weft.run(() -> {
      say("ready");
      Weft.sleep(Duration.ofSeconds(60));
    }));
    t.join();
    say("worker ended");
  }

  /** A Runner takes Ctrl-C in each run, and the runner is usable after a KeyboardInterrupt. */
  private static void runnerTwice() throws Exception {
    try (Runner runner = new Runner()) {
      for (int i = 1; i <= 2; i++) {
        try {
          runner.run(CtrlCMain::awaitFuture);
        } catch (KeyboardInterrupt k) {
          say("KeyboardInterrupt " + i);
        }
      }
    }
    say("SIGINT restored: " + jvmDefault());
  }

  /** Whether SIGINT has the JVM's own Java handler (the JVM's default), read by swapping it out and back. */
  private static boolean jvmDefault() {
    Signal sig = new Signal("INT");
    SignalHandler current = Signal.handle(sig, SignalHandler.SIG_DFL);
    Signal.handle(sig, current);
    return String.valueOf(current).startsWith("java.lang.Terminator");
  }
}
