package io.weft.net.tls;

import io.weft.CancelledError;
import io.weft.EventLoop;
import io.weft.ExceptionContext;
import io.weft.net.Protocol;
import io.weft.net.Transport;
import java.io.IOException;
import java.security.cert.CertificateException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * Turns the engine's handshake failures into the errors a connect caller gets (what failed, and with whom), and
 * reports to the loop's exception handler what asyncio reports.
 */
final class HandshakeErrors {

  private HandshakeErrors() {}

  /**
   * Returns the error to raise for {@code error}: a hostname mismatch says so and names the name checked; another
   * TLS failure says the handshake failed; anything else is returned as it is.
   *
   * @param name the name the certificate was checked against, or null
   * @param peer " with host:port" for messages, or ""
   */
  static Throwable describe(Throwable error, String name, String peer) {
    if (!(error instanceof SSLException)) {
      return error;
    }
    for (Throwable c = error; c != null; c = c.getCause()) {
      if (c instanceof CertificateException && c.getMessage() != null
          && c.getMessage().toLowerCase(Locale.ROOT).contains("matching")) {
        SSLHandshakeException e = new SSLHandshakeException("hostname mismatch: the certificate of the server"
            + peer + " is not valid for '" + name + "' (" + c.getMessage() + ")");
        e.initCause(error);
        return e;
      }
    }
    SSLHandshakeException e = new SSLHandshakeException("TLS handshake failed" + peer + ": " + error.getMessage());
    e.initCause(error);
    return e;
  }

  /**
   * As asyncio's {@code SSLProtocol._fatal_error}: an error that is not an I/O error (nor a cancel) is a bug, not
   * the connection's own failure, and goes to the loop's exception handler with the plain transport and the layer.
   */
  static void reportFatal(EventLoop loop, Throwable error, boolean handshaking, Transport plain, Protocol layer) {
    if (error instanceof IOException || error instanceof CancelledError) {
      return;
    }
    String message = !handshaking ? "Fatal error on SSL protocol"
        : certificateFailure(error) ? "SSL handshake failed on verifying the certificate" : "SSL handshake failed";
    Map<String, Object> extras = new LinkedHashMap<>();
    extras.put("transport", plain);
    extras.put("protocol", layer);
    loop.callExceptionHandler(new ExceptionContext(message, error, null, null, null, extras));
  }

  /**
   * As asyncio's {@code _accept_connection2} in debug mode: the handshake of a connection a server accepted failed
   * ({@code error}, what a connect caller would have got), before {@code app} ever started.
   */
  static void reportIncoming(EventLoop loop, Throwable error, Protocol app, Transport plain) {
    Map<String, Object> extras = new LinkedHashMap<>();
    extras.put("protocol", app);
    extras.put("transport", plain);
    loop.callExceptionHandler(new ExceptionContext("Error on transport creation for incoming connection", error,
        null, null, null, extras));
  }

  private static boolean certificateFailure(Throwable error) {
    for (Throwable c = error; c != null; c = c.getCause()) {
      if (c instanceof CertificateException) {
        return true;
      }
    }
    return false;
  }
}
