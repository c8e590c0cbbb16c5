package io.weft.fault.proxy;

import io.weft.EventLoop;
import io.weft.TimerHandle;
import io.weft.net.Transport;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * One direction of a proxied connection: the bytes read from one transport, through the direction's toxics, written
 * to the other. Loop thread only.
 *
 * <h2>Toxics</h2>
 *
 * <p>Whether each toxic applies is drawn once, when the pipe first sees it (at the connection's start or when the
 * toxic is added), and logged. The applying toxics act in a fixed order, whatever the order they were listed in:
 * the gates first ({@code timeout} drops, {@code reset_peer} drops and schedules the reset, {@code limit_data} cuts),
 * then the delays ({@code latency} per chunk, {@code slicer} into pieces, {@code bandwidth} per piece), and
 * {@code slow_close} on the end of stream.
 *
 * <h2>Time and order</h2>
 *
 * <p>Each piece gets a release time on the loop's clock; a piece is never released before the one ahead of it, so
 * the stream keeps its order. What is due at once with nothing queued is written at once, without a timer.
 *
 * <h2>Backpressure</h2>
 *
 * <p>The source stops reading while the destination's write buffer is above its high-water mark (its protocol's
 * {@code pauseWriting}) or while more than {@link #HIGH_WATER} bytes wait in this pipe's queue, and reads again when
 * neither holds (the queue at {@link #LOW_WATER} or less): at most one read beyond the high-water mark is held.
 */
final class Pipe {

  /** Bytes queued in a pipe above which its source stops reading. */
  static final int HIGH_WATER = 64 * 1024;
  /** Bytes queued at or below which a source stopped by the queue reads again. */
  static final int LOW_WATER = 16 * 1024;

  /** A piece of data, the end of stream, or the close limit_data asks for, released at {@code at}. */
  private record Item(long at, byte[] data, boolean eof, boolean close) {}

  final Direction direction;
  private final ProxyConnection conn;
  private final EventLoop loop;
  private final RandomGenerator decide;
  private final RandomGenerator random;
  private Transport source;
  private Transport dest;

  // Invariant: decisions holds exactly the toxics of the current plan for this direction, each mapped to whether it
  // applies to this connection; active lists the applying ones.
  private final Map<Toxic, Boolean> decisions = new LinkedHashMap<>();
  private final List<Toxic> active = new ArrayList<>();

  // Invariant: queuedBytes is the sum of the data lengths in queue; timer is set iff the queue is not empty.
  private final ArrayDeque<Item> queue = new ArrayDeque<>();
  private long queuedBytes;
  private TimerHandle timer;
  private long lastRelease;
  private boolean destPaused;
  private boolean pausedHere;

  private TimerHandle timeoutTimer;
  private boolean timeoutDropped;
  private TimerHandle resetTimer;
  private long limitCounted;
  private boolean limitReached;
  private boolean eofSeen;
  private boolean eofSent;

  long bytesIn;
  long bytesOut;
  long bytesDropped;

  /**
   * Makes a pipe; {@code decide} draws whether each toxic applies (the connection's own sequence, so its decisions
   * depend only on the seed and the plans given), {@code random} draws per chunk (latencies, slice sizes).
   */
  Pipe(Direction direction, ProxyConnection conn, EventLoop loop, RandomGenerator decide, RandomGenerator random) {
    this.direction = direction;
    this.conn = conn;
    this.loop = loop;
    this.decide = decide;
    this.random = random;
    this.lastRelease = now();
  }

  /** Connects the pipe to its transports and lets the source read, unless the pipe must hold it. */
  void attach(Transport source, Transport dest) {
    this.source = source;
    this.dest = dest;
    updateReading();
  }

  private long now() {
    return loop.clock().nanoTime();
  }

  // ------------------------------------------------------------------------------------------------------------
  // Toxics
  // ------------------------------------------------------------------------------------------------------------

  /** Takes the direction's toxics from a new plan: draws for the new ones, drops the removed ones. */
  void refresh(List<Toxic> toxics) {
    for (var it = decisions.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (!toxics.contains(e.getKey())) {
        it.remove();
        removed(e.getKey(), e.getValue());
      }
    }
    for (Toxic t : toxics) {
      if (!decisions.containsKey(t)) {
        double draw = decide.nextDouble();
        boolean applies = draw < t.toxicity();
        decisions.put(t, applies);
        conn.log(direction.label() + " " + t + ": " + (applies ? "applies" : "skipped") + " (draw "
            + String.format(java.util.Locale.ROOT, "%.4f", draw) + ", toxicity " + ProxyValues.percent(t.toxicity())
            + ")");
        if (applies) {
          conn.noteApplied(direction.label() + " " + t);
          if (t instanceof Toxic.Timeout timeout && timeout.timeoutNanos() > 0) {
            timeoutTimer = loop.callAtNanos(now() + timeout.timeoutNanos(), () -> {
              timeoutTimer = null;
              conn.log(direction.label() + " timeout: closing after " + ProxyValues.duration(timeout.timeoutNanos()));
              conn.close("timeout on " + direction.label());
            }, null);
          }
        }
      }
    }
    active.clear();
    decisions.forEach((t, applies) -> {
      if (applies) {
        active.add(t);
      }
    });
  }

  private void removed(Toxic t, boolean applied) {
    conn.log(direction.label() + " " + t + ": removed");
    if (!applied) {
      return;
    }
    if (t instanceof Toxic.Timeout) {
      if (timeoutTimer != null) {
        timeoutTimer.cancel();
        timeoutTimer = null;
      }
      if (timeoutDropped) {
        conn.log(direction.label() + " timeout removed after it dropped " + bytesDropped + " bytes: closing");
        loop.callSoon(() -> conn.close("timeout removed on " + direction.label() + " after dropping data"));
      }
    } else if (t instanceof Toxic.ResetPeer && resetTimer != null) {
      resetTimer.cancel();
      resetTimer = null;
    }
  }

  private <T extends Toxic> T find(Class<T> type) {
    for (Toxic t : active) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  // ------------------------------------------------------------------------------------------------------------
  // Data
  // ------------------------------------------------------------------------------------------------------------

  /** Takes bytes read from the source. */
  void data(byte[] data) {
    bytesIn += data.length;
    if (limitReached || resetTimer != null) {
      bytesDropped += data.length;
      return;
    }
    if (find(Toxic.Timeout.class) != null) {
      bytesDropped += data.length;
      timeoutDropped = true;
      return;
    }
    Toxic.ResetPeer reset = find(Toxic.ResetPeer.class);
    if (reset != null) {
      bytesDropped += data.length;
      scheduleReset(reset, "first data (" + data.length + " bytes dropped)");
      return;
    }
    Toxic.LimitData limit = find(Toxic.LimitData.class);
    boolean closeAfter = false;
    if (limit != null) {
      long room = limit.bytes() - limitCounted;
      if (room <= data.length) {
        closeAfter = true;
        limitReached = true;
        bytesDropped += data.length - room;
        data = java.util.Arrays.copyOf(data, (int) room);
        conn.log(direction.label() + " limit_data: " + limit.bytes() + " bytes reached, closing");
      }
      limitCounted += data.length;
    }
    long at = now();
    Toxic.Latency latency = find(Toxic.Latency.class);
    if (latency != null) {
      at += latency.distribution().nanosAt(random.nextDouble(1e-6, 1 - 1e-6));
    }
    at = Math.max(at, lastRelease);
    List<byte[]> pieces = slice(data);
    Toxic.Slicer slicer = find(Toxic.Slicer.class);
    Toxic.Bandwidth bandwidth = find(Toxic.Bandwidth.class);
    for (int i = 0; i < pieces.size(); i++) {
      byte[] piece = pieces.get(i);
      if (slicer != null && i > 0) {
        at += slicer.delayNanos();
      }
      if (bandwidth != null) {
        at += piece.length * 1_000_000_000L / bandwidth.bytesPerSecond();
      }
      enqueue(new Item(at, piece, false, false));
    }
    if (closeAfter) {
      enqueue(new Item(at, null, false, true));
    }
    updateReading();
  }

  private void scheduleReset(Toxic.ResetPeer reset, String what) {
    conn.log(direction.label() + " reset_peer: " + what + ", resetting in "
        + ProxyValues.duration(reset.timeoutNanos()));
    resetTimer = loop.callAtNanos(now() + reset.timeoutNanos(), () -> {
      resetTimer = null;
      conn.reset("reset_peer on " + direction.label());
    }, null);
  }

  /** Cuts a chunk by the slicer, and into pieces of a tenth of a second's worth under bandwidth. */
  private List<byte[]> slice(byte[] data) {
    Toxic.Slicer slicer = find(Toxic.Slicer.class);
    Toxic.Bandwidth bandwidth = find(Toxic.Bandwidth.class);
    long max = bandwidth == null ? Integer.MAX_VALUE : Math.max(1, bandwidth.bytesPerSecond() / 10);
    List<byte[]> pieces = new ArrayList<>();
    int from = 0;
    while (from < data.length) {
      long size = max;
      if (slicer != null) {
        long v = slicer.sizeVariation();
        size = Math.min(size, slicer.averageSize() + (v == 0 ? 0 : random.nextLong(-v, v + 1)));
      }
      int to = (int) Math.min(data.length, from + size);
      pieces.add(from == 0 && to == data.length ? data : java.util.Arrays.copyOfRange(data, from, to));
      from = to;
    }
    return pieces;
  }

  /** Takes the source's end of stream. */
  void eof() {
    eofSeen = true;
    if (resetTimer != null || limitReached) {
      return;
    }
    Toxic.ResetPeer reset = find(Toxic.ResetPeer.class);
    if (reset != null) {
      scheduleReset(reset, "end of stream");
      return;
    }
    if (find(Toxic.Timeout.class) != null) {
      conn.log(direction.label() + " timeout: end of stream while dropping data, closing");
      conn.close("end of stream under timeout on " + direction.label());
      return;
    }
    long at = Math.max(now(), lastRelease);
    Toxic.SlowClose slow = find(Toxic.SlowClose.class);
    if (slow != null) {
      at += slow.delayNanos();
      conn.log(direction.label() + " slow_close: end of stream delayed by " + ProxyValues.duration(slow.delayNanos()));
    }
    enqueue(new Item(at, null, true, false));
  }

  /** Whether the end of stream went through to the destination. */
  boolean eofSent() {
    return eofSent;
  }

  /**
   * How early an item may go: one due within this is released now rather than by a timer, since a timer cannot fire
   * sooner than the poller's millisecond timeout. Without it a bandwidth far above the link's paid a millisecond per
   * chunk (64 KiB/ms); the schedule itself does not drift, as each item's time counts from the one before's.
   */
  static final long SLACK_NANOS = 1_000_000;

  private void enqueue(Item item) {
    lastRelease = item.at();
    if (queue.isEmpty() && item.at() - now() <= SLACK_NANOS) {
      release(item);
      return;
    }
    queue.add(item);
    if (item.data() != null) {
      queuedBytes += item.data().length;
    }
    if (timer == null) {
      schedule();
    }
  }

  private void schedule() {
    timer = loop.callAtNanos(queue.peek().at(), this::flushDue, null);
  }

  private void flushDue() {
    timer = null;
    long now = now();
    while (!queue.isEmpty() && queue.peek().at() - now <= SLACK_NANOS && !conn.isEnded()) {
      Item item = queue.poll();
      if (item.data() != null) {
        queuedBytes -= item.data().length;
      }
      release(item);
    }
    if (!queue.isEmpty() && !conn.isEnded()) {
      schedule();
    }
    updateReading();
  }

  private void release(Item item) {
    if (item.close()) {
      conn.close("limit_data on " + direction.label());
    } else if (item.eof()) {
      eofSent = true;
      dest.writeEof();
      conn.eofForwarded();
    } else {
      bytesOut += item.data().length;
      dest.write(item.data());
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // Backpressure and ending
  // ------------------------------------------------------------------------------------------------------------

  /** The destination's write buffer went above (true) or back below (false) its water marks. */
  void destPaused(boolean paused) {
    destPaused = paused;
    updateReading();
  }

  private void updateReading() {
    if (source == null || source.isClosing() || eofSeen) {
      return;
    }
    if (destPaused || queuedBytes > HIGH_WATER) {
      if (!pausedHere) {
        pausedHere = true;
        source.pauseReading();
      }
    } else if (pausedHere && queuedBytes <= LOW_WATER) {
      pausedHere = false;
      source.resumeReading();
    }
  }

  /** Drops what is queued and stops every timer: the connection is ending. */
  void stop() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
    if (timeoutTimer != null) {
      timeoutTimer.cancel();
      timeoutTimer = null;
    }
    if (resetTimer != null) {
      resetTimer.cancel();
      resetTimer = null;
    }
    for (Item item : queue) {
      if (item.data() != null) {
        bytesDropped += item.data().length;
      }
    }
    queue.clear();
    queuedBytes = 0;
  }

  /** Checks the invariants; for tests. */
  void checkInvariants() {
    long sum = 0;
    for (Item item : queue) {
      sum += item.data() == null ? 0 : item.data().length;
    }
    if (sum != queuedBytes || (timer == null) != queue.isEmpty()) {
      throw new IllegalStateException(direction.label() + " pipe: queuedBytes " + queuedBytes + " but queue holds "
          + sum + ", timer " + timer + " with " + queue.size() + " items queued");
    }
  }
}
