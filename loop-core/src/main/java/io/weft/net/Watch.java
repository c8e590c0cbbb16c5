package io.weft.net;

import io.weft.EventLoop;
import io.weft.spi.Network.NetSocket;
import io.weft.spi.Poller;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A socket's one registration with the loop's poller, whose interest changes as the socket's user needs it.
 *
 * <p>A socket is registered at most once in its life and never again after a cancel: NIO refuses to register a
 * channel whose cancelled key the selector has not yet forgotten. A connect wait, the transport after it, or a
 * server's accepts all go through the same watch; {@link #target} says who gets the readiness.
 *
 * <p>Readiness reaches the target as a ready callback some time after the poll that saw it, so it is masked by the
 * interest as it is then: a target never hears of an operation it stopped watching. The callback runs in a copy of
 * the context the watch was made in, as asyncio's {@code add_reader} copies the caller's: a server's accepts run in
 * the context of the code that started it, and each accepted connection's callbacks (and the tasks they start) in
 * the context of the accept.
 */
final class Watch implements Poller.IoHandler {

  private final EventLoop loop;
  private final NetSocket socket;
  private Poller.Registration registration; // null until the first interest
  // Invariant: interest == registration.interestOps() whenever the registration is valid.
  private int interest;
  private Poller.IoHandler target;
  // The context readiness runs in: a copy of the one the watch was made in, as asyncio's add_reader copies it.
  private final io.weft.Context context = io.weft.Context.current().copy();

  Watch(EventLoop loop, NetSocket socket) {
    this.loop = loop;
    this.socket = socket;
    Sockets.claim(loop, socket); // the low-level operations refuse a socket a transport uses
  }

  @Override
  public io.weft.Context context() {
    return context;
  }

  /** Sends readiness to {@code target} from now on. */
  void target(Poller.IoHandler target) {
    this.target = target;
  }

  /** Adds {@code op} to the interest. */
  void add(int op) {
    set(interest | op);
  }

  /** Removes {@code op} from the interest. */
  void remove(int op) {
    set(interest & ~op);
  }

  /** Returns whether {@code op} is watched. */
  boolean watches(int op) {
    return (interest & op) != 0;
  }

  /** Replaces the interest; a no-op once the socket is closed or the watch cancelled. */
  void set(int ops) {
    if (ops == interest || !socket.isOpen()) {
      interest = ops;
      return;
    }
    interest = ops;
    if (socket instanceof io.weft.internal.LayeredSocket layered) {
      layered.watch(ops, this); // a layer's socket says itself when it is ready
      return;
    }
    if (registration == null) {
      try {
        registration = loop.poller().register(socket.pollable(), ops, this);
      } catch (IOException e) {
        throw new UncheckedIOException("the poller refused " + socket, e);
      }
    } else if (registration.isValid()) {
      registration.interestOps(ops);
    }
  }

  /** Stops watching for good. */
  void cancel() {
    Sockets.release(loop, socket);
    interest = 0;
    target = null;
    if (socket instanceof io.weft.internal.LayeredSocket layered) {
      layered.watch(0, null);
    }
    if (registration != null && registration.isValid()) {
      registration.cancel();
    }
  }

  @Override
  public void ready(int readyOps) {
    int ops = readyOps & interest;
    Poller.IoHandler t = target;
    if (ops != 0 && t != null && socket.isOpen()) {
      t.ready(ops);
    }
  }
}
