package io.weft.process;

import io.weft.CancelledError;
import io.weft.EventLoop;
import io.weft.Api;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Starting child processes, asyncio's {@code create_subprocess_exec}, {@code create_subprocess_shell},
 * {@code loop.subprocess_exec} and {@code loop.subprocess_shell}. Call each from a task.
 *
 * <p>The {@code exec} forms run a program with arguments, no shell involved; the {@code shell} forms run a command
 * line through {@code /bin/sh -c}. The {@code create...} forms return a {@link Process} with streams; the
 * {@code subprocess...} forms drive a {@link SubprocessProtocol} of yours and return its {@link SubprocessTransport}.
 *
 * <p>The child is started on the loop thread (the JDK's {@code ProcessBuilder.start}, as asyncio forks in the loop).
 * If it cannot be started (no such program, no such directory) the {@link IOException} names it and nothing is left
 * open. If the calling task is cancelled while the pipes connect, the child is killed, its exit awaited, and the
 * {@link CancelledError} raised, as asyncio does: nothing is leaked.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.4")
public final class Subprocesses {

  private Subprocesses() {}

  /**
   * A transport and the protocol it drives.
   *
   * @param transport the child's transport; never null
   * @param protocol the protocol made for it; never null
   */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.4")
  public record Connection<P extends SubprocessProtocol>(SubprocessTransport transport, P protocol) {}

  /**
   * Runs {@code program} with {@code args}, with streams as {@code options} says, and returns its {@link Process}.
   *
   * @throws IOException if the child cannot be started (the JDK's message names the program)
   */
  public static Process createSubprocessExec(ProcessOptions options, String program, String... args)
      throws IOException {
    return create(options, argv(program, args));
  }

  /** Runs {@code command} through {@code /bin/sh -c}; see {@link #createSubprocessExec}. */
  public static Process createSubprocessShell(ProcessOptions options, String command) throws IOException {
    return create(options, shell(command));
  }

  private static Process create(ProcessOptions options, List<String> argv) throws IOException {
    Objects.requireNonNull(options, "options must not be null");
    ProcessStreamProtocol protocol = new ProcessStreamProtocol(options.limit());
    Connection<ProcessStreamProtocol> c = connect(() -> protocol, options, argv);
    return new Process(c.transport(), c.protocol());
  }

  /**
   * Runs {@code program} with {@code args} under a protocol made by {@code protocolFactory}, as
   * {@code loop.subprocess_exec}; returns once the protocol's {@code connectionMade} has run.
   *
   * @throws IOException if the child cannot be started
   */
  public static <P extends SubprocessProtocol> Connection<P> subprocessExec(Supplier<P> protocolFactory,
      ProcessOptions options, String program, String... args) throws IOException {
    return connect(protocolFactory, options, argv(program, args));
  }

  /** Runs {@code command} through {@code /bin/sh -c}; see {@link #subprocessExec}. */
  public static <P extends SubprocessProtocol> Connection<P> subprocessShell(Supplier<P> protocolFactory,
      ProcessOptions options, String command) throws IOException {
    return connect(protocolFactory, options, shell(command));
  }

  private static List<String> argv(String program, String... args) {
    Objects.requireNonNull(program, "program must not be null");
    Objects.requireNonNull(args, "args must not be null");
    List<String> argv = new ArrayList<>(args.length + 1);
    argv.add(program);
    for (int i = 0; i < args.length; i++) {
      argv.add(Objects.requireNonNull(args[i], "args[" + i + "] must not be null"));
    }
    return argv;
  }

  private static List<String> shell(String command) {
    Objects.requireNonNull(command, "command must not be null");
    return List.of("/bin/sh", "-c", command);
  }

  private static <P extends SubprocessProtocol> Connection<P> connect(Supplier<P> protocolFactory,
      ProcessOptions options, List<String> argv) throws IOException {
    Objects.requireNonNull(protocolFactory, "protocolFactory must not be null");
    Objects.requireNonNull(options, "options must not be null");
    EventLoop loop = EventLoop.getRunningLoop();
    P protocol = Objects.requireNonNull(protocolFactory.get(), "protocolFactory returned null");
    SubprocessTransport transport = SubprocessTransport.start(loop, protocol, argv, options);
    try {
      transport.connected().await();
    } catch (Throwable e) {
      // as asyncio's _make_subprocess_transport: kill the child, wait for it, then raise
      transport.close();
      transport.awaitExit();
      throw e;
    }
    return new Connection<>(transport, protocol);
  }
}
