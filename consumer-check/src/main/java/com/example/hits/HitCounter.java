package com.example.hits;

import io.weft.sync.Lock;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts hits per page and saves every new count to a {@link Store} that may await (a database, a cache, ...).
 *
 * <p>One {@link Lock} covers the read, the save and the write, so two hits on the same page never both read the same
 * old count while the first one's save is in flight. Call it from inside a Weft task.
 */
public final class HitCounter {

  /** Where counts are saved; {@code save} may await. */
  public interface Store {
    /** Saves the count of a page. */
    void save(String page, long count);
  }

  private final Map<String, Long> counts = new TreeMap<>();
  private final Lock lock = new Lock();
  private final Store store;

  /** A counter saving to {@code store}. */
  public HitCounter(Store store) {
    this.store = store;
  }

  /** Counts one hit on {@code page}, saves the new count, and returns it. */
  public long hit(String page) {
    try (Lock.Held held = lock.hold()) {
      long next = counts.getOrDefault(page, 0L) + 1;
      store.save(page, next); // may await: other hits run meanwhile, and wait for the lock
      counts.put(page, next);
      return next;
    }
  }

  /** The hits counted on {@code page} so far. */
  public long count(String page) {
    return counts.getOrDefault(page, 0L);
  }
}
