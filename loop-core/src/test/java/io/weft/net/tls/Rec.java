package io.weft.net.tls;

import io.weft.EventLoop;
import io.weft.Weft;
import io.weft.net.Protocol;
import io.weft.net.Transport;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/** A protocol that records what happens to it, for the TLS tests; waits poll on the loop's clock. */
class Rec implements Protocol {

  final EventLoop loop;
  final List<String> events = new ArrayList<>();
  final ByteArrayOutputStream received = new ByteArrayOutputStream();
  Transport transport;
  Throwable lostWith;
  boolean echo;
  boolean keepOpenOnEof;
  boolean pauseReadingAtStart;
  int pauses;
  int resumes;

  Rec(EventLoop loop) {
    this.loop = loop;
  }

  @Override
  public void connectionMade(Transport transport) {
    this.transport = transport;
    events.add("made");
    if (pauseReadingAtStart) {
      transport.pauseReading();
    }
  }

  @Override
  public void dataReceived(byte[] data) {
    received.writeBytes(data);
    if (echo) {
      transport.write(data);
    }
  }

  @Override
  public boolean eofReceived() {
    events.add("eof");
    return keepOpenOnEof;
  }

  @Override
  public void connectionLost(Throwable cause) {
    events.add("lost");
    lostWith = cause;
  }

  @Override
  public void pauseWriting() {
    pauses++;
  }

  @Override
  public void resumeWriting() {
    resumes++;
  }

  boolean lost() {
    return events.contains("lost");
  }

  /** Waits (from a task, on the loop's clock, for at most 20 s) until {@code condition} holds. */
  static void await(BooleanSupplier condition, String what) {
    for (int i = 0; !condition.getAsBoolean(); i++) {
      if (i > 20_000) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Weft.sleep(Duration.ofMillis(1));
    }
  }

  void awaitBytes(int n) {
    await(() -> received.size() >= n, n + " bytes (have " + received.size() + ")");
  }

  void awaitLost() {
    await(this::lost, "connectionLost of " + this);
  }
}
