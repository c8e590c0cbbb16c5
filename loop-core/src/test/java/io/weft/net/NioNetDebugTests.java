package io.weft.net;

import io.weft.EventLoop;
import java.io.IOException;
import java.net.StandardSocketOptions;

/** The {@link NetDebugContractTests} on the production loop's NIO network, on IPv4 loopback. */
class NioNetDebugTests extends NetDebugContractTests {

  @Override
  protected EventLoop newLoop(boolean debug) {
    return EventLoop.builder().debug(debug).build();
  }

  /**
   * A small send buffer, so the transport buffers sooner. (Not a small receive buffer on the reader: shrunk after the
   * connection is made, with TCP_NODELAY, it made a slow-reader test take 47 seconds instead of one.)
   */
  @Override
  protected void slowDown(Transport writer, Transport reader) throws IOException {
    ((io.weft.spi.Network.StreamSocket) writer.getExtraInfo("socket")).setOption(StandardSocketOptions.SO_SNDBUF,
        16 * 1024);
  }
}
