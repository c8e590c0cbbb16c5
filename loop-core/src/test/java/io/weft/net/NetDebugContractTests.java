package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.EventLoop;
import io.weft.ExceptionContext;
import io.weft.Task;
import io.weft.Weft;
import io.weft.net.userland.NetMistakes;
import io.weft.spi.Network;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Debug mode's checks of the network layer, the same on every network: the forgotten-{@code drain()} warning of
 * {@link StreamWriter}, and the report of transports and servers left open when the loop closes
 * ({@link OpenResources}). The mistakes are made by {@link NetMistakes}, user code outside Weft's packages, so the
 * reports can name its lines.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public abstract class NetDebugContractTests {

  /** How many polls of 1 ms, on the loop's clock, a wait for the network may take before the test fails. */
  private static final int POLLS = 10_000;

  protected EventLoop loop;
  protected final List<String> warnings = Collections.synchronizedList(new ArrayList<>());
  protected final List<ExceptionContext> handled = Collections.synchronizedList(new ArrayList<>());
  // Sockets a test leaked on purpose: closed after the loop, so NIO descriptors do not outlive the test.
  private final List<Network.NetSocket> leaked = new ArrayList<>();

  /** Creates a fresh loop on the network under test, in debug mode or not. */
  protected abstract EventLoop newLoop(boolean debug);

  /** Makes the network slow to carry what the writer sends, so the transport's buffer fills (a slow reader). */
  protected void slowDown(Transport writer, Transport reader) throws IOException {}

  /** The host to listen on and connect to. */
  protected String host() {
    return "127.0.0.1";
  }

  private EventLoop open(boolean debug) {
    loop = newLoop(debug);
    loop.setWarningHandler(warnings::add);
    loop.setExceptionHandler((l, context) -> handled.add(context));
    loop.setSlowCallbackDuration(Duration.ofHours(1)); // not what these tests are about
    return loop;
  }

  @AfterEach
  void closeEverything() {
    if (loop != null) {
      loop.close();
    }
    leaked.forEach(Network.NetSocket::close);
  }

  private <T> T run(Callable<T> body) {
    return loop.runUntilComplete(body::call);
  }

  private static int port(Server server) throws IOException {
    return ((InetSocketAddress) server.sockets().get(0).localAddress()).getPort();
  }

  /** Waits, polling every millisecond of the loop's clock, until {@code condition} holds. */
  private static void await(String what, java.util.function.BooleanSupplier condition) {
    for (int i = 0; !condition.getAsBoolean(); i++) {
      assertThat(i).as("waiting for %s", what).isLessThan(POLLS);
      Weft.sleep(Duration.ofMillis(1));
    }
  }

  /**
   * A server whose handler reads nothing for its first 100 ms (the network's buffers fill), then everything, 32 KiB
   * at a time with a pause of 1 ms between reads, until EOF.
   */
  private Server slowReader(List<Transport> accepted) throws IOException {
    return Streams.startServer((reader, writer) -> {
      accepted.add(writer.transport());
      try {
        Weft.sleep(Duration.ofMillis(100));
        while (reader.read(32 * 1024).length > 0) {
          Weft.sleep(Duration.ofMillis(1));
        }
      } catch (Exception e) {
        // the writer aborted: nothing more to read
      }
      writer.close();
    }, host(), 0);
  }

  /** Connects to {@code server}, waits until it accepted, and slows the connection down. */
  private Streams.Pair connectSlowly(Server server, List<Transport> accepted) throws IOException {
    Streams.Pair c = Streams.openConnection(host(), port(server));
    await("the server to accept", () -> !accepted.isEmpty());
    slowDown(c.writer().transport(), accepted.get(0));
    return c;
  }

  private static void shutDown(Server server, Streams.Pair c) {
    c.writer().transport().abort();
    server.close();
    server.abortClients();
    server.waitClosed();
  }

  // ------------------------------------------------------------------------------------------------------------

  @Nested
  class ForgottenDrain {

    @Test
    void writingOnWithoutDrain_warnsOnce_namingTheTaskAndTheLineOfTheWrite() {
      open(true);
      int[] writes = run(() -> {
        List<Transport> accepted = new ArrayList<>();
        Server server = slowReader(accepted);
        Streams.Pair c = connectSlowly(server, accepted);
        Task<int[]> writer = Weft.createTask(() -> new int[] {
            NetMistakes.writeWithoutDrain(c.writer(), StreamWriter.WRITES_ABOVE_MARK_BEFORE_WARNING + 10, 20_000),
            NetMistakes.writeWithoutDrain(c.writer(), StreamWriter.WRITES_ABOVE_MARK_BEFORE_WARNING * 3, 20_000)},
            "writer", null);
        int[] n = writer.await();
        shutDown(server, c);
        return n;
      });
      assertThat(writes[0]).as("writes until the buffer stayed above the mark long enough").isLessThan(20_000);
      assertThat(warnings).singleElement().satisfies(w -> {
        assertThat(w).startsWith("Task 'writer' wrote " + StreamWriter.WRITES_ABOVE_MARK_BEFORE_WARNING
            + " times in a row to <StreamWriter").contains("without calling drain()").contains("bytes buffered");
        String[] frames = w.split("\n    at ");
        assertThat(frames[0]).endsWith("The write was at:");
        assertThat(frames[1]).as("the first frame is the user's write")
            .startsWith(NetMistakes.class.getName() + ".writeWithoutDrain(NetMistakes.java:");
      });
    }

    @Test
    void writeWriteDrain_againstASlowReader_neverWarns_thoughDrainHadToWait() {
      open(true);
      int aboveMark = run(() -> {
        List<Transport> accepted = new ArrayList<>();
        Server server = slowReader(accepted);
        Streams.Pair c = connectSlowly(server, accepted);
        StreamWriter w = c.writer();
        int high = w.transport().getWriteBufferLimits().high();
        int drainsThatWaited = 0;
        // Batches of 1 to 8 writes of 8 KiB, each followed by drain(): 4 MiB in all.
        for (int round = 0, sent = 0; sent < 4 << 20; round++) {
          for (int i = 0; i <= round % 8; i++) {
            w.write(new byte[8 * 1024]);
            sent += 8 * 1024;
          }
          drainsThatWaited += w.transport().getWriteBufferSize() > high ? 1 : 0;
          w.drain();
        }
        shutDown(server, c);
        return drainsThatWaited;
      });
      assertThat(aboveMark).as("batches that left the buffer above the mark (the reader was slow)").isPositive();
      assertThat(warnings).isEmpty();
    }

    @Test
    void writingManyTimesWithTheBufferBelowTheMark_neverWarns() {
      open(true);
      run(() -> {
        List<Transport> accepted = new ArrayList<>();
        Server server = slowReader(accepted);
        Streams.Pair c = connectSlowly(server, accepted);
        for (int i = 0; i < StreamWriter.WRITES_ABOVE_MARK_BEFORE_WARNING * 5; i++) {
          c.writer().write(new byte[16]); // small writes, nowhere near the mark
        }
        shutDown(server, c);
        return null;
      });
      assertThat(warnings).isEmpty();
    }

    @Test
    void outsideDebugMode_theMistakeIsNotReported() {
      open(false);
      int writes = run(() -> {
        List<Transport> accepted = new ArrayList<>();
        Server server = slowReader(accepted);
        Streams.Pair c = connectSlowly(server, accepted);
        int n = NetMistakes.writeWithoutDrain(c.writer(), StreamWriter.WRITES_ABOVE_MARK_BEFORE_WARNING * 2, 20_000);
        shutDown(server, c);
        return n;
      });
      assertThat(writes).as("the mistake was made").isLessThan(20_000);
      assertThat(warnings).isEmpty();
    }
  }

  // ------------------------------------------------------------------------------------------------------------

  @Nested
  class Unclosed {

    @Test
    void transportsAndServersLeftOpen_areReportedAtClose_withTheirAddressesAndWhereTheyWereOpened() {
      open(true);
      List<Transport> accepted = new ArrayList<>();
      Object[] made = run(() -> {
        Server server = NetMistakes.listenAndForget(host(), accepted);
        Streams.Pair client = NetMistakes.connectAndForget(host(), port(server));
        await("the server to accept", () -> !accepted.isEmpty());
        DatagramTransport datagrams = NetMistakes.bindAndForget(host());
        leaked.addAll(server.sockets());
        leaked.add((Network.NetSocket) client.writer().transport().getExtraInfo("socket"));
        leaked.add((Network.NetSocket) accepted.get(0).getExtraInfo("socket"));
        leaked.add((Network.NetSocket) datagrams.getExtraInfo("socket"));
        return new Object[] {server, client.writer().transport(), datagrams};
      });
      assertThat(handled).isEmpty();
      loop.close();

      Transport client = (Transport) made[1];
      assertThat(handled).extracting(ExceptionContext::message).hasSize(4).satisfiesExactlyInAnyOrder(
          m -> assertThat(m).startsWith("unclosed server " + made[0])
              .endsWith(", opened at NetMistakes.listenAndForget:" + lineOf("the leaked server")),
          m -> assertThat(m).startsWith("unclosed transport " + client)
              .contains(client.getExtraInfo("sockname") + " -> " + client.getExtraInfo("peername"))
              .endsWith(", opened at NetMistakes.connectAndForget:" + lineOf("the leaked client transport")),
          m -> assertThat(m).startsWith("unclosed transport " + accepted.get(0))
              .contains(client.getExtraInfo("peername") + " -> " + client.getExtraInfo("sockname"))
              .contains(", accepted by " + made[0])
              .endsWith(", created at NetMistakes.listenAndForget:" + lineOf("the leaked server")),
          m -> assertThat(m).startsWith("unclosed transport " + made[2])
              .endsWith(", opened at NetMistakes.bindAndForget:" + lineOf("the leaked datagram transport")));
      assertThat(handled).allSatisfy(c -> {
        assertThat(c.exception()).isNull();
        assertThat(c.extras().get("source_traceback")).isInstanceOfSatisfying(StackTraceElement[].class,
            stack -> assertThat(stack[0].getClassName()).as("the first frame: where the resource was constructed")
                .isIn(Server.class.getName(), Transport.class.getName(), DatagramTransport.class.getName()));
      });
      assertThat(handled).anySatisfy(c -> assertThat(c.extras()).containsEntry("server", made[0]));
      assertThat(handled).anySatisfy(c -> assertThat(c.extras()).containsEntry("transport", client));
    }

    @Test
    void transportsAndServersClosedBeforeTheLoop_areNotReported_andLeaveTheRegistry() {
      open(true);
      run(() -> {
        List<Transport> accepted = new ArrayList<>();
        Server server = NetMistakes.listenAndForget(host(), accepted);
        for (int i = 0; i < 20; i++) {
          Streams.Pair c = NetMistakes.connectAndForget(host(), port(server));
          c.writer().close();
          c.writer().waitClosed();
        }
        await("the server to accept every connection", () -> accepted.size() == 20);
        server.close();
        server.closeClients();
        server.waitClosed();
        DatagramTransport d = NetMistakes.bindAndForget(host());
        d.close();
        await("the datagram transport to be lost", () -> OpenResources.openCount(loop) == 0);
        return null;
      });
      assertThat(OpenResources.openCount(loop)).isZero();
      loop.close();
      assertThat(handled).isEmpty();
    }

    @Test
    void outsideDebugMode_nothingIsRecordedNorReported() {
      open(false);
      List<Transport> accepted = new ArrayList<>();
      run(() -> {
        Server server = NetMistakes.listenAndForget(host(), accepted);
        Streams.Pair client = NetMistakes.connectAndForget(host(), port(server));
        await("the server to accept", () -> !accepted.isEmpty());
        leaked.addAll(server.sockets());
        leaked.add((Network.NetSocket) client.writer().transport().getExtraInfo("socket"));
        leaked.add((Network.NetSocket) accepted.get(0).getExtraInfo("socket"));
        return null;
      });
      assertThat(OpenResources.openCount(loop)).isZero();
      loop.close();
      assertThat(handled).isEmpty();
    }
  }

  private static int lineOf(String marker) {
    return NetMistakes.lineOf(marker);
  }
}
