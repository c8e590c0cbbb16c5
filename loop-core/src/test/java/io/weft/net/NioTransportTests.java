package io.weft.net;

import io.weft.EventLoop;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The {@link TransportContractTests} on the production loop's {@link io.weft.spi.NioNetwork}, on IPv4 loopback.
 * Open resources are this process's file descriptors, with a little tolerance for the JVM's own.
 */
class NioTransportTests extends StreamContractTests {

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

  private Path unixDir;

  @Override
  protected Path unixPath() throws IOException {
    if (unixDir == null) {
      unixDir = Files.createTempDirectory("weft-transport");
      unixDir.toFile().deleteOnExit();
    }
    Path p = unixDir.resolve("s" + System.nanoTime() + ".sock");
    p.toFile().deleteOnExit();
    return p;
  }
}
