package io.weft.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * {@link OsSignals}: the checks that do not depend on Weft's list of refused signals, reached by going around it, and
 * the "default disposition" rules the runner's Ctrl-C handling relies on. Only USR1, WINCH and PIPE are touched, and
 * never sent.
 */
class OsSignalsTests {

  private static SignalHandler disposition(String name) {
    Signal sig = new Signal(name);
    SignalHandler current = Signal.handle(sig, SignalHandler.SIG_DFL);
    Signal.handle(sig, current);
    return current;
  }

  @Test
  void names_areCanonical_withOrWithoutSig_inAnyCase() {
    assertThat(OsSignals.name("INT")).isEqualTo("INT");
    assertThat(OsSignals.name("SIGINT")).isEqualTo("INT");
    assertThat(OsSignals.name(" sigterm ")).isEqualTo("TERM");
    assertThat(OsSignals.name("usr1")).isEqualTo("USR1");
    assertThat(OsSignals.name("KILL")).as("known, though refused").isEqualTo("KILL");
  }

  @Test
  void aSignalTheJvmRefuses_isReportedAsReservedByTheJvm() {
    assertThatThrownBy(() -> OsSignals.install("QUIT", sig -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("SIGQUIT cannot be handled: the JVM reserves it");
  }

  @Test
  void aSignalWithANativeJvmHandler_isRefused_andKeepsThatHandler() {
    SignalHandler before = disposition("PIPE");
    assertThat(String.valueOf(before)).as("the JVM's native PIPE handler").contains("NativeHandler");
    assertThatThrownBy(() -> OsSignals.install("PIPE", sig -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("SIGPIPE cannot be handled: the JVM has installed a native handler for it");
    assertThat(String.valueOf(disposition("PIPE"))).contains("NativeHandler");
  }

  @Test
  void installIfDefault_takesASignalAtItsDefault_butNotOneAnApplicationHandles() {
    SignalHandler ours = sig -> {};
    assertThat(OsSignals.installIfDefault("WINCH", ours)).isTrue();
    assertThat(disposition("WINCH")).isSameAs(ours);
    assertThat(OsSignals.restoreDefault("WINCH", ours)).isTrue();
    assertThat(disposition("WINCH")).isEqualTo(SignalHandler.SIG_DFL);

    SignalHandler application = sig -> {};
    Signal.handle(new Signal("WINCH"), application);
    try {
      assertThat(OsSignals.installIfDefault("WINCH", ours)).isFalse();
      assertThat(disposition("WINCH")).as("the application's handler stays").isSameAs(application);
    } finally {
      Signal.handle(new Signal("WINCH"), SignalHandler.SIG_DFL);
    }
  }

  @Test
  void restoreDefault_leavesAHandlerThatReplacedOursSinceAlone() {
    SignalHandler ours = sig -> {};
    SignalHandler later = sig -> {};
    OsSignals.install("USR1", ours);
    Signal.handle(new Signal("USR1"), later);
    try {
      assertThat(OsSignals.restoreDefault("USR1", ours)).isFalse();
      assertThat(disposition("USR1")).isSameAs(later);
      assertThat(OsSignals.restoreDefault("USR1", later)).isTrue();
      assertThat(disposition("USR1")).isEqualTo(SignalHandler.SIG_DFL);
    } finally {
      Signal.handle(new Signal("USR1"), SignalHandler.SIG_DFL);
    }
  }
}
