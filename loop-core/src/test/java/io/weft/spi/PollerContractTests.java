package io.weft.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@link Poller} contract, run against every implementation: registration, level-triggered readiness, interest
 * changes, cancellation, timeouts, wakeups and closing.
 *
 * <p>Subclasses make the sources: one ready for reading, one ready for nothing, and one of a kind the poller cannot
 * watch; and they check that a poll with nothing ready waited for its timeout on their notion of time.
 */
abstract class PollerContractTests {

  /** Five seconds: a bound for polls that should return at once because something is ready. */
  static final long GENEROUS_TIMEOUT = TimeUnit.SECONDS.toNanos(5);

  protected Poller poller;
  /** Closed after each test, last first. */
  protected final List<AutoCloseable> resources = new ArrayList<>();

  /** One delivered event. */
  record Event(Poller.IoHandler handler, int readyOps) {}

  /** Creates the poller under test. */
  protected abstract Poller newPoller();

  /** Returns a source of this poller's kind that is ready for reading, and stays so. */
  protected abstract Poller.Pollable readySource() throws IOException;

  /** Returns a source of this poller's kind that is ready for nothing. */
  protected abstract Poller.Pollable idleSource() throws IOException;

  /** Returns a source of a kind this poller cannot watch. */
  protected abstract Poller.Pollable foreignSource() throws IOException;

  /** Polls {@link #poller} with {@code timeoutNanos} while nothing is ready, and checks that it waited that long. */
  protected abstract void assertPollWaitsForItsTimeout(long timeoutNanos) throws IOException;

  @BeforeEach
  void openPoller() {
    poller = newPoller();
  }

