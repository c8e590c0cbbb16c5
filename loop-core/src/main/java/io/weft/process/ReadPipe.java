package io.weft.process;

import io.weft.EventLoop;
import io.weft.net.ReadTransport;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The transport of a child's stdout or stderr: asyncio's {@code _UnixReadPipeTransport}, over a blocking JDK stream.
 *
 * <p>A pipe thread ({@link PipeThreads}, the pump) reads the stream and sends each chunk to the loop as a message of
 * the child's {@linkplain EventLoop#beginRealWork real work} ({@link SubprocessTransport#send}), so a simulation
 * decides where the bytes enter. Backpressure: while reading is paused (the reader's buffer is over its limit) the
 * pump stops reading, so the pipe fills and the child blocks on its write; the pump also stops while
 * {@value #MAX_IN_FLIGHT} chunks are on their way to a busy loop.
 *
 * <p>The pump owns the stream and closes it when it ends (EOF, error, or a {@link #close()} it sees): closing a JDK
 * pipe stream while another thread reads it would block the closer on the reader's lock.
 */
final class ReadPipe implements ReadTransport {

  /** How many chunks (64 KiB each on a simulated loop) may be on their way to the loop before the pump waits. */
  static final int MAX_IN_FLIGHT = 4;
  /** The most one read takes, 64 KiB: a Linux pipe's capacity. */
  static final int CHUNK = 64 * 1024;

  private final EventLoop loop;
  private final SubprocessTransport owner;
  private final int fd;
  private final InputStream in;
  private final String description;

  // Loop thread only.
  private boolean lost; // pipeConnectionLost was sent to the owner (or is scheduled)
  private boolean loopPaused;

  // Shared with the pump, under lock.
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private boolean paused;
  private boolean closing;
  private int inFlight; // messages, or on a simulated loop bytes, on their way to the loop
  private final boolean fed; // the owner stages bytes in a feed (a simulated loop)
  private final int inFlightLimit;

  ReadPipe(EventLoop loop, SubprocessTransport owner, int fd, InputStream in, String description, boolean fed) {
    this.loop = loop;
    this.owner = owner;
    this.fd = fd;
    this.in = in;
    this.description = description;
    this.fed = fed;
    this.inFlightLimit = fed ? MAX_IN_FLIGHT * CHUNK : MAX_IN_FLIGHT;
  }

  /** Starts the pump. Loop thread. */
  void start() {
    PipeThreads.start(this::pump);
  }

  // ------------------------------------------------------------------------------------------------------------
  // The pump (its own thread)
  // ------------------------------------------------------------------------------------------------------------

  private void pump() {
    byte[] buf = new byte[CHUNK];
    try {
      while (true) {
        lock.lock();
        try {
          while (!closing && (paused || inFlight >= inFlightLimit)) {
            wake.awaitUninterruptibly();
          }
          if (closing) {
            return;
          }
        } finally {
          lock.unlock();
        }
        int n;
        IOException error = null;
        try {
          n = in.read(buf);
        } catch (IOException e) {
          n = -1;
          error = e;
        }
        byte[] data = n > 0 ? Arrays.copyOf(buf, n) : null;
        IOException cause = error;
        lock.lock(); // sent under the lock: once close() has run, nothing more is sent
        try {
          if (closing) {
            return;
          }
          if (data == null) {
            owner.send(SubprocessTransport.endSource(fd), () -> ended(cause));
            return;
          }
          inFlight += fed ? data.length : 1;
          if (!owner.sendBytes(fd, data, this::received)) {
            return; // the loop closed
          }
        } finally {
          lock.unlock();
        }
      }
    } finally {
      owner.pumpEnded(fd);
      try {
        in.close();
      } catch (IOException e) {
        // nothing to do: the child's end is gone either way
      }
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // On the loop
  // ------------------------------------------------------------------------------------------------------------

  /** Bytes of the child's output entered the loop. Loop thread. */
  void received(byte[] data) {
    lock.lock();
    try {
      inFlight -= fed ? data.length : 1;
      wake.signal();
    } finally {
      lock.unlock();
    }
    if (!lost) {
      owner.pipeDataReceived(fd, data);
    }
  }

  private void ended(IOException error) {
    if (!lost) {
      lost = true;
      owner.pipeConnectionLost(fd, error);
    }
  }

  @Override
  public void pauseReading() {
    if (lost || loopPaused) {
      return;
    }
    loopPaused = true;
    lock.lock();
    try {
      paused = true;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void resumeReading() {
    if (lost || !loopPaused) {
      return;
    }
    loopPaused = false;
    lock.lock();
    try {
      paused = false;
      wake.signal();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean isReading() {
    return !lost && !loopPaused;
  }

  /** Stops reading: the owner hears {@code pipeConnectionLost(fd, null)} from a later callback. Idempotent. */
  @Override
  public void close() {
    if (lost) {
      return;
    }
    lost = true;
    lock.lock();
    try {
      closing = true; // the pump sends nothing more: it checks before each message
      wake.signal();
    } finally {
      lock.unlock();
    }
    owner.readDone(fd);
    SubprocessTransport.soon(loop, () -> owner.pipeConnectionLost(fd, null));
  }

  @Override
  public boolean isClosing() {
    return lost;
  }

  /** Answers {@code "pipe"}: the JDK stream read; null for any other name. */
  @Override
  public Object getExtraInfo(String name) {
    return "pipe".equals(name) ? in : null;
  }

  @Override
  public String toString() {
    return "ReadPipe[" + description + (lost ? ", closed" : loopPaused ? ", paused" : "") + "]";
  }
}
