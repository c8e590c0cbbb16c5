package io.weft.net;

import io.weft.EventLoop;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@link TransportContractTests} on the production loop's {@link io.weft.spi.NioNetwork}, on IPv4 loopback.
 * Open resources are this process's TCP and UDP descriptors, counted exactly ({@link SocketDescriptors}): a count
 * of every descriptor needed a tolerance of 8 for the jars and selector descriptors the JVM opens meanwhile.
 */
class NioTransportTests extends StreamContractTests {

  @Override
  protected EventLoop newLoop() {
    return EventLoop.builder().debug(false).build();
  }

  @Override
  protected long openResources() throws IOException {
    return SocketDescriptors.inet();
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
