package io.weft.sim.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.Weft;
import io.weft.net.Server;
import io.weft.net.Streams;
import io.weft.net.Transport;
import io.weft.net.userland.NetMistakes;
import io.weft.sim.Schedule;
import io.weft.sim.SimFailure;
import io.weft.sim.SimResult;
import io.weft.sim.Simulation;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A simulated run that leaks a transport or a server fails as LEAKED_SOCKETS, naming the line of user code that
 * made it ({@link NetMistakes}, outside Weft's packages), not the transport layer's internals; a connection a
 * server accepted is named by its server and the line that made the server.
 */
class SimLeakedTransportTests {

  private static int port(Server server) throws java.io.IOException {
    return ((InetSocketAddress) server.sockets().get(0).localAddress()).getPort();
  }

  @Test
  void aLeakedClientTransportServerAndDatagramEndpoint_areEachNamedWithTheLineThatMadeThem() {
    SimResult<Void> r = Simulation.run(Schedule.fifo(), () -> {
      List<Transport> accepted = new ArrayList<>();
      Server server = NetMistakes.listenAndForget("127.0.0.1", accepted);
      NetMistakes.connectAndForget("127.0.0.1", port(server));
      while (accepted.isEmpty()) {
        Weft.sleep(Duration.ofMillis(1));
      }
      NetMistakes.bindAndForget("127.0.0.1");
      return null;
    });

    assertThat(r.passed()).isFalse();
    assertThat(r.failure().kind()).isEqualTo(SimFailure.Kind.LEAKED_SOCKETS);
    String server = "NetMistakes.listenAndForget:" + NetMistakes.lineOf("the leaked server");
    assertThat(r.failure().getMessage()).contains("4 socket(s) still open")
        .containsPattern("\n  listen#1@\\S+ listening on /127\\.0\\.0\\.1:\\d+, 0 of 100 queued, opened at "
            + server + "\n")
        .containsPattern("\n  stream#2@\\S+ \\S+ -> \\S+ OPEN, opened at NetMistakes.connectAndForget:"
            + NetMistakes.lineOf("the leaked client transport") + "\n")
        .contains(" OPEN, accepted by listen#1@" + SimNetwork.FIRST_HOST + " (opened at " + server + ")\n")
        .containsPattern("\n  datagram#4@\\S+ \\S+, opened at NetMistakes.bindAndForget:"
            + NetMistakes.lineOf("the leaked datagram transport") + "$")
        .doesNotContain("io.weft.net.");
  }

  @Test
  void aConnectionAServerAcceptedAndNeverClosed_isNamedByTheServer_evenAfterTheServerClosed() {
    SimResult<Void> r = Simulation.run(Schedule.fifo(), () -> {
      Server server = NetMistakes.serveWithoutClosing("127.0.0.1");
      Streams.Pair c = Streams.openConnection("127.0.0.1", port(server));
      c.writer().write(new byte[] {1, 2, 3});
      c.writer().close();
      c.writer().waitClosed();
      server.close();
      Weft.sleep(Duration.ofSeconds(1)); // the handler reads to EOF and ends, leaving its connection open
      return null;
    });

    assertThat(r.passed()).isFalse();
    assertThat(r.failure().kind()).isEqualTo(SimFailure.Kind.LEAKED_SOCKETS);
    assertThat(r.failure().getMessage()).contains("1 socket(s) still open")
        .endsWith(", accepted by listen#1@" + SimNetwork.FIRST_HOST + " (opened at NetMistakes.serveWithoutClosing:"
            + NetMistakes.lineOf("the server whose connections leak") + ")");
  }

  @Test
  void aRunThatClosesWhatItOpened_passes() {
    SimResult<Void> r = Simulation.run(Schedule.fifo(), () -> {
      List<Transport> accepted = new ArrayList<>();
      Server server = NetMistakes.listenAndForget("127.0.0.1", accepted);
      Streams.Pair c = NetMistakes.connectAndForget("127.0.0.1", port(server));
      c.writer().close();
      c.writer().waitClosed();
      server.close();
      server.closeClients();
      server.waitClosed();
      return null;
    });

    assertThat(r.passed()).as("%s", r.failure()).isTrue();
  }
}
