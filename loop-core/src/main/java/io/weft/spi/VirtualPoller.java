package io.weft.spi;

import io.weft.Api;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The poller of a loop on virtual time: watches in-memory {@link Source}s and, when the loop is idle, moves the
 * {@link VirtualClock} instead of sleeping.
 *
 * <p>Waiting with a positive timeout and nothing ready jumps the clock by the timeout when the clock auto-advances,
 * and otherwise waits in real time for {@link #wakeup()}, a source becoming ready, or the clock being advanced by
 * another thread. Waiting with no timeout waits in real time for one of those (work from other threads); an
 * interrupt ends that wait with an {@link IllegalStateException} that says the loop had nothing to do. Sources
 * are reported in registration order, so a poll's events come in a fixed order.
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public final class VirtualPoller implements Poller {

  private final VirtualClock clock;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  // Invariant: holds exactly the registrations that are valid, in registration order.
  private final List<SourceRegistration> registrations = new ArrayList<>();
  private boolean woken;
  private boolean closed;

  /** Creates a poller that moves {@code clock}. */
  public VirtualPoller(VirtualClock clock) {
    this.clock = Objects.requireNonNull(clock, "clock must not be null");
    clock.onAdvance(this::wakeup);
  }

  /** Returns the clock this poller moves. */
  public VirtualClock clock() {
    return clock;
  }

  /** Creates an in-memory source whose readiness a test or a simulated network sets. */
  public Source newSource(String name) {
    return new Source(this, Objects.requireNonNull(name, "name must not be null"));
  }

  @Override
  public Registration register(Pollable source, int interestOps, IoHandler handler) {
    Objects.requireNonNull(handler, "handler must not be null");
    if (!(source instanceof Source s) || s.poller != this) {
      throw new IllegalArgumentException(
          "VirtualPoller watches its own sources (newSource), got " + source);
    }
    checkOps(interestOps);
    lock.lock();
    try {
      checkOpen();
      SourceRegistration r = new SourceRegistration(s, interestOps, handler);
      registrations.add(r);
      return r;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int poll(long timeoutNanos, ReadySink sink) {
    List<SourceRegistration> ready = new ArrayList<>();
    List<Integer> readyOps = new ArrayList<>();
    lock.lock();
    try {
      checkOpen();
      collectReady(ready, readyOps);
      if (ready.isEmpty() && !woken && timeoutNanos != 0) {
        if (timeoutNanos > 0 && clock.autoAdvance()) {
          lock.unlock();
          try {
            clock.advanceNanos(timeoutNanos);
          } finally {
            lock.lock();
          }
        } else {
          while (!woken && !closed) {
            try {
              changed.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new IllegalStateException("interrupted while the virtual loop waited for another thread: nothing"
                  + " was ready, no timer was set, and no source was ready (a deadlock, unless another thread was"
                  + " going to call callSoonThreadsafe)", e);
            }
          }
          collectReady(ready, readyOps);
        }
      }
      woken = false;
    } finally {
      lock.unlock();
    }
    for (int i = 0; i < ready.size(); i++) {
      sink.accept(ready.get(i).handler, readyOps.get(i));
    }
    return ready.size();
  }

  /**
   * Waits in real time, up to {@code realNanos}, for a {@link #wakeup()} or a ready source, without moving the clock:
   * a simulated loop does this while real work is in flight. Returns false if the time ran out first.
   *
   * @throws IllegalStateException if interrupted
   */
  public boolean awaitWakeup(long realNanos) {
    lock.lock();
    try {
      long left = realNanos;
      List<SourceRegistration> ready = new ArrayList<>();
      List<Integer> readyOps = new ArrayList<>();
      while (!woken && !closed) {
        collectReady(ready, readyOps);
        if (!ready.isEmpty()) {
          return true;
        }
        if (left <= 0) {
          return false;
        }
        try {
          left = changed.awaitNanos(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while the simulated loop waited for real work", e);
        }
      }
      woken = false; // consumed: the next wait waits for a new wakeup
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Collects, under the lock, each ready registration with its ready operations as they are now. */
  private void collectReady(List<SourceRegistration> out, List<Integer> outOps) {
    out.clear();
    outOps.clear();
    for (SourceRegistration r : registrations) {
      int ops = r.source.readyOps & r.interestOps;
      if (ops != 0) {
        out.add(r);
        outOps.add(ops);
      }
    }
  }

  @Override
  public boolean hasRegistrations() {
    lock.lock();
    try {
      return !registrations.isEmpty();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void wakeup() {
    lock.lock();
    try {
      woken = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      registrations.clear();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private static void checkOps(int ops) {
    if ((ops & ~(READ | WRITE | CONNECT | ACCEPT)) != 0) {
      throw new IllegalArgumentException(
          "interest ops must combine READ, WRITE, CONNECT and ACCEPT, got 0x" + Integer.toHexString(ops));
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("VirtualPoller is closed");
    }
  }

  @Override
  public String toString() {
    return "VirtualPoller[" + registrations.size() + " registrations, " + clock + "]";
  }

  /** An in-memory readiness source; its ready set is level-triggered, as with a socket. */
  @Api(status = Api.Status.STABLE, since = "0.1")
  public static final class Source implements Pollable {
    private final VirtualPoller poller;
    private final String name;
    private int readyOps;

    private Source(VirtualPoller poller, String name) {
      this.poller = poller;
      this.name = name;
    }

    /** Replaces the operations this source is ready for, waking the poller. */
    public void setReady(int ops) {
      poller.lock.lock();
      try {
        readyOps = ops;
        poller.woken = true;
        poller.changed.signalAll();
      } finally {
        poller.lock.unlock();
      }
    }

    /**
     * Cancels every registration of this source, as closing a channel cancels its keys: a simulated socket does this
     * when it closes. The source may be registered again.
     */
    public void cancelRegistrations() {
      poller.lock.lock();
      try {
        poller.registrations.removeIf(r -> r.source == this);
      } finally {
        poller.lock.unlock();
      }
    }

    /** Returns the operations this source is ready for. */
    public int readyOps() {
      poller.lock.lock();
      try {
        return readyOps;
      } finally {
        poller.lock.unlock();
      }
    }

    @Override
    public String toString() {
      return "Source[" + name + "]";
    }
  }

  private final class SourceRegistration implements Registration {
    final Source source;
    final IoHandler handler;
    int interestOps;

    SourceRegistration(Source source, int interestOps, IoHandler handler) {
      this.source = source;
      this.interestOps = interestOps;
      this.handler = handler;
    }

    @Override
    public int interestOps() {
      return interestOps;
    }

    @Override
    public void interestOps(int ops) {
      checkOps(ops);
      lock.lock();
      try {
        interestOps = ops;
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void cancel() {
      lock.lock();
      try {
        registrations.remove(this);
      } finally {
        lock.unlock();
      }
    }

    @Override
    public boolean isValid() {
      lock.lock();
      try {
        return registrations.contains(this);
      } finally {
        lock.unlock();
      }
    }
  }
}
