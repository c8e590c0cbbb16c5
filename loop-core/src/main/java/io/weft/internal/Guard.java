package io.weft.internal;

import io.weft.Task;
import java.util.List;

/** A synchronization primitive that knows which tasks hold it, for the simulator's wait-for graph. */
public interface Guard {

  /** The tasks holding the primitive now (empty if none, or if it cannot tell). */
  List<Task<?>> holders();
}
