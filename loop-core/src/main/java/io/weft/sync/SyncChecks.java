package io.weft.sync;

import io.weft.Task;

/** Checks shared by the primitives of this package. */
final class SyncChecks {

  private SyncChecks() {}

  /**
   * Throws unless the caller is a task: a method that may wait must not enqueue a waiter it cannot await, or the
   * waiter would be left in the queue and later take a wakeup no one receives.
   */
  static void requireTask(Object primitive, String method) {
    if (Task.current() == null) {
      throw new IllegalStateException(primitive.getClass().getSimpleName() + "." + method
          + "() must be called from a task (it may wait), but was called outside any task");
    }
  }
}
