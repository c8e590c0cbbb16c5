package io.weft.examples.echo;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.AsyncCallable;
import io.weft.Task;
import io.weft.Weft;
import io.weft.net.Server;
import io.weft.sim.Mode;
import io.weft.sim.Simulation;
import io.weft.sim.net.SimHost;
import io.weft.sim.net.SimNetwork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import io.weft.testengine.AsyncTest;
import org.junit.jupiter.api.Nested;

/**
 * The echo servers on the simulated network, under many schedules: a server host and three client hosts with
 * different latencies; clients talk at once, one sends more than every buffer on its path holds.
 */
class EchoTests {

  static final int PORT = 7;

  /** Runs {@code body} in a task on {@code host} (its sockets belong to that host) and returns its result. */
  static <T> T onHost(SimHost host, AsyncCallable<T> body) {
    return Weft.createTask(() -> {
      host.makeCurrent();
      return body.call();
    }).await();
  }

  /** The messages the clients send: two short ones and one of 200 KB (more than socket buffers and high water). */
  static List<String> messages() {
    return List.of("Hello World!", "ping", "x".repeat(200_000));
  }

  /** Starts a server with {@code start} on host "echo", echoes each message from a host of its own, then closes. */
  static void echoFromThreeHosts(Simulation sim, AsyncCallable<Server> start) {
    SimNetwork net = sim.network();
    SimHost echoHost = net.addHost("echo");
    Server server = onHost(echoHost, start);
    List<Task<String>> clients = new ArrayList<>();
    List<String> messages = messages();
    for (int i = 0; i < messages.size(); i++) {
      SimHost h = net.addHost("client-" + i);
      net.setLatency(h, echoHost, Duration.ofMillis(1 + 3 * i));
      String m = messages.get(i);
      clients.add(Weft.createTask(() -> onHost(h, () -> EchoClient.echo("echo", PORT, m))));
    }
    for (int i = 0; i < messages.size(); i++) {
      String answer = clients.get(i).await();
      assertThat(answer).as("answer to message %d (%d chars)", i, messages.get(i).length())
          .isEqualTo(messages.get(i));
    }
    server.close();
    server.waitClosed();
    assertThat(net.openSocketReports()).as("sockets left open").isEmpty();
  }

  @Nested
  class OverStreams {
    @AsyncTest(schedules = 200)
    void everyClientGetsItsOwnBytesBack(Simulation sim) {
      echoFromThreeHosts(sim, () -> EchoServer.start("echo", PORT));
    }

    @AsyncTest(schedules = 50, mode = Mode.CHAOS)
    void everyClientGetsItsOwnBytesBack_evenWithReadyBatchesPermuted(Simulation sim) {
      echoFromThreeHosts(sim, () -> EchoServer.start("echo", PORT));
    }
  }

  @Nested
  class OverProtocols {
    @AsyncTest(schedules = 200)
    void everyClientGetsItsOwnBytesBack(Simulation sim) {
      echoFromThreeHosts(sim, () -> EchoProtocol.start("echo", PORT));
    }

    @AsyncTest(schedules = 50, mode = Mode.CHAOS)
    void everyClientGetsItsOwnBytesBack_evenWithReadyBatchesPermuted(Simulation sim) {
      echoFromThreeHosts(sim, () -> EchoProtocol.start("echo", PORT));
    }
  }
}
