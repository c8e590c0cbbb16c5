package io.weft.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link VirtualPoller} against the {@link Poller} contract, plus virtual time and in-memory sources. */
class VirtualPollerTests extends PollerContractTests {

  private VirtualClock clock;

  @Override
  protected Poller newPoller() {
    clock = new VirtualClock();
    return new VirtualPoller(clock);
  }

  private VirtualPoller virtual() {
    return (VirtualPoller) poller;
  }

  @Override
  protected Poller.Pollable readySource() {
    VirtualPoller.Source s = virtual().newSource("ready");
    s.setReady(Poller.READ);
    return s;
  }

  @Override
  protected Poller.Pollable idleSource() {
    return virtual().newSource("idle");
  }

  @Override
  protected Poller.Pollable foreignSource() throws IOException {
    Pipe pipe = Pipe.open();
    resources.add(pipe.sink());
    resources.add(pipe.source());
    pipe.source().configureBlocking(false);
    return Poller.Pollable.of(pipe.source());
  }

  @Override
  protected void assertPollWaitsForItsTimeout(long timeoutNanos) throws IOException {
    long start = clock.nanoTime();
    assertThat(poll(timeoutNanos)).isEmpty();
    assertThat(clock.nanoTime() - start).as("the virtual clock jumped by exactly the timeout").isEqualTo(timeoutNanos);
  }

  /** Starts a thread that waits until {@code poller} (this thread) parks inside poll, then runs {@code action}. */
  private static Thread whenParked(Thread poller, Runnable action) {
    return Thread.ofPlatform().start(() -> {
      while (poller.getState() != Thread.State.WAITING) {
        Thread.onSpinWait();
      }
      action.run();
    });
  }

  @Test
  void poll_withSomethingReady_doesNotMoveTheClock() throws IOException {
    poller.register(readySource(), Poller.READ, handler());

    assertThat(poll(TimeUnit.HOURS.toNanos(1))).hasSize(1);
    assertThat(poll(0)).hasSize(1);

    assertThat(clock.nanoTime()).isZero();
  }

  @Test
  void pollZero_doesNotMoveTheClock() throws IOException {
    poller.register(idleSource(), Poller.READ, handler());

    poll(0);

    assertThat(clock.nanoTime()).isZero();
  }

  @Test
  void clock_isTheOneGiven() {
    assertThat(virtual().clock()).isSameAs(clock);
  }

  @Test
  void readyOps_areMaskedByInterest() throws IOException {
    VirtualPoller.Source s = virtual().newSource("rw");
    s.setReady(Poller.READ | Poller.WRITE);
    Poller.IoHandler h = handler();
    Poller.Registration reg = poller.register(s, Poller.WRITE | Poller.CONNECT, h);

    assertThat(poll(0)).containsExactly(new Event(h, Poller.WRITE));

    reg.interestOps(Poller.READ | Poller.WRITE);
    assertThat(poll(0)).containsExactly(new Event(h, Poller.READ | Poller.WRITE));
    assertThat(s.readyOps()).isEqualTo(Poller.READ | Poller.WRITE);
  }

  @Test
  void readyingASourceLater_isDeliveredByTheNextPoll_andUnreadyingStopsIt() throws IOException {
    VirtualPoller.Source s = virtual().newSource("later");
    Poller.IoHandler h = handler();
    poller.register(s, Poller.READ, h);
    assertThat(poll(0)).isEmpty();

    s.setReady(Poller.READ);
    assertThat(poll(0)).containsExactly(new Event(h, Poller.READ));

    s.setReady(0);
    assertThat(poll(0)).isEmpty();
  }

  @Test
  void cancelRegistrations_invalidatesEveryRegistrationOfTheSource_only() throws IOException {
    VirtualPoller.Source closing = virtual().newSource("closing");
    closing.setReady(Poller.READ);
    Poller.Registration a = poller.register(closing, Poller.READ, handler());
    Poller.Registration b = poller.register(closing, Poller.READ, handler());
    Poller.IoHandler other = handler();
    Poller.Registration kept = poller.register(readySource(), Poller.READ, other);

    closing.cancelRegistrations();

    assertThat(a.isValid()).isFalse();
    assertThat(b.isValid()).isFalse();
    assertThat(kept.isValid()).isTrue();
    assertThat(poll(0)).containsExactly(new Event(other, Poller.READ));
  }

