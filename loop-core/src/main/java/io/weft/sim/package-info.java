/**
 * Deterministic simulation: run async code on the production {@link io.weft.EventLoop} with virtual time, an
 * in-memory poller and a seeded {@link io.weft.sim.SchedulingStrategy} that makes every choice asyncio leaves open,
 * and get back a trace with a hash, the choices made, and what went wrong.
 *
 * <h2>Running a schedule</h2>
 *
 * <pre>{@code
 * SimResult<Void> r = Simulation.run(Schedule.of(Mode.FAITHFUL, "RANDOM", 42), () -> {
 *   Payday.racy();            // ordinary async code: tasks, sleeps, locks, queues
 *   return null;
 * });
 * if (!r.passed()) {
 *   System.out.println(r.failure().getMessage());   // "TEST_FAILED (found in FAITHFUL mode): ..."
 *   System.out.println(r.replay());                 // weft:1:FAITHFUL:REPLAY:2a:1000000:1000000:0_3.1
 *   r.deviations().forEach(System.out::println);     // "at 0.000000 s (virtual) the loop's iteration took ..."
 * }
 * }</pre>
 *
 * <p>{@code @AsyncTest} (module {@code weft-test-engine}) does this for JUnit: many schedules per test, shrinking,
 * replay lines and a regression file.
 *
 * <h2>What varies, and what never does</h2>
 *
 * <p>In {@link io.weft.sim.Mode#FAITHFUL} mode (the default) a simulated run keeps every ordering guarantee of
 * asyncio: the callbacks ready in one iteration run first in, first out; timers run in deadline order; done callbacks
 * run in registration order; {@code sleep(0)} gives up exactly one iteration. What varies is what varies on a real
 * machine ({@link io.weft.sim.Decision}): the order of events from outside the loop, the order of timers with equal
 * deadlines, how long a busy iteration takes (so a timer within the early bound may fall due before a chain of ready
 * callbacks ends: the "slow moment" behind most rare interleavings), and how late the loop wakes for a timer.
 * {@link io.weft.sim.Mode#CHAOS} mode also permutes each ready batch; a failure found that way may be impossible
 * under asyncio, and every failure says which mode found it.
 *
 * <h2>Schedules, traces, replay</h2>
 *
 * <p>A {@link io.weft.sim.Schedule} is data with a one-line printable form. Every choice is recorded, so
 * {@link io.weft.sim.SimResult#replay()} is a {@code REPLAY} schedule that reproduces the run exactly, whatever
 * strategy made it; alternative 0 of every choice is asyncio's own order, so shrinking a replay toward zeros moves
 * it toward FIFO with no jitter. {@link io.weft.sim.SimResult#choices()} lists the same choices as data
 * ({@link io.weft.sim.Choice}: kind, alternatives, the one taken, the task concerned, the virtual time), so tools
 * measure a run's choice points and depth without reading the trace. A strategy of one's own runs with
 * {@link io.weft.sim.Simulation#run(io.weft.sim.SchedulingStrategy, io.weft.AsyncCallable)}. A
 * {@link io.weft.sim.Trace} records each task step, timer, callback, clock jump and choice, and hashes them; the
 * same schedule gives the same hash in every run and every JVM ({@link io.weft.sim.Simulation#selfCheck} checks it).
 * It keeps the last events, marks where the failure was recorded, and names unnamed tasks after where they were
 * created ({@code Task-3 (RacyBank.transfer:31)}) and timers after their task or where user code set them.
 * {@link io.weft.sim.SimResult#deviations()} says each departure from asyncio's order in words, and
 * {@link io.weft.sim.SimResult#replayMismatch()} says when a replayed schedule does not fit the code it ran. Code
 * under test that needs randomness takes it from {@link io.weft.sim.Simulation#random()}.
 *
 * <h2>Many schedules</h2>
 *
 * <p>A {@link io.weft.sim.ScheduleSeries} makes the schedules of an exploration one after another:
 * {@code schedule(i)}, run it, {@code observe(result)}. It measures the PCT horizon on the runs it observes, walks
 * {@code PCT} through increasing depths, and mixes {@code PORTFOLIO} (RANDOM, PCT and POS in turn), each schedule
 * naming the concrete strategy that ran it ({@code PCT3_57}), so that it replays alone.
 *
 * <p>{@link io.weft.sim.Timeline} draws a result for people: a self-contained HTML page and a Chrome trace-event file
 * (Perfetto, {@code chrome://tracing}), with a row per task, a box per step, each deviation marked with its sentence,
 * and arrows from what made a task runnable to the step it caused (recorded beside the trace, outside its hash).
 *
 * <h2>Time</h2>
 *
 * <p>Virtual time jumps to the next timer when nothing is ready. Real work declared with
 * {@link io.weft.EventLoop#beginRealWork} holds it still while in flight, except a child process, which may be waiting
 * for the program: when only children could send anything and a timer is set, the idle loop waits for them
 * {@link io.weft.sim.SimOptions#quietGrace} and then lets time move to the timer (a recorded
 * {@link io.weft.sim.Decision#REAL_WORK} choice, so a replay does the same); a real-time watchdog bounds each run;
 * timeouts on a virtual clock say "(virtual time)" in their message.
 *
 * <h2>Real threads</h2>
 *
 * <p>Work handed to a real thread reports back at points the simulation chooses, not when the thread happens to
 * finish, so a run with real threads replays exactly. Declare the work with {@link io.weft.EventLoop#beginRealWork}
 * and send its messages through it: {@code work.callSoon(...)} for progress, {@code work.complete(...)} for the
 * result (or the older {@code loop.callSoonThreadsafe(() -> { work.close(); ... })}: a lambda that uses the work is
 * the work's message), {@code work.callOnLoop(...)} when the thread needs the loop and waits for the answer. At each
 * iteration with such work outstanding, a {@link io.weft.sim.Decision#REAL_WORK} choice says whether a work's next
 * message enters now (alternative 0: only when the loop would otherwise be idle, oldest work first); the loop then
 * waits in real time, up to the watchdog, for that message. Each delivery is a trace event, and each work an owner of
 * its own in the {@link io.weft.sim.ChoicePoint}s (-2, -3, ... in order of creation). A child process speaks through
 * several threads and the OS, which splits its output differently from run to run, so its events are staged, not
 * sent: each time the schedule lets the child's next event in, the loop takes one piece and records which pipe (or
 * flush, or exit) and how many bytes as observations of the world ({@link io.weft.sim.Schedule#world()}, written after
 * the choices in a replay line). They are not choices: strategies never make them and shrinking leaves them alone. A
 * replay takes each child's pieces in its recorded order, waiting for them, and fails as NONDETERMINISM if the child
 * ends without sending them.
 *
 * <p>What a test must not do: call {@code callSoonThreadsafe} from a thread with a callback that does not use a
 * declared work (it enters whenever it arrives: not reproducible, and {@code selfCheck} may say NONDETERMINISM);
 * share one work between sending threads; let a work's thread wait for the loop other than through
 * {@code callOnLoop} (the loop may be waiting for that thread: WATCHDOG, naming the work); keep a work open that
 * never reports (WATCHDOG after {@code weft.watchdog}, 10 s by default, of real time). A work's thread that ends
 * without closing it is noticed, and waited for no longer.
 *
 * <h2>Checks</h2>
 *
 * <p>On by default ({@link io.weft.sim.SimOptions}): deadlock, with every task, what it awaits, where, and the wait-for
 * cycle through tasks awaited, gathers and lock holders; tasks still pending and timers still set when the main task
 * ends; task exceptions never retrieved; callback exceptions; step, virtual-time and watchdog limits; and a task
 * parking outside an await (Thread.sleep, blocking I/O, a contended monitor, a foreign thread's future), which would
 * be resumed by a thread the simulation cannot order. See {@link io.weft.sim.SimFailure.Kind}.
 *
 * <h2>The garbage collector</h2>
 *
 * <p>What a production loop does when the collector takes an object (report a future's unread exception, close a
 * dropped async generator) reaches a simulated run only through {@link io.weft.sim.Simulation#collectGarbage()}, at a
 * point of the program, so the collector's timing never changes a run. Executor work takes no virtual time unless
 * {@link io.weft.sim.SimOptions#executorWork} or the call says how much.
 */
package io.weft.sim;
