package io.weft.internal;

import io.weft.Task;
import java.util.List;
import java.util.function.Function;

/**
 * Which tasks hold a synchronization primitive, for the simulator's wait-for graph: {@code io.weft.sync} publishes the
 * answer here when its classes load, so that the primitives' public types carry no internal interface.
 */
public final class Guards {

  private static volatile Function<Object, List<Task<?>>> holders = guard -> List.of();

  private Guards() {}

  /** Called by {@code io.weft.sync}. */
  public static void publish(Function<Object, List<Task<?>>> f) {
    holders = f;
  }

  /** The tasks holding {@code guard} now; empty if none, or if the primitive cannot tell. */
  public static List<Task<?>> holders(Object guard) {
    return holders.apply(guard);
  }
}
