package io.weft.internal;

/**
 * Runs a loop's iterations on a platform thread when the caller is a virtual thread, for the carriers whose
 * coroutines are continuations the loop thread runs itself (a continuation cannot be run from a virtual thread).
 */
final class PlatformLoopThread {

  private PlatformLoopThread() {}

  /**
   * Runs {@code loopBody} here if the caller is a platform thread; otherwise on a new platform thread named
   * {@code weft-loop}, waiting for it (uninterruptibly, keeping the interrupt) and rethrowing what it threw.
   */
  static void run(Runnable loopBody) {
    if (!Thread.currentThread().isVirtual()) {
      loopBody.run();
      return;
    }
    Throwable[] failure = new Throwable[1];
    Thread t = Thread.ofPlatform().name("weft-loop").unstarted(() -> {
      try {
        loopBody.run();
      } catch (Throwable e) {
        failure[0] = e;
      }
    });
    t.start();
    joinUninterruptibly(t);
    if (failure[0] != null) {
      throw Sneaky.<RuntimeException>raise(failure[0]);
    }
  }

  static void joinUninterruptibly(Thread t) {
    boolean interrupted = false;
    while (true) {
      try {
        t.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
