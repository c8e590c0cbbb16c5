package io.weft.bench;

import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The TLS benchmarks' keys, as the anchors' ({@code tls_contexts} in {@code benchmarks/anchors/py_bench_net.py}):
 * one self-signed RSA-2048 certificate for {@code localhost} and {@code 127.0.0.1}, made by the running JDK's
 * {@code keytool} at run time; a server context serving it and a client context trusting only it.
 *
 * @param server serves the certificate; its key manager counts the full handshakes it took part in
 * @param client trusts the certificate
 * @param fullHandshakes how many times the server chose its certificate: once per full handshake (a resumed
 *     session does not ask), so a benchmark of full handshakes can check that none was resumed
 */
record TlsKeys(SSLContext server, SSLContext client, AtomicLong fullHandshakes) {

  private static final char[] PASSWORD = "weft-bench".toCharArray();

  /** Makes a certificate and the two contexts (a second or so: keytool runs in a process of its own). */
  static TlsKeys make() throws Exception {
    Path dir = Files.createTempDirectory("weft-bench-tls");
    Path store = dir.resolve("keys.p12");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-keyalg", "RSA", "-keysize", "2048", "-alias", "bench", "-dname", "CN=localhost",
        "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
        "-keystore", store.toString(), "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
        .redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("keytool failed: " + new String(out));
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, PASSWORD);
    }
    Files.delete(store);
    Files.delete(dir);
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, PASSWORD);
    AtomicLong full = new AtomicLong();
    SSLContext server = SSLContext.getInstance("TLS");
    server.init(new javax.net.ssl.KeyManager[] {
        new Counting((X509ExtendedKeyManager) kmf.getKeyManagers()[0], full)}, null, null);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext client = SSLContext.getInstance("TLS");
    client.init(null, tmf.getTrustManagers(), null);
    return new TlsKeys(server, client, full);
  }

  /**
   * Invalidates every session the client context holds, so that its next connection makes a full handshake (the
   * JDK's client offers a cached TLS 1.3 session for the same host and port; Python's {@code ssl} does not unless
   * asked to).
   */
  void forgetClientSessions() {
    javax.net.ssl.SSLSessionContext sessions = client.getClientSessionContext();
    for (var ids = sessions.getIds(); ids.hasMoreElements(); ) {
      javax.net.ssl.SSLSession s = sessions.getSession(ids.nextElement());
      if (s != null) {
        s.invalidate();
      }
    }
  }

  /** A server's key manager that counts how often a handshake asks it for its certificate. */
  private static final class Counting extends X509ExtendedKeyManager {
    private final X509ExtendedKeyManager inner;
    private final AtomicLong asked;

    Counting(X509ExtendedKeyManager inner, AtomicLong asked) {
      this.inner = inner;
      this.asked = asked;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      String alias = inner.chooseEngineServerAlias(keyType, issuers, engine);
      if (alias != null) {
        asked.incrementAndGet();
      }
      return alias;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      return inner.chooseEngineClientAlias(keyType, issuers, engine);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return inner.getClientAliases(keyType, issuers);
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return inner.chooseClientAlias(keyType, issuers, socket);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return inner.getServerAliases(keyType, issuers);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return inner.chooseServerAlias(keyType, issuers, socket);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return inner.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return inner.getPrivateKey(alias);
    }
  }
}
