package io.weft.examples.chat;

import io.weft.Task;
import io.weft.Weft;
import io.weft.net.StreamWriter;
import io.weft.sync.Queue;
import io.weft.sync.QueueFull;
import io.weft.sync.QueueShutDown;
import java.io.IOException;

/**
 * One joined client of a {@link ChatServer}: its nick, its bounded outbox, and the writer task that drains the
 * outbox into the connection, awaiting {@code drain()} after each line.
 *
 * <p>Broadcasting never waits: {@link #offer} puts a line in the outbox or says it is full. The writer task is the
 * only one that waits for the client, so a slow client slows down only its own writer task.
 */
final class Member {

  final String nick;
  final StreamWriter writer;
  // Invariant: holds at most the settings' maxQueuedLines lines; shut down once the member has left.
  private final Queue<byte[]> outbox;
  // Invariant: the sum of the lengths of the lines in the outbox (while it is not shut down immediately).
  private long queuedBytes;
  // Invariant: once true, stays true; the member is then out of the server's table and its outbox shut down.
  private boolean left;
  private Task<Void> writerTask;

  Member(String nick, StreamWriter writer, int maxQueuedLines) {
    this.nick = nick;
    this.writer = writer;
    this.outbox = new Queue<>(maxQueuedLines);
  }

  /** Starts the writer task; once. */
  void startWriter() {
    if (writerTask != null) {
      throw new IllegalStateException("the writer task of " + nick + " runs already: " + writerTask);
    }
    writerTask = Weft.createTask(this::writeLoop, "chat-writer-" + nick, null);
  }

  /** Queues {@code line} for this client without waiting; returns false if the outbox is full or shut down. */
  boolean offer(byte[] line) {
    try {
      outbox.putNowait(line);
    } catch (QueueFull | QueueShutDown e) {
      return false;
    }
    queuedBytes += line.length;
    return true;
  }

  /** Returns what the server holds for this client: queued lines plus the transport's write buffer, in bytes. */
  long backlogBytes() {
    return queuedBytes + writer.transport().getWriteBufferSize();
  }

  /** Returns whether the member has left (or was dropped). */
  boolean hasLeft() {
    return left;
  }

  /**
   * Marks the member as gone: no more lines are queued; with {@code discard} the queued ones are dropped, else the
   * writer task still sends them, then closes the connection.
   *
   * @throws IllegalStateException if the member has left already
   */
  void markLeft(boolean discard) {
    if (left) {
      throw new IllegalStateException(nick + " has left already");
    }
    left = true;
    outbox.shutdown(discard);
    if (discard) {
      queuedBytes = 0;
    }
  }

  /** Waits until the writer task has ended (it ends once the member has left, or the connection is lost). */
  void awaitWriter() {
    writerTask.await();
  }

  private Void writeLoop() {
    try {
      while (true) {
        byte[] line = outbox.get(); // QueueShutDown once the member has left and what it was owed is sent
        queuedBytes -= line.length;
        if (writer.isClosing()) {
          break; // dropped or lost: nobody to write to
        }
        writer.write(line);
        writer.drain(); // the backpressure: wait here while this client's transport buffer is above high water
      }
    } catch (QueueShutDown done) {
      // Left: everything queued before was sent.
    } catch (IOException lost) {
      // The connection was lost: its reader sees it too, and the member leaves there.
    } finally {
      writer.close(); // flushes what is buffered, then FIN; a no-op on a transport that is closed already
    }
    return null;
  }

  @Override
  public String toString() {
    return "Member[" + nick + (left ? ", left" : "") + ", " + outbox.qsize() + " queued]";
  }
}
