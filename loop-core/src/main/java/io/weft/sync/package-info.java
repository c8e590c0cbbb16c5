/**
 * Synchronization primitives and queues for tasks on one event loop: asyncio's {@code asyncio.locks} and
 * {@code asyncio.queues}.
 *
 * <h2>What is here</h2>
 *
 * <ul>
 *   <li>{@link io.weft.sync.Lock}: mutual exclusion, fair, not owned by a task.
 *   <li>{@link io.weft.sync.Event}: a flag tasks wait for.
 *   <li>{@link io.weft.sync.Condition}: wait for a signal while holding a lock, and get the lock back.
 *   <li>{@link io.weft.sync.Semaphore} and {@link io.weft.sync.BoundedSemaphore}: a counter of permits.
 *   <li>{@link io.weft.sync.Barrier}: a meeting point for a fixed number of tasks, with reset and abort
 *       ({@link io.weft.sync.BrokenBarrierError}).
 *   <li>{@code Queue}, {@code PriorityQueue} and {@code LifoQueue}: bounded or unbounded queues of items between
 *       tasks, with waiting and non-waiting put and get, {@code taskDone}/{@code join} and shutdown.
 * </ul>
 *
 * <p>These are for tasks, not threads: they are not thread-safe, waiting suspends the task (never the loop's
 * thread), and each binds to the loop of the first task that waits on it. Waiting from a task of another loop is an
 * {@link java.lang.IllegalStateException}. A thread lock ({@code synchronized}, {@code ReentrantLock}) contended
 * between tasks parks a task outside any await; use these instead.
 *
 * <h2>The shape of {@code async with}</h2>
 *
 * <p>Holding a lock or a permit never replaces or suppresses the body's exception, so it is try-with-resources:
 * {@code hold()} awaits the acquisition and the handle's {@code close()} releases.
 *
 * <pre>{@code
 * try (Lock.Held h = lock.hold()) {
 *   balance += amount;
 *   Weft.sleep(Duration.ZERO); // others wait; the lock is still ours
 * }
 * }</pre>
 *
 * <p>asyncio's explicit {@code acquire()} and {@code release()} exist too. Methods that wait are named
 * {@code await...} ({@code event.await()}, {@code condition.await()}, {@code condition.awaitFor(predicate)},
 * {@code barrier.await()}), since {@code wait()} belongs to {@link java.lang.Object}; for the same reason a
 * condition is signalled with {@code signal(n)} and {@code signalAll()}, as {@link java.util.concurrent.locks.Condition}
 * is. Every waiting method must be called from a task.
 *
 * <h2>One wait queue</h2>
 *
 * <p>asyncio gives each primitive its own deque of waiter futures and fixes the same cancellation races in each one;
 * Trio puts one {@code ParkingLot} under all of them. Weft follows Trio: every primitive here waits through one
 * first-in-first-out queue (an internal class), so fairness and the races are solved once, and each primitive keeps
 * only its own state: a lock's state, an event's flag, a semaphore's count, a barrier's state and count, a
 * queue's items.
 *
 * <h2>Fairness and cancellation</h2>
 *
 * <ul>
 *   <li>Waiters are served in the order they started waiting. A task that never waited cannot take a lock or a
 *       permit that is being handed to a woken waiter: {@link io.weft.sync.Lock#acquire()} and
 *       {@link io.weft.sync.Semaphore#acquire()} take it at once only when no other task still waits for it.
 *   <li>Waking a waiter is not the same as its task running: the task resumes in a later loop iteration, and may be
 *       cancelled in between. It then gets the {@link io.weft.CancelledError} (as in asyncio), and passes what it was
 *       woken for on to the next waiter: the lock, the reserved permit, or the condition's signal. No wakeup is lost
 *       and no resource is stranded.
 *   <li>A waiter cancelled before it was woken simply leaves the queue.
 *   <li>{@link io.weft.sync.Condition#await()} holds the lock again whenever it returns or throws, even when
 *       cancelled, and rethrows the very {@link io.weft.CancelledError} instance the task was cancelled with.
 * </ul>
 *
 * <h2>Differences from asyncio</h2>
 *
 * <ul>
 *   <li>Python's {@code ValueError} is {@link java.lang.IllegalArgumentException} ({@code Semaphore(-1)},
 *       {@code Barrier(0)}, a {@code BoundedSemaphore} released too often); {@code RuntimeError} is
 *       {@link java.lang.IllegalStateException} (releasing an unlocked lock, waiting or signalling without the
 *       condition's lock); {@link io.weft.sync.BrokenBarrierError} extends it.
 *   <li>{@code Barrier.reset()} and {@code abort()} are coroutines in asyncio; here they are methods that may wait
 *       for the barrier's lock, so they too must be called from a task.
 *   <li>{@code Condition.awaitFor} takes a {@link java.util.function.BooleanSupplier} and returns true, not the
 *       predicate's last value.
 * </ul>
 *
 * <h2>References</h2>
 *
 * <p>CPython 3.13 {@code Lib/asyncio/locks.py} and {@code Lib/test/test_asyncio/test_locks.py}; Trio
 * {@code _core/_parking_lot.py} and {@code _sync.py}.
 */
package io.weft.sync;
