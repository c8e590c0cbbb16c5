package io.weft.net.tls;

import io.weft.EventLoop;
import java.io.IOException;
import java.time.Duration;

/** The {@link TlsContractTests} on the machine's sockets (NIO). */
class NioTlsTests extends TlsContractTests {

  @Override
  protected EventLoop newLoop() {
    return EventLoop.builder().build();
  }

  @Override
  protected long openResources() throws IOException {
    return io.weft.net.SocketDescriptorsAccess.count();
  }

  @Override
  protected boolean virtualTime() {
    return false;
  }

  @Override
  protected Duration shortHandshakeTimeout() {
    return Duration.ofMillis(300);
  }
}
