package io.weft.net.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Keys for the TLS tests, made at run time with the running JDK's {@code keytool} (nothing checked in): one RSA
 * certificate for {@code localhost}, {@code server} (the simulated host) and {@code 127.0.0.1}, and contexts that
 * serve it or trust it. Contexts take an optional seed: a seeded {@code SHA1PRNG} makes the handshake's random
 * choices repeat, as a simulation needs.
 */
final class TlsFixtures {

  static final char[] PASSWORD = "weft-test".toCharArray();
  private static KeyStore keys;
  private static KeyStore otherKeys;
  private static KeyStore ecKeys;

  private TlsFixtures() {}

  /** The server's key store, made once per JVM. */
  static synchronized KeyStore keys() {
    if (keys == null) {
      keys = generate("weft-test-server", "CN=localhost", "SAN=dns:localhost,dns:server,ip:127.0.0.1");
    }
    return keys;
  }

  /** A second, unrelated certificate: one the client does not trust. */
  static synchronized KeyStore otherKeys() {
    if (otherKeys == null) {
      otherKeys = generate("weft-test-other", "CN=localhost", "SAN=dns:localhost,dns:server,ip:127.0.0.1");
    }
    return otherKeys;
  }

  /** An EC (P-256) certificate for the same names: ECDSA signatures vary in length from run to run. */
  static synchronized KeyStore ecKeys() {
    if (ecKeys == null) {
      ecKeys = generate("weft-test-ec", "CN=localhost", "SAN=dns:localhost,dns:server,ip:127.0.0.1", "EC", "256");
    }
    return ecKeys;
  }

  private static KeyStore generate(String alias, String dname, String san) {
    return generate(alias, dname, san, "RSA", "2048");
  }

  private static KeyStore generate(String alias, String dname, String san, String algorithm, String size) {
    try {
      Path dir = Files.createTempDirectory("weft-tls");
      Path store = dir.resolve("keys.p12");
      Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
      Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-keyalg", algorithm, "-keysize", size,
          "-alias", alias, "-dname", dname, "-ext", san, "-validity", "3", "-storetype", "PKCS12",
          "-keystore", store.toString(), "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
          .redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("keytool failed: " + new String(out));
      }
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(store)) {
        ks.load(in, PASSWORD);
      }
      Files.delete(store);
      Files.delete(dir);
      return ks;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A server context serving {@code store}'s certificate; seeded if {@code seed} is not null. */
  static SSLContext server(KeyStore store, Long seed) {
    try {
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, PASSWORD);
      SSLContext c = SSLContext.getInstance("TLS");
      c.init(kmf.getKeyManagers(), null, random(seed));
      return c;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static SSLContext server() {
    return server(keys(), null);
  }

  /** A client context trusting {@code store}'s certificate only; seeded if {@code seed} is not null. */
  static SSLContext client(KeyStore store, Long seed) {
    try {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext c = SSLContext.getInstance("TLS");
      c.init(null, tmf.getTrustManagers(), random(seed));
      return c;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static SSLContext client() {
    return client(keys(), null);
  }

  private static SecureRandom random(Long seed) throws GeneralSecurityException {
    if (seed == null) {
      return null;
    }
    SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
    r.setSeed(seed); // before any output: the generator's whole sequence follows from the seed
    return r;
  }
}
