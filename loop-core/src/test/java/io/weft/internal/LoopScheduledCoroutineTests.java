package io.weft.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
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

  // ------------------------------------------------------------------------------------------------------------
  // The hand-back slot
  // ------------------------------------------------------------------------------------------------------------

  @Test
  void aBodyBlockedOnALockHeldElsewhere_isHandedBackToTheWaitingLoop_notQueued() throws Exception {
    ReentrantLock lock = new ReentrantLock();
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread holder = Thread.ofPlatform().start(() -> {
      lock.lock();
      try {
        held.countDown();
        release.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        lock.unlock();
      }
    });
    held.await();
    List<String> log = new ArrayList<>();
    onLoop(() -> {
      Coroutine co = coroutine(self -> {
        lock.lock();
        lock.unlock();
        log.add("got the lock");
        self.suspend();
        log.add("resumed");
      });
      co.resume();
      assertThat(log).as("blocked outside suspend").isEmpty();
      Thread.ofPlatform().start(release::countDown);
      assertThat(co.awaitHandBack(TimeUnit.SECONDS.toNanos(5))).isTrue();
      co.resumeHandedBack();
      assertThat(log).containsExactly("got the lock");
      co.resume();
      assertThat(log).containsExactly("got the lock", "resumed");
    });
    holder.join();
    assertThat(host.fromOtherThread.get()).isZero();
    assertThat(host.onLoop.get()).isZero();
  }

  @Test
  void aLoopThatGivesUpWaiting_getsTheLaterHandBackThroughItsQueue() throws Exception {
    ReentrantLock lock = new ReentrantLock();
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread holder = Thread.ofPlatform().start(() -> {
      lock.lock();
      try {
        held.countDown();
        release.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        lock.unlock();
      }
    });
    held.await();
    onLoop(() -> {
      Coroutine co = coroutine(self -> {
        lock.lock();
        lock.unlock();
      });
      co.resume();
      assertThat(co.awaitHandBack(TimeUnit.MILLISECONDS.toNanos(20))).isFalse();
      release.countDown();
    });
    holder.join();
    long t0 = System.nanoTime();
    while (host.fromOtherThread.get() == 0 && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5)) {
      Thread.onSpinWait();
    }
    assertThat(host.fromOtherThread.get()).isEqualTo(1);
  }
}
