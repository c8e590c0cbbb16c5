package io.weft.process;

import io.weft.Api;
import io.weft.EventLoop;
import io.weft.Future;
import io.weft.internal.Kernel;
import io.weft.internal.WorkFeed;
import io.weft.net.BaseTransport;
import java.io.File;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A running child and its pipes: asyncio's {@code SubprocessTransport} ({@code base_subprocess.py}), driving a
 * {@link SubprocessProtocol}. Made by {@link Subprocesses#subprocessExec} and {@link Subprocesses#subprocessShell}.
 * Loop thread only.
 *
 * <h2>Life</h2>
 *
 * <p>The child starts when the transport is made; the protocol hears {@code connectionMade} once the pipes are
 * connected, and every pipe event or exit that happened before that is held and delivered after it, in order. The
 * JDK's reaper waits for the child. The child's output, its stdin flushes and its exit all enter the loop as messages
 * of one declared {@linkplain EventLoop#beginRealWork real work}, so a simulation decides where they fall among the
 * loop's other callbacks (see {@link #send}). {@code connectionLost} comes last, once the child exited and every pipe was lost; it also wakes
 * every {@link #awaitExit()}.
 *
 * <h2>Closing</h2>
 *
 * <p>{@link #close()} closes the pipes and, if the child still runs, kills it (SIGKILL), as asyncio does. A transport
 * still open when its loop closes (a child that outlived {@code Weft.run}'s main task) gets asyncio's
 * {@code ResourceWarning} as a loop warning, "unclosed transport ...", and is closed then: its child is killed.
 * asyncio does both when the transport is garbage-collected; Weft does them at loop close, a point that does not
 * depend on the garbage collector.
 *
 * <h2>Returncode</h2>
 *
 * <p>asyncio reports a child killed by signal N as -N. The JDK reports it as 128 + N, which a child that called
 * {@code exit(128 + N)} also gives. Weft maps 128 + N to -N when this transport sent signal N (by
 * {@link #sendSignal}, {@link #terminate}, {@link #kill} or {@link #close}), and keeps 128 + N otherwise: a child
 * killed by someone else reads as 128 + N, and a child that caught SIGTERM and chose {@code exit(143)} reads as -15.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.4")
public final class SubprocessTransport implements BaseTransport {

  /** The fd of the child's stdin. */
  public static final int STDIN = 0;
  /** The fd of the child's stdout. */
  public static final int STDOUT = 1;
  /** The fd of the child's stderr. */
  public static final int STDERR = 2;

  // The sources of a simulated child's feed (see send): the bytes and the end of each output pipe, stdin flushes, the
  // exit.
  private static final int SRC_STDOUT = 0;
  private static final int SRC_STDOUT_END = 1;
  private static final int SRC_STDERR = 2;
  private static final int SRC_STDERR_END = 3;
  static final int SRC_FLUSHED = 4;
  private static final int SRC_EXIT = 5;
  private static final String[] SOURCES = {"stdout", "stdout's end", "stderr", "stderr's end", "stdin flushes",
      "exit"};

  private final EventLoop loop;
  private final SubprocessProtocol protocol;
  private final java.lang.Process process;
  private final long pid;
  private final String program;
  // The pipes by fd; null where the stream is not piped.
  private final WritePipe stdin;
  private final ReadPipe stdout;
  private final ReadPipe stderr;
  private final boolean[] pipeLost = new boolean[3];
  // readDone[fd]: the pump of stdout or stderr will send nothing more (its EOF arrived, or the loop closed it).
  private final boolean[] readDone = new boolean[3];
  // Calls held until connectionMade has been scheduled; null after that.
  private ArrayDeque<Runnable> pendingCalls = new ArrayDeque<>();
  private Integer returncode;
  private long signalsSent; // bit n-1: signal n was sent
  private boolean closed;
  private boolean finished; // connectionLost is scheduled
  // Invariant: null once connectionLost ran.
  private List<Future<Integer>> exitWaiters = new ArrayList<>();
  private Future<Void> connected;
  private final boolean simulated;
  // Simulated only: where the pipes and the reaper stage the child's events; else null.
  private final WorkFeed feed;
  private EventLoop.RealWork events; // the child's real work: open from the start until it finished
  private final Object exitLock = new Object();
  private Integer exitValueSeen; // guarded by exitLock; null until the reaper saw the exit
  private boolean exitReleased; // guarded by exitLock

  private SubprocessTransport(EventLoop loop, SubprocessProtocol protocol, java.lang.Process process,
      String program, ProcessOptions options) {
    this.loop = loop;
    this.protocol = protocol;
    this.process = process;
    this.pid = process.pid();
    this.program = program;
    String who = "pid " + pid + " (" + program + ")";
    this.simulated = Kernel.get().simulated(loop);
    this.stdin = options.stdin() == Stdio.PIPE
        ? new WritePipe(loop, this, process.getOutputStream(), who + " stdin") : null;
    this.stdout = options.stdout() == Stdio.PIPE
        ? new ReadPipe(loop, this, STDOUT, process.getInputStream(), who + " stdout", simulated) : null;
    this.stderr = options.stderr() == Stdio.PIPE
        ? new ReadPipe(loop, this, STDERR, process.getErrorStream(), who + " stderr", simulated) : null;
    pipeLost[0] = stdin == null;
    pipeLost[1] = stdout == null;
    pipeLost[2] = stderr == null;
    readDone[1] = stdout == null;
    readDone[2] = stderr == null;
    if (simulated) {
      @SuppressWarnings("unchecked")
      Consumer<byte[]>[] sinks = new Consumer[SOURCES.length];
      sinks[SRC_STDOUT] = stdout != null ? stdout::received : ignored -> {};
      sinks[SRC_STDERR] = stderr != null ? stderr::received : ignored -> {};
      this.feed = new WorkFeed(SOURCES, sinks);
    } else {
      this.feed = null;
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // Starting
  // ------------------------------------------------------------------------------------------------------------

  /**
   * Starts {@code argv} and its pipes; {@code connected} completes once {@code connectionMade} is scheduled. If the
   * JDK cannot start the child, nothing is left open. Loop thread.
   */
  static SubprocessTransport start(EventLoop loop, SubprocessProtocol protocol, List<String> argv,
      ProcessOptions options) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.redirectInput(switch (options.stdin()) {
      case PIPE -> ProcessBuilder.Redirect.PIPE;
      case INHERIT -> ProcessBuilder.Redirect.INHERIT;
      case DEVNULL -> ProcessBuilder.Redirect.from(new File("/dev/null"));
      case STDOUT -> throw new AssertionError("checked by ProcessOptions");
    });
    pb.redirectOutput(output(options.stdout()));
    if (options.stderr() == Stdio.STDOUT) {
      pb.redirectErrorStream(true);
    } else {
      pb.redirectError(output(options.stderr()));
    }
    if (options.cwd() != null) {
      pb.directory(options.cwd().toFile());
    }
    if (options.env() != null) {
      pb.environment().clear();
      pb.environment().putAll(options.env());
    }
    java.lang.Process process = pb.start(); // IOException: nothing was made
    SubprocessTransport t = new SubprocessTransport(loop, protocol, process, argv.getFirst(), options);
    t.connected = loop.createFuture();
    String what = "pid " + t.pid + " (" + t.program + "): its output and exit";
    t.events = t.simulated ? Kernel.get().beginFedRealWork(loop, what, t.feed)
        : Kernel.get().beginQuietRealWork(loop, what);
    OpenSubprocesses.of(loop).add(t);
    if (t.stdout != null) {
      t.stdout.start();
    }
    if (t.stderr != null) {
      t.stderr.start();
    }
    t.watchExit();
    loop.callSoon(t::connectPipes);
    return t;
  }

  private static ProcessBuilder.Redirect output(Stdio where) {
    return switch (where) {
      case PIPE -> ProcessBuilder.Redirect.PIPE;
      case INHERIT -> ProcessBuilder.Redirect.INHERIT;
      case DEVNULL -> ProcessBuilder.Redirect.DISCARD;
      case STDOUT -> throw new AssertionError("checked by ProcessOptions");
    };
  }

  // ------------------------------------------------------------------------------------------------------------
  // The child's events: one real work carries its output, its flushes and its exit to the loop
  // ------------------------------------------------------------------------------------------------------------

  /**
   * Sends {@code message}, an event of {@code source} (one of the {@code SRC_} constants), to the loop as the next
   * message of the child's real work; false if the loop closed (the message is dropped). Any thread.
   *
   * <p>All the child's events go through one work, so a simulated loop with nothing else to do waits for the child's
   * next event, whichever pipe or the reaper sends it; one work per pipe would have it wait for one pipe while the
   * child waits for a flush whose completion sits in another's inbox. On a simulated loop the work is fed: events and
   * bytes are staged by source ({@link WorkFeed}) and the loop composes each message, recording which source and how
   * many bytes, so a replay gets the same pieces in the same order whatever the OS and the threads did.
   */
  boolean send(int source, Runnable message) {
    if (feed != null) {
      return feed.stage(source, message);
    }
    try {
      events.callSoon(message);
      return true;
    } catch (IllegalStateException loopClosed) {
      return false;
    }
  }

  /**
   * Sends bytes read from the child's {@code fd}: on a simulated loop staged in the feed (delivered to the pipe's
   * {@code received} in pieces the loop records), else as a message running {@code received}. False if the loop
   * closed. The pump's thread.
   */
  boolean sendBytes(int fd, byte[] data, Consumer<byte[]> received) {
    if (feed != null) {
      return feed.stage(fd == STDOUT ? SRC_STDOUT : SRC_STDERR, data);
    }
    return send(-1, () -> received.accept(data));
  }

  /** The source of the end of output pipe {@code fd}, for {@link #send}. */
  static int endSource(int fd) {
    return fd == STDOUT ? SRC_STDOUT_END : SRC_STDERR_END;
  }

  /** Whether the child's events are staged in a feed (a simulated loop), so a pump counts bytes in flight. */
  boolean fed() {
    return feed != null;
  }

  /** The pump of {@code fd} ended: it will stage nothing more. The pump's thread. */
  void pumpEnded(int fd) {
    if (feed != null) {
      feed.end(fd == STDOUT ? SRC_STDOUT : SRC_STDERR);
      feed.end(endSource(fd));
    }
  }

  /** Watches for the exit: released at once, or (simulated) once the output pipes ended. Loop thread. */
  private void watchExit() {
    process.onExit().whenCompleteAsync((p, error) -> exitSeen(process.exitValue()), PipeThreads.executor());
    if (!simulated || (readDone[STDOUT] && readDone[STDERR])) {
      releaseExit();
    }
  }

  /**
   * Lets the exit be sent. On a simulated loop this waits until the stdout and stderr pipes ended, so a child's exit
   * reaches the loop after its last byte, never in the order two threads happened to run: asyncio leaves that order
   * open, and a replay needs it fixed. A production loop releases it at once, so an exit is seen even while a
   * grandchild holds the pipes open. Loop thread.
   */
  private void releaseExit() {
    Integer seen;
    synchronized (exitLock) {
      if (exitReleased) {
        return;
      }
      exitReleased = true;
      seen = exitValueSeen;
      if (seen == null) {
        return; // the reaper sends it
      }
    }
    int value = seen;
    PipeThreads.executor().execute(() -> sendExit(value)); // through the inbox, never the loop
  }

  /** The reaper saw the exit. Never the loop's thread. */
  private void exitSeen(int exitValue) {
    synchronized (exitLock) {
      exitValueSeen = exitValue;
      if (!exitReleased) {
        return; // the loop sends it when it releases the exit
      }
    }
    sendExit(exitValue);
  }

  private void sendExit(int exitValue) {
    send(SRC_EXIT, () -> processExited(exitValue));
    if (feed != null) {
      feed.end(SRC_EXIT);
    }
  }

  /** A flush of stdin ended. Loop thread. */
  void flushEnded() {
    maybeEndEvents();
  }

  /**
   * The pump of {@code fd} (stdout or stderr) will send nothing more: its EOF arrived, or the loop closed the pipe.
   * Loop thread.
   */
  void readDone(int fd) {
    if (readDone[fd]) {
      return;
    }
    readDone[fd] = true;
    if (readDone[STDOUT] && readDone[STDERR]) {
      releaseExit();
    }
    maybeEndEvents();
  }

  /**
   * Closes the child's work as soon as nothing more can come (its exit arrived, both pumps are done, no flush is
   * writing), in the callback that learnt it: a simulation must never wait for a message that will not come.
   * Loop thread.
   */
  private void maybeEndEvents() {
    if (returncode != null && readDone[STDOUT] && readDone[STDERR] && (stdin == null || !stdin.isFlushing())) {
      events.close();
    }
  }

  /** The future that completes once {@code connectionMade} is scheduled (asyncio's {@code waiter}). */
  Future<Void> connected() {
    return connected;
  }

  private void connectPipes() {
    loop.callSoon(() -> protocol.connectionMade(this));
    for (Runnable call : pendingCalls) {
      loop.callSoon(call);
    }
    pendingCalls = null;
    if (!connected.isDone()) {
      connected.setResult(null);
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // Events from the pipes and the reaper
  // ------------------------------------------------------------------------------------------------------------

  private void call(Runnable callback) {
    if (pendingCalls != null) {
      pendingCalls.add(callback);
    } else {
      soon(loop, callback);
    }
  }

  /** {@code loop.callSoon(callback)}, or nothing once the loop is closed (a close at loop close schedules nothing). */
  static void soon(EventLoop loop, Runnable callback) {
    if (!loop.isClosed()) {
      loop.callSoon(callback);
    }
  }

  void pipeDataReceived(int fd, byte[] data) {
    call(() -> protocol.pipeDataReceived(fd, data));
  }

  void pipeConnectionLost(int fd, Throwable cause) {
    if (pipeLost[fd]) {
      return;
    }
    pipeLost[fd] = true;
    call(() -> protocol.pipeConnectionLost(fd, cause));
    if (fd != STDIN) {
      readDone(fd);
    }
    tryFinish();
  }

  void pauseWriting() {
    protocol.pauseWriting();
  }

  void resumeWriting() {
    protocol.resumeWriting();
  }

  private void processExited(int exitValue) {
    if (returncode != null) {
      throw new IllegalStateException("pid " + pid + " exited twice: returncode " + returncode + ", then "
          + exitValue);
    }
    returncode = ChildSignals.returncode(exitValue, signalsSent);
    maybeEndEvents();
    call(protocol::processExited);
    if (stdin != null) {
      stdin.childExited(); // its read end closed with it
    }
    tryFinish();
  }

  private void tryFinish() {
    if (finished || returncode == null || !(pipeLost[0] && pipeLost[1] && pipeLost[2])) {
      return;
    }
    finished = true;
    call(this::callConnectionLost);
  }

  private void callConnectionLost() {
    try {
      protocol.connectionLost(null);
    } finally {
      for (Future<Integer> w : exitWaiters) {
        if (!w.isDone()) {
          w.setResult(returncode);
        }
      }
      exitWaiters = null;
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // The API
  // ------------------------------------------------------------------------------------------------------------

  /** Returns the child's process id. */
  public long getPid() {
    return pid;
  }

  /**
   * Returns the child's returncode, or null while it runs (or before its exit entered the loop): its exit status,
   * or -N if it was killed by signal N that this transport sent (see the class comment).
   */
  public Integer getReturncode() {
    return returncode;
  }

  /**
   * Returns the transport of the pipe to the child's {@code fd}: a {@link io.weft.net.WriteTransport} for
   * {@link #STDIN}, a {@link io.weft.net.ReadTransport} for {@link #STDOUT} and {@link #STDERR}; null if that
   * stream is not a pipe.
   *
   * @throws IllegalArgumentException naming {@code fd} unless it is 0, 1 or 2
   */
  public BaseTransport getPipeTransport(int fd) {
    return switch (fd) {
      case STDIN -> stdin;
      case STDOUT -> stdout;
      case STDERR -> stderr;
      default -> throw new IllegalArgumentException("fd must be 0 (stdin), 1 (stdout) or 2 (stderr), got " + fd);
    };
  }

  /**
   * Sends POSIX signal {@code signal} to the child; nothing if it has already exited (asyncio ignores the
   * {@code ProcessLookupError}). SIGTERM and SIGKILL go through the JDK; others through {@code kill(2)}.
   *
   * @throws IllegalArgumentException naming the signal unless it is in 1..64
   * @throws IllegalStateException naming the pid once the transport has finished ({@code connectionLost} ran), as
   *     asyncio raises {@code ProcessLookupError}
   */
  public void sendSignal(int signal) {
    if (exitWaiters == null) {
      throw new IllegalStateException("pid " + pid + " has exited (returncode " + returncode
          + ") and its transport finished: no signal sent");
    }
    if (signal < 1 || signal > 64) {
      throw new IllegalArgumentException("signal must be a POSIX signal number in 1..64, got " + signal);
    }
    if (returncode != null) {
      return;
    }
    signalsSent |= 1L << (signal - 1);
    ChildSignals.send(process, signal);
  }

  /** Sends SIGTERM; see {@link #sendSignal}. */
  public void terminate() {
    sendSignal(ChildSignals.SIGTERM);
  }

  /** Sends SIGKILL; see {@link #sendSignal}. */
  public void kill() {
    sendSignal(ChildSignals.SIGKILL);
  }

  /**
   * Closes every pipe and, if the child still runs, kills it (SIGKILL), as asyncio's {@code close()}. The protocol
   * still hears the pipes' loss, the exit and {@code connectionLost}. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (returncode == null && process.isAlive()) {
      signalsSent |= 1L << (ChildSignals.SIGKILL - 1);
      ChildSignals.send(process, ChildSignals.SIGKILL);
    }
    if (stdin != null) {
      stdin.close();
    }
    if (stdout != null) {
      stdout.close();
    }
    if (stderr != null) {
      stderr.close();
    }
    OpenSubprocesses.of(loop).remove(this);
  }

  /** Returns whether {@link #close()} was called. */
  @Override
  public boolean isClosing() {
    return closed;
  }

  /** Answers {@code "subprocess"}: the JDK's {@link java.lang.Process}; null for any other name. */
  @Override
  public Object getExtraInfo(String name) {
    return "subprocess".equals(name) ? process : null;
  }

  /** Returns the protocol this transport calls; never null. */
  public SubprocessProtocol getProtocol() {
    return protocol;
  }

  /**
   * Waits, from a task, until the child exited and the transport finished ({@code connectionLost} ran), and
   * returns the returncode; at once if the returncode is known. Cancelling the wait leaves the child running.
   */
  public int awaitExit() {
    if (returncode != null) {
      return returncode;
    }
    Future<Integer> w = loop.createFuture();
    exitWaiters.add(w);
    return w.await();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("<SubprocessTransport");
    if (closed) {
      sb.append(" closed");
    }
    sb.append(" pid=").append(pid).append(" (").append(program).append(')');
    sb.append(returncode != null ? " returncode=" + returncode : " running");
    return sb.append('>').toString();
  }

  // ------------------------------------------------------------------------------------------------------------
  // Transports left open at loop close
  // ------------------------------------------------------------------------------------------------------------

  /** The loop's transports not yet closed, in creation order: closed, with a warning, when the loop closes. */
  static final class OpenSubprocesses {
    private final Set<SubprocessTransport> open = new LinkedHashSet<>();

    static OpenSubprocesses of(EventLoop loop) {
      return Kernel.get().attachment(loop, OpenSubprocesses.class, () -> {
        OpenSubprocesses o = new OpenSubprocesses();
        Kernel.get().onClose(loop, () -> o.closeAll(loop));
        return o;
      });
    }

    void add(SubprocessTransport t) {
      open.add(t);
    }

    void remove(SubprocessTransport t) {
      open.remove(t);
    }

    /** Whether any transport of the loop is still open. */
    int size() {
      return open.size();
    }

    private void closeAll(EventLoop loop) {
      for (SubprocessTransport t : List.copyOf(open)) {
        if (!t.closed) {
          Kernel.get().warn(loop, "unclosed transport " + t + ": closing it, which kills the child if it runs");
          t.close();
        }
        t.events.close(); // nothing waits for the child any more
      }
      open.clear();
    }
  }
}
