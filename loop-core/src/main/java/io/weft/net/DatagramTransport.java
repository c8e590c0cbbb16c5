package io.weft.net;

import io.weft.Api;
import io.weft.EventLoop;
import io.weft.ExceptionContext;
import io.weft.internal.Kernel;
import io.weft.internal.jfr.WeftEvents;
import io.weft.spi.Network.DatagramSocket;
import io.weft.spi.Poller;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A datagram endpoint's transport: asyncio's {@code _SelectorDatagramTransport}, on any
 * {@link io.weft.spi.Network}.
 *
 * <p>Made by {@link Net#createDatagramEndpoint}; it drives a {@link DatagramProtocol}. Loop thread only: every
 * method must be called on the loop's thread.
 *
 * <h2>Sending</h2>
 *
 * <p>{@link #sendTo} never blocks: with nothing buffered it hands the datagram to the socket at once; when the
 * socket has no room (it returns 0) the datagram is copied into the buffer and sent, in order, as the socket
 * becomes writable. Flow control is the stream {@link Transport}'s: {@link DatagramProtocol#pauseWriting} once
 * when the buffered bytes exceed the high-water mark, {@link DatagramProtocol#resumeWriting} once when they drain
 * to the low-water mark (64 KiB and 16 KiB by default). A send the socket refuses with an I/O error (a
 * {@link java.net.PortUnreachableException} for an earlier datagram, say) goes to
 * {@link DatagramProtocol#errorReceived} and that datagram is dropped; the endpoint stays open.
 *
 * <h2>Receiving</h2>
 *
 * <p>Each datagram goes to {@link DatagramProtocol#datagramReceived} with its sender; a receive error goes to
 * {@code errorReceived}.
 *
 * <h2>Ending</h2>
 *
 * <p>{@link #close()} stops receiving at once, sends what is buffered, then closes the socket and calls
 * {@link DatagramProtocol#connectionLost} with null from a later callback; {@link #abort()} drops the buffer
 * first. A protocol callback that throws is reported to the loop's exception handler and aborts the transport,
 * with the error passed to {@code connectionLost}. In every case {@code connectionLost} is called exactly once.
 * Sends after that are dropped; the fifth sends one warning down the loop's warning path. In debug mode a
 * transport whose {@code connectionLost} has not run when its loop closes is reported to the loop's exception
 * handler as "unclosed transport ...", with where it was made.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public final class DatagramTransport {

  /** Where a transport is in its life; it only moves forward. */
  enum Phase {
    /** Receiving and sending. */
    OPEN,
    /** {@link #close()} was called: not receiving, sending the buffer. */
    CLOSING,
    /** Lost (or about to be reported lost): nothing is received or sent any more. */
    CLOSED
  }

  private record Pending(byte[] data, SocketAddress addr) {}

  private final EventLoop loop;
  private final DatagramSocket socket;
  private final Watch watch;
  private final DatagramProtocol protocol;
  private final SocketAddress peer; // null for an unconnected endpoint
  private final Map<String, Object> extra = new LinkedHashMap<>();
  private final ByteBuffer receiveBuffer;

  private Phase phase = Phase.OPEN;
  // Invariant: bufferSize is the sum of the buffered datagrams' lengths; the buffer is empty once CLOSED.
  private final ArrayDeque<Pending> buffer = new ArrayDeque<>();
  private long bufferSize;
  // Invariant: high >= low >= 0.
  private int high = Transport.DEFAULT_HIGH_WATER;
  private int low = Transport.DEFAULT_HIGH_WATER / 4;
  // Invariant: paused is true between a pauseWriting and the matching resumeWriting.
  private boolean paused;
  private int lostSends;
  // Debug mode: where the transport was made, while OpenResources lists it as open; null outside debug mode.
  private final Throwable createdAt;

  DatagramTransport(EventLoop loop, DatagramSocket socket, Watch watch, DatagramProtocol protocol) {
    this.loop = loop;
    this.socket = socket;
    this.watch = watch;
    this.protocol = protocol;
    this.peer = address(socket, false);
    this.receiveBuffer = ByteBuffer.allocate(Math.max(64 * 1024, socket.maxDatagramSize()));
    extra.put("socket", socket);
    extra.put("sockname", address(socket, true));
    extra.put("peername", peer);
    watch.target(this::ready);
    this.createdAt = OpenResources.register(loop, "transport", this, null);
  }

  /** Schedules {@code connectionMade} and the start of receiving, as asyncio's constructor does. */
  void start() {
    loop.callSoon(() -> {
      try {
        protocol.connectionMade(this);
      } catch (Throwable e) {
        Transport.rethrowIfEscaping(e);
        fatalError(e, "Fatal error: protocol.connectionMade() call failed.");
      }
    });
    loop.callSoon(() -> {
      if (phase == Phase.OPEN) {
        watch.add(Poller.READ);
      }
    });
  }

  // ------------------------------------------------------------------------------------------------------------
  // Sending
  // ------------------------------------------------------------------------------------------------------------

  /**
   * Sends {@code data} as one datagram to {@code addr}, without blocking; buffers a copy if the socket has no
   * room now.
   *
   * @param data the datagram; not null, may be empty
   * @param addr where to send; null on a connected endpoint (or its peer's address); required on an unconnected
   *     one
   * @throws IllegalArgumentException naming both addresses if {@code addr} differs from a connected endpoint's
   *     peer, if {@code addr} is null on an unconnected endpoint, or naming the size and the limit if
   *     {@code data} is larger than the socket's largest datagram; nothing is sent then
   */
  public void sendTo(byte[] data, SocketAddress addr) {
    Objects.requireNonNull(data, "data must not be null");
    if (peer != null && addr != null && !addr.equals(peer)) {
      throw new IllegalArgumentException(
          "this endpoint is connected to " + peer + ": addr must be null or " + peer + ", got " + addr);
    }
    if (peer == null && addr == null) {
      throw new IllegalArgumentException("this endpoint is not connected: addr must not be null");
    }
    int max = socket.maxDatagramSize();
    if (data.length > max) {
      throw new IllegalArgumentException(
          "datagram of " + data.length + " bytes is larger than the largest this socket sends, " + max + " bytes");
    }
    if (phase == Phase.CLOSED) {
      lostSends++;
      if (lostSends == Transport.LOST_WRITES_BEFORE_WARNING) {
        Kernel.get().warn(loop, "socket.send() raised exception. (" + this + " dropped " + lostSends
            + " datagrams after it was closed)");
      }
      return;
    }
    if (buffer.isEmpty()) {
      try {
        if (socket.send(ByteBuffer.wrap(data), peer != null ? null : addr) > 0 || data.length == 0) {
          return;
        }
      } catch (IOException e) {
        errorReceived(e, "send");
        return;
      }
      watch.add(Poller.WRITE);
    }
    buffer.add(new Pending(data.clone(), addr));
    bufferSize += data.length;
    maybePauseProtocol();
  }

  /** Sends {@code data}'s remaining bytes as one datagram; see {@link #sendTo(byte[], SocketAddress)}. */
  public void sendTo(ByteBuffer data, SocketAddress addr) {
    Objects.requireNonNull(data, "data must not be null");
    byte[] bytes = new byte[data.remaining()];
    data.duplicate().get(bytes);
    sendTo(bytes, addr);
    data.position(data.limit());
  }

  private void writeReady() {
    while (!buffer.isEmpty() && phase != Phase.CLOSED) {
      Pending p = buffer.peekFirst();
      try {
        if (socket.send(ByteBuffer.wrap(p.data()), peer != null ? null : p.addr()) == 0 && p.data().length > 0) {
          break; // no room yet: try again when writable
        }
      } catch (IOException e) {
        buffer.removeFirst();
        bufferSize -= p.data().length;
        errorReceived(e, "send");
        return; // asyncio's _sendto_ready returns here; the WRITE interest stays for the rest
      }
      buffer.removeFirst();
      bufferSize -= p.data().length;
    }
    if (phase == Phase.CLOSED) {
      return;
    }
    maybeResumeProtocol();
    if (buffer.isEmpty()) {
      watch.remove(Poller.WRITE);
      if (phase == Phase.CLOSING) {
        lose(null);
      }
    }
  }

  /** Returns how many bytes are buffered, waiting for the socket. */
  public long getWriteBufferSize() {
    return bufferSize;
  }

  /**
   * Sets the send buffer's water marks, and pauses the protocol at once if the buffer is already above
   * {@code high}.
   *
   * @throws IllegalArgumentException naming both values unless {@code high >= low >= 0}
   */
  public void setWriteBufferLimits(int high, int low) {
    if (!(high >= low && low >= 0)) {
      throw new IllegalArgumentException("high (" + high + ") must be >= low (" + low + ") must be >= 0");
    }
    this.high = high;
    this.low = low;
    maybePauseProtocol();
  }

  /** Returns the send buffer's water marks. */
  public Transport.WriteLimits getWriteBufferLimits() {
    return new Transport.WriteLimits(low, high);
  }

  private void maybePauseProtocol() {
    if (bufferSize <= high || paused) {
      return;
    }
    paused = true;
    try {
      protocol.pauseWriting();
    } catch (Throwable e) {
      Transport.rethrowIfEscaping(e);
      report("protocol.pauseWriting() failed", e);
    }
  }

  private void maybeResumeProtocol() {
    if (!paused || bufferSize > low) {
      return;
    }
    paused = false;
    try {
      protocol.resumeWriting();
    } catch (Throwable e) {
      Transport.rethrowIfEscaping(e);
      report("protocol.resumeWriting() failed", e);
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // Receiving
  // ------------------------------------------------------------------------------------------------------------

  private void ready(int ops) {
    if ((ops & Poller.READ) != 0) {
      readReady();
    }
    if ((ops & Poller.WRITE) != 0) {
      writeReady();
    }
  }

  private void readReady() {
    if (phase != Phase.OPEN) {
      return;
    }
    SocketAddress from;
    try {
      from = socket.receive(receiveBuffer.clear());
    } catch (IOException e) {
      errorReceived(e, "receive");
      return;
    }
    if (from == null) {
      return;
    }
    byte[] data = new byte[receiveBuffer.flip().remaining()];
    receiveBuffer.get(data);
    try {
      protocol.datagramReceived(data, from);
    } catch (Throwable e) {
      Transport.rethrowIfEscaping(e);
      fatalError(e, "Fatal error: protocol.datagramReceived() call failed.");
    }
  }

  private void errorReceived(IOException error, String operation) {
    if (WeftEvents.transportErrorEnabled()) {
      WeftEvents.transportError("datagram", operation, extra.get("sockname"), peer, error);
    }
    try {
      protocol.errorReceived(error);
    } catch (Throwable e) {
      Transport.rethrowIfEscaping(e);
      fatalError(e, "Fatal error: protocol.errorReceived() call failed.");
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // Closing
  // ------------------------------------------------------------------------------------------------------------

  /**
   * Closes the transport: stops receiving now, sends the buffer, then closes the socket and calls
   * {@code connectionLost(null)} from a later callback. Idempotent.
   */
  public void close() {
    if (phase != Phase.OPEN) {
      return;
    }
    phase = Phase.CLOSING;
    watch.remove(Poller.READ);
    if (buffer.isEmpty()) {
      lose(null);
    }
  }

  /** Closes the transport at once, dropping the buffer; {@code connectionLost(null)} follows. Idempotent. */
  public void abort() {
    forceClose(null);
  }

  /** Returns whether the transport is closing or closed. */
  public boolean isClosing() {
    return phase != Phase.OPEN;
  }

  private void fatalError(Throwable error, String message) {
    report(message, error);
    forceClose(error);
  }

  private void forceClose(Throwable error) {
    if (phase == Phase.CLOSED) {
      return;
    }
    buffer.clear();
    bufferSize = 0;
    lose(error);
  }

  private void lose(Throwable error) {
    if (phase == Phase.CLOSED) {
      throw new IllegalStateException("datagram transport already lost, in phase " + phase);
    }
    phase = Phase.CLOSED;
    buffer.clear();
    bufferSize = 0;
    watch.set(0);
    loop.callSoon(() -> connectionLost(error));
  }

  private void connectionLost(Throwable error) {
    try {
      protocol.connectionLost(error);
    } catch (Throwable e) {
      Transport.rethrowIfEscaping(e);
      report("protocol.connectionLost() failed", e);
    } finally {
      watch.cancel();
      socket.close();
      OpenResources.unregister(loop, this, createdAt);
    }
  }

  private void report(String message, Throwable error) {
    loop.callExceptionHandler(new ExceptionContext(message, error, null, null, null,
        Map.of("transport", this, "protocol", protocol)));
  }

  // ------------------------------------------------------------------------------------------------------------
  // Protocol and extra info
  // ------------------------------------------------------------------------------------------------------------

  /**
   * Returns what asyncio's {@code get_extra_info} returns: {@code "peername"} (the connected peer's
   * {@link SocketAddress}, null for an unconnected endpoint), {@code "sockname"} (the bound address, read when
   * the endpoint was made), {@code "socket"} (the {@link DatagramSocket}); null for any other name.
   */
  public Object getExtraInfo(String name) {
    return getExtraInfo(name, null);
  }

  /** Returns {@link #getExtraInfo(String)}, or {@code fallback} when that is null. */
  public Object getExtraInfo(String name, Object fallback) {
    Object v = extra.get(Objects.requireNonNull(name, "name must not be null"));
    return v != null ? v : fallback;
  }

  /** Returns the protocol this transport calls; never null. */
  public DatagramProtocol getProtocol() {
    return protocol;
  }

  private static SocketAddress address(DatagramSocket socket, boolean local) {
    try {
      return local ? socket.localAddress() : socket.remoteAddress();
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public String toString() {
    return "DatagramTransport[" + phase.name().toLowerCase(java.util.Locale.ROOT) + ", " + extra.get("sockname")
        + (peer != null ? " -> " + peer : "") + (buffer.isEmpty() ? "" : ", " + bufferSize + " bytes buffered")
        + "]";
  }
}
