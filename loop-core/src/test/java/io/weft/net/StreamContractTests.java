package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.Future;
import io.weft.Task;
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
  void aPeerThatResets_makesReadsDrainAndWaitClosedRaiseTheReset() {
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
        // asyncio's wait_closed() awaits the protocol's closed future, which holds the connection's error
        assertThatThrownBy(() -> c.writer().waitClosed()).as("waitClosed").isSameAs(read);
        assertThatThrownBy(() -> c.writer().waitClosed()).as("waitClosed again").isSameAs(read);
      }
    });
  }

  /**
   * Writes 64 KiB chunks, without draining, until the transport stays paused once the network has taken what its
   * buffers hold; returns the bytes written.
   */
  /**
   * Writes until the writer stays paused: its buffer is above the high-water mark and no longer moves over a settle.
   * (The peer's kernel may take more after it reads a large chunk, a window update later: one settle is not enough.)
   */
  private static long fillUntilPaused(StreamWriter writer) {
    byte[] chunk = new byte[64 * 1024];
    long written = 0;
    for (int round = 0; round < 64; round++) {
      for (int i = 0; i < 1024 && writer.transport().getWriteBufferSize() <= 64 * 1024; i++) {
        writer.write(chunk);
        written += chunk.length;
      }
      settle();
      long size = writer.transport().getWriteBufferSize();
      settle();
      if (size > 64 * 1024 && writer.transport().getWriteBufferSize() == size) {
        break;
      }
    }
    assertThat(writer.transport().getWriteBufferSize()).as("paused above the high-water mark")
        .isGreaterThan(64 * 1024);
    return written;
  }

  private static void settle() {
    for (int i = 0; i < 20; i++) {
      Weft.sleep(java.time.Duration.ofMillis(1));
    }
  }

  private static Task<Void> drainer(StreamWriter writer) {
    return Weft.createTask(() -> {
      writer.drain();
      return null;
    });
  }

  @Test
  void drain_severalTasksWaitWhilePaused_allWakeOnResume_andACancelledOneBreaksNothing() {
    run(() -> {
      Future<Void> peerConnected = loop.createFuture();
      Future<Void> startReading = loop.createFuture();
      Future<Long> total = loop.createFuture();
      try (Server server = Streams.startServer((reader, writer) -> {
        writer.transport().pauseReading(); // the peer reads nothing until told: the kernel's buffers stay full
        peerConnected.setResult(null);
        startReading.await();
        writer.transport().resumeReading();
        total.setResult((long) reader.read(-1).length);
        writer.close();
      }, host(), 0)) {
        Streams.Pair c = Streams.openConnection(host(), portOf(server));
        Weft.waitFor(peerConnected, WAIT);
        long written = fillUntilPaused(c.writer());
        List<Task<Void>> drainers = List.of(drainer(c.writer()), drainer(c.writer()), drainer(c.writer()));
        Task<Void> cancelled = drainer(c.writer());
        settle();
        assertThat(drainers).as("every drainer waits while paused").noneMatch(Future::isDone);
        assertThat(cancelled.isDone()).isFalse();
        cancelled.cancel();
        settle();
        assertThat(cancelled.isCancelled()).isTrue();
        assertThat(drainers).as("a cancelled drainer does not wake the others").noneMatch(Future::isDone);
        startReading.setResult(null);
        for (Task<Void> d : drainers) {
          Weft.waitFor(d, WAIT);
        }
        c.writer().drain();
        c.writer().writeEof();
        assertThat(Weft.waitFor(total, WAIT)).as("every byte arrives").isEqualTo(written);
        c.writer().close();
        c.writer().waitClosed();
      }
    });
  }

  @Test
  void drain_whenThisSideAbortsWhilePaused_pendingDrainsReturn_andLaterDrainsRaiseConnectionLost() {
    run(() -> {
      Future<Void> peerConnected = loop.createFuture();
      Future<Void> release = loop.createFuture();
      try (Server server = Streams.startServer((reader, writer) -> {
        writer.transport().pauseReading(); // the peer reads nothing: the kernel's buffers stay full
        peerConnected.setResult(null);
        release.await();
        writer.close();
      }, host(), 0)) {
        Streams.Pair c = Streams.openConnection(host(), portOf(server));
        Weft.waitFor(peerConnected, WAIT);
        fillUntilPaused(c.writer());
        List<Task<Void>> drainers = List.of(drainer(c.writer()), drainer(c.writer()));
        settle();
        assertThat(drainers).noneMatch(Future::isDone);
        c.writer().transport().abort(); // connectionLost(null), as asyncio's abort
        for (Task<Void> d : drainers) {
          assertThat(Weft.waitFor(d, WAIT)).as("ST-14: a clean loss lets the waiting drains return").isNull();
        }
        for (int i = 0; i < 2; i++) {
          assertThatThrownBy(() -> c.writer().drain()).isInstanceOf(java.net.SocketException.class)
              .hasMessageContaining("Connection lost");
        }
        c.writer().waitClosed();
        release.setResult(null);
      }
    });
  }

  @Test
  void drain_whenThePeerResetsWhilePaused_pendingAndLaterDrainsRaiseTheConnectionsError() {
    run(() -> {
      Future<Void> peerConnected = loop.createFuture();
      Future<Void> reset = loop.createFuture();
      try (Server server = Streams.startServer((reader, writer) -> {
        writer.transport().pauseReading(); // the peer reads nothing: the kernel's buffers stay full
        peerConnected.setResult(null);
        reset.await();
        writer.transport().abort();
      }, host(), 0)) {
        Streams.Pair c = Streams.openConnection(host(), portOf(server));
        Weft.waitFor(peerConnected, WAIT);
        fillUntilPaused(c.writer());
        List<Task<Void>> drainers = List.of(drainer(c.writer()), drainer(c.writer()));
        settle();
        assertThat(drainers).noneMatch(Future::isDone);
        reset.setResult(null);
        List<Throwable> errors = new ArrayList<>();
        for (Task<Void> d : drainers) {
          errors.add(org.assertj.core.api.Assertions.catchThrowable(() -> Weft.waitFor(d, WAIT)));
        }
        Throwable lost = c.reader().exception();
        assertThat(lost).as("the connection was lost with an error").isInstanceOf(IOException.class);
        assertThat(errors).as("every waiting drain raises it").allSatisfy(e -> assertThat(e).isSameAs(lost));
        assertThatThrownBy(() -> c.writer().drain()).isSameAs(lost);
        assertThatThrownBy(() -> c.writer().drain()).isSameAs(lost);
        assertThatThrownBy(() -> c.writer().waitClosed()).isSameAs(lost);
      }
    });
  }

  @Test
  void aPeerThatResetsMidReadExactly_givesIncompleteReadError_withThePartialBytes_causedByTheReset() {
    run(() -> {
      Future<Void> reset = loop.createFuture();
      try (Server server = Streams.startServer((reader, writer) -> {
        writer.write(bytes("abc"));
        writer.drain();
        reset.await();
        writer.transport().abort();
      }, host(), 0)) {
        Streams.Pair c = Streams.openConnection(host(), portOf(server));
        Task<byte[]> reading = Weft.createTask(() -> c.reader().readExactly(10));
        for (int i = 0; i < 5000 && !c.reader().toString().contains("3 bytes"); i++) {
          Weft.sleep(java.time.Duration.ofMillis(1));
        }
        assertThat(c.reader()).hasToString("<StreamReader 3 bytes>");
        reset.setResult(null);
        Throwable e = org.assertj.core.api.Assertions.catchThrowable(() -> Weft.waitFor(reading, WAIT));
        assertThat(e).isInstanceOf(IncompleteReadError.class);
        IncompleteReadError incomplete = (IncompleteReadError) e;
        assertThat(str(incomplete.partial())).isEqualTo("abc");
        assertThat(incomplete.expected()).isEqualTo(10);
        assertIsReset(incomplete.getCause());
        assertThatThrownBy(() -> c.reader().read(1)).isSameAs(incomplete.getCause());
        assertThatThrownBy(() -> c.reader().readExactly(1)).isSameAs(incomplete.getCause());
        assertThatThrownBy(() -> c.writer().waitClosed()).isSameAs(incomplete.getCause());
      }
    });
  }

  @Test
  void forEachLine_overAConnection_isAsyncFor_untilEof() {
    run(() -> {
      try (Server server = Streams.startServer((reader, writer) -> {
        for (byte[] line : reader) {
          writer.write(str(line).toUpperCase(java.util.Locale.ROOT).getBytes(StandardCharsets.UTF_8));
          writer.drain();
        }
        writer.close();
      }, host(), 0)) {
        Streams.Pair c = Streams.openConnection(host(), portOf(server));
        c.writer().write(bytes("one\ntwo\nthr"));
        c.writer().drain();
        c.writer().write(bytes("ee"));
        c.writer().writeEof();
        List<String> got = new ArrayList<>();
        for (byte[] line : c.reader()) {
          got.add(str(line));
        }
        assertThat(got).containsExactly("ONE\n", "TWO\n", "THREE");
        c.writer().close();
        c.writer().waitClosed();
      }
    });
  }
}
