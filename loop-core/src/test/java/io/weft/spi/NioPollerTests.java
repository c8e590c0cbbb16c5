package io.weft.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.Pipe;
import org.junit.jupiter.api.Test;

/** {@link NioPoller} against the {@link Poller} contract, with pipes as sources. */
class NioPollerTests extends PollerContractTests {

  @Override
  protected Poller newPoller() {
    return new NioPoller();
  }

  private Pipe openPipe() throws IOException {
    Pipe pipe = Pipe.open();
    resources.add(pipe.sink());
    resources.add(pipe.source());
    pipe.source().configureBlocking(false);
    pipe.sink().configureBlocking(false);
    return pipe;
  }

  private Pipe readyPipe() throws IOException {
    Pipe pipe = openPipe();
    pipe.sink().write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
    return pipe;
  }

  @Override
  protected Poller.Pollable readySource() throws IOException {
    return Poller.Pollable.of(readyPipe().source());
  }

  @Override
  protected Poller.Pollable idleSource() throws IOException {
    return Poller.Pollable.of(openPipe().source());
  }

  @Override
  protected Poller.Pollable foreignSource() {
    return new VirtualPoller(new VirtualClock()).newSource("virtual");
  }

  @Override
  protected void assertPollWaitsForItsTimeout(long timeoutNanos) throws IOException {
    long start = System.nanoTime();
    assertThat(poll(timeoutNanos)).isEmpty();
    assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(timeoutNanos);
  }

  @Test
  void drainingThePipe_makesTheSourceNotReady() throws IOException {
    Pipe pipe = readyPipe();
    Poller.IoHandler h = handler();
    poller.register(Poller.Pollable.of(pipe.source()), Poller.READ, h);
    assertThat(poll(GENEROUS_TIMEOUT)).containsExactly(new Event(h, Poller.READ));

    assertThat(pipe.source().read(ByteBuffer.allocate(16))).isEqualTo(3);

    assertThat(poll(0)).isEmpty();
  }

  @Test
  void writableSink_isDeliveredWithWrite() throws IOException {
    Pipe pipe = openPipe();
    Poller.IoHandler h = handler();
    poller.register(Poller.Pollable.of(pipe.sink()), Poller.WRITE, h);

    assertThat(poll(GENEROUS_TIMEOUT)).containsExactly(new Event(h, Poller.WRITE));
  }

  @Test
  void channelInBlockingMode_isRefused() throws IOException {
    Pipe pipe = openPipe();
    pipe.source().configureBlocking(true);

    assertThatThrownBy(() -> poller.register(Poller.Pollable.of(pipe.source()), Poller.READ, handler()))
        .isInstanceOf(IllegalBlockingModeException.class);
  }

  @Test
  void pollableOf_null_throwsNullPointer() {
    assertThatThrownBy(() -> Poller.Pollable.of(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("channel");
  }
}