  @AfterEach
  void closeEverything() throws Exception {
    poller.close();
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  protected List<Event> poll(long timeoutNanos) throws IOException {
    List<Event> events = new ArrayList<>();
    int n = poller.poll(timeoutNanos, (h, ops) -> events.add(new Event(h, ops)));
    assertThat(n).as("poll's count of events").isEqualTo(events.size());
    return events;
  }

  static Poller.IoHandler handler() {
    return ops -> {};
  }

  // ------------------------------------------------------------------------------------------------------------

  @Test
  void readySource_isDeliveredWithItsHandlerAndReadyOps() throws IOException {
    Poller.IoHandler h = handler();
    Poller.Registration reg = poller.register(readySource(), Poller.READ, h);

    List<Event> events = poll(GENEROUS_TIMEOUT);

    assertThat(events).containsExactly(new Event(h, Poller.READ));
    assertThat(reg.isValid()).isTrue();
    assertThat(reg.interestOps()).isEqualTo(Poller.READ);
  }

  @Test
  void readiness_isLevelTriggered_soAReadySourceIsDeliveredByEveryPoll() throws IOException {
    Poller.IoHandler h = handler();
    poller.register(readySource(), Poller.READ, h);

    for (int i = 0; i < 3; i++) {
      assertThat(poll(GENEROUS_TIMEOUT)).containsExactly(new Event(h, Poller.READ));
    }
  }

  @Test
  void onlyReadySources_areDelivered_eachWithItsOwnHandler() throws IOException {
    Poller.IoHandler idle = handler();
    Poller.IoHandler ready1 = handler();
    Poller.IoHandler ready2 = handler();
    poller.register(idleSource(), Poller.READ, idle);
    poller.register(readySource(), Poller.READ, ready1);
    poller.register(readySource(), Poller.READ, ready2);

    List<Event> events = poll(GENEROUS_TIMEOUT);

    assertThat(events).containsExactlyInAnyOrder(new Event(ready1, Poller.READ), new Event(ready2, Poller.READ));
  }

  @Test
  void interestZero_stopsDelivery_andRestoringInterest_resumesIt() throws IOException {
    Poller.IoHandler h = handler();
    Poller.Registration reg = poller.register(readySource(), Poller.READ, h);

    reg.interestOps(0);
    assertThat(reg.interestOps()).isZero();
    assertThat(poll(0)).isEmpty();

    reg.interestOps(Poller.READ);
    assertThat(poll(GENEROUS_TIMEOUT)).containsExactly(new Event(h, Poller.READ));
  }

  @Test
  void cancel_stopsDelivery_invalidatesTheRegistration_andIsIdempotent() throws IOException {
    Poller.Registration reg = poller.register(readySource(), Poller.READ, handler());

    reg.cancel();

    assertThat(reg.isValid()).isFalse();
    assertThat(poll(0)).isEmpty();
    assertThatCode(reg::cancel).doesNotThrowAnyException();
    assertThat(reg.isValid()).isFalse();
  }

  @Test
  void cancellingOneRegistration_leavesTheOthersDelivered() throws IOException {
    Poller.IoHandler kept = handler();
    Poller.Registration gone = poller.register(readySource(), Poller.READ, handler());
    poller.register(readySource(), Poller.READ, kept);

    gone.cancel();

    assertThat(poll(GENEROUS_TIMEOUT)).containsExactly(new Event(kept, Poller.READ));
  }

  @Test
  void pollZero_withNothingReady_returnsAtOnceWithNothing() throws IOException {
    poller.register(idleSource(), Poller.READ, handler());

    assertThat(poll(0)).isEmpty();
  }

  @Test
  void pollZero_withNothingRegistered_returnsAtOnceWithNothing() throws IOException {
    assertThat(poll(0)).isEmpty();
  }

  @Test
  void pollWithTimeout_andNothingReady_waitsForTheTimeout() throws IOException {
    poller.register(idleSource(), Poller.READ, handler());

    assertPollWaitsForItsTimeout(TimeUnit.MILLISECONDS.toNanos(20));
  }

  @Test
  @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void wakeupFromAnotherThread_endsAPollWithoutTimeout() throws Exception {
    poller.register(idleSource(), Poller.READ, handler());
    CountDownLatch aboutToPoll = new CountDownLatch(1);
    Thread waker = Thread.ofPlatform().start(() -> {
      try {
        aboutToPoll.await();
        Thread.sleep(20); // most likely inside poll by now; the test passes either way
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      poller.wakeup();
    });

    aboutToPoll.countDown();
    List<Event> events = poll(-1);
    waker.join();

    assertThat(events).isEmpty();
  }

  @Test
  @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void wakeupBeforePoll_endsTheNextPollOnly_evenIfRepeated() throws IOException {
    poller.register(idleSource(), Poller.READ, handler());

    poller.wakeup();
    poller.wakeup();
    assertThat(poll(-1)).isEmpty();

    assertPollWaitsForItsTimeout(TimeUnit.MILLISECONDS.toNanos(20));
  }

  @Test
  void hasRegistrations_tracksRegisterAndCancel() throws IOException {
    assertThat(poller.hasRegistrations()).isFalse();

    Poller.Registration reg = poller.register(idleSource(), Poller.READ, handler());
    assertThat(poller.hasRegistrations()).isTrue();

    reg.cancel();
    poll(0); // a selector forgets cancelled keys at its next selection
    assertThat(poller.hasRegistrations()).isFalse();
  }

  @Test
  void registeringAForeignKindOfSource_throwsIllegalArgument() throws IOException {
    Poller.Pollable foreign = foreignSource();

    assertThatThrownBy(() -> poller.register(foreign, Poller.READ, handler()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(foreign.toString());
    assertThat(poller.hasRegistrations()).isFalse();
  }

  @Test
  void registeringWithoutAHandler_throwsNullPointer() throws IOException {
    Poller.Pollable source = readySource();

    assertThatThrownBy(() -> poller.register(source, Poller.READ, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("handler");
  }

  @Test
  void close_isIdempotent_andInvalidatesRegistrations() throws IOException {
    Poller.Registration reg = poller.register(readySource(), Poller.READ, handler());

    poller.close();
    poller.close();

    assertThat(reg.isValid()).isFalse();
    assertThat(poller.hasRegistrations()).isFalse();
  }
}
