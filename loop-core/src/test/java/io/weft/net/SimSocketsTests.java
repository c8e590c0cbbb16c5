package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.CancelledError;
import io.weft.EventLoop;
import io.weft.Task;
import io.weft.Weft;
import io.weft.sim.net.SimNetwork;
import io.weft.spi.Network.ListenSocket;
import io.weft.spi.Network.StreamSocket;
import io.weft.spi.VirtualClock;
import io.weft.spi.VirtualPoller;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link SocketsContractTests} on the simulated network, on a virtual loop. Open resources are the network's
 * open sockets, with no tolerance; every test ends with none open. The simulated network has Unix-domain streams on
 * a per-host path table (no files: a path is free once its listener closes).
 */
class SimSocketsTests extends SocketsContractTests {

  SimNetwork sim;
  private int paths;

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
  protected Path unixPath() {
    return Path.of("/run/sockets-" + ++paths + ".sock");
  }

  @AfterEach
  void nothingIsLeftOpen() {
    assertThat(sim.openSocketReports()).as("sockets left open").isEmpty();
  }

  @Test
  void aConnectCancelledWhileItIsPending_closesItsSocket() {
    run(() -> {
      ListenSocket listener = open(loop.network().listen(new InetSocketAddress(host(), 0), 8, true, false));
      sim.setLatency(Duration.ofMillis(50));
      long before = sim.openSockets();
      Task<StreamSocket> connecting = Weft.createTask(() -> Sockets.connect(listener.localAddress()));
      Weft.sleep(Duration.ofMillis(10));
      assertThat(sim.openSockets()).as("the pending connect's socket").isEqualTo(before + 1);
      connecting.cancel();
      assertThatThrownBy(connecting::await).isInstanceOf(CancelledError.class);
      assertThat(sim.openSockets()).isEqualTo(before);
      sim.setLatency(Duration.ZERO);
      Weft.sleep(Duration.ofMillis(100)); // the SYN in flight meets a closed socket
      StreamSocket stray = listener.accept();
      if (stray != null) {
        stray.close();
      }
    });
  }
}
