package io.weft.net;

import io.weft.EventLoop;
import io.weft.Future;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;

/**
 * The protocol under a stream pair: feeds the {@link StreamReader} and lets {@link StreamWriter#drain()} wait
 * while writing is paused (asyncio's {@code StreamReaderProtocol} with its {@code FlowControlMixin}).
 */
final class StreamProtocol implements Protocol {

  private final EventLoop loop;
  final StreamReader reader;
  private final Future<Void> closed;
  private final List<Future<Void>> drainWaiters = new ArrayList<>();
  private final java.util.function.Consumer<StreamProtocol> onConnected;
  private boolean writingPaused;
  private boolean lost;
  StreamWriter writer;

  StreamProtocol(EventLoop loop, StreamReader reader, java.util.function.Consumer<StreamProtocol> onConnected) {
    this.loop = loop;
    this.reader = reader;
    this.onConnected = onConnected;
    this.closed = loop.createFuture();
  }

  @Override
  public void connectionMade(Transport transport) {
    if (writer != null) { // start_tls: the same pair goes on over the new (TLS) transport
      reader.replaceTransport(transport);
      writer.replaceTransport(transport);
      return;
    }
    reader.setTransport(transport);
    writer = new StreamWriter(transport, this, reader);
    if (onConnected != null) {
      onConnected.accept(this);
    }
  }

  @Override
  public void dataReceived(byte[] data) {
    reader.feedData(data);
  }

  @Override
  public boolean eofReceived() {
    reader.feedEof();
    return true; // half-open: the writer may still write and closes when it is done
  }

  @Override
  public void connectionLost(Throwable cause) {
    if (cause == null) {
      if (reader != null) {
        reader.feedEof();
      }
      closed.setResult(null);
    } else {
      if (reader != null) {
        reader.setException(cause);
      }
      closed.setException(cause);
      closed.exception(); // retrieved: nobody need await it
    }
    lost = true;
    if (writingPaused) {
      for (Future<Void> w : drainWaiters) {
        if (!w.isDone()) {
          if (cause == null) {
            w.setResult(null);
          } else {
            w.setException(cause);
          }
        }
      }
    }
  }

  @Override
  public void pauseWriting() {
    writingPaused = true;
  }

  @Override
  public void resumeWriting() {
    writingPaused = false;
    for (Future<Void> w : drainWaiters) {
      if (!w.isDone()) {
        w.setResult(null);
      }
    }
  }

  /** Waits while writing is paused; after the connection is lost, raises "Connection lost". */
  void drainHelper() throws SocketException {
    if (lost) {
      throw new SocketException("Connection lost");
    }
    if (!writingPaused) {
      return;
    }
    Future<Void> w = loop.createFuture();
    drainWaiters.add(w);
    try {
      w.await();
    } finally {
      drainWaiters.remove(w);
    }
  }

  /**
   * Waits until the connection is lost, then raises the error it was lost with, if any (asyncio awaits its
   * {@code _closed} future). The wait is on a future of its own, so that cancelling the waiting task leaves
   * {@code closed} alone.
   */
  void awaitClosed() {
    if (!closed.isDone()) {
      Future<Void> done = loop.createFuture();
      closed.addDoneCallback(f -> {
        if (!done.isDone()) {
          done.setResult(null);
        }
      });
      done.await();
    }
    Throwable error = closed.exception();
    if (error != null) {
      throw io.weft.internal.Sneaky.<RuntimeException>raise(error);
    }
  }
}
