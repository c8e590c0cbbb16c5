package io.weft.net.tls;

import io.weft.EventLoop;
import io.weft.internal.LayeredSocket;
import io.weft.spi.Poller;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.security.cert.Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The application's side of a TLS connection, as a stream socket the ordinary {@code Transport} reads and writes:
 * the decrypted stream of a {@link TlsProtocol}. It is not watched by the poller; it tells its transport when it is
 * ready, from a ready callback, level-triggered as a poller would.
 */
final class TlsSocket implements LayeredSocket {

  private static final Poller.Pollable NOT_POLLED = new Poller.Pollable() {};

  private final EventLoop loop;
  private final TlsProtocol tls;
  private boolean open = true;
  private int interest;
  private Poller.IoHandler handler;
  // Invariant: at most one readiness callback is scheduled at a time.
  private boolean scheduled;

  TlsSocket(EventLoop loop, TlsProtocol tls) {
    this.loop = loop;
    this.tls = tls;
  }

  @Override
  public void watch(int ops, Poller.IoHandler handler) {
    this.interest = ops;
    this.handler = handler;
    kick();
  }

  /** The layer under this socket. */
  TlsProtocol layer() {
    return tls;
  }

  /** Schedules a readiness callback if the transport watches something that is ready now. */
  void kick() {
    if (scheduled || handler == null || (interest & readyOps()) == 0) {
      return;
    }
    scheduled = true;
    io.weft.Context context = handler.context();
    if (context != null) {
      loop.callSoon(this::fire, context);
    } else {
      loop.callSoon(this::fire);
    }
  }

  private void fire() {
    scheduled = false;
    Poller.IoHandler h = handler;
    int ready = interest & readyOps();
    if (h != null && ready != 0 && open) {
      h.ready(ready);
      kick(); // still ready (level-triggered): again, next iteration
    }
  }

  private int readyOps() {
    return (tls.readable() ? Poller.READ : 0) | (tls.writable() ? Poller.WRITE : 0);
  }

  /** What the application's transport adds to {@code getExtraInfo}: the session's facts, else the plain one's. */
  @Override
  public Object extraInfo(String name) {
    SSLSession session = tls.session();
    return switch (name) {
      case "sslsession", "ssl_object" -> session;
      case "sslcontext" -> tls.options().context();
      case "cipher" -> session.getCipherSuite();
      case "protocol" -> session.getProtocol();
      case "peercert" -> {
        Certificate[] chain = peerCertificates(session);
        yield chain == null || chain.length == 0 ? null : chain[0];
      }
      case "peercerts" -> peerCertificates(session);
      default -> tls.plainInfo(name);
    };
  }

  private static Certificate[] peerCertificates(SSLSession session) {
    try {
      return session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return null; // a client without a certificate
    }
  }

  @Override
  public boolean canHalfClose() {
    return false;
  }

  @Override
  public boolean finishConnect() {
    return true;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    if (!open) {
      throw new ClosedChannelException();
    }
    return tls.readApp(dst);
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    if (!open) {
      throw new ClosedChannelException();
    }
    return tls.writeApp(src);
  }

  @Override
  public void shutdownOutput() {
    throw new UnsupportedOperationException("TLS does not support half-closes");
  }

  @Override
  public void close(boolean reset, Runnable whenClosed) {
    if (open) {
      open = false;
      tls.appClosed(reset, whenClosed);
    } else {
      whenClosed.run();
    }
  }

  @Override
  public void abort() {
    close(true, () -> { });
  }

  @Override
  public void close() {
    close(false, () -> { });
  }

  @Override
  public SocketAddress remoteAddress() {
    return (SocketAddress) tls.plainInfo("peername");
  }

  @Override
  public Poller.Pollable pollable() {
    return NOT_POLLED;
  }

  @Override
  public SocketAddress localAddress() {
    return (SocketAddress) tls.plainInfo("sockname");
  }

  @Override
  public <T> T getOption(SocketOption<T> option) {
    throw new UnsupportedOperationException("a TLS transport has no socket option " + option
        + "; set it on the socket under it (getExtraInfo(\"socket\") of the plain transport)");
  }

  @Override
  public <T> void setOption(SocketOption<T> option, T value) {
    throw new UnsupportedOperationException("a TLS transport has no socket option " + option);
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public String toString() {
    return "TlsSocket[" + (open ? "open" : "closed") + ", " + tls + "]";
  }
}
