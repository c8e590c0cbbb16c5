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

  @Test
  void aBlockingCallKeepsTheBaton_soTheStepNeverEndsBlocked_andNothingIsHandedBack() {
    assertThat(carrier.handsBackBlocked()).isFalse();
    boolean[] slept = new boolean[1];
    onLoop(() -> {
      Coroutine co = carrier.create(() -> {
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        slept[0] = true;
      });
      co.resume();
      assertThat(slept[0]).as("the loop waited for the sleep: it cannot tell").isTrue();
      assertThat(co.awaitHandBack(1_000_000)).isFalse();
    });
  }
}
