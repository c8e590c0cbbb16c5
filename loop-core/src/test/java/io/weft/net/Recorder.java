package io.weft.net;

import io.weft.EventLoop;
import io.weft.Future;
import io.weft.Weft;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A protocol for tests: records every callback, keeps what it received, and lets a task wait for each event. */
class Recorder implements Protocol {

  final EventLoop loop;
  final Duration wait;
  final List<String> events = new ArrayList<>();
  final ByteArrayOutputStream received = new ByteArrayOutputStream();
  final Future<Transport> made;
  final Future<Throwable> lost;
  final Future<Void> eof;
  boolean keepOpenOnEof;
  boolean pauseReadingAtStart;
  int pauses;
  int resumes;
  private Future<Void> dataWaiter;
  private Future<Void> resumeWaiter;
  Transport transport;

  Recorder(EventLoop loop, Duration wait) {
    this.loop = loop;
    this.wait = wait;
    made = loop.createFuture();
    lost = loop.createFuture();
    eof = loop.createFuture();
  }

  @Override
  public void connectionMade(Transport transport) {
    events.add("made");
    this.transport = transport;
    if (pauseReadingAtStart) {
      transport.pauseReading();
    }
    made.setResult(transport);
  }

  @Override
  public void dataReceived(byte[] data) {
    if (events.isEmpty() || !events.get(events.size() - 1).equals("data")) {
      events.add("data");
    }
    received.writeBytes(data);
    wake();
  }

  @Override
  public boolean eofReceived() {
    events.add("eof");
    eof.setResult(null);
    wake();
    return keepOpenOnEof;
  }

  @Override
  public void connectionLost(Throwable cause) {
    events.add("lost");
    lost.setResult(cause);
    wake();
  }

  @Override
  public void pauseWriting() {
    events.add("pause");
    pauses++;
  }

  @Override
  public void resumeWriting() {
    events.add("resume");
    resumes++;
    if (resumeWaiter != null && !resumeWaiter.isDone()) {
      resumeWaiter.setResult(null);
    }
  }

  private void wake() {
    if (dataWaiter != null && !dataWaiter.isDone()) {
      dataWaiter.setResult(null);
    }
  }

  /** Waits, in a task, until at least {@code n} bytes arrived in all, or EOF or loss came first. */
  String awaitBytes(int n) {
    while (received.size() < n && !eof.isDone() && !lost.isDone()) {
      dataWaiter = loop.createFuture();
      Weft.waitFor(dataWaiter, wait);
    }
    return text();
  }

  /** Waits, in a task, for {@link #resumeWriting}. */
  void awaitResume() {
    if (resumes == 0) {
      resumeWaiter = loop.createFuture();
      Weft.waitFor(resumeWaiter, wait);
    }
  }

  String text() {
    return received.toString(StandardCharsets.UTF_8);
  }

  Transport awaitMade() {
    return Weft.waitFor(made, wait);
  }

  Throwable awaitLost() {
    return Weft.waitFor(lost, wait);
  }

  void awaitEof() {
    Weft.waitFor(eof, wait);
  }
}
