package io.weft.examples.chat;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link ChatServer} bounds what it holds for each client.
 *
 * <p>What the server holds for one client is at most {@code maxQueuedLines} lines in its queue, plus the
 * transport's write buffer, which the client's writer task keeps near {@code writeHighWater} by awaiting
 * {@code drain()} after each line (a buffer may pass the mark by the one line written last). A client whose queue
 * is full when a line for it arrives is disconnected.
 *
 * @param maxQueuedLines the most lines waiting for one client before it is disconnected as too slow; at least 1
 * @param writeHighWater the transport's high-water mark for each client, in bytes (low is a quarter); at least 1
 * @param closeGrace how long {@link ChatServer#close()} lets clients take what they are owed before it aborts their
 *     connections; not negative
 */
public record ChatSettings(int maxQueuedLines, int writeHighWater, Duration closeGrace) {

  /** The defaults: 256 lines, 64 KiB (the transport's own default), and 2 seconds. */
  public static final ChatSettings DEFAULTS = new ChatSettings(256, 64 * 1024, Duration.ofSeconds(2));

  /**
   * Checks the settings.
   *
   * @throws IllegalArgumentException naming the value that is out of range
   */
  public ChatSettings {
    if (maxQueuedLines < 1) {
      throw new IllegalArgumentException("maxQueuedLines must be >= 1, got " + maxQueuedLines);
    }
    if (writeHighWater < 1) {
      throw new IllegalArgumentException("writeHighWater must be >= 1, got " + writeHighWater);
    }
    Objects.requireNonNull(closeGrace, "closeGrace must not be null");
    if (closeGrace.isNegative()) {
      throw new IllegalArgumentException("closeGrace must be >= 0, got " + closeGrace);
    }
  }
}
