package io.weft.examples.bank;

import io.weft.Future;
import io.weft.Task;
import io.weft.Weft;
import io.weft.sync.Queue;
import io.weft.sync.QueueShutDown;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * An append-only audit trail written by a background task: {@link #record} hands an entry to the writer and waits
 * until it has been flushed, as a service waits for its audit store to acknowledge. Each record costs the caller a
 * few loop iterations but no time, which is what makes the bug in {@link RacyBank} rare in production: it shows only
 * when one of those iterations is slow.
 */
public final class AuditLog implements AutoCloseable {

  private record Entry(String text, Future<Void> flushed) {}

  private final Queue<Entry> pending = new Queue<>(16);
  private final List<String> written = new ArrayList<>();
  private final Task<Void> writer;

  /** Starts the writer task on the running loop. */
  public AuditLog() {
    this.writer = Weft.createTask(this::writeLoop, "audit-writer", null);
  }

  private Void writeLoop() {
    while (true) {
      Entry e;
      try {
        e = pending.get();
      } catch (QueueShutDown done) {
        return null;
      }
      Weft.sleep(Duration.ZERO); // the flush: one trip through the loop
      written.add(e.text());
      e.flushed().setResult(null);
    }
  }

  /** Appends {@code text} and waits until it is flushed. */
  public void record(String text) {
    Future<Void> flushed = Weft.getRunningLoop().createFuture();
    pending.put(new Entry(text, flushed));
    flushed.await();
  }

  /** The entries flushed so far, in order. */
  public List<String> entries() {
    return List.copyOf(written);
  }

  /** Lets the writer flush what is queued, then stops it and waits for it. */
  @Override
  public void close() {
    pending.shutdown(false);
    writer.await();
  }
}
