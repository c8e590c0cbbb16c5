package io.weft.examples.chat;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.weft.CancelledError;
import io.weft.Future;
import io.weft.Task;
import io.weft.TimeoutError;
import io.weft.Weft;
import io.weft.net.Server;
import io.weft.net.StreamReader;
import io.weft.net.StreamWriter;
import io.weft.net.Streams;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A line-based chat server over streams, with drain-based backpressure toward slow clients.
 *
 * <h2>Protocol</h2>
 *
 * <p>Lines end with {@code \n} (a {@code \r} before it is dropped), in UTF-8, at most 64 KiB.
 *
 * <ul>
 *   <li>A client's first line is {@code NICK <name>}, the name 1-16 letters, digits, {@code _} or {@code -}. The
 *       server answers {@code OK <name>} and tells the others {@code * <name> joined}; or answers {@code ERR ...}
 *       (a bad first line, or a name in use) and closes.
 *   <li>Every later non-blank line {@code text} goes to every other client as {@code <name>: text}.
 *   <li>When a client closes or half-closes, the others get {@code * <name> left}; a half-closed client still
 *       receives what it was owed, then the server closes.
 *   <li>A client that falls {@link ChatSettings#maxQueuedLines()} lines behind is dropped: its connection is aborted
 *       and the others get {@code * <name> left (too slow)}.
 *   <li>When the server closes, each client gets {@code * server shutting down}, then the server closes the
 *       connection.
 * </ul>
 *
 * <h2>Design</h2>
 *
 * <p>Each connection runs in a handler task (from {@link Streams#startServer}) that reads lines with the reader's
 * line iteration and broadcasts them. Broadcasting never waits: each client has a bounded outbox ({@link Member}),
 * filled with {@code putNowait} and drained by the client's own writer task, which awaits {@code drain()} after every
 * line. So a client that reads slowly holds up only its own writer task (the transport's buffer stays near its
 * high-water mark, the outbox fills), never the senders or the other clients; and a client that stops reading is
 * dropped once its outbox is full, so what the server holds for any client stays bounded. Sends from one client
 * reach every other client in the order sent (one task broadcasts them, into FIFO outboxes).
 *
 * <p>Loop thread only; {@link #start}, {@link #close} and {@link #serveForever} are called from a task.
 */
public final class ChatServer {

  /** Where a chat server is in its life. */
  public enum State {
    /** Accepting clients and relaying lines. */
    OPEN,
    /** {@link #close()} runs: no new clients; the connected ones are being closed. */
    CLOSING,
    /** Closed: no connection, handler or writer task is left. */
    CLOSED
  }

  static final Pattern NICK = Pattern.compile("NICK ([A-Za-z0-9_-]{1,16})");
  static final String SHUTDOWN_LINE = "* server shutting down";

  private final ChatSettings settings;
  private final Server server;
  // Invariant: the members that have not left, by nick, in the order they joined.
  private final Map<String, Member> members = new LinkedHashMap<>();
  // Invariant: the writers of connections whose handler waits for their NICK line.
  private final Set<StreamWriter> greeting = new LinkedHashSet<>();
  // Invariant: the handler tasks that have started and not ended.
  private final Set<Task<?>> handlers = new LinkedHashSet<>();
  private final Future<Void> closed;
  private State state = State.OPEN;
  private long peakBacklogBytes;
  private int dropped;

  private ChatServer(String host, int port, ChatSettings settings) throws IOException {
    this.settings = settings;
    this.closed = Weft.getRunningLoop().createFuture();
    this.server = Streams.startServer(this::handle, host, port);
  }

  /**
   * Starts a chat server on {@code host}:{@code port}. Call from a task.
   *
   * @param port in 0-65535; 0 picks a free port (see {@link #port()})
   * @param settings the bounds per client; not null
   * @throws IOException if the address cannot be listened on
   */
  public static ChatServer start(String host, int port, ChatSettings settings) throws IOException {
    java.util.Objects.requireNonNull(settings, "settings must not be null");
    return new ChatServer(host, port, settings);
  }

  /**
   * Returns the port the server listens on.
   *
   * @throws IllegalStateException naming the state once the server is closing
   */
  public int port() {
    if (state != State.OPEN) {
      throw new IllegalStateException("no port: the chat server is " + state);
    }
    try {
      return ((InetSocketAddress) server.sockets().get(0).localAddress()).getPort();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the address of " + server, e);
    }
  }

  /** Returns the server's state. */
  public State state() {
    return state;
  }

  /** Returns the nicks of the clients now in the chat, in the order they joined; a copy, never null. */
  public List<String> members() {
    return List.copyOf(members.keySet());
  }

  /** Returns how many clients were dropped as too slow. */
  public int dropped() {
    return dropped;
  }

  /**
   * Returns the most the server has held for one client at a broadcast: lines in its outbox plus its transport's
   * write buffer, in bytes.
   */
  public long peakBacklogBytes() {
    return peakBacklogBytes;
  }

  /** Returns the settings; never null. */
  public ChatSettings settings() {
    return settings;
  }

  // ------------------------------------------------------------------------------------------------------------
  // One connection
  // ------------------------------------------------------------------------------------------------------------

  private void handle(StreamReader reader, StreamWriter writer) {
    Task<?> self = Weft.currentTask();
    handlers.add(self);
    try {
      serve(reader, writer);
    } finally {
      handlers.remove(self);
    }
  }

  private void serve(StreamReader reader, StreamWriter writer) {
    writer.transport().setWriteBufferLimits(settings.writeHighWater());
    Member m = null;
    try {
      m = greet(reader, writer);
      if (m != null) {
        relay(m, reader);
      }
    } catch (IOException | IllegalArgumentException e) {
      // A reset, or a line over the reader's limit: the client leaves.
    } finally {
      if (m == null) {
        writer.close();
      } else {
        if (!m.hasLeft()) {
          leave(m, "", false);
        }
        m.awaitWriter(); // it sends what the client was owed, then closes the connection
      }
      try {
        writer.waitClosed();
      } catch (IOException e) {
        // lost with an error (a reset), as asyncio's wait_closed() says: the client has left all the same
      }
    }
  }

  /** Reads the NICK line; returns the new member, or null after answering ERR (or at EOF, or when closing). */
  private Member greet(StreamReader reader, StreamWriter writer) throws IOException {
    if (state != State.OPEN) {
      return null;
    }
    greeting.add(writer);
    String first;
    try {
      first = readLine(reader);
    } finally {
      greeting.remove(writer);
    }
    if (first == null || state != State.OPEN) {
      return null;
    }
    Matcher nick = NICK.matcher(first);
    if (!nick.matches()) {
      String shown = first.length() > 40 ? first.substring(0, 40) + "..." : first;
      writer.write(("ERR expected NICK <name> with 1-16 letters, digits, _ or -, got \"" + shown + "\"\n")
          .getBytes(UTF_8));
      return null;
    }
    String name = nick.group(1);
    if (members.containsKey(name)) {
      writer.write(("ERR nick " + name + " is taken\n").getBytes(UTF_8));
      return null;
    }
    Member m = new Member(name, writer, settings.maxQueuedLines());
    m.offer(("OK " + name + "\n").getBytes(UTF_8));
    m.startWriter();
    broadcast("* " + name + " joined", null);
    members.put(name, m);
    return m;
  }

  /** Broadcasts each line the member sends, until EOF or until it is dropped. */
  private void relay(Member m, StreamReader reader) throws IOException {
    for (byte[] raw : reader) { // asyncio's `async for line in reader`
      if (m.hasLeft()) {
        return; // dropped as too slow: what it still sent is not relayed
      }
      String text = strip(raw);
      if (!text.isBlank()) {
        broadcast(m.nick + ": " + text, m);
        // A line already buffered is read without waiting (as asyncio's readline): yield, so that a client that
        // floods cannot fill the others' outboxes before their writer tasks get a turn.
        Weft.sleep(Duration.ZERO);
      }
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // Broadcasting, leaving, dropping
  // ------------------------------------------------------------------------------------------------------------

  /** Queues {@code line} for every member but {@code from}, without waiting; drops those whose outbox is full. */
  private void broadcast(String line, Member from) {
    byte[] bytes = (line + "\n").getBytes(UTF_8);
    List<Member> tooSlow = new ArrayList<>();
    for (Member m : members.values()) {
      if (m == from) {
        continue;
      }
      if (!m.offer(bytes)) {
        tooSlow.add(m);
      }
      peakBacklogBytes = Math.max(peakBacklogBytes, m.backlogBytes());
    }
    for (Member m : tooSlow) {
      if (!m.hasLeft()) {
        dropped++;
        m.writer.transport().abort(); // RST: whatever it was owed is dropped with the connection
        leave(m, " (too slow)", true);
      }
    }
  }

  /** Takes {@code m} out of the chat and tells the others. */
  private void leave(Member m, String reason, boolean discard) {
    members.remove(m.nick);
    m.markLeft(discard);
    broadcast("* " + m.nick + " left" + reason, null);
  }

  // ------------------------------------------------------------------------------------------------------------
  // Life
  // ------------------------------------------------------------------------------------------------------------

  /**
   * Closes the server and waits until nothing of it is left: stops listening, sends each client
   * {@value #SHUTDOWN_LINE} after what it was owed and closes its connection; connections that have not flushed
   * within {@link ChatSettings#closeGrace()} are aborted. Returns once every connection is lost and every handler and
   * writer task has ended. A second call waits for the first. Call from a task.
   */
  public void close() {
    if (state != State.OPEN) {
      if (!closed.isDone()) {
        closed.await();
      }
      return;
    }
    state = State.CLOSING;
    server.close();
    byte[] bye = (SHUTDOWN_LINE + "\n").getBytes(UTF_8);
    for (Member m : List.copyOf(members.values())) {
      members.remove(m.nick);
      m.offer(bye); // if its outbox is full, the client is owed too much already: the grace period decides
      m.markLeft(false);
    }
    greeting.forEach(StreamWriter::close);
    try {
      Weft.timeout(settings.closeGrace(), t -> {
        server.waitClosed();
        return null;
      });
    } catch (TimeoutError slow) {
      server.abortClients();
      server.waitClosed();
    }
    for (Task<?> h : List.copyOf(handlers)) {
      h.await();
    }
    state = State.CLOSED;
    closed.setResult(null);
  }

  /** Waits until the calling task is cancelled, then {@linkplain #close() closes} the server. Call from a task. */
  public void serveForever() {
    Future<Void> never = Weft.getRunningLoop().createFuture();
    try {
      never.await();
    } catch (CancelledError e) {
      close();
      throw e;
    }
  }

  /** Reads a line without its end ({@code \n} or {@code \r\n}); null at EOF. */
  static String readLine(StreamReader reader) throws IOException {
    byte[] raw = reader.readLine();
    return raw.length == 0 ? null : strip(raw);
  }

  private static String strip(byte[] raw) {
    int n = raw.length;
    if (n > 0 && raw[n - 1] == '\n') {
      n--;
    }
    if (n > 0 && raw[n - 1] == '\r') {
      n--;
    }
    return new String(raw, 0, n, UTF_8);
  }

  /**
   * Starts a chat server on the production loop and serves until the process is stopped.
   *
   * @param commandLine {@code [port [host]]}: port defaults to 0 (a free port, printed), host to {@code 127.0.0.1}
   */
  public static void main(String[] commandLine) {
    String[] args = io.weft.examples.echo.EchoServer.words(commandLine);
    int port = args.length > 0 ? io.weft.examples.echo.EchoServer.parsePort(args[0]) : 0;
    String host = args.length > 1 ? args[1] : "127.0.0.1";
    Weft.run(() -> {
      ChatServer chat = start(host, port, ChatSettings.DEFAULTS);
      System.out.println("chat server listening on " + host + ":" + chat.port()
          + "; a client sends NICK <name> first (try ChatClient, or nc " + host + " " + chat.port()
          + "); stop it with Ctrl-C");
      chat.serveForever();
    });
  }

  @Override
  public String toString() {
    return "ChatServer[" + state + ", members " + members.keySet() + ", " + dropped + " dropped]";
  }
}
