package io.weft.spi;

import io.weft.Api;
import java.io.IOException;

/**
 * The loop's selector: watches I/O sources for readiness and sleeps until one is ready, a timeout passes, or
 * {@link #wakeup()} is called.
 *
 * <p>One loop owns a poller and calls every method but {@link #wakeup()} from its own thread. Readiness is
 * level-triggered, as with {@link java.nio.channels.Selector}: a source that stays ready is reported by every poll
 * while its interest covers it.
 *
 * <p>Implementations: {@link NioPoller} for the production loop, {@link VirtualPoller} for virtual time.
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public interface Poller extends AutoCloseable {

  /** Interest in reading; the same value as {@link java.nio.channels.SelectionKey#OP_READ}. */
  int READ = 1;
  /** Interest in writing; the same value as {@link java.nio.channels.SelectionKey#OP_WRITE}. */
  int WRITE = 4;
  /** Interest in a completed connect; the same value as {@link java.nio.channels.SelectionKey#OP_CONNECT}. */
  int CONNECT = 8;
  /** Interest in an acceptable connection; the same value as {@link java.nio.channels.SelectionKey#OP_ACCEPT}. */
  int ACCEPT = 16;

  /**
   * Starts watching {@code source}.
   *
   * @param source what to watch; must be of a kind this poller supports
   * @param interestOps a combination of {@link #READ}, {@link #WRITE}, {@link #CONNECT}, {@link #ACCEPT}
   * @param handler called by the loop, as a ready callback, with the ready operations
   * @return the registration, to change interest or cancel
   * @throws IllegalArgumentException if this poller cannot watch {@code source}
   * @throws IOException if the underlying selector refuses the source
   */
  Registration register(Pollable source, int interestOps, IoHandler handler) throws IOException;

  /**
   * Waits for readiness and hands each ready registration to {@code sink}.
   *
   * @param timeoutNanos 0 to return at once, a positive bound, or a negative value to wait until something happens
   * @param sink receives each ready handler with its ready operations
   * @return the number of events delivered
   */
  int poll(long timeoutNanos, ReadySink sink) throws IOException;

  /**
   * Returns whether any source is registered. A loop with callbacks ready skips the non-blocking poll while this is
   * false, saving a system call per iteration; it still blocks in {@link #poll} when it has to wait.
   */
  boolean hasRegistrations();

  /** Makes a current or the next {@link #poll} return promptly. The only method callable from any thread. */
  void wakeup();

  /** Releases the poller's resources; registrations become invalid. Idempotent. */
  @Override
  void close();

  /** Something a poller can watch; see {@link Pollable#of} and {@link VirtualPoller.Source}. */
  @Api(status = Api.Status.STABLE, since = "0.1")
  interface Pollable {
    /** Wraps a NIO channel, which must be in non-blocking mode. */
    static Pollable of(java.nio.channels.SelectableChannel channel) {
      return new NioPoller.ChannelSource(channel);
    }
  }

  /** A source's registration with a poller. */
  @Api(status = Api.Status.STABLE, since = "0.1")
  interface Registration {
    /** Returns the current interest set. */
    int interestOps();

    /** Replaces the interest set. */
    void interestOps(int ops);

    /** Stops watching the source. Idempotent. */
    void cancel();

    /** Returns whether the registration is still active. */
    boolean isValid();
  }

  /**
   * Forgets now the registrations cancelled since the last poll, so that a source closed after its cancel lets go of
   * what it holds at once (NIO keeps a cancelled channel's socket open until the selector next runs, so a listening
   * socket would go on accepting). Readiness seen meanwhile is kept for the next {@link #poll}. Loop thread only;
   * the default does nothing.
   */
  default void flushCancelled() throws IOException {}

  /** Reacts to readiness; runs on the loop thread. */
  @Api(status = Api.Status.STABLE, since = "0.1")
  @FunctionalInterface
  interface IoHandler {
    /** Called with the operations that are ready. */
    void ready(int readyOps);

    /**
     * The context the readiness callback runs in, or {@code null} for the loop's current one. asyncio runs a
     * reader's or writer's callback in the context copied when it was added ({@code add_reader}), so what a
     * server's connections do (their protocol callbacks, the tasks they start) sees the context variables of the
     * code that started the server; a handler that returns its registration's context keeps that.
     */
    default io.weft.Context context() {
      return null;
    }
  }

  /** Receives the events of one {@link #poll}. */
  @Api(status = Api.Status.STABLE, since = "0.1")
  @FunctionalInterface
  interface ReadySink {
    /** Accepts one ready registration's handler and its ready operations. */
    void accept(IoHandler handler, int readyOps);
  }
}
