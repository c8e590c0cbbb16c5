package io.weft.sim.net;

import io.weft.EventLoop;
import io.weft.Future;
import io.weft.spi.Network;
import io.weft.spi.Poller;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Blocking-style socket helpers for a task on any loop (the contract suite's, without its test instance). */
final class NetIo {

  private NetIo() {}

  /** Waits, inside a task of the running loop, until {@code socket} is ready for one of {@code ops}. */
  static int ready(Network.NetSocket socket, int ops) throws IOException {
    EventLoop loop = EventLoop.getRunningLoop();
    Future<Integer> f = loop.createFuture();
    Poller.Registration reg = loop.poller().register(socket.pollable(), ops, r -> {
      if (!f.isDone()) {
        f.setResult(r);
      }
    });
    try {
      return f.await();
    } finally {
      reg.cancel();
    }
  }

  static Network.StreamSocket connect(Network net, SocketAddress to) throws IOException {
    Network.StreamSocket s = net.connect(to, null);
    while (!s.finishConnect()) {
      ready(s, Poller.CONNECT);
    }
    return s;
  }

  static Network.StreamSocket accept(Network.ListenSocket l) throws IOException {
    Network.StreamSocket s;
    while ((s = l.accept()) == null) {
      ready(l, Poller.ACCEPT);
    }
    return s;
  }

  static void writeAll(Network.StreamSocket s, String text) throws IOException {
    ByteBuffer src = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    while (src.hasRemaining()) {
      if (s.write(src) == 0) {
        ready(s, Poller.WRITE);
      }
    }
  }

  static String readToEof(Network.StreamSocket s) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer dst = ByteBuffer.allocate(1024);
    while (true) {
      dst.clear();
      int n = s.read(dst);
      if (n < 0) {
        return out.toString(StandardCharsets.UTF_8);
      }
      if (n == 0) {
        ready(s, Poller.READ);
      }
      out.write(dst.array(), 0, n);
    }
  }

  /** Reads up to {@code n} bytes that are there now, after waiting for readiness once. */
  static String readSome(Network.StreamSocket s, int n) throws IOException {
    ByteBuffer dst = ByteBuffer.allocate(n);
    int got;
    while ((got = s.read(dst)) == 0) {
      ready(s, Poller.READ);
    }
    return got < 0 ? null : new String(dst.array(), 0, got, StandardCharsets.UTF_8);
  }
}
