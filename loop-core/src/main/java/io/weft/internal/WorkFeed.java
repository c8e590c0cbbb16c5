package io.weft.internal;

import io.weft.spi.SystemClock;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * What the threads of one real work staged for a simulated loop, by source, for the loop to take in pieces whose
 * source and size the simulation records: the output, stdin flushes and exit of a child process.
 *
 * <h2>Why</h2>
 *
 * <p>A real work's messages enter a simulated loop in the order its thread sent them, which is exact when one thread
 * sends them. A child process speaks through several threads (a pump per output pipe, a writer per stdin flush, the
 * reaper) and through the OS, which hands a pipe's bytes over in pieces of whatever size it had: the same child sends
 * {@code "hello\n"} as one piece in one run and as two in the next. So a fed work's threads do not send messages: they
 * stage bytes and events here, and the loop, when the schedule takes the work's next message, composes it: a source
 * (which pipe, or which kind of event) and, for bytes, how many. Both are recorded as observations of the world; a
 * replay takes the recorded source and size, waiting for the child to have staged that much, so it delivers the same
 * bytes in the same pieces in the same order whatever the OS and the threads did this time. A live take waits for the
 * feed to settle (nothing new for a moment), then takes from the first source in order that holds something, and of
 * a byte source what it holds up to the next multiple of {@link #MAX_TAKE} in its stream: so a child that answers
 * at once is taken in the same pieces in every run, not only in its replays.
 *
 * <h2>Sources</h2>
 *
 * <p>Each source is either a byte stream (its pieces are concatenated; a take of {@code n} bytes hands them to the
 * source's sink on the loop as one array) or a queue of events (a take runs the next one). Sources are numbered 0, 1,
 * ... in the order given. A source can be marked ended: nothing more will be staged on it, so a replay that asks it
 * for more than it holds has diverged. Any thread may stage; only the loop takes.
 */
public final class WorkFeed {

  /** The most bytes one take hands over: 64 KiB. */
  public static final int MAX_TAKE = 64 * 1024;

  /** The outcome of {@link #awaitHolding}. */
  public enum Wait {
    /** The source holds the amount. */
    HELD,
    /** The source ended holding less: it never will. */
    ENDED_SHORT,
    /** The caller's stop condition held, or the waiting thread was interrupted. */
    STOPPED,
    /** The deadline passed. */
    EXPIRED
  }

  // The most a live take waits for quiet, however long the grace asked for (raised for slow children): 100 ms.
  private static final long SETTLE_MAX_NANOS = 100_000_000L;
  // The most a live take waits for the feed to settle, in grace periods, however busy the child.
  private static final int SETTLE_GRACES = 20;
  // A waiting loop rechecks its stop condition at least this often.
  private static final long WAIT_SLICE_NANOS = 10_000_000L;

  private final String[] names;
  private final Consumer<byte[]>[] sinks; // null for an event source
  // Per source, under the lock on this feed: the staged units (byte[] or Runnable). Waiters wait on this feed.
  private final ArrayDeque<Unit>[] units;
  private final long[] staged; // bytes (byte source) or events (event source), under the lock
  private final boolean[] ended; // under the lock
  private final long[] taken; // bytes or events taken from each source so far, under the lock
  private long arrivals; // under the lock
  private long settledAt = -1; // loop thread only: arrivals when the loop last saw the feed settle
  private boolean closed; // under the lock: nothing more is staged or taken
  private volatile Runnable waker = () -> {};

  private static final class Unit {
    final byte[] bytes;
    final Runnable event;
    int offset; // bytes of this unit already taken

    Unit(byte[] bytes, Runnable event) {
      this.bytes = bytes;
      this.event = event;
    }
  }

  /**
   * A feed of {@code names.length} sources; source {@code i} is a byte stream delivered to {@code sinks[i]} on the
   * loop, or, where {@code sinks[i]} is null, a queue of events.
   *
   * @throws IllegalArgumentException unless there are as many sinks as names, at least one
   */
  @SuppressWarnings("unchecked")
  public WorkFeed(String[] names, Consumer<byte[]>[] sinks) {
    Objects.requireNonNull(names, "names must not be null");
    Objects.requireNonNull(sinks, "sinks must not be null");
    if (names.length == 0 || names.length != sinks.length) {
      throw new IllegalArgumentException("a feed needs one sink (or null) per source name, got " + names.length
          + " names and " + sinks.length + " sinks");
    }
    this.names = names.clone();
    this.sinks = sinks.clone();
    this.units = new ArrayDeque[names.length];
    for (int i = 0; i < names.length; i++) {
      units[i] = new ArrayDeque<>();
    }
    this.staged = new long[names.length];
    this.ended = new boolean[names.length];
    this.taken = new long[names.length];
  }

  /** Sets what wakes the loop when something is staged (the loop's waiter). Set once, before anything is staged. */
  public void wakeWith(Runnable waker) {
    this.waker = Objects.requireNonNull(waker, "waker must not be null");
  }

  /** How many sources the feed has. */
  public int sources() {
    return names.length;
  }

  /** The name of source {@code source}, for reports: {@code "stdout"}. */
  public String name(int source) {
    return names[source];
  }

  /** Whether source {@code source} is a byte stream (else a queue of events). */
  public boolean isBytes(int source) {
    return sinks[source] != null;
  }

  /** Stages {@code data} (not empty) on byte source {@code source}; false, staging nothing, once the feed closed. */
  public boolean stage(int source, byte[] data) {
    if (!isBytes(source) || data.length == 0) {
      throw new IllegalArgumentException("source " + names[source] + " takes " + (isBytes(source)
          ? "non-empty byte arrays, got an empty one" : "events, not bytes"));
    }
    return add(source, data, null, data.length);
  }

  /** Stages {@code event} on event source {@code source}; false, staging nothing, once the feed closed. */
  public boolean stage(int source, Runnable event) {
    if (isBytes(source)) {
      throw new IllegalArgumentException("source " + names[source] + " takes bytes, not events");
    }
    return add(source, null, Objects.requireNonNull(event, "event must not be null"), 1);
  }

  private boolean add(int source, byte[] bytes, Runnable event, int amount) {
    synchronized (this) {
      if (closed) {
        return false;
      }
      units[source].add(new Unit(bytes, event));
      arrivals++;
      staged[source] += amount;
      notifyAll();
    }
    waker.run();
    return true;
  }

  /** Marks source {@code source} ended: nothing more will be staged on it. Any thread. */
  public void end(int source) {
    synchronized (this) {
      ended[source] = true;
      notifyAll();
    }
    waker.run();
  }

  /** Whether source {@code source} was marked ended. */
  public synchronized boolean ended(int source) {
    return ended[source];
  }

  /** Whether anything is staged. */
  public boolean hasAny() {
    return first() >= 0;
  }

  /** How many units (bytes or events) have arrived in all, taken or not. */
  public synchronized long arrivals() {
    return arrivals;
  }

  /**
   * The first source, in the order of the sources, that holds something, or -1: the source a live take uses once the
   * feed settled, an order that does not depend on which thread staged first.
   */
  public synchronized int first() {
    for (int i = 0; i < units.length; i++) {
      if (!units[i].isEmpty()) {
        return i;
      }
    }
    return -1;
  }

  /**
   * How much a live take of {@code source} takes: its next event, or the bytes it holds up to the next multiple of
   * {@link #MAX_TAKE} in its stream, so that a stream longer than one take is cut at the same offsets in every run.
   */
  public synchronized int livePiece(int source) {
    if (!isBytes(source)) {
      return staged[source] > 0 ? 1 : 0;
    }
    long toBoundary = MAX_TAKE - taken[source] % MAX_TAKE;
    return (int) Math.min(staged[source], toBoundary);
  }

  /** Whether some byte source holds a whole piece: all of its stream up to its next multiple of {@link #MAX_TAKE}. */
  public synchronized boolean holdsWholePiece() {
    for (int i = 0; i < units.length; i++) {
      if (isBytes(i) && staged[i] >= MAX_TAKE - taken[i] % MAX_TAKE) {
        return true;
      }
    }
    return false;
  }

  /** Whether nothing arrived since the loop last saw the feed settle ({@link #settled}). Loop thread. */
  public boolean unchangedSinceSettled() {
    return settledAt == arrivals();
  }

  /** The loop saw the feed settle: nothing arrived for a while. Loop thread. */
  public void settled() {
    settledAt = arrivals();
  }

  /**
   * Before a live take, waits until nothing more has arrived for {@code graceNanos} (at most 100 ms), so that what a
   * child sends at once (a line in two writes, its stdout and stderr) is staged whole and taken in the same pieces and
   * order in every run, not as the OS and the pipe threads happened to hand it over: a run is then as repeatable as
   * the child's timing at the scale of the grace. No wait when nothing arrived since the feed last settled, or once a
   * byte source holds a whole piece (a long stream is cut at fixed offsets anyway); the wait ends after 20 grace
   * periods however busy the child, at {@code deadlineNanos} ({@link SystemClock}), or when {@code stop} says so.
   * Loop thread.
   */
  public void settle(long graceNanos, long deadlineNanos, BooleanSupplier stop) {
    if (unchangedSinceSettled()) {
      return;
    }
    long grace = Math.min(graceNanos, SETTLE_MAX_NANOS);
    synchronized (this) {
      long now = SystemClock.INSTANCE.nanoTime();
      long end = Math.min(deadlineNanos, now + SETTLE_GRACES * grace);
      long seen = arrivals;
      long quietSince = now;
      while (!holdsWholePiece() && !stop.getAsBoolean()) {
        if (arrivals != seen) {
          seen = arrivals;
          quietSince = now;
        } else if (now - quietSince >= grace || now - end >= 0) {
          break;
        }
        if (!waitNanos(Math.min(quietSince + grace, end) - now)) {
          break;
        }
        now = SystemClock.INSTANCE.nanoTime();
      }
      settledAt = arrivals;
    }
  }

  /**
   * Waits until {@code source} holds {@code amount}, as a replay's recorded observation says it will, until
   * {@code deadlineNanos} ({@link SystemClock}), or until {@code stop} says so. Loop thread.
   */
  public Wait awaitHolding(int source, long amount, long deadlineNanos, BooleanSupplier stop) {
    synchronized (this) {
      while (staged[source] < amount) {
        if (ended[source]) {
          return Wait.ENDED_SHORT;
        }
        if (stop.getAsBoolean()) {
          return Wait.STOPPED;
        }
        long left = deadlineNanos - SystemClock.INSTANCE.nanoTime();
        if (left <= 0) {
          return Wait.EXPIRED;
        }
        if (!waitNanos(left)) {
          return Wait.STOPPED;
        }
      }
      return Wait.HELD;
    }
  }

  // Waits on this feed (whose lock the caller holds) up to nanos, at most a slice; false if interrupted (the flag is
  // set again).
  private boolean waitNanos(long nanos) {
    long n = Math.max(1, Math.min(nanos, WAIT_SLICE_NANOS));
    try {
      wait(n / 1_000_000, (int) (n % 1_000_000));
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** How much source {@code source} holds: bytes for a byte source, events for an event source. */
  public synchronized long staged(int source) {
    return staged[source];
  }

  /**
   * Takes {@code amount} bytes of a byte source, or its next event ({@code amount} 1), and returns the callback that
   * delivers them on the loop. Loop thread.
   *
   * @throws IllegalStateException if the source holds less than {@code amount}
   */
  public Runnable take(int source, int amount) {
    synchronized (this) {
      if (amount < 1 || staged[source] < amount || (!isBytes(source) && amount != 1)) {
        throw new IllegalStateException("cannot take " + amount + " from " + names[source] + ", which holds "
            + staged[source]);
      }
      staged[source] -= amount;
      taken[source] += amount;
      if (!isBytes(source)) {
        return units[source].poll().event;
      }
      byte[] out = new byte[amount];
      int filled = 0;
      while (filled < amount) {
        Unit u = units[source].peek();
        int n = Math.min(amount - filled, u.bytes.length - u.offset);
        System.arraycopy(u.bytes, u.offset, out, filled, n);
        u.offset += n;
        filled += n;
        if (u.offset == u.bytes.length) {
          units[source].poll();
        }
      }
      Consumer<byte[]> sink = sinks[source];
      return new Delivery(sink, out);
    }
  }

  /** Closes the feed: what is staged is dropped and nothing more is staged. Any thread. */
  public synchronized void close() {
    closed = true;
    notifyAll();
    for (int i = 0; i < units.length; i++) {
      units[i].clear();
      staged[i] = 0;
    }
  }

  /** What is staged, for reports: {@code stdout 12 B, exit 1}. */
  @Override
  public synchronized String toString() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < names.length; i++) {
      if (staged[i] > 0) {
        sb.append(sb.isEmpty() ? "" : ", ").append(names[i]).append(' ').append(staged[i])
            .append(isBytes(i) ? " B" : "");
      }
    }
    return sb.isEmpty() ? "nothing staged" : sb.toString();
  }

  /** The callback of a byte take: hands the bytes to the source's sink. */
  private record Delivery(Consumer<byte[]> sink, byte[] bytes) implements Runnable {
    @Override
    public void run() {
      sink.accept(bytes);
    }

    @Override
    public String toString() {
      return "deliver " + bytes.length + " B";
    }
  }
}
