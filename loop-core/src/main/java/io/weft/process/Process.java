package io.weft.process;

import io.weft.Api;
import io.weft.Future;
import io.weft.Weft;
import io.weft.net.BaseTransport;
import io.weft.net.StreamReader;
import io.weft.net.StreamWriter;
import java.io.IOException;
import java.net.SocketException;
import java.util.List;

/**
 * A child process with streams: asyncio's {@code asyncio.subprocess.Process}, made by
 * {@link Subprocesses#createSubprocessExec} and {@link Subprocesses#createSubprocessShell}. Loop thread only.
 *
 * <p>{@link #stdin()} is a {@link StreamWriter} (write, then {@code drain()}), {@link #stdout()} and {@link #stderr()}
 * are {@link StreamReader}s; each is null unless that stream is {@link Stdio#PIPE}. {@link #waitFor()} (asyncio's
 * {@code wait()}) waits for the
 * exit; {@link #communicate(byte[])} writes the input, reads both outputs to EOF at the same time (so a child that
 * writes more than a pipe holds while it reads its stdin cannot deadlock) and waits for the exit.
 *
 * <p>Waiting for the exit does not read the outputs: a child that fills a pipe nobody reads blocks, and
 * {@code waitFor()} with it, as in asyncio. Read them, or use {@code communicate}.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.4")
public final class Process {

  /**
   * What {@link #communicate(byte[])} read.
   *
   * @param stdout everything the child wrote to stdout, or null if stdout is not a pipe
   * @param stderr everything the child wrote to stderr, or null if stderr is not a pipe
   */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.4")
  public record Output(byte[] stdout, byte[] stderr) {}

  private final SubprocessTransport transport;
  private final StreamWriter stdin;
  private final StreamReader stdout;
  private final StreamReader stderr;

  Process(SubprocessTransport transport, ProcessStreamProtocol protocol) {
    this.transport = transport;
    this.stdin = protocol.stdin;
    this.stdout = protocol.stdout;
    this.stderr = protocol.stderr;
  }

  /** Returns the writer of the child's stdin, or null unless stdin is {@link Stdio#PIPE}. */
  public StreamWriter stdin() {
    return stdin;
  }

  /** Returns the reader of the child's stdout, or null unless stdout is {@link Stdio#PIPE}. */
  public StreamReader stdout() {
    return stdout;
  }

  /** Returns the reader of the child's stderr, or null unless stderr is {@link Stdio#PIPE}. */
  public StreamReader stderr() {
    return stderr;
  }

  /** Returns the child's process id. */
  public long pid() {
    return transport.getPid();
  }

  /**
   * Returns the returncode, or null until the exit entered the loop: the exit status, or -N for a child killed by
   * signal N sent through this process (see {@link SubprocessTransport} on how the JDK's 128 + N is mapped).
   */
  public Integer returncode() {
    return transport.getReturncode();
  }

  /** Returns the transport under this process. */
  public SubprocessTransport transport() {
    return transport;
  }

  /**
   * Waits, from a task, for the child to exit and returns its returncode, as asyncio's {@code wait()}. Any number of
   * tasks may wait; all get the same code. Cancelling a wait leaves the child running and other waits waiting.
   */
  public int waitFor() {
    return transport.awaitExit();
  }

  /**
   * Sends {@code input} (null: nothing) to stdin and closes it, reads stdout and stderr to EOF, all at once, then
   * waits for the exit; as asyncio's {@code communicate()}. A child that stops reading its stdin (it exited or
   * closed it) is not an error: the rest of the input is dropped. From a task.
   *
   * @return what stdout and stderr held, each null unless a pipe
   * @throws IllegalStateException if {@code input} is given but stdin is not a pipe
   */
  public Output communicate(byte[] input) throws IOException {
    if (input != null && stdin == null) {
      throw new IllegalStateException("communicate() got " + input.length + " bytes of input but stdin is not"
          + " Stdio.PIPE");
    }
    Future<Object> in = stdin != null ? Weft.createTask(() -> {
      feedStdin(input);
      return null;
    }) : null;
    Future<byte[]> out = stdout != null ? Weft.createTask(() -> readAll(stdout, SubprocessTransport.STDOUT)) : null;
    Future<byte[]> err = stderr != null ? Weft.createTask(() -> readAll(stderr, SubprocessTransport.STDERR)) : null;
    List<Future<?>> all = new java.util.ArrayList<>(3);
    for (Future<?> f : new Future<?>[] {in, out, err}) {
      if (f != null) {
        all.add(f);
      }
    }
    Weft.gather(all).await();
    waitFor();
    return new Output(out != null ? out.result() : null, err != null ? err.result() : null);
  }

  private void feedStdin(byte[] input) throws IOException {
    try {
      if (input != null && input.length > 0) {
        stdin.write(input);
      }
      stdin.drain();
    } catch (SocketException e) {
      // the pipe was lost: "Connection lost", as asyncio ignores ConnectionResetError
    } catch (IOException e) {
      if (!isBrokenPipe(e)) {
        throw e;
      }
    }
    stdin.close();
  }

  private static boolean isBrokenPipe(IOException e) {
    String m = e.getMessage();
    return m != null && (m.contains("Broken pipe") || m.contains("Stream closed"));
  }

  private byte[] readAll(StreamReader reader, int fd) {
    byte[] data = reader.read(-1);
    BaseTransport pipe = transport.getPipeTransport(fd);
    if (pipe != null) {
      pipe.close();
    }
    return data;
  }

  /** Sends POSIX signal {@code signal}; see {@link SubprocessTransport#sendSignal}. */
  public void sendSignal(int signal) {
    transport.sendSignal(signal);
  }

  /** Sends SIGTERM; see {@link SubprocessTransport#terminate}. */
  public void terminate() {
    transport.terminate();
  }

  /** Sends SIGKILL; see {@link SubprocessTransport#kill}. */
  public void kill() {
    transport.kill();
  }

  @Override
  public String toString() {
    return "<Process " + pid() + (returncode() != null ? " returncode=" + returncode() : " running") + ">";
  }
}
