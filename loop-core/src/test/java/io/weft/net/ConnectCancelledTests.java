package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.CancelledError;
import io.weft.EventLoop;
import io.weft.Future;
import io.weft.Task;
import io.weft.Weft;
import io.weft.sim.Schedule;
import io.weft.sim.SimResult;
import io.weft.sim.Simulation;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/**
 * Regression (found by the fault example): a connect cancelled after its socket connected, while connectionMade was
 * being delivered, failed the loop with "InvalidStateError: invalid state CANCELLED" (the wait for connectionMade
 * was set after it had been cancelled). asyncio sets such results "unless cancelled"; the connect raises
 * CancelledError, the transport is aborted, and nothing else happens.
 */
class ConnectCancelledTests {

  static String program() throws Exception {
    EventLoop loop = Weft.getRunningLoop();
    java.util.List<String> reported = new java.util.ArrayList<>();
    if (!Simulation.isSimulated()) {
      loop.setExceptionHandler((l, context) -> reported.add(context.message() + ": " + context.exception()));
    }
    Server server = Net.createServer(() -> new Protocol() {}, "127.0.0.1", 0);
    int port = ((InetSocketAddress) server.sockets().get(0).localAddress()).getPort();
    Future<Task<?>> connecting = loop.createFuture();
    Future<Throwable> lost = loop.createFuture();
    Task<Object> t = loop.createTask(() -> Net.createConnection(() -> new Protocol() {
      @Override
      public void connectionMade(Transport transport) {
        connecting.result().cancel(); // cancelled just as the connect completes, as a timeout might
      }

      @Override
      public void connectionLost(Throwable cause) {
        lost.setResult(cause);
      }
    }, "127.0.0.1", port));
    connecting.setResult(t);
    String outcome;
    try {
      t.await();
      outcome = "connected";
    } catch (CancelledError e) {
      outcome = "cancelled";
    }
    Throwable cause = Weft.waitFor(lost, java.time.Duration.ofSeconds(10));
    server.close();
    server.waitClosed();
    Weft.sleep(java.time.Duration.ZERO);
    return outcome + ", transport lost (" + cause + ")" + (reported.isEmpty() ? "" : ", reported " + reported);
  }

  @Test
  void onNio() {
    assertThat(Weft.run(ConnectCancelledTests::program)).isEqualTo("cancelled, transport lost (null)");
  }

  @Test
  void onTheSimulatedNetwork() {
    SimResult<String> r = Simulation.run(Schedule.fifo(), ConnectCancelledTests::program);
    assertThat(r.passed()).as("%s", r.failure()).isTrue();
    assertThat(r.value()).isEqualTo("cancelled, transport lost (null)");
  }
}
