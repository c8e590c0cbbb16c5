package io.weft.net.tls;

import io.weft.Api;
import io.weft.EventLoop;
import io.weft.internal.NetAccess;
import io.weft.net.Net;
import io.weft.net.Protocol;
import io.weft.net.Server;
import io.weft.net.StreamReader;
import io.weft.net.StreamWriter;
import io.weft.net.Streams;
import io.weft.net.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * TLS over Weft's transports, asyncio's {@code ssl=} support: connections, servers, streams and {@code start_tls},
 * with the JDK's {@link javax.net.ssl.SSLEngine}.
 *
 * <p>The layer is a protocol over an ordinary {@link Transport} (asyncio's {@code sslproto}); the application gets
 * a {@link Transport} of its own that reads and writes the decrypted stream, with the usual write, flow control
 * (water marks, {@code pauseWriting}), pause and resume of reading, close and abort. It works on every network,
 * the simulated one included. Its {@code getExtraInfo} adds {@code "peercert"} (the peer's
 * {@link java.security.cert.Certificate}, or null), {@code "peercerts"}, {@code "cipher"} (the suite's name),
 * {@code "protocol"} ("TLSv1.3"), {@code "sslsession"} (the {@link javax.net.ssl.SSLSession}) and
 * {@code "sslcontext"}. It cannot half-close: {@code canWriteEof()} is false and {@code writeEof()} throws, as
 * asyncio's.
 *
 * <p>Errors, as asyncio's: a failed handshake reaches the connect caller as a
 * {@link javax.net.ssl.SSLHandshakeException} saying why (an untrusted certificate, or "hostname mismatch" naming
 * the name checked); nothing is left open. A handshake longer than {@link TlsOptions#handshakeTimeout()} aborts
 * the connection and raises {@link io.weft.TimeoutError} naming the timeout. On a server, a failed handshake
 * closes that connection only; as asyncio, only in {@linkplain EventLoop#isDebug() debug mode} does it reach the
 * loop's exception handler ("Error on transport creation for incoming connection", with the error and the extras
 * {@code protocol} and {@code transport}). An error in the layer that is not an {@link IOException} goes to the
 * exception handler always ("SSL handshake failed", "Fatal error on SSL protocol"), as asyncio's
 * {@code _fatal_error}.
 *
 * <p>Closing sends {@code close_notify} and waits up to {@link TlsOptions#shutdownTimeout()} for the peer's before
 * closing the connection under it; the protocol's {@code connectionLost} comes after that, as in asyncio. The
 * peer's {@code close_notify} reads as EOF ({@code eofReceived}); unlike
 * asyncio, a protocol that answers true may still write before closing where the TLS version allows it (1.3).
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.3")
public final class Tls {

  private Tls() {}

  /**
   * Connects to {@code host}:{@code port} and runs the TLS handshake, as asyncio's
   * {@code create_connection(ssl=context)}. Returns once the handshake is done and the protocol's
   * {@code connectionMade} has run, with the TLS transport. Call from a task.
   *
   * @param factory makes the application's protocol, once connected
   * @param tls a client's options ({@link TlsOptions#client})
   * @throws IllegalArgumentException if {@code tls} is a server's, before anything is opened
   * @throws javax.net.ssl.SSLHandshakeException if the handshake fails (untrusted certificate, hostname
   *     mismatch); nothing is left open
   * @throws io.weft.TimeoutError if the handshake takes longer than the handshake timeout; nothing is left open
   * @throws IOException for failures to connect, as {@link Net#createConnection(Supplier, String, int)}
   */
  public static <P extends Protocol> Net.Connection<P> createConnection(Supplier<? extends P> factory, String host,
      int port, TlsOptions tls) throws IOException {
    Objects.requireNonNull(factory, "factory must not be null");
    Objects.requireNonNull(host, "host must not be null");
    requireClient(tls);
    EventLoop loop = EventLoop.getRunningLoop();
    Object[] made = new Object[1];
    Net.Connection<TlsProtocol> plain = Net.createConnection(() -> {
      P app = Objects.requireNonNull(factory.get(), "the protocol factory returned null");
      made[0] = app;
      String name = tls.serverHostname() != null ? tls.serverHostname() : host;
      return new TlsProtocol(loop, tls, clientEngine(tls, name, port), app, host + ":" + port, false);
    }, host, port);
    Transport transport = plain.protocol().awaitHandshake();
    @SuppressWarnings("unchecked")
    P app = (P) made[0];
    return new Net.Connection<>(transport, app);
  }

  /**
   * Starts a TLS server on {@code host}:{@code port}, as asyncio's {@code create_server(ssl=context)}: each
   * connection handshakes first, then gets a protocol from {@code factory} over its TLS transport. The server's
   * own transports (what {@link Server#closeClients()} closes) are the plain ones under TLS. Call from a task.
   *
   * @param tls a server's options ({@link TlsOptions#server})
   * @throws IllegalArgumentException if {@code tls} is a client's, before anything is opened
   */
  public static Server createServer(Supplier<? extends Protocol> factory, String host, int port, TlsOptions tls)
      throws IOException {
    Objects.requireNonNull(factory, "factory must not be null");
    requireServer(tls);
    EventLoop loop = EventLoop.getRunningLoop();
    return Net.createServer(() -> new TlsProtocol(loop, tls, serverEngine(tls),
        Objects.requireNonNull(factory.get(), "the protocol factory returned null"), null, true), host, port);
  }

  /**
   * Connects over TLS and returns the connection's reader and writer, as asyncio's
   * {@code open_connection(ssl=context)}; see {@link #createConnection}.
   */
  public static Streams.Pair openConnection(String host, int port, TlsOptions tls) throws IOException {
    EventLoop loop = EventLoop.getRunningLoop();
    StreamReader reader = new StreamReader(StreamReader.DEFAULT_LIMIT);
    NetAccess net = NetAccess.get();
    Net.Connection<Protocol> c = createConnection(() -> net.newStreamProtocol(loop, reader), host, port, tls);
    return new Streams.Pair(reader, net.writerOf(c.protocol()));
  }

  /**
   * Starts a TLS stream server, running {@code handler} in a task per connection once its handshake is done, as
   * asyncio's {@code start_server(ssl=context)}; see {@link Streams#startServer(Streams.ClientHandler, String, int)}
   * and {@link #createServer}.
   */
  public static Server startServer(Streams.ClientHandler handler, String host, int port, TlsOptions tls)
      throws IOException {
    Objects.requireNonNull(handler, "handler must not be null");
    EventLoop loop = EventLoop.getRunningLoop();
    return createServer(NetAccess.get().streamServerProtocols(loop, handler, StreamReader.DEFAULT_LIMIT), host,
        port, tls);
  }

  /**
   * Upgrades an open connection to TLS, as asyncio's {@code loop.start_tls}: {@code transport} stops calling its
   * protocol and carries the handshake, then {@code protocol} gets the returned TLS transport
   * ({@code connectionMade} has run when this returns). Bytes that arrived before the call belong to the old
   * protocol. Call from a task.
   *
   * <p>A client checks the certificate against {@link TlsOptions#serverHostname()} or, when that is null, the host
   * of the transport's peer address.
   *
   * @throws IllegalStateException naming the transport if it is closing
   * @throws javax.net.ssl.SSLHandshakeException if the handshake fails; {@code transport} is closed by then
   * @throws io.weft.TimeoutError if the handshake takes longer than the handshake timeout; {@code transport} is
   *     aborted by then
   */
  public static Transport startTls(Transport transport, Protocol protocol, TlsOptions tls) throws IOException {
    Objects.requireNonNull(transport, "transport must not be null");
    Objects.requireNonNull(protocol, "protocol must not be null");
    Objects.requireNonNull(tls, "tls must not be null");
    if (transport.isClosing()) {
      throw new IllegalStateException("cannot start TLS on a closing transport: " + transport);
    }
    EventLoop loop = EventLoop.getRunningLoop();
    String peer = transport.getExtraInfo("peername") instanceof InetSocketAddress a ? a.getHostString() : null;
    SSLEngine engine;
    if (tls.serverSide()) {
      engine = serverEngine(tls);
    } else {
      String name = tls.serverHostname() != null ? tls.serverHostname() : peer;
      int port = transport.getExtraInfo("peername") instanceof InetSocketAddress a ? a.getPort() : -1;
      engine = clientEngine(tls, name, port);
    }
    TlsProtocol layer = new TlsProtocol(loop, tls, engine, protocol, peer, false);
    transport.pauseReading();
    transport.setProtocol(layer);
    loop.callSoon(() -> layer.connectionMade(transport));
    loop.callSoon(transport::resumeReading);
    return layer.awaitHandshake();
  }

  /**
   * Upgrades a stream connection to TLS, as asyncio's {@code StreamWriter.start_tls}: drains the writer, runs the
   * handshake, and from then on {@code writer} and its reader speak TLS. Call from a task.
   *
   * @throws javax.net.ssl.SSLHandshakeException if the handshake fails; the connection is closed by then
   * @throws io.weft.TimeoutError if the handshake takes longer than the handshake timeout
   * @throws IllegalArgumentException if {@code writer} is not over a connection (a subprocess' stdin)
   */
  public static void startTls(StreamWriter writer, TlsOptions tls) throws IOException {
    Objects.requireNonNull(writer, "writer must not be null");
    if (writer.transport() == null) {
      throw new IllegalArgumentException("startTls needs a connection's writer, got one over " + writer.writeTransport()
          + " (a subprocess pipe cannot speak TLS)");
    }
    writer.drain();
    startTls(writer.transport(), NetAccess.get().protocolOf(writer), tls);
  }

  // ------------------------------------------------------------------------------------------------------------

  private static void requireClient(TlsOptions tls) {
    Objects.requireNonNull(tls, "tls must not be null");
    if (tls.serverSide()) {
      throw new IllegalArgumentException("a connection needs a client's options (TlsOptions.client), got " + tls);
    }
  }

  private static void requireServer(TlsOptions tls) {
    Objects.requireNonNull(tls, "tls must not be null");
    if (!tls.serverSide()) {
      throw new IllegalArgumentException("a server needs a server's options (TlsOptions.server), got " + tls);
    }
  }

  /** A client's engine: hostname checking as asked, SNI unless the name is an IP address. */
  static SSLEngine clientEngine(TlsOptions tls, String name, int port) {
    SSLEngine engine = name == null ? tls.context().createSSLEngine() : tls.context().createSSLEngine(name, port);
    engine.setUseClientMode(true);
    SSLParameters parameters = engine.getSSLParameters();
    if (tls.checkHostname()) {
      if (name == null) {
        throw new IllegalArgumentException("hostname checking needs a server hostname: set"
            + " TlsOptions.withServerHostname, or turn checking off with withCheckHostname(false)");
      }
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
    }
    if (name != null && !isIpLiteral(name)) {
      parameters.setServerNames(List.of(new SNIHostName(name)));
    }
    if (tls.parameters() != null) {
      tls.parameters().accept(parameters);
    }
    engine.setSSLParameters(parameters);
    return engine;
  }

  static SSLEngine serverEngine(TlsOptions tls) {
    SSLEngine engine = tls.context().createSSLEngine();
    engine.setUseClientMode(false);
    if (tls.parameters() != null) {
      SSLParameters parameters = engine.getSSLParameters();
      tls.parameters().accept(parameters);
      engine.setSSLParameters(parameters);
    }
    return engine;
  }

  private static boolean isIpLiteral(String host) {
    if (host.isEmpty() || (!Character.isDigit(host.charAt(0)) && host.indexOf(':') < 0)) {
      return false;
    }
    try {
      java.net.InetAddress.ofLiteral(host);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
