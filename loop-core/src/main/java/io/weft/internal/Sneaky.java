package io.weft.internal;

/** Rethrows any throwable unchanged, checked or not, so that identity survives the trip through an await. */
public final class Sneaky {
  private Sneaky() {}

  /**
   * Throws {@code t} as is. Declared to return an exception so callers can write {@code throw Sneaky.raise(t)}.
   */
  @SuppressWarnings("unchecked")
  public static <E extends Throwable> E raise(Throwable t) throws E {
    throw (E) t;
  }
}
