package io.weft.net.tls;

import java.security.cert.CertificateException;
import java.util.Locale;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/** Turns the engine's handshake failures into the errors a connect caller gets: what failed, and with whom. */
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
}
