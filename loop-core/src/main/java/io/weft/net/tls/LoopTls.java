package io.weft.net.tls;

import io.weft.EventLoop;
import io.weft.internal.Kernel;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;

/**
 * What the TLS layer keeps per loop, attached through {@link Kernel#attachment}: the buffer every TLS connection of
 * the loop wraps its records into, and a few spare buffers for what connections hold for a while.
 *
 * <p>The JDK's engine wants room for a whole record (about 16.7 KiB) before it wraps one, however small the record.
 * One loop thread runs one engine call at a time, and a wrapped record is copied into the plain transport (or sent)
 * before the next wrap, so one buffer serves all the loop's connections: an idle TLS connection holds no
 * record-sized buffer of its own, as a plain transport holds no read buffer ({@code LoopNet}).
 *
 * <p>A connection holds the records that arrived and the decrypted bytes its application has not read only while
 * they wait, and gives the buffers back once they are empty. The spares keep that from allocating (and zeroing)
 * a buffer per burst on a busy connection: at most {@value #SPARES} buffers of at most {@value #MAX_SPARE} bytes
 * each, per loop.
 */
final class LoopTls {

  /** How many spare buffers a loop keeps. */
  static final int SPARES = 4;
  /** The largest buffer kept as a spare: 1 MiB. */
  static final int MAX_SPARE = 1 << 20;

  private ByteBuffer wrapBuffer;
  private final ByteBuffer[] spares = new ByteBuffer[SPARES];
  private int spareCount;

  private LoopTls() {}

  /** Returns {@code loop}'s TLS state, made on first use. Loop thread only. */
  static LoopTls of(EventLoop loop) {
    return Kernel.get().attachment(loop, LoopTls.class, LoopTls::new);
  }

  /**
   * Returns the buffer to wrap one record into, cleared: made on first use with room for one of {@code engine}'s
   * records, grown by {@link #growWrapBuffer} if an engine finds it too small (asking each engine each time would
   * cost a lock per record).
   */
  ByteBuffer wrapBuffer(SSLEngine engine) {
    if (wrapBuffer == null) {
      wrapBuffer = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    }
    return wrapBuffer.clear();
  }

  /** Replaces the wrap buffer, which the engine found too small (BUFFER_OVERFLOW), with one twice as large. */
  ByteBuffer growWrapBuffer() {
    wrapBuffer = ByteBuffer.allocate(wrapBuffer.capacity() * 2);
    return wrapBuffer;
  }

  /**
   * Returns a buffer with room for at least {@code min} bytes, cleared: the smallest spare that is large enough but
   * not more than four times too large (a small buffer is cheaper to make than a large one is to tie up), else a
   * new one.
   */
  ByteBuffer take(int min) {
    int best = -1;
    for (int i = 0; i < spareCount; i++) {
      int capacity = spares[i].capacity();
      if (capacity >= min && capacity / 4 <= min && (best < 0 || capacity < spares[best].capacity())) {
        best = i;
      }
    }
    if (best < 0) {
      return ByteBuffer.allocate(min);
    }
    ByteBuffer b = spares[best];
    spares[best] = spares[--spareCount];
    spares[spareCount] = null;
    return b.clear();
  }

  /**
   * Keeps {@code buffer}, which its connection no longer uses, as a spare: if there is a free place, or in the place
   * of a smaller spare. Nothing else may use it after this.
   */
  void give(ByteBuffer buffer) {
    int capacity = buffer.capacity();
    if (capacity == 0 || capacity > MAX_SPARE) {
      return;
    }
    if (spareCount < SPARES) {
      spares[spareCount++] = buffer;
      return;
    }
    int smallest = 0;
    for (int i = 1; i < SPARES; i++) {
      if (spares[i].capacity() < spares[smallest].capacity()) {
        smallest = i;
      }
    }
    if (spares[smallest].capacity() < capacity) {
      spares[smallest] = buffer;
    }
  }
}
