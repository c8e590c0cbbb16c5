package io.weft.internal;

/** What a {@link Carrier} needs from its loop: where to queue continuations it did not start itself. */
public interface CarrierHost {

  /** Queues {@code r} to run in the loop's next iteration; called on the loop thread. */
  void submitOnLoop(Runnable r);

  /** Queues {@code r} from another thread, waking the loop; called off the loop thread. */
  void submitFromOtherThread(Runnable r);
}
