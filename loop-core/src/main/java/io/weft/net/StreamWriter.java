package io.weft.net;

import io.weft.Api;
import io.weft.Weft;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * The writing half of a stream connection: asyncio's {@code StreamWriter}, over a {@link Transport}.
 *
 * <p>{@link #write} never waits: it buffers in the transport. Call {@link #drain()} after writing to wait while the
 * transport's buffer is above its high-water mark. Loop thread only.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public final class StreamWriter {

  private final Transport transport;
  private final StreamProtocol protocol;
  private final StreamReader reader;

  StreamWriter(Transport transport, StreamProtocol protocol, StreamReader reader) {
    this.transport = transport;
    this.protocol = protocol;
    this.reader = reader;
  }

  /** Returns the transport; never null. */
  public Transport transport() {
    return transport;
  }

  /** Writes {@code data} without waiting; see {@link Transport#write(byte[])}. */
  public void write(byte[] data) {
    transport.write(data);
  }

  /** Writes {@code data} without waiting; see {@link Transport#write(ByteBuffer)}. */
  public void write(ByteBuffer data) {
    transport.write(data);
  }

  /** Writes each array in order; see {@link Transport#writeLines}. */
  public void writeLines(Iterable<byte[]> lines) {
    transport.writeLines(lines);
  }

  /** Half-closes; see {@link Transport#writeEof()}. */
  public void writeEof() {
    transport.writeEof();
  }

  /** Returns true; see {@link Transport#canWriteEof()}. */
  public boolean canWriteEof() {
    return transport.canWriteEof();
  }

  /** Returns extra information about the connection; see {@link Transport#getExtraInfo(String)}. */
  public Object getExtraInfo(String name) {
    return transport.getExtraInfo(name);
  }

  /**
   * Waits, from a task, while writing is paused (the transport's buffer went above its high-water mark and has not
   * yet fallen to its low-water mark), as asyncio's {@code drain()}. Several tasks may drain at once; all wake when
   * writing resumes, and a drainer that is cancelled takes nothing from the others.
   *
   * <p>Raises the reader's error, if there is one, first: once the connection is lost with an error, every later
   * {@code drain()} raises that error. If the transport is closing it yields once so that {@code connectionLost}
   * can run. When the connection is lost while drains wait, they raise its error, or return normally if it was lost
   * without one (asyncio's ST-14); every later {@code drain()} then raises a {@link java.net.SocketException}
   * "Connection lost" (asyncio's {@code ConnectionResetError}).
   */
  public void drain() throws IOException {
    Throwable e = reader.exception();
    if (e != null) {
      throw io.weft.internal.Sneaky.<RuntimeException>raise(e);
    }
    if (transport.isClosing()) {
      Weft.sleep(Duration.ZERO); // let connectionLost run, so the next check sees it
    }
    protocol.drainHelper();
  }

  /** Closes the transport (flushing first); see {@link Transport#close()}. */
  public void close() {
    transport.close();
  }

  /** Returns whether the transport is closing or closed. */
  public boolean isClosing() {
    return transport.isClosing();
  }

  /** Waits, from a task, until the connection is lost. */
  public void waitClosed() {
    protocol.awaitClosed();
  }

  @Override
  public String toString() {
    return "<StreamWriter transport=" + transport + ">";
  }
}
