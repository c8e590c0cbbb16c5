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

  /** Small kernel buffers, so the transport buffers after a few writes instead of after megabytes. */
  @Override
  protected void slowDown(Transport writer, Transport reader) throws IOException {
    ((io.weft.spi.Network.StreamSocket) writer.getExtraInfo("socket")).setOption(StandardSocketOptions.SO_SNDBUF,
        16 * 1024);
    ((io.weft.spi.Network.StreamSocket) reader.getExtraInfo("socket")).setOption(StandardSocketOptions.SO_RCVBUF,
        16 * 1024);
  }
}
