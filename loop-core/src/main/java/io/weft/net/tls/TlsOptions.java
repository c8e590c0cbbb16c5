package io.weft.net.tls;

import io.weft.Api;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * How one side of a connection speaks TLS: asyncio's {@code ssl=}, {@code server_side=}, {@code server_hostname=},
 * {@code ssl_handshake_timeout=} and {@code ssl_shutdown_timeout=} in one value.
 *
 * <p>Start from {@link #client(SSLContext)} or {@link #server(SSLContext)} and change one setting at a time with the
 * {@code with…} methods. A client checks by default that the server's certificate names the host it connects to
 * (endpoint identification, as an {@code ssl.SSLContext} with {@code check_hostname}); the name checked is
 * {@link #serverHostname()} when set, else the host given to connect. The name is also sent as SNI unless it is an
 * IP address.
 *
 * <p>In a simulation, build the {@link SSLContext} with a seeded {@link java.security.SecureRandom} (for instance
 * {@code SecureRandom.getInstance("SHA1PRNG")} with {@code setSeed} before first use) so the handshake's random
 * choices, and therefore the trace, repeat.
 *
 * @param context the JDK's TLS context: keys (a server's certificate) and trust (whom a client believes); never null
 * @param serverSide whether this side is the server of the handshake
 * @param serverHostname the name a client checks the certificate against and sends as SNI, or null for the host it
 *     connects to; ignored on the server side
 * @param checkHostname whether a client checks the certificate's names (on by default); ignored on the server side
 * @param handshakeTimeout how long the handshake may take before the connection is aborted (asyncio's 60 s); > 0
 * @param shutdownTimeout how long closing waits for the peer's {@code close_notify} before aborting (asyncio's
 *     30 s); > 0
 * @param parameters what the application sets on each connection's {@link SSLParameters} after Weft's own settings
 *     (what asyncio's users set on their {@code ssl.SSLContext}: {@code setNeedClientAuth(true)} for
 *     {@code verify_mode = CERT_REQUIRED} on a server, {@code setApplicationProtocols} for ALPN, protocols, cipher
 *     suites), or null for none
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.3")
public record TlsOptions(SSLContext context, boolean serverSide, String serverHostname, boolean checkHostname,
    Duration handshakeTimeout, Duration shutdownTimeout, Consumer<SSLParameters> parameters) {

  /** asyncio's {@code SSL_HANDSHAKE_TIMEOUT}: 60 seconds. */
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(60);

  /** asyncio's {@code SSL_SHUTDOWN_TIMEOUT}: 30 seconds. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

  /**
   * Checks the values.
   *
   * @throws NullPointerException if {@code context} or a timeout is null
   * @throws IllegalArgumentException naming the value if a timeout is not positive
   */
  public TlsOptions {
    Objects.requireNonNull(context, "context must not be null");
    checkTimeout("handshakeTimeout", handshakeTimeout);
    checkTimeout("shutdownTimeout", shutdownTimeout);
  }

  private static void checkTimeout(String name, Duration value) {
    Objects.requireNonNull(value, name + " must not be null");
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be > 0, got " + value);
    }
  }

  /** A client's options: hostname checking on, the default timeouts. */
  public static TlsOptions client(SSLContext context) {
    return new TlsOptions(context, false, null, true, DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_SHUTDOWN_TIMEOUT, null);
  }

  /** A server's options: the default timeouts. */
  public static TlsOptions server(SSLContext context) {
    return new TlsOptions(context, true, null, false, DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_SHUTDOWN_TIMEOUT, null);
  }

  /** Returns these options with the name a client checks and sends as SNI (null: the host connected to). */
  public TlsOptions withServerHostname(String serverHostname) {
    return new TlsOptions(context, serverSide, serverHostname, checkHostname, handshakeTimeout, shutdownTimeout,
        parameters);
  }

  /** Returns these options with hostname checking on or off (a client's only). */
  public TlsOptions withCheckHostname(boolean checkHostname) {
    return new TlsOptions(context, serverSide, serverHostname, checkHostname, handshakeTimeout, shutdownTimeout,
        parameters);
  }

  /** Returns these options with another handshake timeout; see {@link #handshakeTimeout()}. */
  public TlsOptions withHandshakeTimeout(Duration handshakeTimeout) {
    return new TlsOptions(context, serverSide, serverHostname, checkHostname, handshakeTimeout, shutdownTimeout,
        parameters);
  }

  /** Returns these options with another shutdown timeout; see {@link #shutdownTimeout()}. */
  public TlsOptions withShutdownTimeout(Duration shutdownTimeout) {
    return new TlsOptions(context, serverSide, serverHostname, checkHostname, handshakeTimeout, shutdownTimeout,
        parameters);
  }

  /**
   * Returns these options with {@code parameters} applied to each connection's {@link SSLParameters}, after Weft's
   * own settings (hostname checking, SNI), for what a context alone cannot say in Java: a server that requires client
   * certificates ({@code p -> p.setNeedClientAuth(true)}), ALPN, protocol versions, cipher suites.
   */
  public TlsOptions withParameters(Consumer<SSLParameters> parameters) {
    return new TlsOptions(context, serverSide, serverHostname, checkHostname, handshakeTimeout, shutdownTimeout,
        parameters);
  }
}
