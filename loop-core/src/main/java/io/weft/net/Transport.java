package io.weft.net;

import io.weft.Api;
import io.weft.EventLoop;
import io.weft.ExceptionContext;
import io.weft.KeyboardInterrupt;
import io.weft.SystemExit;
import io.weft.internal.Kernel;
import io.weft.internal.Sneaky;
import io.weft.internal.jfr.WeftEvents;
import io.weft.spi.Network.StreamSocket;
import io.weft.spi.Poller;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A stream connection's transport: asyncio's {@code _SelectorSocketTransport}, on any {@link io.weft.spi.Network}.
 *
 * <p>Made by {@link Net#createConnection} and by a {@link Server} for each accepted connection; it drives a
 * {@link Protocol}. Loop thread only: every method must be called on the loop's thread.
 *
 * <h2>Writing</h2>
 *
 * <p>{@link #write} never blocks: with nothing buffered it hands the bytes to the socket at once, and buffers what
 * the socket did not take (copied: the caller may reuse its array), flushing it as the socket becomes writable.
 * When the buffer grows above the high-water mark the protocol's {@link Protocol#pauseWriting} is called once; when
 * it drains to the low-water mark or below, {@link Protocol#resumeWriting} once (64 KiB and 16 KiB by default; see
 * {@link #setWriteBufferLimits}).
 *
 * <h2>Ending</h2>
 *
 * <p>{@link #close()} stops reading at once, flushes the buffer, then closes the socket (FIN) and calls
 * {@link Protocol#connectionLost} with null, from a later callback. {@link #abort()} drops the buffer, resets the
 * connection (RST) and calls {@code connectionLost(null)}. A read error or a reset from the peer calls
 * {@code connectionLost} with the error. A protocol callback that throws is reported to the loop's exception handler
 * and aborts the transport, with the error passed to {@code connectionLost}. In every case {@code connectionLost}
 * is called exactly once.
 *
 * <p>Writes after the connection is lost (or after {@code close()} with nothing left to flush) are dropped; the
 * fifth such write sends one warning, "socket.send() raised exception.", down the loop's warning path. asyncio logs
 * it at that write and every later one; Weft logs it once per transport.
 *
 * <p>(One file per transport kind, as the design's layout asks: the stream transport's whole life reads in one
 * place, a little over 500 lines; its write buffer and flow-control state live in {@code WriteBuffer}.)
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public final class Transport implements ReadTransport, WriteTransport {

  static {
    io.weft.internal.NetAccess.publish(new NetAccessImpl());
  }

  /** The default high-water mark of the write buffer: 64 KiB. */
  public static final int DEFAULT_HIGH_WATER = 64 * 1024;

  /** How many dropped writes after the connection was lost make the warning (asyncio's threshold). */
  static final int LOST_WRITES_BEFORE_WARNING = 5;

  /** Where a transport is in its life; it only moves forward. */
  enum Phase {
    /** Reading and writing. */
    OPEN,
    /** {@link #close()} was called: not reading, flushing the write buffer. */
    CLOSING,
    /** Connection lost (or about to be reported lost): nothing is read or written any more. */
    CLOSED
  }

  /** The low- and high-water marks of a transport's write buffer, as asyncio's {@code get_write_buffer_limits()}. */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
  public record WriteLimits(int low, int high) {}

  private final EventLoop loop;
  private final StreamSocket socket;
  private final Watch watch;
  private final Server server; // null for a client connection
  // get_extra_info's answers, read when the connection was made (fields, not a map: an idle connection stays small)
  private final SocketAddress sockname;
  private final SocketAddress peername;
  private Protocol protocol;

  private Phase phase = Phase.OPEN;
  // Invariant: the buffer is empty once CLOSED.
  private final WriteBuffer buffer = new WriteBuffer();
  private boolean eofWritten; // writeEof() was called
  private boolean readingPaused;
  private boolean eofReceived;
  private int lostWrites;
  private final LoopNet net;
  // Debug mode: where the transport was made, while OpenResources lists it as open; null outside debug mode.
  private final Throwable createdAt;

  Transport(EventLoop loop, StreamSocket socket, Watch watch, Protocol protocol, Server server) {
    this.loop = loop;
    this.socket = socket;
    this.watch = watch;
    this.server = server;
    this.protocol = protocol;
    this.net = LoopNet.of(loop);
    setNoDelay(socket);
    this.sockname = address(socket, true);
    this.peername = address(socket, false);
    watch.target(this::ready);
    this.createdAt = OpenResources.register(loop, "transport", this, server); // debug mode's leak report
  }

  /**
   * Turns Nagle's algorithm off on a TCP connection, as asyncio does for every TCP transport (its
   * {@code _set_nodelay}): a small write goes out at once instead of waiting for the peer's acknowledgement. An
   * error is ignored, as asyncio ignores it; a Unix-domain socket has no such option.
   */
  private static void setNoDelay(StreamSocket socket) {
    try {
      if (socket.localAddress() instanceof java.net.InetSocketAddress) {
        socket.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
      }
    } catch (IOException | UnsupportedOperationException e) {
      // as asyncio: a socket that refuses the option keeps working without it
    }
  }

  /** Schedules {@code connectionMade} and the start of reading, as asyncio's constructor does. */
  void start() {
    // Runs even if the transport was aborted meanwhile, before the connectionLost scheduled after it: a protocol
    // always hears connectionMade first.
    loop.callSoon(() -> {
      try {
        protocol.connectionMade(this);
      } catch (Throwable e) {
        rethrowIfEscaping(e);
        fatalError(e, "Fatal error: protocol.connectionMade() call failed.");
      }
    });
    loop.callSoon(() -> {
      if (phase == Phase.OPEN && !readingPaused) {
        watch.add(Poller.READ);
      }
    });
  }

  // ------------------------------------------------------------------------------------------------------------
  // Writing
  // ------------------------------------------------------------------------------------------------------------

  /**
   * Writes {@code data}'s remaining bytes, without blocking; buffers what the socket does not take at once.
   *
   * <p>The buffer's position moves past what the socket took; what is buffered is copied.
   *
   * @throws NullPointerException if {@code data} is null; nothing is written
   * @throws IllegalStateException after {@link #writeEof()}
   */
  public void write(ByteBuffer data) {
    Objects.requireNonNull(data, "data must not be null");
    if (eofWritten) {
      throw new IllegalStateException("Cannot call write() after writeEof()");
    }
    if (!data.hasRemaining()) {
      return;
    }
    if (phase == Phase.CLOSED) {
      lostWrites++;
      if (lostWrites == LOST_WRITES_BEFORE_WARNING) {
        Kernel.get().warn(loop, "socket.send() raised exception. (" + this + " dropped " + lostWrites
            + " writes after its connection was lost)");
      }
      return;
    }
    if (buffer.isEmpty()) {
      try {
        socket.write(data);
      } catch (IOException e) {
        ioError(e, "write", "Fatal write error on socket transport");
        return;
      }
      if (!data.hasRemaining()) {
        return;
      }
      watch.add(Poller.WRITE);
    }
    buffer.add(data);
    maybePauseProtocol();
  }

  /**
   * Writes {@code data}; see {@link #write(ByteBuffer)}.
   *
   * @throws NullPointerException if {@code data} is null; nothing is written
   */
  public void write(byte[] data) {
    write(ByteBuffer.wrap(Objects.requireNonNull(data, "data must not be null")));
  }

  /**
   * Writes each array in order, as one write of their concatenation.
   *
   * @throws NullPointerException naming the index if {@code lines} or one of its elements is null; nothing is
   *     written then
   */
  public void writeLines(Iterable<byte[]> lines) {
    Objects.requireNonNull(lines, "lines must not be null");
    List<byte[]> all = new ArrayList<>();
    int total = 0;
    for (byte[] line : lines) {
      all.add(Objects.requireNonNull(line, "lines[" + all.size() + "] must not be null"));
      total = Math.addExact(total, line.length);
    }
    ByteBuffer joined = ByteBuffer.allocate(total);
    all.forEach(joined::put);
    write(joined.flip());
  }

  /**
   * Shuts down this side's output once the buffer is flushed (TCP's FIN); the peer's protocol gets
   * {@link Protocol#eofReceived}. Reading goes on. A no-op when closing or already called.
   *
   * @throws UnsupportedOperationException over TLS, which cannot half-close (asyncio's {@code NotImplementedError})
   */
  public void writeEof() {
    if (!canWriteEof()) {
      throw new UnsupportedOperationException("TLS does not support half-closes: writeEof() on " + this);
    }
    if (phase != Phase.OPEN || eofWritten) {
      return;
    }
    eofWritten = true;
    if (buffer.isEmpty()) {
      shutdownOutput();
    }
  }

  /** Returns whether {@link #writeEof()} can half-close: true, but false over TLS (as asyncio's). */
  public boolean canWriteEof() {
    return !(socket instanceof io.weft.internal.LayeredSocket layered) || layered.canHalfClose();
  }

  /** Returns how many bytes are buffered, waiting for the socket. */
  public long getWriteBufferSize() {
    return buffer.size();
  }

  /** Restores the default limits: high 64 KiB, low 16 KiB. */
  public void setWriteBufferLimits() {
    setWriteBufferLimits(DEFAULT_HIGH_WATER);
  }

  /** Sets the high-water mark, and the low-water mark to a quarter of it. */
  public void setWriteBufferLimits(int high) {
    setWriteBufferLimits(high, high / 4);
  }

  /**
   * Sets the write buffer's water marks, and pauses the protocol at once if the buffer is already above
   * {@code high}.
   *
   * @throws IllegalArgumentException naming both values unless {@code high >= low >= 0}
   */
  public void setWriteBufferLimits(int high, int low) {
    buffer.setLimits(high, low);
    maybePauseProtocol();
  }

  /** Returns the write buffer's water marks. */
  public WriteLimits getWriteBufferLimits() {
    return new WriteLimits(buffer.low(), buffer.high());
  }

  private void maybePauseProtocol() {
    if (!buffer.shouldPause()) {
      return;
    }
    try {
      protocol.pauseWriting();
    } catch (Throwable e) {
      rethrowIfEscaping(e);
      report("protocol.pauseWriting() failed", e);
    }
  }

  private void maybeResumeProtocol() {
    if (buffer.shouldResume()) {
      try {
        protocol.resumeWriting();
      } catch (Throwable e) {
        rethrowIfEscaping(e);
        report("protocol.resumeWriting() failed", e);
      }
    }
  }

  private void writeReady() {
    if (phase == Phase.CLOSED || buffer.isEmpty()) {
      return;
    }
    try {
      buffer.writeTo(socket);
    } catch (IOException e) {
      watch.remove(Poller.WRITE);
      buffer.clear();
      ioError(e, "write", "Fatal write error on socket transport");
      return;
    }
    maybeResumeProtocol();
    if (buffer.isEmpty()) {
      watch.remove(Poller.WRITE);
      if (phase == Phase.CLOSING) {
        lose(null, false);
      } else if (eofWritten) {
        shutdownOutput();
      }
    }
  }

  private void shutdownOutput() {
    try {
      socket.shutdownOutput();
    } catch (IOException e) {
      ioError(e, "shutdown", "Fatal error on socket transport: shutdown of the output failed");
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // Reading
  // ------------------------------------------------------------------------------------------------------------

  /** Stops reading until {@link #resumeReading()}; idempotent, a no-op once closing. */
  public void pauseReading() {
    if (phase != Phase.OPEN || readingPaused) {
      return;
    }
    readingPaused = true;
    watch.remove(Poller.READ);
  }

  /** Reads again after {@link #pauseReading()}; idempotent, a no-op once closing. */
  public void resumeReading() {
    if (phase != Phase.OPEN || !readingPaused) {
      return;
    }
    readingPaused = false;
    if (!eofReceived) {
      watch.add(Poller.READ);
    }
  }

  /** Returns whether the transport reads: not paused and not closing. */
  public boolean isReading() {
    return phase == Phase.OPEN && !readingPaused;
  }

  private void ready(int ops) {
    if ((ops & Poller.READ) != 0) {
      readReady();
    }
    if ((ops & Poller.WRITE) != 0) {
      writeReady();
    }
  }

  private void readReady() {
    if (phase != Phase.OPEN || readingPaused || eofReceived) {
      return;
    }
    BufferedProtocol buffered = protocol instanceof BufferedProtocol b ? b : null;
    ByteBuffer into = buffered == null ? net.readBuffer() : null;
    if (buffered != null) {
      try {
        into = buffered.getBuffer(-1);
        if (into == null || !into.hasRemaining()) {
          throw new IllegalStateException("getBuffer() returned a buffer with no room: " + into);
        }
      } catch (Throwable e) {
        rethrowIfEscaping(e);
        fatalError(e, "Fatal error: protocol.getBuffer() call failed.");
        return;
      }
    }
    int n;
    try {
      n = socket.read(into);
    } catch (IOException e) {
      ioError(e, "read", "Fatal read error on socket transport");
      return;
    }
    if (n <= 0) {
      if (n < 0) {
        onEof();
      }
      return;
    }
    try {
      if (buffered != null) {
        buffered.bufferUpdated(n);
      } else {
        byte[] data = new byte[n];
        into.flip().get(data);
        protocol.dataReceived(data);
      }
    } catch (Throwable e) {
      rethrowIfEscaping(e);
      fatalError(e, "Fatal error: protocol." + (buffered != null ? "bufferUpdated" : "dataReceived")
          + "() call failed.");
    }
  }

  private void onEof() {
    eofReceived = true;
    watch.remove(Poller.READ);
    boolean keepOpen;
    try {
      keepOpen = protocol.eofReceived();
    } catch (Throwable e) {
      rethrowIfEscaping(e);
      fatalError(e, "Fatal error: protocol.eofReceived() call failed.");
      return;
    }
    if (!keepOpen) {
      close();
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // Closing
  // ------------------------------------------------------------------------------------------------------------

  /**
   * Closes the transport: stops reading now, flushes the buffer, then closes the socket and calls
   * {@code connectionLost(null)} from a later callback. Idempotent.
   */
  public void close() {
    if (phase != Phase.OPEN) {
      return;
    }
    phase = Phase.CLOSING;
    watch.remove(Poller.READ);
    if (buffer.isEmpty()) {
      lose(null, false);
    }
  }

  /**
   * Closes the transport at once: drops the buffer, resets the connection (RST; on Unix-domain sockets the peer
   * reads EOF) and calls {@code connectionLost(null)} from a later callback. Idempotent.
   */
  public void abort() {
    forceClose(null);
  }

  /** Returns whether the transport is closing or closed. */
  public boolean isClosing() {
    return phase != Phase.OPEN;
  }

  /** Aborts with {@code error} passed to {@code connectionLost}, for a layer under this transport that failed. */
  void forceCloseWith(Throwable error) {
    forceClose(error);
  }

  /** The socket failed while doing {@code operation}: records it for the flight recorder, then aborts. */
  private void ioError(IOException error, String operation, String message) {
    if (WeftEvents.transportErrorEnabled()) {
      WeftEvents.transportError("stream", operation, sockname, peername, error);
    }
    fatalError(error, message);
  }

  /** Reports {@code error} (unless it is an I/O error: the connection's own failure) and aborts. */
  private void fatalError(Throwable error, String message) {
    if (!(error instanceof IOException)) {
      report(message, error);
    }
    forceClose(error);
  }

  private void forceClose(Throwable error) {
    if (phase == Phase.CLOSED) {
      return;
    }
    buffer.clear();
    lose(error, true);
  }

  /** Stops all I/O and schedules {@code connectionLost}; {@code reset} closes with RST instead of FIN. */
  private void lose(Throwable error, boolean reset) {
    if (phase == Phase.CLOSED) {
      throw new IllegalStateException("transport already lost its connection, in phase " + phase);
    }
    phase = Phase.CLOSED;
    watch.set(0);
    loop.callSoon(() -> connectionLost(error, reset));
  }

  private void connectionLost(Throwable error, boolean reset) {
    if (socket instanceof io.weft.internal.LayeredSocket layered) {
      // a layer (TLS) ends its own connection first (close_notify); the protocol hears of it once that is gone
      layered.close(reset, () -> finishLost(error, reset));
      return;
    }
    finishLost(error, reset);
  }

  private void finishLost(Throwable error, boolean reset) {
    try {
      protocol.connectionLost(error);
    } catch (Throwable e) {
      rethrowIfEscaping(e);
      report("protocol.connectionLost() failed", e);
    } finally {
      watch.cancel();
      if (reset) {
        socket.abort();
      } else {
        socket.close();
      }
      if (server != null) {
        server.detach(this);
      }
      OpenResources.unregister(loop, this, createdAt); // debug mode's leak report: closed now
    }
  }

  private void report(String message, Throwable error) {
    loop.callExceptionHandler(new ExceptionContext(message, error, null, null, null,
        Map.of("transport", this, "protocol", protocol)));
  }

  /** Lets through what the loop lets escape every callback (KeyboardInterrupt, SystemExit, VM errors). */
  static void rethrowIfEscaping(Throwable e) {
    if (e instanceof KeyboardInterrupt || e instanceof SystemExit || e instanceof VirtualMachineError) {
      throw Sneaky.<RuntimeException>raise(e);
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // Protocol and extra info
  // ------------------------------------------------------------------------------------------------------------

  /**
   * Returns what asyncio's {@code get_extra_info} returns: {@code "peername"} and {@code "sockname"} (the
   * {@link SocketAddress}es, read when the connection was made), {@code "socket"} (the
   * {@link io.weft.spi.Network.StreamSocket}); over TLS also {@code "peercert"}, {@code "cipher"},
   * {@code "protocol"}, {@code "sslsession"}, {@code "sslcontext"} (see {@code io.weft.net.tls.Tls}); null for any
   * other name.
   */
  public Object getExtraInfo(String name) {
    return getExtraInfo(name, null);
  }

  /** Returns {@link #getExtraInfo(String)}, or {@code fallback} when that is null. */
  public Object getExtraInfo(String name, Object fallback) {
    Object v = switch (Objects.requireNonNull(name, "name must not be null")) {
      case "socket" -> socket;
      case "sockname" -> sockname;
      case "peername" -> peername;
      default -> socket instanceof io.weft.internal.LayeredSocket layered ? layered.extraInfo(name) : null;
    };
    return v != null ? v : fallback;
  }

  private static SocketAddress address(StreamSocket socket, boolean local) {
    try {
      return local ? socket.localAddress() : socket.remoteAddress();
    } catch (IOException e) {
      return null; // asyncio's get_extra_info answers None when getsockname/getpeername fail
    }
  }

  /** Makes {@code protocol} the one this transport calls from now on. */
  public void setProtocol(Protocol protocol) {
    this.protocol = Objects.requireNonNull(protocol, "protocol must not be null");
  }

  /** Returns the protocol this transport calls; never null. */
  public Protocol getProtocol() {
    return protocol;
  }

  @Override
  public String toString() {
    return "Transport[" + phase.name().toLowerCase(java.util.Locale.ROOT) + ", " + sockname + " -> "
        + peername + (buffer.isEmpty() ? "" : ", " + buffer.size() + " bytes buffered") + "]";
  }
}
