package io.weft.net.tls;

import io.weft.EventLoop;
import io.weft.Future;
import io.weft.TimeoutError;
import io.weft.TimerHandle;
import io.weft.internal.NetAccess;
import io.weft.internal.jfr.WeftEvents;
import io.weft.net.BufferedProtocol;
import io.weft.net.Protocol;
import io.weft.net.Transport;
import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.Locale;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * The TLS layer, asyncio's {@code SSLProtocol}: the (buffered) protocol of a plain {@link Transport}, which runs the JDK's
 * {@link SSLEngine} over it and, once the handshake is done, drives the application's protocol through a second
 * transport (over a {@link TlsSocket}) that reads and writes the decrypted stream.
 *
 * <p>Written once against {@link Transport}, so it runs on every network. Everything happens on the loop thread,
 * the engine's delegated tasks included (CPU work only, as OpenSSL's handshake inside asyncio's loop): nothing
 * here starts a thread, so a simulation sees no real work.
 *
 * <h2>Flow</h2>
 *
 * <p>The plain transport reads the records straight into {@code netIn} (the layer is a {@link BufferedProtocol}),
 * and they are unwrapped into {@code appIn}, which the application's transport reads through the socket. Both hold only what waits (an idle connection holds neither);
 * records are wrapped through the loop's scratch buffer ({@link LoopTls}). The application's writes are wrapped
 * record by record into the plain transport while it is not paused; once the plain transport's buffer is above its high-water mark, the
 * socket takes nothing and the application's transport buffers (with its own water marks and
 * {@code pauseWriting}). When more than {@link #APP_IN_HIGH} decrypted bytes wait for the application, the plain
 * transport stops reading until they are read.
 *
 * <h2>Ending</h2>
 *
 * <p>The peer's {@code close_notify} (or a plain EOF without one) reads as EOF on the application's transport. The
 * application's {@code close()} sends {@code close_notify} once its buffer is flushed and waits, up to the shutdown
 * timeout, for the peer's before closing the plain transport; {@code abort()} aborts the plain transport. Either
 * way the application's {@code connectionLost} comes once the plain transport is lost, as in asyncio.
 *
 * <p>(About 600 lines: the layer is one state machine whose states every callback consults, so its whole
 * life reads in one place, as {@code Transport}'s does; the application's view of it is {@link TlsSocket}.)
 */
final class TlsProtocol implements BufferedProtocol {

  /** Decrypted bytes waiting for the application above which the plain transport stops reading: 256 KiB. */
  static final int APP_IN_HIGH = 256 * 1024;

  /** Room offered to each read of the plain transport: 64 KiB (four records). */
  static final int READ_ROOM = 64 * 1024;

  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

  /** Where the layer is; it only moves forward. */
  enum State {
    /** Made, no plain transport yet. */
    UNWRAPPED,
    /** Handshaking over the plain transport; the application has no transport yet. */
    HANDSHAKING,
    /** The application reads and writes through its transport. */
    WRAPPED,
    /** The application closed: close_notify sent, waiting for the peer's. */
    SHUTDOWN,
    /** The plain transport is closed or closing; nothing more happens. */
    CLOSED
  }

  private final EventLoop loop;
  private final TlsOptions options;
  private final SSLEngine engine;
  private final Protocol appProtocol;
  private final String peerName; // for messages: the host connected to, or null
  private final boolean accepted; // made by a TLS server for a connection it accepted
  private final Future<Transport> handshake;
  private State state = State.UNWRAPPED;
  private Transport plain;
  private TlsSocket socket;
  private Transport app;
  // Invariant: netIn and appIn are in write mode (data in [0, position)); each is EMPTY while it holds nothing, so
  // an idle connection holds no buffer (records are wrapped through the loop's LoopTls).
  private final LoopTls buffers;
  private ByteBuffer netIn = EMPTY;
  private ByteBuffer appIn = EMPTY;
  private boolean plainWritingPaused;
  private boolean plainReadingPaused;
  private boolean inboundDone; // the peer's close_notify, or a plain EOF, arrived
  private boolean plainLost;
  private boolean outputShut; // the plain transport's output was shut down under the layer
  private IOException appError; // what the application's transport reads once unread data is gone
  private Runnable appLost; // the application's transport's connectionLost, waiting for the plain transport's
  private TimerHandle handshakeTimer;
  private TimerHandle shutdownTimer;

  /**
   * @param accepted whether a TLS server made this layer for a connection it accepted: nobody awaits its
   *     handshake, so a failure is reported as asyncio's {@code _accept_connection2} reports it
   */
  TlsProtocol(EventLoop loop, TlsOptions options, SSLEngine engine, Protocol appProtocol, String peerName,
      boolean accepted) {
    this.loop = loop;
    this.accepted = accepted;
    this.options = options;
    this.engine = engine;
    this.appProtocol = appProtocol;
    this.peerName = peerName;
    this.handshake = loop.createFuture();
    this.buffers = LoopTls.of(loop);
  }

  /**
   * Waits, from a task, until the handshake is done and returns the application's transport (whose
   * {@code connectionMade} has run). A failure or a cancel leaves the plain transport aborted or closing.
   */
  Transport awaitHandshake() {
    try {
      return handshake.await();
    } catch (Throwable e) {
      if (plain != null && state != State.CLOSED) {
        state = State.CLOSED;
        cancelTimers();
        plain.abort(); // cancelled while handshaking
      }
      throw e;
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // The plain transport's protocol
  // ------------------------------------------------------------------------------------------------------------

  @Override
  public void connectionMade(Transport transport) {
    if (state != State.UNWRAPPED) {
      throw new IllegalStateException("connectionMade twice, in state " + state);
    }
    plain = transport;
    state = State.HANDSHAKING;
    handshakeTimer = loop.callLater(options.handshakeTimeout(), this::handshakeTimedOut);
    try {
      engine.beginHandshake();
      drive();
    } catch (SSLException | RuntimeException e) {
      fail(e, "handshake");
    }
  }

  /** The plain transport reads the records straight into {@code netIn} (no array per read, no copy of it). */
  @Override
  public ByteBuffer getBuffer(int sizeHint) {
    netIn = room(netIn, READ_ROOM);
    return netIn;
  }

  @Override
  public void bufferUpdated(int nbytes) {
    received();
  }

  @Override
  public void dataReceived(byte[] data) {
    netIn = room(netIn, data.length);
    netIn.put(data);
    received();
  }

  /** What arrived is in {@code netIn}: runs the engine over it. */
  private void received() {
    if (state == State.CLOSED || state == State.UNWRAPPED) {
      netIn = release(netIn); // dropped
      return;
    }
    try {
      drive();
    } catch (SSLException | RuntimeException e) {
      fail(e, "read");
      return;
    }
    delivered();
  }

  @Override
  public boolean eofReceived() {
    if (netIn.position() == 0) {
      netIn = release(netIn); // the room the last read was offered
    }
    switch (state) {
      case HANDSHAKING -> {
        fail(new SocketException("Connection reset: the peer closed the connection during the TLS handshake"),
            "handshake");
        return true; // fail() closed it already
      }
      case WRAPPED -> {
        inboundDone = true; // without close_notify: asyncio reads it as EOF too
        socket.kick();
        return true; // the application's close ends the plain transport
      }
      default -> {
        return false;
      }
    }
  }

  @Override
  public void connectionLost(Throwable cause) {
    State was = state;
    state = State.CLOSED;
    plainLost = true;
    cancelTimers();
    if (was == State.UNWRAPPED || was == State.HANDSHAKING) {
      failHandshake(cause != null ? cause
          : new SocketException("Connection lost during the TLS handshake" + peer()));
    }
    Runnable lost = appLost;
    if (lost != null) {
      appLost = null;
      lost.run(); // the application's connectionLost, after the TLS shutdown as in asyncio
    }
    if (app != null && lost == null) { // the application's transport has not reached its connectionLost yet
      if (cause == null && appIn.position() > 0 && !app.isClosing()) {
        inboundDone = true; // the application reads what is left, then EOF (and then loses the connection)
        socket.kick();
      } else {
        NetAccess.get().forceClose(app, cause); // even one closing: its buffer can never be flushed now
      }
    }
  }

  @Override
  public void pauseWriting() {
    plainWritingPaused = true;
  }

  @Override
  public void resumeWriting() {
    plainWritingPaused = false;
    if (socket != null) {
      socket.kick();
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // The engine
  // ------------------------------------------------------------------------------------------------------------

  /** Runs the engine as far as it goes with what arrived: handshake steps, unwrapping, close_notify. */
  private void drive() throws SSLException {
    while (true) {
      SSLEngineResult.HandshakeStatus hs = engine.getHandshakeStatus();
      if (hs == SSLEngineResult.HandshakeStatus.NEED_TASK) {
        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
          task.run(); // on the loop thread: CPU work, nothing that waits
        }
      } else if (hs == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
        SSLEngineResult r = wrap(EMPTY);
        if (r.getStatus() == SSLEngineResult.Status.CLOSED && r.bytesProduced() == 0) {
          return;
        }
      } else {
        if (netIn.position() == 0 || engine.isInboundDone()) {
          return;
        }
        netIn.flip();
        // Room for all that arrived, in one allocation for the burst: a record's plaintext is never longer than
        // the record, and the engine wants room for a whole one.
        appIn = room(appIn, netIn.remaining());
        SSLEngineResult r;
        try {
          r = engine.unwrap(netIn, appIn);
        } finally {
          netIn = netIn.hasRemaining() ? netIn.compact() : release(netIn);
          if (appIn.position() == 0) {
            appIn = release(appIn); // a handshake message, a ticket, close_notify: nothing for the application
          }
        }
        switch (r.getStatus()) {
          case BUFFER_OVERFLOW -> appIn = room(appIn, engine.getSession().getApplicationBufferSize());
          case BUFFER_UNDERFLOW -> {
            return; // the rest of the record is still on its way
          }
          case CLOSED -> onCloseNotify();
          case OK -> { }
          default -> throw new IllegalStateException("unknown engine status " + r.getStatus());
        }
        finished(r);
        if (r.getStatus() == SSLEngineResult.Status.OK && r.bytesConsumed() == 0 && r.bytesProduced() == 0
            && r.getHandshakeStatus() != SSLEngineResult.HandshakeStatus.NEED_TASK
            && r.getHandshakeStatus() != SSLEngineResult.HandshakeStatus.NEED_WRAP) {
          return;
        }
      }
    }
  }

  /** Wraps what {@code src} holds (one record at most) and writes it to the plain transport. */
  private SSLEngineResult wrap(ByteBuffer src) throws SSLException {
    ByteBuffer netOut = buffers.wrapBuffer(engine);
    while (true) {
      SSLEngineResult r = engine.wrap(src, netOut);
      if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
        netOut = buffers.growWrapBuffer();
        continue;
      }
      netOut.flip();
      if (netOut.hasRemaining() && !plainLost && plain != null && !plain.isClosing() && !outputShut) {
        try {
          plain.write(netOut); // the plain transport copies what it buffers
        } catch (IllegalStateException e) {
          outputShut = true; // someone called writeEof() on the plain transport: nothing more can be sent
        }
      }
      finished(r);
      return r;
    }
  }

  private void finished(SSLEngineResult r) {
    if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.FINISHED && state == State.HANDSHAKING) {
      handshakeDone();
    }
  }

  private void handshakeDone() {
    handshakeTimer.cancel();
    if (handshake.isDone()) { // the caller was cancelled meanwhile
      state = State.CLOSED;
      plain.abort();
      return;
    }
    state = State.WRAPPED;
    socket = new TlsSocket(loop, this);
    app = NetAccess.get().startTransport(loop, socket, appProtocol); // schedules the app's connectionMade
    // The waiter must wake after connectionMade, which runs next iteration: completing the future one iteration
    // later keeps that order even when a simulation's chaos mode permutes each iteration's batch.
    Transport made = app;
    loop.callSoon(() -> loop.callSoon(() -> {
      if (!handshake.isDone()) {
        handshake.setResult(made);
      }
    }));
  }

  private void handshakeTimedOut() {
    if (state != State.HANDSHAKING && state != State.UNWRAPPED) {
      return;
    }
    double seconds = options.handshakeTimeout().toNanos() / 1e9;
    state = State.CLOSED;
    plain.abort(); // as asyncio: the transport is aborted, the caller gets a TimeoutError
    TimeoutError error = new TimeoutError("SSL handshake is taking longer than " + seconds
        + " seconds: aborting the connection" + peer());
    recordError("handshake", error);
    failHandshake(error);
  }

  private void onCloseNotify() {
    inboundDone = true;
    if (state == State.WRAPPED) {
      socket.kick();
    } else if (state == State.SHUTDOWN) {
      closePlain();
    }
  }

  /** After unwrapping: wakes the application, discards what arrives after it closed, or slows the peer. */
  private void delivered() {
    if (appIn.position() == 0) {
      return;
    }
    if (state == State.WRAPPED) {
      socket.kick();
      if (appIn.position() > APP_IN_HIGH && !plainReadingPaused) {
        plainReadingPaused = true;
        plain.pauseReading();
      }
    } else if (state != State.HANDSHAKING) {
      appIn = release(appIn); // the application closed: what the peer still sends is dropped, as asyncio does
    }
  }

  /**
   * Fails the layer: during the handshake the caller gets the error; after it, the application's transport. An
   * error that is not an I/O error also goes to the loop's exception handler ({@link HandshakeErrors#reportFatal});
   * {@code operation} (read, write; handshake while handshaking) names what failed for the flight recorder.
   */
  private void fail(Throwable error, String operation) {
    State was = state;
    if (was == State.CLOSED) {
      return;
    }
    boolean handshaking = was == State.HANDSHAKING || was == State.UNWRAPPED;
    recordError(handshaking ? "handshake" : operation, error);
    HandshakeErrors.reportFatal(loop, error, handshaking, plain, this);
    state = State.CLOSED;
    cancelTimers();
    if (error instanceof SSLException && plain != null) {
      try {
        engine.closeOutbound();
        for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
          if (wrap(EMPTY).bytesProduced() == 0) {
            break;
          }
        }
      } catch (SSLException | RuntimeException ignored) {
        // the alert is a courtesy; the connection ends either way
      }
    }
    Throwable reported = was == State.HANDSHAKING ? HandshakeErrors.describe(error, engine.getPeerHost(), peer())
        : error;
    if (plain != null) {
      plain.close(); // flushes the alert, if any
    }
    if (was == State.HANDSHAKING || was == State.UNWRAPPED) {
      failHandshake(reported);
    } else if (app != null && !app.isClosing()) {
      appError = reported instanceof IOException io ? io : new SSLException(reported);
      NetAccess.get().forceClose(app, reported);
    }
  }

  private void failHandshake(Throwable error) {
    if (!handshake.isDone()) {
      handshake.setException(error);
      if (accepted) {
        handshake.exception(); // nobody awaits an accepted connection's handshake
        if (loop.isDebug()) { // asyncio's _accept_connection2 reports it in debug mode only
          HandshakeErrors.reportIncoming(loop, error, appProtocol, plain);
        }
      }
    }
  }

  /** Records {@code weft.TransportError} for a TLS failure, if a recording wants it. */
  private void recordError(String operation, Throwable error) {
    if (WeftEvents.transportErrorEnabled()) {
      WeftEvents.transportError("tls", operation, plain == null ? null : plain.getExtraInfo("sockname"),
          plain == null ? null : plain.getExtraInfo("peername"), error);
    }
  }

  private String peer() {
    if (peerName != null) {
      return " with " + peerName;
    }
    Object address = accepted && plain != null ? plain.getExtraInfo("peername") : null; // the client, on a server
    return address == null ? "" : " with " + address;
  }

  private void cancelTimers() {
    if (handshakeTimer != null) {
      handshakeTimer.cancel();
    }
    if (shutdownTimer != null) {
      shutdownTimer.cancel();
    }
  }

  private void closePlain() {
    state = State.CLOSED;
    cancelTimers();
    plain.close();
  }

  // ------------------------------------------------------------------------------------------------------------
  // The application's side, through TlsSocket
  // ------------------------------------------------------------------------------------------------------------

  /** Whether a read of the application's transport would find something: bytes, EOF or an error. */
  boolean readable() {
    return appIn.position() > 0 || inboundDone || appError != null;
  }

  /** Whether the application's transport may write now. */
  boolean writable() {
    return state == State.WRAPPED && !plainWritingPaused && !plainLost;
  }

  int readApp(ByteBuffer dst) throws IOException {
    if (appIn.position() > 0) {
      appIn.flip();
      int n = Math.min(dst.remaining(), appIn.remaining());
      int limit = appIn.limit();
      appIn.limit(appIn.position() + n);
      dst.put(appIn);
      appIn.limit(limit);
      appIn = appIn.hasRemaining() ? appIn.compact() : release(appIn); // all read: the buffer goes back
      if (plainReadingPaused && appIn.position() <= APP_IN_HIGH / 4 && state == State.WRAPPED) {
        plainReadingPaused = false;
        plain.resumeReading();
      }
      return n;
    }
    if (appError != null) {
      throw appError;
    }
    if (inboundDone && plainLost) {
      // nothing under this connection any more: after its EOF the application's transport ends, even if its
      // protocol asked to stay half-open
      Transport t = app;
      loop.callSoon(() -> NetAccess.get().forceClose(t, null));
    }
    return inboundDone ? -1 : 0;
  }

  int writeApp(ByteBuffer src) throws IOException {
    if (plainLost || state == State.CLOSED) {
      throw new SocketException("Connection lost" + peer());
    }
    if (state != State.WRAPPED) {
      return 0;
    }
    if (engine.isOutboundDone()) {
      throw new SocketException("TLS connection closed: the engine sent close_notify" + peer());
    }
    int start = src.position();
    while (src.hasRemaining() && !plainWritingPaused && state == State.WRAPPED) {
      SSLEngineResult r;
      try {
        r = wrap(src);
      } catch (SSLException e) {
        fail(e, "write");
        throw e;
      }
      if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
        throw new SocketException("TLS connection closed while writing" + peer());
      }
      if (r.getHandshakeStatus() != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING
          && r.getHandshakeStatus() != SSLEngineResult.HandshakeStatus.FINISHED) {
        drive(); // a post-handshake message (key update) wants its turn
      }
    }
    return src.position() - start;
  }

  /**
   * The application's transport closed ({@code abort}: at once); {@code whenClosed} runs once the plain transport
   * is lost (at once if it is already).
   */
  void appClosed(boolean abort, Runnable whenClosed) {
    if (plainLost) {
      whenClosed.run();
      return;
    }
    appLost = whenClosed;
    if (state == State.CLOSED) {
      return;
    }
    if (abort || state != State.WRAPPED) {
      state = State.CLOSED;
      cancelTimers();
      plain.abort();
      return;
    }
    state = State.SHUTDOWN;
    appIn = release(appIn);
    engine.closeOutbound();
    try {
      for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
        if (wrap(EMPTY).bytesProduced() == 0) {
          break;
        }
      }
    } catch (SSLException e) {
      state = State.CLOSED;
      plain.abort();
      return;
    }
    if (inboundDone || plainLost || engine.isInboundDone()) {
      closePlain();
      return;
    }
    shutdownTimer = loop.callLater(options.shutdownTimeout(), () -> {
      if (state == State.SHUTDOWN) { // the peer never answered close_notify: asyncio aborts too
        state = State.CLOSED;
        plain.abort();
      }
    });
  }

  /** The capacity of the buffers this connection holds of its own (0 when nothing waits in them). */
  int heldCapacity() {
    return netIn.capacity() + appIn.capacity();
  }

  /** The TLS session (negotiated once the handshake is done). */
  javax.net.ssl.SSLSession session() {
    return engine.getSession();
  }

  /** The options this layer was made with. */
  TlsOptions options() {
    return options;
  }

  Object plainInfo(String name) {
    return plain.getExtraInfo(name);
  }

  @Override
  public String toString() {
    return "TlsProtocol[" + state.name().toLowerCase(Locale.ROOT) + peer() + "]";
  }

  /**
   * Returns {@code buffer} with room for {@code more} bytes: itself, or a larger one from the loop's spares with its
   * contents (and {@code buffer} goes back to the spares).
   */
  private ByteBuffer room(ByteBuffer buffer, int more) {
    if (buffer.remaining() >= more && buffer != EMPTY) {
      return buffer;
    }
    ByteBuffer grown = buffers.take(Math.max(buffer.capacity() * 2, buffer.position() + more));
    if (buffer.position() > 0) { // (never EMPTY, which is shared and never changed)
      buffer.flip();
      grown.put(buffer);
    }
    buffers.give(buffer);
    return grown;
  }

  /** Gives {@code buffer}, which holds nothing any more, back to the loop's spares; returns EMPTY. */
  private ByteBuffer release(ByteBuffer buffer) {
    buffers.give(buffer);
    return EMPTY;
  }
}
