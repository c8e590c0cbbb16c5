package io.weft.net;

import io.weft.Api;
import io.weft.EventLoop;
import io.weft.Task;
import io.weft.Weft;
import io.weft.internal.Kernel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * The writing half of a stream connection: asyncio's {@code StreamWriter}, over a {@link Transport}.
 *
 * <p>{@link #write} never waits: it buffers in the transport. Call {@link #drain()} after writing to wait while the
 * transport's buffer is above its high-water mark. Loop thread only.
 *
 * <h2>Debug mode: a forgotten {@code drain()}</h2>
 *
 * <p>Writing in a loop without {@code drain()} buffers without bound when the peer reads slower than the task
 * writes. In {@linkplain EventLoop#isDebug() debug mode} a writer warns once, down the loop's warning path, naming
 * the writing task and the stack of the write, when {@value #WRITES_ABOVE_MARK_BEFORE_WARNING} writes in a row
 * leave the transport's buffer above its high-water mark with no {@code drain()} call between them. A write that
 * leaves the buffer at or below the mark restarts the count (the buffer is flushing: the writer is paced by
 * something else), and so does every {@code drain()} call. A correct program (write, maybe a few more writes,
 * drain) therefore never warns, however slow its reader: {@code drain()} returns with the buffer at or below the
 * mark (at the low-water mark, a quarter of it, when it had to wait), and only the writes of a batch that go past
 * the mark count. Outside debug mode a write pays a null check and the loop's debug flag; in debug mode, a
 * counter.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public final class StreamWriter {

  /**
   * How many writes in a row may leave the buffer above the high-water mark, with no {@code drain()} between them,
   * before debug mode warns: 100. Far above the few writes a correct program makes between drains (a header and a
   * body; a handful of lines), yet reached in moments by a write loop that never drains. By then the buffer holds
   * at least the mark (64 KiB by default) plus 99 writes: a bounded batch would have stopped long before.
   */
  static final int WRITES_ABOVE_MARK_BEFORE_WARNING = 100;

  private WriteTransport transport; // replaced once by start_tls
  private final StreamProtocol protocol;
  private final StreamReader reader;
  private final EventLoop loop; // null if made outside a loop: then nothing is checked
  // Debug mode: writes in a row that left the buffer above the high-water mark, with no drain() call between them.
  private int writesAboveMark;
  private boolean warned; // the forgotten-drain warning was sent; it is sent once per writer

  StreamWriter(WriteTransport transport, StreamProtocol protocol, StreamReader reader) {
    this.transport = transport;
    this.protocol = protocol;
    this.reader = reader;
    this.loop = EventLoop.running();
  }

  /** Returns the protocol under this writer. */
  StreamProtocol protocol() {
    return protocol;
  }

  /** Makes the writer write to {@code transport} from now on (start_tls: the TLS transport over the old one). */
  void replaceTransport(Transport transport) {
    this.transport = transport;
  }

  /**
   * Returns the connection's transport, or null for a writer that is not over a connection (a subprocess' stdin:
   * see {@link #writeTransport()}).
   */
  public Transport transport() {
    return transport instanceof Transport t ? t : null;
  }

  /** Returns the transport written to: the connection's {@link Transport}, or a subprocess' stdin pipe; never null. */
  public WriteTransport writeTransport() {
    return transport;
  }

  /** Writes {@code data} without waiting; see {@link Transport#write(byte[])}. */
  public void write(byte[] data) {
    transport.write(data);
    checkDrained();
  }

  /** Writes {@code data} without waiting; see {@link Transport#write(ByteBuffer)}. */
  public void write(ByteBuffer data) {
    transport.write(data);
    checkDrained();
  }

  /** Writes each array in order; see {@link Transport#writeLines}. */
  public void writeLines(Iterable<byte[]> lines) {
    transport.writeLines(lines);
    checkDrained();
  }

  /** Debug mode: counts a write that left the buffer above the high-water mark, and warns at the limit. */
  private void checkDrained() {
    if (loop == null || !loop.isDebug() || warned) {
      return;
    }
    long buffered = transport.getWriteBufferSize();
    int high = transport.getWriteBufferLimits().high();
    if (buffered <= high) {
      writesAboveMark = 0;
      return;
    }
    if (++writesAboveMark < WRITES_ABOVE_MARK_BEFORE_WARNING) {
      return;
    }
    warned = true;
    Kernel.get().warn(loop, forgottenDrain(buffered, high, new Throwable().getStackTrace()));
  }

  private String forgottenDrain(long buffered, int high, StackTraceElement[] stack) {
    Task<?> task = Task.current();
    StringBuilder sb = new StringBuilder()
        .append(task != null ? "Task '" + task.getName() + "'" : "A callback (not a task)")
        .append(" wrote ").append(writesAboveMark).append(" times in a row to ").append(this)
        .append(" while its write buffer was above the high-water mark (").append(buffered)
        .append(" bytes buffered, mark ").append(high).append(") without calling drain(): the buffer grows without")
        .append(" bound when the peer reads slower than the task writes. Call writer.drain() after writing. The")
        .append(" write was at:");
    int first = 0;
    while (first < stack.length && stack[first].getClassName().equals(StreamWriter.class.getName())) {
      first++; // checkDrained and write(): the caller's frame comes first
    }
    for (int i = first; i < stack.length; i++) {
      sb.append("\n    at ").append(stack[i]);
    }
    return sb.toString();
  }

  /** Half-closes; see {@link Transport#writeEof()}. */
  public void writeEof() {
    transport.writeEof();
  }

  /** Returns whether the transport can half-close: true, but false over TLS; see {@link Transport#canWriteEof()}. */
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
    writesAboveMark = 0;
    Throwable e = reader == null ? null : reader.exception(); // a subprocess' stdin has no reader
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

  /**
   * Waits, from a task, until the connection is lost, as asyncio's {@code wait_closed()}: returns if it ended
   * cleanly, and raises the error it was lost with otherwise (such as a reset), on this and every later call.
   *
   * @throws IOException the error the connection was lost with, unchanged (an unchecked one is raised as it is)
   */
  public void waitClosed() throws IOException {
    protocol.awaitClosed();
  }

  @Override
  public String toString() {
    return "<StreamWriter transport=" + transport + ">";
  }
}
