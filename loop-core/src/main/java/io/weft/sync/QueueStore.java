package io.weft.sync;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

/**
 * Where a {@link Queue} keeps its items: asyncio's overridable {@code _init}/{@code _put}/{@code _get} trio, as one
 * small strategy per ordering (first-in-first-out, last-in-first-out, lowest first).
 *
 * <p>Contract: {@link #put} either adds the item or throws and leaves the store unchanged, so a bad item never costs
 * a queued one; {@link #take} is called only when {@link #size()} is positive.
 */
sealed interface QueueStore<T> {

  /** Rejects an item this store cannot order, before any state changes; the default accepts everything. */
  default void check(T item) {}

  /** Adds {@code item}, or throws and changes nothing. */
  void put(T item);

  /** Removes and returns the next item; only called when not empty. */
  T take();

  /** Returns the number of items held. */
  int size();

  /** Returns the items in the order {@link #take} would return them. */
  List<T> inTakeOrder();

  /** First in, first out: asyncio's {@code Queue}. */
  final class Fifo<T> implements QueueStore<T> {
    private final ArrayDeque<T> items = new ArrayDeque<>();

    @Override
    public void put(T item) {
      items.addLast(item);
    }

    @Override
    public T take() {
      return items.pollFirst();
    }

    @Override
    public int size() {
      return items.size();
    }

    @Override
    public List<T> inTakeOrder() {
      return new ArrayList<>(items);
    }
  }

  /** Last in, first out: asyncio's {@code LifoQueue}. */
  final class Lifo<T> implements QueueStore<T> {
    private final ArrayDeque<T> items = new ArrayDeque<>();

    @Override
    public void put(T item) {
      items.addFirst(item);
    }

    @Override
    public T take() {
      return items.pollFirst();
    }

    @Override
    public int size() {
      return items.size();
    }

    @Override
    public List<T> inTakeOrder() {
      return new ArrayList<>(items);
    }
  }

  /**
   * Lowest first, by a comparator or the items' natural ordering; equal items leave in insertion order (asyncio's
   * heap leaves ties unspecified; Weft makes them first-in-first-out so runs are deterministic).
   *
   * <p>A red-black tree rather than a binary heap: a tree compares before it links the new node, so a comparator
   * that throws leaves every queued item in place (a heap's sift-up has already moved parents when it throws).
   */
  final class Priority<T> implements QueueStore<T> {
    private record Entry<T>(T item, long seq) {}

    private final Comparator<? super T> comparator; // null: natural ordering
    private final TreeSet<Entry<T>> items;
    private long nextSeq;

    Priority(Comparator<? super T> comparator) {
      this.comparator = comparator;
      Comparator<? super T> order = comparator != null ? comparator : Priority::compareNaturally;
      this.items = new TreeSet<>((a, b) -> {
        int c = order.compare(a.item, b.item);
        return c != 0 ? c : Long.compare(a.seq, b.seq);
      });
    }

    @SuppressWarnings("unchecked")
    private static int compareNaturally(Object a, Object b) {
      return ((Comparable<Object>) a).compareTo(b);
    }

    @Override
    public void check(T item) {
      if (comparator == null && !(item instanceof Comparable)) {
        throw new IllegalArgumentException("a PriorityQueue without a comparator needs Comparable items, got "
            + item.getClass().getName() + ": " + item);
      }
    }

    @Override
    public void put(T item) {
      items.add(new Entry<>(item, nextSeq));
      nextSeq++;
    }

    @Override
    public T take() {
      return items.pollFirst().item;
    }

    @Override
    public int size() {
      return items.size();
    }

    @Override
    public List<T> inTakeOrder() {
      List<T> out = new ArrayList<>(items.size());
      for (Iterator<Entry<T>> it = items.iterator(); it.hasNext(); ) {
        out.add(it.next().item);
      }
      return out;
    }
  }
}
