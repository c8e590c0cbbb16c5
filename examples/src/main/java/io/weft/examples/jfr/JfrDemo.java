package io.weft.examples.jfr;

import io.weft.CancelledError;
import io.weft.EventLoop;
import io.weft.Task;
import io.weft.Weft;
import io.weft.net.Streams;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A short program that gives each of Weft's flight-recorder events a reason to fire: tasks that return, fail and are
 * cancelled, a CPU-bound step, a {@code Thread.sleep} in a task, and a connection the peer resets. Run it with
 * {@code -XX:StartFlightRecording} (see the README's "JFR events") and read the recording with {@code jfr print}.
 */
public final class JfrDemo {

  private JfrDemo() {}

  /** Runs the demo on a production loop and prints one line per step. */
  public static void main(String[] args) throws Exception {
    try (ServerSocket peer = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CountDownLatch connected = new CountDownLatch(1);
      Thread resetter = Thread.ofPlatform().name("resetting-peer").start(() -> {
        try (Socket s = peer.accept()) {
          connected.await();
          s.setSoLinger(true, 0); // close with RST: the client's read fails with "Connection reset"
        } catch (IOException | InterruptedException e) {
          System.out.println("peer: " + e);
        }
      });
      EventLoop loop = EventLoop.create(); // slow callback duration: 100 ms, the default
      try {
        loop.runUntilComplete(loop.createTask(() -> run(peer.getLocalPort(), connected), "demo-main", null));
      } finally {
        loop.close();
      }
      resetter.join();
    }
  }

  private static Void run(int port, CountDownLatch connected) throws Exception {
    Task<String> fetch = Weft.createTask(() -> {
      Weft.sleep(Duration.ofMillis(20));
      return "fetched";
    }, "fetch", null);
    Task<Object> parse = Weft.createTask(() -> {
      throw new IllegalArgumentException("bad header");
    }, "parse", null);
    Task<Object> poll = Weft.createTask(() -> {
      Weft.sleep(Duration.ofHours(1));
      return null;
    }, "poll", null);
    System.out.println("fetch: " + fetch.await());
    try {
      parse.await();
    } catch (IllegalArgumentException e) {
      System.out.println("parse failed: " + e.getMessage());
    }
    poll.cancel();
    try {
      poll.await();
    } catch (CancelledError e) {
      System.out.println("poll cancelled");
    }

    Weft.createTask(() -> {
      long end = System.nanoTime() + Duration.ofMillis(200).toNanos();
      long n = 0;
      while (System.nanoTime() < end) {
        n++; // CPU-bound: holds the loop for 200 ms
      }
      return n;
    }, "checksum", null).await();
    System.out.println("checksum done");

    Weft.createTask(() -> {
      Thread.sleep(30); // blocks outside await
      return null;
    }, "legacy-client", null).await();
    System.out.println("legacy-client done");

    Streams.Pair conn = Streams.openConnection("127.0.0.1", port);
    connected.countDown();
    try {
      conn.reader().read(100);
    } catch (Exception e) { // the reset reaches the reader as the java.net.SocketException it is
      System.out.println("read failed: " + e);
    } finally {
      conn.writer().close();
    }
    return null;
  }
}
