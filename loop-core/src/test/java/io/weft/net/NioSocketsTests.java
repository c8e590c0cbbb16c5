package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.EventLoop;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The {@link SocketsContractTests} on the production loop's {@link io.weft.spi.NioNetwork}, on IPv4 loopback, and
 * what only real files show: a Unix server's socket file, removed when the server closes (unless it was replaced),
 * and a stale one removed before binding, as asyncio 3.13 does.
 */
class NioSocketsTests extends SocketsContractTests {

  private Path unixDir;

  @Override
  protected EventLoop newLoop() {
    return EventLoop.builder().debug(false).build();
  }

  @Override
  protected long openResources() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  @Override
  protected long openResourcesTolerance() {
    return 8;
  }

  @Override
  protected Path unixPath() throws IOException {
    if (unixDir == null) {
      unixDir = Files.createTempDirectory("weft-sockets");
      unixDir.toFile().deleteOnExit();
    }
    Path p = unixDir.resolve("s" + System.nanoTime() + ".sock");
    p.toFile().deleteOnExit();
    return p;
  }

  private static Server startUnix(Path path, boolean cleanupSocket) throws IOException {
    return Net.createUnixServer(() -> new Protocol() {}, path, Net.DEFAULT_BACKLOG, true, cleanupSocket);
  }

  @Test
  void closingAUnixServer_removesItsSocketFile() {
    run(() -> {
      Path path = unixPath();
      Server server = startUnix(path, true);
      assertThat(Files.exists(path)).as("the socket file while serving").isTrue();
      server.close();
      assertThat(Files.exists(path)).as("the socket file after close").isFalse();
    });
  }

  @Test
  void withoutCleanup_theSocketFileStays() {
    run(() -> {
      Path path = unixPath();
      Server server = startUnix(path, false);
      server.close();
      assertThat(Files.exists(path)).isTrue();
      Files.delete(path);
    });
  }

  @Test
  void aSocketFileReplacedMeanwhile_isNotRemoved() {
    run(() -> {
      Path path = unixPath();
      Server server = startUnix(path, true);
      Files.delete(path);
      Files.writeString(path, "someone else's file");
      server.close();
      assertThat(Files.readString(path)).isEqualTo("someone else's file");
      Files.delete(path);
    });
  }

  @Test
  void aStaleSocketFile_isRemovedBeforeBinding_butAnOrdinaryFileIsNot() {
    run(() -> {
      Path path = unixPath();
      try (ServerSocketChannel stale = ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
        stale.bind(UnixDomainSocketAddress.of(path)); // closing it leaves the file: a stale socket
      }
      assertThat(Files.exists(path)).isTrue();
      Server server = startUnix(path, true);
      server.close();
      assertThat(Files.exists(path)).isFalse();

      Files.writeString(path, "data");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> startUnix(path, true))
          .isInstanceOf(java.net.BindException.class);
      assertThat(Files.readString(path)).isEqualTo("data");
      Files.delete(path);
    });
  }
}
