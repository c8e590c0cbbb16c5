package io.weft.net.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.EventLoop;
import io.weft.sim.net.SimNetwork;
import io.weft.spi.VirtualClock;
import io.weft.spi.VirtualPoller;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;

/**
 * The {@link TlsContractTests} on the simulated network, on virtual time: the handshake timeout is asyncio's full
 * 60 s, and passes at once. Every test ends with no simulated socket open.
 */
class SimTlsTests extends TlsContractTests {

  SimNetwork sim;

  @Override
  protected EventLoop newLoop() {
    VirtualClock clock = new VirtualClock();
    VirtualPoller poller = new VirtualPoller(clock);
    sim = new SimNetwork(poller);
    return EventLoop.builder().clock(clock).poller(poller).network(sim).build();
  }

  @Override
  protected long openResources() {
    return sim.openSockets();
  }

  @Override
  protected boolean virtualTime() {
    return true;
  }

  @Override
  protected Duration shortHandshakeTimeout() {
    return Duration.ofSeconds(60);
  }

  @org.junit.jupiter.api.Test
  void aConnectCancelledDuringTheHandshake_leavesNoSocketOpen_andNoApplicationProtocolMeetsIt() {
    run(() -> {
      java.util.List<Rec> accepted = new java.util.ArrayList<>();
      io.weft.net.Server server = tlsServer(accepted, r -> { });
      long before = sim.openSockets();
      sim.setLatency(Duration.ofMillis(10));
      java.util.List<Rec> made = new java.util.ArrayList<>();
      io.weft.Task<?> connecting = io.weft.Weft.createTask(() -> Tls.createConnection(() -> {
        Rec r = new Rec(loop);
        made.add(r);
        return r;
      }, host(), port(server), clientOptions()));
      io.weft.Weft.sleep(Duration.ofMillis(25)); // TCP is up (one round trip), the ClientHello is on its way
      assertThat(made).as("the plain connection is made, the handshake under way").hasSize(1);
      assertThat(made.get(0).events).isEmpty();
      connecting.cancel();
      org.assertj.core.api.Assertions.assertThatThrownBy(connecting::await)
          .isInstanceOf(io.weft.CancelledError.class);
      io.weft.Weft.sleep(Duration.ofMillis(100));
      assertThat(sim.openSockets()).isEqualTo(before);
      assertThat(made.get(0).events).as("the application never saw the connection").isEmpty();
      assertThat(accepted).allSatisfy(r -> assertThat(r.events).doesNotContain("made"));
    });
  }

  @AfterEach
  void nothingIsLeftOpen() {
    assertThat(sim.openSocketReports()).as("sockets left open").isEmpty();
  }
}
