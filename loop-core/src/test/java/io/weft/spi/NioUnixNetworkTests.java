package io.weft.spi;

import io.weft.EventLoop;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;

/**
 * {@link NioNetwork} on Unix-domain stream sockets in a temporary directory, against the
 * {@link NetworkContractTests}.
 *
 * <p>Pinned on Linux: Unix-domain sockets have no reset, so a peer's read after an abort returns -1. NIO has no
 * Unix-domain datagram sockets, so the datagram tests are skipped.
 */
class NioUnixNetworkTests extends NetworkContractTests {

  private final Path dir;
  private int next;

  NioUnixNetworkTests() throws IOException {
    dir = Files.createTempDirectory("weft-net");
  }

  @AfterEach
  void deleteSocketFiles() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }

  @Override
  protected EventLoop newLoop() {
    return EventLoop.builder().debug(false).build();
  }

  @Override
  protected SocketAddress listenAddress() {
    return UnixDomainSocketAddress.of(dir.resolve("s" + next++ + ".sock"));
  }

  @Override
  protected SocketAddress datagramAddress() {
    return null;
  }

  @Override
  protected long openResources() throws IOException {
    return NioNetworkTests.openFileDescriptors();
  }

  @Override
  protected long openResourcesTolerance() {
    return 8;
  }

  @Override
  protected AbortOutcome abortOutcome() {
    return AbortOutcome.EOF;
  }
}
