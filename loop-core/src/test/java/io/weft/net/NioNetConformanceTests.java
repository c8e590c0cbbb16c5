package io.weft.net;

import io.weft.EventLoop;
import java.io.IOException;

/**
 * The {@link NetConformanceContractTests} on the production loop's {@link io.weft.spi.NioNetwork}, on IPv4 loopback.
 * Open sockets are this process's TCP and UDP descriptors, counted exactly ({@link SocketDescriptors}).
 */
class NioNetConformanceTests extends NetConformanceContractTests {

  @Override
  protected EventLoop newLoop() {
    return EventLoop.builder().debug(false).build();
  }

  @Override
  protected long openSockets() throws IOException {
    return SocketDescriptors.inet();
  }

  @Override
  protected boolean supportsReusePort() {
    return true;
  }
}
