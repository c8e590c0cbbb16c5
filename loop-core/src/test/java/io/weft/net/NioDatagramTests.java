package io.weft.net;

import io.weft.EventLoop;
import java.io.IOException;

/**
 * The {@link DatagramContractTests} on the production loop's {@link io.weft.spi.NioNetwork}, on IPv4 loopback.
 * Open resources are this process's TCP and UDP descriptors, counted exactly ({@link SocketDescriptors}): a count
 * of every descriptor needed a tolerance of 8 for the jars and selector descriptors the JVM opens meanwhile.
 */
class NioDatagramTests extends DatagramContractTests {

  @Override
  protected EventLoop newLoop() {
    return EventLoop.builder().debug(false).build();
  }

  @Override
  protected long openResources() throws IOException {
    return SocketDescriptors.inet();
  }
}
