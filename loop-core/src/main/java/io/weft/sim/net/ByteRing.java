package io.weft.sim.net;

import java.nio.ByteBuffer;

/** A growable FIFO of bytes: a socket buffer's contents. Not thread-safe; the network's one thread uses it. */
final class ByteRing {

  // Invariant: the bytes queued are data[head .. head + size) modulo data.length.
  private byte[] data = new byte[256];
  private int head;
  private int size;

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  void clear() {
    head = 0;
    size = 0;
  }

  /** Appends {@code n} bytes taken from {@code src}. */
  void put(ByteBuffer src, int n) {
    ensure(size + n);
    int tail = (head + size) % data.length;
    int first = Math.min(n, data.length - tail);
    src.get(data, tail, first);
    src.get(data, 0, n - first);
    size += n;
  }

  void put(byte[] bytes) {
    put(ByteBuffer.wrap(bytes), bytes.length);
  }

  /** Moves up to {@code dst.remaining()} bytes into {@code dst}; returns how many. */
  int get(ByteBuffer dst) {
    int n = Math.min(dst.remaining(), size);
    int first = Math.min(n, data.length - head);
    dst.put(data, head, first);
    dst.put(data, 0, n - first);
    drop(n);
    return n;
  }

  /** Removes and returns the first {@code n} bytes. */
  byte[] take(int n) {
    byte[] out = new byte[n];
    get(ByteBuffer.wrap(out));
    return out;
  }

  private void drop(int n) {
    head = (head + n) % data.length;
    size -= n;
    if (size == 0) {
      head = 0;
    }
  }

  private void ensure(int capacity) {
    if (capacity <= data.length) {
      return;
    }
    int len = data.length;
    while (len < capacity) {
      len *= 2;
    }
    byte[] bigger = new byte[len];
    int first = Math.min(size, data.length - head);
    System.arraycopy(data, head, bigger, 0, first);
    System.arraycopy(data, 0, bigger, first, size - first);
    data = bigger;
    head = 0;
  }
}
