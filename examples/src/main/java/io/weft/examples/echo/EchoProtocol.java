package io.weft.examples.echo;

import io.weft.net.Net;
import io.weft.net.Protocol;
import io.weft.net.Server;
import io.weft.net.Transport;
import java.io.IOException;

/**
 * An echo server over a protocol, asyncio's "TCP echo server using protocols": callbacks, no tasks.
 *
 * <p>Each connection gets its own instance. What arrives is written back; when the client half-closes, returning
 * false from {@link #eofReceived()} lets the transport flush and close. Flow control is the protocol way: while the
 * transport's write buffer is above its high-water mark (a client that does not read), stop reading from that client.
 */
public final class EchoProtocol implements Protocol {

  private Transport transport;

  /**
   * Starts an echo server of this protocol on {@code host}:{@code port}, serving at once. Call from a task.
   *
   * @throws IOException if the address cannot be listened on
   */
  public static Server start(String host, int port) throws IOException {
    return Net.createServer(EchoProtocol::new, host, port);
  }

  /** Creates the protocol of one connection. */
  public EchoProtocol() {}

  @Override
  public void connectionMade(Transport transport) {
    this.transport = transport;
  }

  @Override
  public void dataReceived(byte[] data) {
    transport.write(data);
  }

  @Override
  public boolean eofReceived() {
    return false; // close once what was echoed is flushed
  }

  @Override
  public void pauseWriting() {
    transport.pauseReading();
  }

  @Override
  public void resumeWriting() {
    transport.resumeReading();
  }
}
