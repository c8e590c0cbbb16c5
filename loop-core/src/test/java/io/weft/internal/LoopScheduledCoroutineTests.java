package io.weft.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/** The coroutine contract on the loop-scheduled carrier (needs {@code --add-opens java.base/java.lang}). */
class LoopScheduledCoroutineTests extends CoroutineContractTests {

  @Override
  Carrier.Kind kind() {
    return Carrier.Kind.LOOP;
  }

  @Override
  void assumeAvailable() {
    assumeTrue(Carrier.loopScheduledAvailable(), "the loop-scheduled carrier needs --add-opens java.base/java.lang");
  }

  @Test
  void name_isLoop() {
    assertThat(carrier.name()).isEqualTo("loop");
  }

  @Test
  void runLoop_calledFromAVirtualThread_runsTheLoopOnAPlatformThread() throws Exception {
    Thread[] loopThread = new Thread[1];
    boolean[] resumed = new boolean[1];
    Thread caller = Thread.ofVirtual().start(() -> carrier.runLoop(() -> {
      loopThread[0] = Thread.currentThread();
      Coroutine co = carrier.create(() -> resumed[0] = true);
      co.resume();
    }));
    caller.join();

    assertThat(loopThread[0]).isNotNull();
    assertThat(loopThread[0].isVirtual()).isFalse();
    assertThat(resumed[0]).isTrue();
  }

  @Test
  void body_runsOnTheLoopThreadAsCarrier_soTheStepCompletesBeforeResumeReturns() {
    // The body's continuation is run by the loop thread itself: no other platform thread is involved.
    String[] carrierName = new String[1];
    carrier.runLoop(() -> {
      Coroutine co = carrier.create(() -> carrierName[0] = Thread.currentThread().toString());
      co.resume();
      assertThat(carrierName[0]).contains(Thread.currentThread().getName());
    });
  }
}
