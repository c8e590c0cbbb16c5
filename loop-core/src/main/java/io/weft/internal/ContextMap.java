package io.weft.internal;

import java.util.Arrays;

/**
 * An immutable map from context variables (compared by identity) to values, in insertion order.
 *
 * <p>Copy-on-write over one array: programs hold a handful of context variables, and a copy of a context must cost
 * nothing (it shares this map), while a {@code set} may cost a small array copy. Iteration order is the order in
 * which keys were first set, so nothing downstream depends on identity hashes.
 */
public final class ContextMap {

  /** The empty map. */
  public static final ContextMap EMPTY = new ContextMap(new Object[0]);

  /** Stands for "no value" in {@link #get}; never stored. */
  public static final Object MISSING = new Object() {
    @Override
    public String toString() {
      return "<MISSING>";
    }
  };

  // Invariant: even length; keys at even indices are distinct by identity; no value is MISSING.
  private final Object[] keysAndValues;

  private ContextMap(Object[] keysAndValues) {
    this.keysAndValues = keysAndValues;
  }

  /** Returns the value for {@code key}, or {@link #MISSING}. */
  public Object get(Object key) {
    Object[] kv = keysAndValues;
    for (int i = 0; i < kv.length; i += 2) {
      if (kv[i] == key) {
        return kv[i + 1];
      }
    }
    return MISSING;
  }

  /** Returns a map with {@code key} bound to {@code value}; {@code value} {@link #MISSING} removes the key. */
  public ContextMap with(Object key, Object value) {
    Object[] kv = keysAndValues;
    for (int i = 0; i < kv.length; i += 2) {
      if (kv[i] == key) {
        if (value == MISSING) {
          Object[] out = new Object[kv.length - 2];
          System.arraycopy(kv, 0, out, 0, i);
          System.arraycopy(kv, i + 2, out, i, kv.length - i - 2);
          return new ContextMap(out);
        }
        Object[] out = kv.clone();
        out[i + 1] = value;
        return new ContextMap(out);
      }
    }
    if (value == MISSING) {
      return this;
    }
    Object[] out = Arrays.copyOf(kv, kv.length + 2);
    out[kv.length] = key;
    out[kv.length + 1] = value;
    return new ContextMap(out);
  }

  /** Returns the number of keys. */
  public int size() {
    return keysAndValues.length / 2;
  }

  /** Returns the key at position {@code i}, in insertion order. */
  public Object keyAt(int i) {
    return keysAndValues[2 * i];
  }

  /** Returns the value at position {@code i}, in insertion order. */
  public Object valueAt(int i) {
    return keysAndValues[2 * i + 1];
  }
}