  @Test
  void events_comeInRegistrationOrder() throws IOException {
    List<Poller.IoHandler> handlers = List.of(handler(), handler(), handler(), handler());
    for (Poller.IoHandler h : handlers) {
      poller.register(readySource(), Poller.READ, h);
    }

    List<Event> events = poll(0);

    assertThat(events).extracting(Event::handler).containsExactlyElementsOf(handlers);
  }

  @Test
  @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void sourceReadiedByAnotherThread_endsAPollWithoutTimeout_andIsDelivered() throws Exception {
    VirtualPoller.Source s = virtual().newSource("remote");
    Poller.IoHandler h = handler();
    poller.register(s, Poller.READ, h);

    Thread t = whenParked(Thread.currentThread(), () -> s.setReady(Poller.READ));
    List<Event> events = poll(-1);
    t.join();

    assertThat(events).containsExactly(new Event(h, Poller.READ));
    assertThat(clock.nanoTime()).isZero();
  }

  @Test
  @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void withoutAutoAdvance_aTimedPollWaitsForAnotherThreadToAdvanceTheClock() throws Exception {
    clock.setAutoAdvance(false);
    poller.register(idleSource(), Poller.READ, handler());

    Thread t = whenParked(Thread.currentThread(), () -> clock.advance(Duration.ofMillis(5)));
    List<Event> events = poll(TimeUnit.HOURS.toNanos(1));
    t.join();

    assertThat(events).isEmpty();
    assertThat(clock.nanoTime()).as("moved by the other thread, not by the timeout").isEqualTo(5_000_000L);
  }

  @Test
  @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void closeFromAnotherThread_endsAPollWithoutTimeout() throws Exception {
    poller.register(idleSource(), Poller.READ, handler());

    Thread t = whenParked(Thread.currentThread(), () -> poller.close());
    int n = poller.poll(-1, (h, ops) -> {});
    t.join();

    assertThat(n).isZero();
    assertThat(poller.hasRegistrations()).isFalse();
  }

  @Test
  void sourceOfAnotherVirtualPoller_isRefused() {
    VirtualPoller other = new VirtualPoller(new VirtualClock());
    VirtualPoller.Source foreign = other.newSource("elsewhere");

    assertThatThrownBy(() -> poller.register(foreign, Poller.READ, handler()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Source[elsewhere]");
  }

  @Test
  void closedPoller_refusesPollAndRegister() {
    poller.close();

    assertThatThrownBy(() -> poller.poll(0, (h, ops) -> {}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> poller.register(idleSource(), Poller.READ, handler()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void newSource_requiresAName_andShowsIt() {
    assertThatThrownBy(() -> virtual().newSource(null)).isInstanceOf(NullPointerException.class);
    assertThat(virtual().newSource("conn-1").toString()).isEqualTo("Source[conn-1]");
  }

  @org.junit.jupiter.api.Test
  void anInterruptEndsAnIdleWait_withAnErrorThatSaysTheLoopHadNothingToDo() throws Exception {
    VirtualPoller poller = new VirtualPoller(new VirtualClock());
    Throwable[] seen = new Throwable[1];
    Thread t = Thread.ofPlatform().start(() -> {
      try {
        poller.poll(-1, (h, ops) -> {});
      } catch (Throwable e) {
        seen[0] = e;
      }
    });
    Thread.sleep(50);
    t.interrupt();
    t.join(5_000);
    org.assertj.core.api.Assertions.assertThat(t.isAlive()).isFalse();
    org.assertj.core.api.Assertions.assertThat(seen[0]).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("nothing was ready");
    poller.close();
  }

  @org.junit.jupiter.api.Test
  void interestOpsOutsideTheFourKinds_areRejected_namingTheValue() {
    VirtualPoller poller = new VirtualPoller(new VirtualClock());
    VirtualPoller.Source source = poller.newSource("s");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> poller.register(source, 2, ops -> {}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0x2");
    poller.close();
  }
}
