package io.weft.spi;

import io.weft.Api;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Objects;

/**
 * The production poller, on a {@link Selector}.
 *
 * <p>Timeouts are rounded up to whole milliseconds (the selector's unit), so a loop waiting for a timer never wakes
 * early and spins; a timer fires at most about a millisecond late.
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public final class NioPoller implements Poller {

  private final Selector selector;
  private final java.util.function.Consumer<SelectionKey> deliver = this::deliver;
  // Readiness found by flushCancelled, for the next poll.
  private final java.util.List<SelectionKey> kept = new java.util.ArrayList<>();
  private final java.util.List<Integer> keptOps = new java.util.ArrayList<>();
  // Set for the length of one poll: where its ready keys go, and how many went.
  private ReadySink sinkNow;
  private int delivered;

  /** Opens a selector. */
  public NioPoller() {
    try {
      this.selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a selector", e);
    }
  }

  @Override
  public Registration register(Pollable source, int interestOps, IoHandler handler) throws IOException {
    Objects.requireNonNull(handler, "handler must not be null");
    if (!(source instanceof ChannelSource(SelectableChannel channel))) {
      throw new IllegalArgumentException(
          "NioPoller watches NIO channels (Pollable.of(channel)), got " + source);
    }
    SelectionKey key = channel.register(selector, interestOps, handler);
    return new KeyRegistration(key);
  }

  @Override
  public void flushCancelled() throws IOException {
    selector.selectNow(this::keep);
  }

  private void keep(SelectionKey key) {
    kept.add(key);
    keptOps.add(key.readyOps());
  }

  @Override
  public int poll(long timeoutNanos, ReadySink sink) throws IOException {
    int early = 0;
    if (!kept.isEmpty()) {
      // readiness seen by flushCancelled: delivered now, and this poll does not wait
      for (int i = 0; i < kept.size(); i++) {
        SelectionKey key = kept.get(i);
        if (key.isValid()) {
          sink.accept((IoHandler) key.attachment(), keptOps.get(i));
          early++;
        }
      }
      kept.clear();
      keptOps.clear();
      timeoutNanos = 0;
    }
    return early + pollSelector(timeoutNanos, sink);
  }

  private int pollSelector(long timeoutNanos, ReadySink sink) throws IOException {
    // The action form of select hands each ready key over as it is found, without the selected-key set (a HashSet
    // add and an iterator removal per ready key in the set form). The sink only records the event; it never calls
    // back into this selector.
    sinkNow = sink;
    delivered = 0;
    try {
      if (timeoutNanos == 0) {
        selector.selectNow(deliver);
      } else if (timeoutNanos < 0) {
        selector.select(deliver);
      } else {
        long millis = Math.max(1, (timeoutNanos + 999_999) / 1_000_000);
        selector.select(deliver, millis);
      }
      return delivered;
    } finally {
      sinkNow = null;
    }
  }

  private void deliver(SelectionKey key) {
    if (key.isValid()) {
      sinkNow.accept((IoHandler) key.attachment(), key.readyOps());
      delivered++;
    }
  }

  @Override
  public boolean hasRegistrations() {
    return selector.isOpen() && !selector.keys().isEmpty();
  }

  @Override
  public void wakeup() {
    selector.wakeup();
  }

  @Override
  public void close() {
    try {
      selector.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close the selector", e);
    }
  }

  @Override
  public String toString() {
    return "NioPoller[" + (selector.isOpen() ? selector.keys().size() + " keys" : "closed") + "]";
  }

  record ChannelSource(SelectableChannel channel) implements Pollable {
    ChannelSource {
      Objects.requireNonNull(channel, "channel must not be null");
    }
  }

  private record KeyRegistration(SelectionKey key) implements Registration {
    @Override
    public int interestOps() {
      return key.interestOps();
    }

    @Override
    public void interestOps(int ops) {
      key.interestOps(ops);
    }

    @Override
    public void cancel() {
      key.cancel();
    }

    @Override
    public boolean isValid() {
      return key.isValid();
    }
  }
}
