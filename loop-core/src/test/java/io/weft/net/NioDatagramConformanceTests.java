package io.weft.net;

import io.weft.EventLoop;
import java.io.IOException;

/**
 * The {@link DatagramConformanceContractTests} on the production loop's {@link io.weft.spi.NioNetwork}; open sockets
 * are this process's TCP and UDP descriptors, counted exactly ({@link SocketDescriptors}).
 */
class NioDatagramConformanceTests extends DatagramConformanceContractTests {

  @Override
  protected EventLoop newLoop() {
    return EventLoop.builder().debug(false).build();
  }

  @Override
  protected long openSockets() throws IOException {
    return SocketDescriptors.inet();
  }
}
