package io.weft.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * A transport's socket failed with an I/O error (connection reset, broken pipe, unreachable peer): the error its
 * protocol hears in {@code connectionLost} or {@code errorReceived}; or a connection failed before a protocol had it:
 * a connect that failed everywhere (the error its caller gets), an accept, a TLS handshake; or the TLS layer failed.
 * On by default.
 */
@Name(WeftEvents.TRANSPORT_ERROR)
@Label("Transport I/O Error")
@Category("Weft")
@Description("A transport's socket failed with an I/O error, such as a connection reset by the peer, or a connect,"
    + " an accept or a TLS handshake failed")
@StackTrace(false)
final class TransportErrorEvent extends jdk.jfr.Event {

  @Label("Transport")
  @Description("stream, datagram or tls (the TLS layer over a stream)")
  String transport;

  @Label("Operation")
  @Description("What failed: read, write, shutdown, send, receive, connect, accept or handshake")
  String operation;

  @Label("Local Address")
  String localAddress;

  @Label("Remote Address")
  String remoteAddress;

  @Label("Exception Class")
  Class<?> exceptionClass;

  @Label("Exception Message")
  String exceptionMessage;
}
