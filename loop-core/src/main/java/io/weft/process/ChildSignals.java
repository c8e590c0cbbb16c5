package io.weft.process;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.TimeUnit;

/**
 * Sending POSIX signals to a child, which the JDK's {@link java.lang.Process} cannot do beyond SIGTERM
 * ({@code destroy}) and SIGKILL ({@code destroyForcibly}).
 *
 * <p>SIGTERM and SIGKILL go through the child's {@link ProcessHandle}, which checks the process' start time so a
 * reused pid is never hit, and which, unlike {@code Process.destroy}, leaves the child's pipes open. Any other signal goes to libc's {@code kill(2)} through the foreign function API
 * (Java 22+; without {@code --enable-native-access} the JDK prints a one-time warning) and, where native access is
 * denied, through the {@code kill} program. Those two check that the child is alive first: between that check and
 * the signal the child could exit and be reaped, and its pid reused, a window of microseconds that asyncio's
 * {@code os.kill} has too.
 */
final class ChildSignals {

  /** SIGKILL's number on Linux and macOS. */
  static final int SIGKILL = 9;
  /** SIGTERM's number on Linux and macOS. */
  static final int SIGTERM = 15;

  /** Looked up on first use, so only a program that sends other signals meets the JDK's native-access warning. */
  private static final class Native {
    static final MethodHandle KILL = findKill();
  }

  private ChildSignals() {}

  private static MethodHandle findKill() {
    try {
      Linker linker = Linker.nativeLinker();
      return linker.defaultLookup().find("kill")
          .map(addr -> linker.downcallHandle(addr,
              FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT)))
          .orElse(null);
    } catch (Throwable e) { // IllegalCallerException where native access is denied; anything else: no FFM
      return null;
    }
  }

  /**
   * Sends {@code signal} to {@code process} if it is still running; returns false if it had exited.
   *
   * @throws IllegalArgumentException naming the signal unless it is in 1..64
   */
  static boolean send(java.lang.Process process, int signal) {
    if (signal < 1 || signal > 64) {
      throw new IllegalArgumentException("signal must be a POSIX signal number in 1..64, got " + signal);
    }
    if (!process.isAlive()) {
      return false;
    }
    switch (signal) {
      // Through the handle, not Process.destroy(): that also closes the child's pipes, so output the child writes after
      // SIGTERM (a graceful stop saying goodbye) would be lost and its readers fail; asyncio keeps them open.
      case SIGTERM -> process.toHandle().destroy();
      case SIGKILL -> process.toHandle().destroyForcibly();
      default -> other(process.pid(), signal);
    }
    return true;
  }

  private static void other(long pid, int signal) {
    MethodHandle killCall = Native.KILL;
    if (killCall != null) {
      try {
        int rc = (int) killCall.invokeExact((int) pid, signal);
        if (rc == 0) {
          return;
        }
        // ESRCH: it exited meanwhile, as asyncio ignores ProcessLookupError; any other failure: try the program
      } catch (Throwable e) {
        // native access denied at the call: fall back to the program
      }
    }
    try {
      java.lang.Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!kill.waitFor(5, TimeUnit.SECONDS)) {
        kill.destroyForcibly();
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("could not send signal " + signal + " to pid " + pid
          + ": native kill(2) unavailable and the kill program failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Maps the JDK's exit value to asyncio's returncode. The JDK reports a child killed by signal N as 128 + N, the
   * same value as a child that called {@code exit(128 + N)}; the wait status that told them apart is gone. So
   * 128 + N becomes -N only when N is a signal this transport sent; otherwise the value stays as the JDK gave it.
   */
  static int returncode(int exitValue, long signalsSentMask) {
    int n = exitValue - 128;
    if (n >= 1 && n <= 64 && (signalsSentMask & (1L << (n - 1))) != 0) {
      return -n;
    }
    return exitValue;
  }
}
