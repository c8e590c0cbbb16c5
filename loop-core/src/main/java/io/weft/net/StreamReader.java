package io.weft.net;

import io.weft.Api;
import io.weft.AsyncIterable;
import io.weft.AsyncIterator;
import io.weft.EventLoop;
import io.weft.Future;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * The reading half of a stream connection: asyncio's {@code StreamReader}, fed by its transport.
 *
 * <p>Reads are called from a task and wait for data. One task at a time may wait: a second gets an
 * {@link IllegalStateException}. A read that is refused (a limit overrun, a bad argument) loses nothing from the
 * buffer unless it says so. When the buffer holds more than twice the limit the transport stops reading until it
 * drains to the limit. Loop thread only.
 *
 * <p>A reader is an {@link AsyncIterable} of its lines, asyncio's {@code async for line in reader}: inside a task,
 * {@code for (byte[] line : reader)} reads with {@link #readLine()} until it returns the empty array at EOF.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public final class StreamReader implements AsyncIterable<byte[]> {

  /** The default limit of a line or a separated chunk, 64 KiB. */
  public static final int DEFAULT_LIMIT = 64 * 1024;

  private final EventLoop loop;
  private final int limit;
  // Invariant: the unread bytes are buf[0, size).
  private byte[] buf = new byte[256];
  private int size;
  private boolean eof;
  private Throwable exception;
  private Future<Void> waiter;
  private ReadTransport transport;
  private boolean paused;

  /**
   * Creates a reader for the running loop.
   *
   * @param limit the longest line or separated chunk, at least 1
   * @throws IllegalArgumentException naming the limit if it is not positive
   */
  public StreamReader(int limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("Limit cannot be <= 0, got " + limit);
    }
    this.limit = limit;
    this.loop = EventLoop.getRunningLoop();
  }

  /** Creates a reader with the {@link #DEFAULT_LIMIT}. */
  public StreamReader() {
    this(DEFAULT_LIMIT);
  }

  // ------------------------------------------------------------------------------------------------------------
  // Fed by the transport
  // ------------------------------------------------------------------------------------------------------------

  /** Sets the transport to pause and resume; once. */
  public void setTransport(ReadTransport transport) {
    if (this.transport != null) {
      throw new IllegalStateException("Transport already set: " + this.transport);
    }
    this.transport = Objects.requireNonNull(transport, "transport must not be null");
  }

  /** Pauses and resumes {@code transport} from now on (start_tls: the TLS transport over the old one). */
  void replaceTransport(Transport transport) {
    this.transport = Objects.requireNonNull(transport, "transport must not be null");
    paused = false;
  }

  /** Adds bytes that arrived; wakes a waiting read. */
  public void feedData(byte[] data) {
    if (eof) {
      throw new IllegalStateException("feedData after feedEof");
    }
    if (data.length == 0) {
      return;
    }
    if (size + data.length > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + data.length));
    }
    System.arraycopy(data, 0, buf, size, data.length);
    size += data.length;
    wakeup(null);
    if (transport != null && !paused && size > 2L * limit) {
      transport.pauseReading();
      paused = true;
    }
  }

  /** Marks EOF: reads return what is left, then EOF. */
  public void feedEof() {
    eof = true;
    wakeup(null);
  }

  /** Makes every later read (and a waiting one) throw {@code error}. */
  public void setException(Throwable error) {
    exception = Objects.requireNonNull(error, "error must not be null");
    wakeup(error);
  }

  /** Returns the error set by {@link #setException}, or null. */
  public Throwable exception() {
    return exception;
  }

  /** Returns whether EOF was fed and the buffer is empty. */
  public boolean atEof() {
    return eof && size == 0;
  }

  private void wakeup(Throwable error) {
    Future<Void> w = waiter;
    if (w != null && !w.isDone()) {
      if (error != null) {
        w.setException(error);
      } else {
        w.setResult(null);
      }
    }
  }

  private void waitForData(String function) {
    if (waiter != null) {
      throw new IllegalStateException(function
          + "() called while another coroutine is already waiting for incoming data");
    }
    if (paused) {
      paused = false;
      transport.resumeReading();
    }
    waiter = loop.createFuture();
    try {
      waiter.await();
    } finally {
      waiter = null;
    }
  }

  private byte[] take(int n) {
    byte[] out = Arrays.copyOf(buf, n);
    System.arraycopy(buf, n, buf, 0, size - n);
    size -= n;
    if (paused && size <= limit) {
      paused = false;
      transport.resumeReading();
    }
    return out;
  }

  private void checkException() {
    if (exception != null) {
      throw io.weft.internal.Sneaky.<RuntimeException>raise(exception);
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // Reads, from a task
  // ------------------------------------------------------------------------------------------------------------

  /**
   * Reads up to {@code n} bytes, waiting only if none are there; {@code n < 0} reads to EOF. Returns an empty
   * array at EOF (and for {@code n == 0}).
   */
  public byte[] read(int n) {
    checkException();
    if (n == 0) {
      return new byte[0];
    }
    if (n < 0) {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      for (byte[] block = read(limit); block.length > 0; block = read(limit)) {
        all.writeBytes(block);
      }
      return all.toByteArray();
    }
    if (size == 0 && !eof) {
      waitForData("read");
    }
    return take(Math.min(n, size));
  }

  /**
   * Reads exactly {@code n} bytes.
   *
   * @throws IllegalArgumentException naming {@code n} if it is negative; nothing is read
   * @throws IncompleteReadError with the bytes there were if EOF comes first (they are consumed), or if the
   *     connection fails first while some had arrived (then caused by the connection's error, which a read with
   *     nothing buffered raises as it is, and later reads raise too)
   */
  public byte[] readExactly(int n) throws IncompleteReadError {
    if (n < 0) {
      throw new IllegalArgumentException("readexactly size can not be less than zero, got " + n);
    }
    if (exception != null) {
      throw incompleteOrError(n);
    }
    while (size < n) {
      if (eof) {
        byte[] partial = take(size);
        throw new IncompleteReadError(partial, n);
      }
      try {
        waitForData("readexactly");
      } catch (Throwable t) {
        if (t != exception) {
          throw t;
        }
        throw incompleteOrError(n);
      }
    }
    return take(n);
  }

  /**
   * The error of a {@link #readExactly} that the connection's error cut short: the bytes that had arrived, as an
   * {@link IncompleteReadError} caused by the error (they are consumed, so nothing is lost), or the error itself
   * when none had or when {@code n} were already there (asyncio raises the error before reading).
   */
  private RuntimeException incompleteOrError(int n) {
    if (size == 0 || size >= n) {
      return io.weft.internal.Sneaky.<RuntimeException>raise(exception);
    }
    IncompleteReadError e = new IncompleteReadError(take(size), n);
    e.initCause(exception);
    return io.weft.internal.Sneaky.<RuntimeException>raise(e);
  }

  /**
   * Reads a line, with its {@code \n}; at EOF, what is left (possibly empty).
   *
   * @throws IllegalArgumentException if the line is longer than the limit: the line is dropped (with its
   *     separator, if it was found), the rest stays
   */
  public byte[] readLine() {
    byte[] sep = {'\n'};
    try {
      return readUntil(sep);
    } catch (IncompleteReadError e) {
      return e.partial();
    } catch (LimitOverrunError e) {
      if (startsWith(e.consumed(), sep)) {
        take(e.consumed() + sep.length);
      } else {
        take(size);
      }
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** Reads up to and including {@code separator}; see {@link #readUntil(List)}. */
  public byte[] readUntil(byte[] separator) throws IncompleteReadError {
    return readUntil(List.of(separator));
  }

  /**
   * Reads up to and including the first of {@code separators} to end in the data (the shortest match wins; of
   * separators ending at the same byte, the shortest, whose start the limit is checked against).
   *
   * @throws IllegalArgumentException if there is no separator, or one is empty
   * @throws LimitOverrunError if no separator is found within the limit, or one is found beyond it; the data
   *     stays in the buffer
   * @throws IncompleteReadError with all the data if EOF comes first; the buffer is emptied
   */
  public byte[] readUntil(List<byte[]> separators) throws IncompleteReadError {
    if (separators.isEmpty()) {
      throw new IllegalArgumentException("Separator should contain at least one element");
    }
    int maxLen = 0;
    for (byte[] s : separators) {
      if (s.length == 0) {
        throw new IllegalArgumentException("Separator should be at least one-byte string");
      }
      maxLen = Math.max(maxLen, s.length);
    }
    checkException();
    int offset = 0;
    int matchStart;
    int matchEnd;
    while (true) {
      matchStart = -1;
      matchEnd = -1;
      for (byte[] s : separators) {
        int i = indexOf(s, offset);
        int end = i + s.length;
        // The first to end wins; of those ending at the same byte, the shortest (asyncio sorts them by length).
        if (i >= 0 && (matchEnd < 0 || end < matchEnd || (end == matchEnd && s.length < matchEnd - matchStart))) {
          matchStart = i;
          matchEnd = end;
        }
      }
      if (matchStart >= 0) {
        break;
      }
      offset = Math.max(0, size + 1 - maxLen);
      if (offset > limit) {
        throw new LimitOverrunError("Separator is not found, and chunk exceed the limit", offset);
      }
      if (eof) {
        throw new IncompleteReadError(take(size), -1);
      }
      waitForData("readuntil");
    }
    if (matchStart > limit) {
      throw new LimitOverrunError("Separator is found, but chunk is longer than limit", matchStart);
    }
    return take(matchEnd);
  }

  private int indexOf(byte[] sep, int from) {
    for (int i = from; i + sep.length <= size; i++) {
      if (startsWith(i, sep)) {
        return i;
      }
    }
    return -1;
  }

  private boolean startsWith(int at, byte[] sep) {
    if (at + sep.length > size) {
      return false;
    }
    for (int j = 0; j < sep.length; j++) {
      if (buf[at + j] != sep[j]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Returns an iterator over the lines, asyncio's {@code __aiter__}: each {@link AsyncIterator#hasNext()} waits
   * for a line with {@link #readLine()} and the iteration ends at the empty line EOF gives. Errors of
   * {@code readLine} (the connection's error, a line over the limit) propagate from {@code hasNext}. Call from a
   * task.
   */
  @Override
  public AsyncIterator<byte[]> iterator() {
    return new AsyncIterator<>() {
      private byte[] next;
      private boolean done;

      @Override
      public boolean hasNext() {
        if (next == null && !done) {
          byte[] line = readLine();
          if (line.length == 0) {
            done = true;
          } else {
            next = line;
          }
        }
        return next != null;
      }

      @Override
      public byte[] next() {
        if (!hasNext()) {
          throw new NoSuchElementException("at EOF");
        }
        byte[] line = next;
        next = null;
        return line;
      }
    };
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("<StreamReader");
    if (size > 0) {
      sb.append(' ').append(size).append(" bytes");
    }
    if (eof) {
      sb.append(" eof");
    }
    if (limit != DEFAULT_LIMIT) {
      sb.append(" limit=").append(limit);
    }
    if (exception != null) {
      sb.append(" exception=").append(exception);
    }
    return sb.append('>').toString();
  }
}
