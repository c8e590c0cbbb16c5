package io.weft;

import java.util.Arrays;

/**
 * The loop's timers: a binary min-heap ordered by (deadline, sequence number).
 *
 * <p>Deadlines are compared by subtraction, so the order holds across {@code long} overflow of the clock as long as
 * live deadlines lie within 2^63 ns of each other. Each handle knows its index, so cancelling removes it in
 * O(log n) at once instead of leaving a tombstone.
 */
final class TimerQueue {

  // Invariant: heap[0..size) is a min-heap by before(); heap[i].heapIndex == i; entries past size are null.
  private TimerHandle[] heap = new TimerHandle[64];
  private int size;

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  TimerHandle peek() {
    return size == 0 ? null : heap[0];
  }

  static boolean before(TimerHandle a, TimerHandle b) {
    long d = a.whenNanos - b.whenNanos;
    return d < 0 || (d == 0 && a.seq < b.seq);
  }

  void add(TimerHandle h) {
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, size * 2);
    }
    siftUp(size++, h);
  }

  TimerHandle poll() {
    if (size == 0) {
      return null;
    }
    TimerHandle top = heap[0];
    removeAt(0);
    return top;
  }

  void remove(TimerHandle h) {
    int i = h.heapIndex;
    if (i >= 0 && i < size && heap[i] == h) {
      removeAt(i);
    }
  }

  /** Returns the timers in the order they would fire (a sorted copy; for reports). */
  java.util.List<TimerHandle> inOrder() {
    TimerHandle[] copy = Arrays.copyOf(heap, size);
    Arrays.sort(copy, (a, b) -> a == b ? 0 : before(a, b) ? -1 : 1);
    return java.util.List.of(copy);
  }

  void clear() {
    for (int i = 0; i < size; i++) {
      heap[i].heapIndex = -1;
      heap[i] = null;
    }
    size = 0;
  }

  private void removeAt(int i) {
    TimerHandle removed = heap[i];
    removed.heapIndex = -1;
    int last = --size;
    TimerHandle moved = heap[last];
    heap[last] = null;
    if (i != last) {
      siftDown(i, moved);
      if (heap[i] == moved) {
        siftUp(i, moved);
      }
    }
  }

  private void siftUp(int i, TimerHandle h) {
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      TimerHandle p = heap[parent];
      if (!before(h, p)) {
        break;
      }
      heap[i] = p;
      p.heapIndex = i;
      i = parent;
    }
    heap[i] = h;
    h.heapIndex = i;
  }

  private void siftDown(int i, TimerHandle h) {
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      TimerHandle c = heap[child];
      int right = child + 1;
      if (right < size && before(heap[right], c)) {
        child = right;
        c = heap[child];
      }
      if (!before(c, h)) {
        break;
      }
      heap[i] = c;
      c.heapIndex = i;
      i = child;
    }
    heap[i] = h;
    h.heapIndex = i;
  }

  /** Checks the heap invariant; for tests. */
  void checkInvariants() {
    for (int i = 0; i < size; i++) {
      if (heap[i].heapIndex != i) {
        throw new AssertionError("timer at " + i + " has heapIndex " + heap[i].heapIndex);
      }
      if (i > 0 && before(heap[i], heap[(i - 1) >>> 1])) {
        throw new AssertionError("timer at " + i + " is before its parent");
      }
    }
  }
}
