package io.weft.net;

import io.weft.EventLoop;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The {@link DatagramContractTests} on the production loop's {@link io.weft.spi.NioNetwork}, on IPv4 loopback.
 * Open resources are this process's file descriptors, with a little tolerance for the JVM's own.
 */
class NioDatagramTests extends DatagramContractTests {

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
}
