package io.weft.net.tls;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.function.BooleanSupplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * A context whose engines are the real context's, except that {@code unwrap} throws an
 * {@link IllegalStateException} ("engine bug") whenever {@code broken} says so: a failure in the TLS layer that is
 * not an I/O error, for the tests of what reaches the loop's exception handler.
 */
final class FaultyEngines {

  private FaultyEngines() {}

  static SSLContext context(SSLContext real, BooleanSupplier broken) {
    SSLContextSpi spi = new SSLContextSpi() {
      @Override
      protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) {
        throw new UnsupportedOperationException("already initialised");
      }

      @Override
      protected SSLSocketFactory engineGetSocketFactory() {
        return real.getSocketFactory();
      }

      @Override
      protected SSLServerSocketFactory engineGetServerSocketFactory() {
        return real.getServerSocketFactory();
      }

      @Override
      protected SSLEngine engineCreateSSLEngine() {
        return new Engine(real.createSSLEngine(), broken);
      }

      @Override
      protected SSLEngine engineCreateSSLEngine(String host, int port) {
        return new Engine(real.createSSLEngine(host, port), broken);
      }

      @Override
      protected SSLSessionContext engineGetServerSessionContext() {
        return real.getServerSessionContext();
      }

      @Override
      protected SSLSessionContext engineGetClientSessionContext() {
        return real.getClientSessionContext();
      }
    };
    return new SSLContext(spi, real.getProvider(), real.getProtocol()) { };
  }

  /** Delegates everything to the real engine; {@code unwrap} throws while {@code broken}. */
  private static final class Engine extends SSLEngine {
    private final SSLEngine inner;
    private final BooleanSupplier broken;

    Engine(SSLEngine inner, BooleanSupplier broken) {
      super(inner.getPeerHost(), inner.getPeerPort());
      this.inner = inner;
      this.broken = broken;
    }

    @Override
    public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) throws SSLException {
      return inner.wrap(srcs, offset, length, dst);
    }

    @Override
    public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length) throws SSLException {
      if (broken.getAsBoolean()) {
        throw new IllegalStateException("engine bug");
      }
      return inner.unwrap(src, dsts, offset, length);
    }

    @Override
    public Runnable getDelegatedTask() {
      return inner.getDelegatedTask();
    }

    @Override
    public void closeInbound() throws SSLException {
      inner.closeInbound();
    }

    @Override
    public boolean isInboundDone() {
      return inner.isInboundDone();
    }

    @Override
    public void closeOutbound() {
      inner.closeOutbound();
    }

    @Override
    public boolean isOutboundDone() {
      return inner.isOutboundDone();
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return inner.getSupportedCipherSuites();
    }

    @Override
    public String[] getEnabledCipherSuites() {
      return inner.getEnabledCipherSuites();
    }

    @Override
    public void setEnabledCipherSuites(String[] suites) {
      inner.setEnabledCipherSuites(suites);
    }

    @Override
    public String[] getSupportedProtocols() {
      return inner.getSupportedProtocols();
    }

    @Override
    public String[] getEnabledProtocols() {
      return inner.getEnabledProtocols();
    }

    @Override
    public void setEnabledProtocols(String[] protocols) {
      inner.setEnabledProtocols(protocols);
    }

    @Override
    public SSLSession getSession() {
      return inner.getSession();
    }

    @Override
    public SSLSession getHandshakeSession() {
      return inner.getHandshakeSession();
    }

    @Override
    public void beginHandshake() throws SSLException {
      inner.beginHandshake();
    }

    @Override
    public SSLEngineResult.HandshakeStatus getHandshakeStatus() {
      return inner.getHandshakeStatus();
    }

    @Override
    public void setUseClientMode(boolean mode) {
      inner.setUseClientMode(mode);
    }

    @Override
    public boolean getUseClientMode() {
      return inner.getUseClientMode();
    }

    @Override
    public void setNeedClientAuth(boolean need) {
      inner.setNeedClientAuth(need);
    }

    @Override
    public boolean getNeedClientAuth() {
      return inner.getNeedClientAuth();
    }

    @Override
    public void setWantClientAuth(boolean want) {
      inner.setWantClientAuth(want);
    }

    @Override
    public boolean getWantClientAuth() {
      return inner.getWantClientAuth();
    }

    @Override
    public void setEnableSessionCreation(boolean flag) {
      inner.setEnableSessionCreation(flag);
    }

    @Override
    public boolean getEnableSessionCreation() {
      return inner.getEnableSessionCreation();
    }

    @Override
    public SSLParameters getSSLParameters() {
      return inner.getSSLParameters();
    }

    @Override
    public void setSSLParameters(SSLParameters params) {
      inner.setSSLParameters(params);
    }

    @Override
    public String getApplicationProtocol() {
      return inner.getApplicationProtocol();
    }

    @Override
    public String getHandshakeApplicationProtocol() {
      return inner.getHandshakeApplicationProtocol();
    }
  }
}
