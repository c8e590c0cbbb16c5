package io.weft.examples.kv;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.weft.TimeoutError;
import io.weft.Weft;
import io.weft.net.Streams;
import java.io.IOException;
import java.time.Duration;

/**
 * A client of the leader, as clients are written: each request has a timeout, and a request that times out or whose
 * connection fails is sent again, with the same name ({@code client seq}), on a new connection, after a pause that
 * doubles with each attempt ({@link #BACKOFF} up to {@link #MAX_BACKOFF}), so a client outlasts a run of partitions
 * (about 15 s of them) before it gives up. One request is outstanding at a time. Use it from one task.
 */
public final class KvClient implements AutoCloseable {

  /** How long one attempt (connect, send, answer) may take. */
  public static final Duration TIMEOUT = Duration.ofMillis(100);
  /** The pause before the first retry; it doubles for each later one. */
  public static final Duration BACKOFF = Duration.ofMillis(20);
  /** The longest pause before a retry. */
  public static final Duration MAX_BACKOFF = Duration.ofSeconds(1);
  /** How many attempts a request gets. */
  public static final int ATTEMPTS = 20;

  private final String host;
  private final int port;
  private final String name;
  private long seq;
  private Streams.Pair connection; // null: none open (connects on the next request)

  /**
   * Creates a client named {@code name} (unique among the leader's clients) of the leader at {@code host}:{@code
   * port}; it connects at its first request.
   */
  public KvClient(String host, int port, String name) {
    if (name.isEmpty() || name.contains(" ")) {
      throw new IllegalArgumentException("a client's name is one word, got \"" + name + "\"");
    }
    this.host = host;
    this.port = port;
    this.name = name;
  }

  /**
   * Adds {@code delta} to {@code key} and returns the new value, retrying on timeouts and broken connections.
   *
   * @throws IOException if every attempt failed (the last failure is the cause) or the leader refused the request
   */
  public long increment(String key, long delta) throws IOException {
    String request = "INCR " + name + " " + (++seq) + " " + key + " " + delta;
    Exception last = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      String answer;
      try {
        answer = Weft.timeout(TIMEOUT, t -> exchange(request));
      } catch (Exception e) {
        if (!(e instanceof TimeoutError || e instanceof IOException)) {
          throw e;
        }
        last = e;
        disconnect();
        Duration pause = BACKOFF.multipliedBy(1L << Math.min(attempt - 1, 10));
        Weft.sleep(pause.compareTo(MAX_BACKOFF) < 0 ? pause : MAX_BACKOFF);
        continue;
      }
      if (!answer.startsWith("OK ")) {
        throw new IOException("the leader answered \"" + answer + "\" to \"" + request + "\"");
      }
      return Long.parseLong(answer.substring(3));
    }
    throw new IOException("\"" + request + "\" failed " + ATTEMPTS + " times; the last failure is the cause", last);
  }

  private String exchange(String request) throws IOException {
    if (connection == null) {
      connection = Streams.openConnection(host, port);
    }
    connection.writer().write((request + "\n").getBytes(UTF_8));
    connection.writer().drain();
    byte[] line = connection.reader().readLine();
    if (line.length == 0 || line[line.length - 1] != '\n') {
      throw new IOException("the leader closed the connection before answering \"" + request + "\"");
    }
    return new String(line, UTF_8).strip();
  }

  private void disconnect() {
    if (connection != null) {
      connection.writer().close(); // not awaited: behind a partition the close itself waits for the heal
      connection = null;
    }
  }

  /** Closes the connection, if one is open, and waits until it is closed. */
  @Override
  public void close() {
    if (connection != null) {
      Streams.Pair c = connection;
      connection = null;
      c.writer().close();
      try {
        c.writer().waitClosed();
      } catch (IOException lost) {
        // lost with an error (a reset), as asyncio's wait_closed() says: closed all the same
      }
    }
  }
}
