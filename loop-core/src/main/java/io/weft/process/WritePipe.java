package io.weft.process;

import io.weft.EventLoop;
import io.weft.internal.Kernel;
import io.weft.net.Transport;
import io.weft.net.WriteTransport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The transport of a child's stdin: asyncio's {@code _UnixWritePipeTransport}, over a blocking JDK stream.
 *
 * <p>{@link #write} never waits: it buffers. While nothing is being written, a write starts a flush: a pipe thread
 * writes everything buffered so far, and sends its completion (bytes written, or the error) as a message of the
 * child's {@linkplain EventLoop#beginRealWork real work}, so a simulation decides where it enters. Above the high-water
 * mark (64 KiB) the owner's protocol hears {@code pauseWriting}; at the low-water mark, {@code resumeWriting}. No
 * thread waits while nothing is buffered. {@link #writeEof()} is {@link #close()}, as for asyncio's pipes: the stream
 * closes once flushed. A failed write (the child closed its end: a broken pipe) loses the pipe with that error.
 *
 * <p>The stream is closed on the loop only while no flush runs: closing a JDK pipe stream while another thread
 * writes it would block the loop on the writer's lock. An abort during a flush closes it when the flush returns (the
 * child's exit or a kill ends a blocked write).
 */
final class WritePipe implements WriteTransport {

  /** Where the pipe is in its life; it only moves forward. */
  private enum Phase {
    /** Writing. */
    OPEN,
    /** Closed or EOF written: flushing what is buffered. */
    CLOSING,
    /** Lost: nothing is written any more. */
    CLOSED
  }

  private final EventLoop loop;
  private final SubprocessTransport owner;
  private final OutputStream out;
  private final String description;
  private Phase phase = Phase.OPEN;
  // Invariant: buffered == the bytes in pending plus the bytes of the flush in flight.
  private final List<byte[]> pending = new ArrayList<>();
  private long buffered;
  private boolean flushing;
  private boolean streamClosed;
  private boolean protocolPaused;
  private int high = Transport.DEFAULT_HIGH_WATER;
  private int low = Transport.DEFAULT_HIGH_WATER / 4;
  private int lostWrites;

  WritePipe(EventLoop loop, SubprocessTransport owner, OutputStream out, String description) {
    this.loop = loop;
    this.owner = owner;
    this.out = out;
    this.description = description;
  }

  @Override
  public void write(ByteBuffer data) {
    Objects.requireNonNull(data, "data must not be null");
    if (!data.hasRemaining()) {
      return;
    }
    if (phase != Phase.OPEN) { // as asyncio's pipe: dropped after close() or writeEof(), and once lost
      if (++lostWrites == 5) {
        Kernel.get().warn(loop, "pipe closed by peer or os.write(pipe, data) raised exception. (" + this
            + " dropped " + lostWrites + " writes after it was lost)");
      }
      return;
    }
    byte[] copy = new byte[data.remaining()];
    data.get(copy);
    pending.add(copy);
    buffered += copy.length;
    maybePause();
    if (!flushing) {
      startFlush();
    }
  }

  @Override
  public void write(byte[] data) {
    write(ByteBuffer.wrap(Objects.requireNonNull(data, "data must not be null")));
  }

  @Override
  public void writeLines(Iterable<byte[]> lines) {
    Objects.requireNonNull(lines, "lines must not be null");
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    int i = 0;
    for (byte[] line : lines) {
      all.writeBytes(Objects.requireNonNull(line, "lines[" + i + "] must not be null"));
      i++;
    }
    write(all.toByteArray());
  }

  private void startFlush() {
    byte[] batch;
    if (pending.size() == 1) {
      batch = pending.getFirst();
    } else {
      ByteArrayOutputStream joined = new ByteArrayOutputStream();
      pending.forEach(joined::writeBytes);
      batch = joined.toByteArray();
    }
    pending.clear();
    flushing = true;
    PipeThreads.start(() -> {
      IOException error = null;
      try {
        out.write(batch);
        out.flush();
      } catch (IOException e) {
        error = e;
      }
      IOException cause = error;
      if (!owner.send(SubprocessTransport.SRC_FLUSHED, () -> flushed(batch.length, cause))) {
        closeStream(); // the loop closed
      }
    });
  }

  private void flushed(int n, IOException error) {
    flushing = false;
    owner.flushEnded();
    if (phase == Phase.CLOSED) {
      closeStream(); // aborted meanwhile
      return;
    }
    buffered -= n;
    if (error != null) {
      pending.clear();
      buffered = 0;
      lose(error);
      return;
    }
    maybeResume();
    if (!pending.isEmpty()) {
      startFlush();
    } else if (phase == Phase.CLOSING) {
      lose(null);
    }
  }

  private void maybePause() {
    if (!protocolPaused && buffered > high) {
      protocolPaused = true;
      owner.pauseWriting();
    }
  }

  private void maybeResume() {
    if (protocolPaused && buffered <= low) {
      protocolPaused = false;
      owner.resumeWriting();
    }
  }

  /**
   * The child exited, so its end of the pipe is closed: the pipe is lost now, with no error, unless a flush is
   * writing (it fails with a broken pipe and loses the pipe with that error). asyncio learns the same from the
   * selector (the write end of a pipe whose read end closed polls as an error); the JDK's stream cannot be polled,
   * so the exit stands for it (a grandchild that inherited the pipe's read end is not waited for). Loop thread.
   */
  void childExited() {
    if (phase != Phase.CLOSED && !flushing) {
      pending.clear();
      buffered = 0;
      lose(null);
    }
  }

  /** Whether a flush thread is writing. */
  boolean isFlushing() {
    return flushing;
  }

  @Override
  public void writeEof() {
    close();
  }

  @Override
  public boolean canWriteEof() {
    return true;
  }

  @Override
  public long getWriteBufferSize() {
    return buffered;
  }

  @Override
  public void setWriteBufferLimits(int high, int low) {
    if (low < 0 || high < low) {
      throw new IllegalArgumentException("high (" + high + ") must be >= low (" + low + ") must be >= 0");
    }
    this.high = high;
    this.low = low;
    maybePause();
  }

  @Override
  public Transport.WriteLimits getWriteBufferLimits() {
    return new Transport.WriteLimits(low, high);
  }

  /** Closes the pipe once what is buffered is written; the owner hears {@code pipeConnectionLost}. Idempotent. */
  @Override
  public void close() {
    if (phase != Phase.OPEN) {
      return;
    }
    phase = Phase.CLOSING;
    if (!flushing && pending.isEmpty()) {
      lose(null);
    }
  }

  /** Drops what is buffered and closes the pipe now. Idempotent. */
  @Override
  public void abort() {
    if (phase == Phase.CLOSED) {
      return;
    }
    pending.clear();
    buffered = 0;
    lose(null);
  }

  @Override
  public boolean isClosing() {
    return phase != Phase.OPEN;
  }

  /** Answers {@code "pipe"}: the JDK stream written; null for any other name. */
  @Override
  public Object getExtraInfo(String name) {
    return "pipe".equals(name) ? out : null;
  }

  private void lose(IOException error) {
    phase = Phase.CLOSED;
    if (!flushing) {
      closeStream();
    }
    SubprocessTransport.soon(loop, () -> owner.pipeConnectionLost(0, error));
  }

  private void closeStream() {
    if (streamClosed) {
      return;
    }
    streamClosed = true;
    try {
      out.close();
    } catch (IOException e) {
      // a broken pipe on the final flush: the child's end is gone either way
    }
  }

  @Override
  public String toString() {
    return "WritePipe[" + description + ", " + phase.name().toLowerCase(java.util.Locale.ROOT)
        + (buffered == 0 ? "" : ", " + buffered + " bytes buffered") + "]";
  }
}
