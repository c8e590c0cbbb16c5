package io.weft.process;

import io.weft.internal.NetAccess;
import io.weft.net.Protocol;
import io.weft.net.ReadTransport;
import io.weft.net.StreamReader;
import io.weft.net.StreamWriter;
import io.weft.net.WriteTransport;

/**
 * The protocol under a {@link Process}: asyncio's {@code SubprocessStreamProtocol}. It feeds the stdout and stderr
 * readers, gives stdin a writer whose {@code drain()} follows the pipe's flow control, and closes the transport once
 * the child exited and its output pipes were lost.
 */
final class ProcessStreamProtocol implements SubprocessProtocol {

  private final int limit;
  private SubprocessTransport transport;
  StreamWriter stdin;
  private Protocol stdinFlow;
  StreamReader stdout;
  StreamReader stderr;
  private int openOutputPipes;
  private boolean processExited;

  ProcessStreamProtocol(int limit) {
    this.limit = limit;
  }

  @Override
  public void connectionMade(SubprocessTransport t) {
    transport = t;
    if (t.getPipeTransport(SubprocessTransport.STDOUT) instanceof ReadTransport out) {
      stdout = new StreamReader(limit);
      stdout.setTransport(out);
      openOutputPipes++;
    }
    if (t.getPipeTransport(SubprocessTransport.STDERR) instanceof ReadTransport err) {
      stderr = new StreamReader(limit);
      stderr.setTransport(err);
      openOutputPipes++;
    }
    if (t.getPipeTransport(SubprocessTransport.STDIN) instanceof WriteTransport in) {
      NetAccess.WriterAndFlow wf = NetAccess.get().newWriter(in);
      stdin = wf.writer();
      stdinFlow = wf.flow();
    }
  }

  @Override
  public void pipeDataReceived(int fd, byte[] data) {
    StreamReader reader = fd == SubprocessTransport.STDOUT ? stdout : fd == SubprocessTransport.STDERR ? stderr : null;
    if (reader != null) {
      reader.feedData(data);
    }
  }

  @Override
  public void pipeConnectionLost(int fd, Throwable cause) {
    if (fd == SubprocessTransport.STDIN) {
      if (stdin != null) {
        stdin.close();
      }
      if (stdinFlow != null) {
        stdinFlow.connectionLost(cause); // wakes drain() waiters, as asyncio's FlowControlMixin
      }
      return;
    }
    StreamReader reader = fd == SubprocessTransport.STDOUT ? stdout : stderr;
    if (reader != null) {
      if (cause == null) {
        reader.feedEof();
      } else {
        reader.setException(cause);
      }
      openOutputPipes--;
    }
    maybeCloseTransport();
  }

  @Override
  public void processExited() {
    processExited = true;
    maybeCloseTransport();
  }

  @Override
  public void pauseWriting() {
    if (stdinFlow != null) {
      stdinFlow.pauseWriting();
    }
  }

  @Override
  public void resumeWriting() {
    if (stdinFlow != null) {
      stdinFlow.resumeWriting();
    }
  }

  private void maybeCloseTransport() {
    if (openOutputPipes == 0 && processExited && transport != null) {
      transport.close();
      transport = null;
    }
  }
}
