package io.weft.internal;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The process's signal dispositions, through the JDK's {@code sun.misc.Signal}: the one place in Weft that touches
 * them. Used by {@code io.weft.signal.Signals} and by {@code Runner}'s Ctrl-C handling.
 *
 * <p>What the JVM lets an application handle was found by experiment on Linux (HotSpot, JDK 25): {@code handle}
 * throws for QUIT, ILL, FPE, KILL, SEGV and STOP, and accepts BUS, USR2, PIPE and XFSZ although the JVM has native
 * handlers there that it needs (BUS for faults in mapped files, USR2 to suspend and resume threads, PIPE and XFSZ so
 * that writes fail with an error instead of killing the process). Weft refuses all ten, and any other signal whose
 * disposition turns out to be a native handler of the JVM. INT, TERM and HUP start with the JVM's own Java handler
 * (it runs the shutdown hooks and exits with 128 + the signal's number); the rest start with the OS default.
 *
 * <p>The default a signal is restored to is what it had when Weft first installed a handler for it: the JVM's
 * default, unless the application had installed one of its own before (then that one).
 */
public final class OsSignals {

  private static final Map<String, String> REFUSED = Map.of(
      "KILL", "no process can catch SIGKILL or SIGSTOP",
      "STOP", "no process can catch SIGKILL or SIGSTOP",
      "QUIT", "the JVM uses it to print thread dumps",
      "ILL", "the JVM's crash and implicit-exception handling uses it",
      "FPE", "the JVM's crash and implicit-exception handling uses it",
      "SEGV", "the JVM's crash and implicit-exception handling uses it",
      "BUS", "the JVM handles it (faults in memory-mapped files)",
      "USR2", "the JVM uses it to suspend and resume threads (HotSpot on Linux); USR1 is free for applications",
      "PIPE", "the JVM ignores it so that writes to a closed pipe or socket fail with an error",
      "XFSZ", "the JVM ignores it so that writes past the file size limit fail with an error");

  // The JVM's shutdown signals: when one starts ignored, the JVM installs no handler for it, Java's or anyone's.
  private static final java.util.Set<String> SHUTDOWN_SIGNALS = java.util.Set.of("HUP", "INT", "TERM");

  // Guarded by the class: the disposition each signal had before Weft first installed a handler for it.
  private static final Map<String, SignalHandler> DEFAULTS = new HashMap<>();

  private OsSignals() {}

  /**
   * Returns the canonical name of {@code name} ("INT" for "INT", "SIGINT" or "sigint").
   *
   * @throws IllegalArgumentException if the JVM knows no such signal
   */
  public static String name(String name) {
    Objects.requireNonNull(name, "signal must not be null");
    String n = name.strip().toUpperCase(Locale.ROOT);
    if (n.startsWith("SIG")) {
      n = n.substring(3);
    }
    if (REFUSED.containsKey(n)) {
      return n;
    }
    try {
      new Signal(n);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown signal '" + name + "': expected a name such as INT, TERM, HUP,"
          + " USR1 or WINCH (with or without the SIG prefix)");
    }
    return n;
  }

  /**
   * Checks that Weft lets an application handle the signal {@code name} (canonical).
   *
   * @throws IllegalArgumentException if it does not, naming the signal and why
   */
  public static void checkHandleable(String name) {
    String why = REFUSED.get(name);
    if (why != null) {
      throw new IllegalArgumentException("SIG" + name + " cannot be handled: " + why);
    }
  }

  /**
   * Installs {@code handler} for the signal {@code name} (canonical) and returns the handler it replaced.
   *
   * @throws IllegalArgumentException if the JVM refuses the signal, or holds it with a native handler of its own (then
   *     the disposition is left as it was)
   */
  public static synchronized SignalHandler install(String name, SignalHandler handler) {
    Signal sig = new Signal(name);
    SignalHandler old;
    try {
      old = Signal.handle(sig, handler);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("SIG" + name + " cannot be handled: the JVM reserves it (" + e.getMessage()
          + ")", e);
    }
    if (isNative(old)) {
      Signal.handle(sig, old);
      throw new IllegalArgumentException("SIG" + name + " cannot be handled: the JVM has installed a native handler"
          + " for it");
    }
    if (old == SignalHandler.SIG_IGN && SHUTDOWN_SIGNALS.contains(name)) {
      Signal.handle(sig, old);
      throw new IllegalArgumentException("SIG" + name + " cannot be handled: this process started with it ignored"
          + " (nohup, or a background job of a shell), and the JVM then leaves it ignored");
    }
    DEFAULTS.putIfAbsent(name, old);
    return old;
  }

  /**
   * Installs {@code handler} for {@code name} only if the signal has the JVM's default disposition (the OS default, or
   * the JVM's own Java handler) and nothing else handles it: asyncio's runner installs its SIGINT handler only when
   * {@code signal.getsignal(SIGINT) is signal.default_int_handler}. Returns whether it installed it.
   */
  public static synchronized boolean installIfDefault(String name, SignalHandler handler) {
    SignalHandler old;
    try {
      old = install(name, handler);
    } catch (IllegalArgumentException e) {
      return false;
    }
    if (isJvmDefault(old)) {
      return true;
    }
    Signal.handle(new Signal(name), old); // an application's handler, or ignored (nohup): leave it
    return false;
  }

  /**
   * Restores the signal's default disposition (see the class comment) if {@code expected} is the one installed now, or
   * unconditionally if {@code expected} is null. Returns whether it restored it.
   */
  public static synchronized boolean restoreDefault(String name, SignalHandler expected) {
    SignalHandler dflt = DEFAULTS.get(name);
    if (dflt == null) {
      return false; // Weft never installed one
    }
    Signal sig = new Signal(name);
    SignalHandler current = Signal.handle(sig, dflt);
    if (expected != null && current != expected) {
      Signal.handle(sig, current); // someone else's since: not ours to restore
      return false;
    }
    return true;
  }

  /** The JVM's default: the OS default, or a handler the JDK itself installed in Java (INT, TERM, HUP). */
  private static boolean isJvmDefault(SignalHandler h) {
    if (h == SignalHandler.SIG_DFL) {
      return true;
    }
    return h != SignalHandler.SIG_IGN && h.getClass().getEnclosingClass() == Signal.class && !isNative(h);
  }

  /** A native handler the JVM installed; sun.misc shows it wrapped, and its text names the JDK's native class. */
  private static boolean isNative(SignalHandler h) {
    return h != SignalHandler.SIG_DFL && h != SignalHandler.SIG_IGN
        && h.getClass().getEnclosingClass() == Signal.class && String.valueOf(h).contains("NativeHandler");
  }

  /** Sends the signal {@code name} (canonical) to this process; for tests. */
  public static void raise(String name) {
    Signal.raise(new Signal(name));
  }
}
