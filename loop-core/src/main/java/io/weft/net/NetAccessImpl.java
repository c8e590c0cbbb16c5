package io.weft.net;

import io.weft.EventLoop;
import io.weft.internal.LayeredSocket;
import io.weft.internal.NetAccess;
import java.util.function.Supplier;

/**
 * This package's side of {@link NetAccess}: what the TLS layer needs of transports and streams, and the subprocess
 * package of writers.
 */
final class NetAccessImpl implements NetAccess {

  @Override
  public Transport startTransport(EventLoop loop, LayeredSocket socket, Protocol protocol) {
    Transport transport = new Transport(loop, socket, new Watch(loop, socket), protocol, null);
    transport.start();
    return transport;
  }

  @Override
  public void forceClose(Transport transport, Throwable error) {
    transport.forceCloseWith(error);
  }

  @Override
  public Protocol newStreamProtocol(EventLoop loop, StreamReader reader) {
    return new StreamProtocol(loop, reader, null);
  }

  @Override
  public StreamWriter writerOf(Protocol streamProtocol) {
    return ((StreamProtocol) streamProtocol).writer;
  }

  @Override
  public Protocol protocolOf(StreamWriter writer) {
    return writer.protocol();
  }

  @Override
  public Supplier<Protocol> streamServerProtocols(EventLoop loop, Streams.ClientHandler handler, int limit) {
    Supplier<StreamProtocol> protocols = Streams.protocols(loop, handler, limit);
    return protocols::get;
  }

  @Override
  public WriterAndFlow newWriter(WriteTransport transport) {
    StreamProtocol flow = new StreamProtocol(EventLoop.getRunningLoop(), null, null);
    StreamWriter writer = new StreamWriter(transport, flow, null);
    flow.writer = writer;
    return new WriterAndFlow(writer, flow);
  }
}
