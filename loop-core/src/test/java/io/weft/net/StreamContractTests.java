package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.Future;
import io.weft.Weft;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Streams over the transports, on every network: the {@link TransportContractTests} plus {@link Streams}' reader
 * and writer end to end. Subclasses are the transport contract's.
 */
public abstract class StreamContractTests extends TransportContractTests {

  static String str(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  private static int portOf(Server server) throws IOException {
    return ((InetSocketAddress) server.sockets().get(0).localAddress()).getPort();
  }

  @Test
  void streams_lineEcho_thenEof() {
    run(() -> {
      try (Server server = Streams.startServer((reader, writer) -> {
        for (byte[] line = reader.readLine(); line.length > 0; line = reader.readLine()) {
          writer.write(str(line).toUpperCase(java.util.Locale.ROOT).getBytes(StandardCharsets.UTF_8));
          writer.drain();
        }
        writer.close();
        writer.waitClosed();
      }, host(), 0)) {
        Streams.Pair c = Streams.openConnection(host(), portOf(server));
        c.writer().write(bytes("hello\nworld\n"));
        c.writer().drain();
        assertThat(str(c.reader().readLine())).isEqualTo("HELLO\n");
        assertThat(str(c.reader().readExactly(6))).isEqualTo("WORLD\n");
        c.writer().writeEof();
        assertThat(c.reader().read(-1)).isEmpty();
        assertThat(c.reader().atEof()).isTrue();
        c.writer().close();
        c.writer().waitClosed();
        assertThat(c.writer().isClosing()).isTrue();
      }
    });
  }

  @Test
  void drain_waitsForAPeerThatReadsLate_andEveryByteArrives() {
    run(() -> {
      Future<StreamReader> peerReader = loop.createFuture();
      Future<Void> startReading = loop.createFuture();
      Future<Integer> total = loop.createFuture();
      try (Server server = Streams.startServer((reader, writer) -> {
        peerReader.setResult(reader);
        startReading.await();
        total.setResult(reader.read(-1).length);
        writer.close();
      }, host(), 0)) {
        Streams.Pair c = Streams.openConnection(host(), portOf(server));
        Weft.waitFor(peerReader, WAIT);
        byte[] chunk = new byte[64 * 1024];
        int written = 0;
        List<Boolean> blocked = new ArrayList<>();
        Future<Void> writing = Weft.createTask(() -> {
          for (int i = 0; i < 256; i++) {
            c.writer().write(chunk);
            c.writer().drain();
          }
          return null;
        });
        for (int i = 0; i < 20; i++) {
          Weft.sleep(java.time.Duration.ofMillis(1));
        }
        blocked.add(!writing.isDone());
        assertThat(blocked).as("the writer waits in drain while the peer does not read").containsExactly(true);
        startReading.setResult(null);
        Weft.waitFor(writing, WAIT);
        written = 256 * chunk.length;
        c.writer().writeEof();
        assertThat(Weft.waitFor(total, WAIT)).isEqualTo(written);
        c.writer().close();
      }
    });
  }

  @Test
  void aPeerThatResets_makesReadsAndDrainRaiseTheReset() {
    run(() -> {
      Future<Void> reset = loop.createFuture();
      try (Server server = Streams.startServer((reader, writer) -> {
        reader.readExactly(1);
        writer.transport().abort();
        reset.setResult(null);
      }, host(), 0)) {
        Streams.Pair c = Streams.openConnection(host(), portOf(server));
        c.writer().write(bytes("x"));
        Weft.waitFor(reset, WAIT);
        Throwable read = org.assertj.core.api.Assertions.catchThrowable(() -> c.reader().read(10));
        assertIsReset(read);
        assertThatThrownBy(() -> c.writer().drain()).isSameAs(read);
        c.writer().waitClosed();
      }
    });
  }
}
