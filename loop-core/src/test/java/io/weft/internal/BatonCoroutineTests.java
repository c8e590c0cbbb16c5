package io.weft.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The coroutine contract on the baton carrier, which needs nothing from the JVM. */
class BatonCoroutineTests extends CoroutineContractTests {

  @Override
  Carrier.Kind kind() {
    return Carrier.Kind.BATON;
  }

  @Test
  void name_isBaton() {
    assertThat(carrier.name()).isEqualTo("baton");
  }

  @Test
  void runLoop_fromAPlatformThread_runsTheLoopOnAVirtualThread() {
    Thread[] loopThread = new Thread[1];
    carrier.runLoop(() -> loopThread[0] = Thread.currentThread());

    assertThat(Thread.currentThread().isVirtual()).isFalse();
    assertThat(loopThread[0].isVirtual()).isTrue();
  }

  @Test
  void runLoop_fromAVirtualThread_runsTheLoopOnThatThread() throws Exception {
    Thread[] loopThread = new Thread[1];
    Thread caller = Thread.ofVirtual().start(() -> carrier.runLoop(() -> loopThread[0] = Thread.currentThread()));
    caller.join();

    assertThat(loopThread[0]).isSameAs(caller);
  }
}
