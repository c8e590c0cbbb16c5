package io.weft.sim.net;

import io.weft.Api;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * Where a fault plan meets the simulated network: the questions {@link SimNetwork} asks at each thing it sends, once a
 * plan is set with {@link SimNetwork#setFaults}. The {@code fault} module's plans implement it; a network without
 * faults never asks, and its runs are those of the perfect network.
 *
 * <p>Every fault is a decision of the run's scheduling strategy, asked through the {@link Chooser}: alternative 0 is
 * always "no fault" (the perfect network's base latency, the datagram delivered once), so a schedule of zeros has no
 * fault, a shrunk schedule keeps the fewest faults that still break the test, and a replay injects exactly the same
 * ones. An implementation must ask the chooser for every random decision it makes (never a random generator of its
 * own), must ask nothing when the plan has no fault for the link, and must word each nonzero alternative so a
 * report reads as a sentence ("the datagram of 512 bytes client -> server was dropped").
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public interface NetFaults {

  /** What is being sent. */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
  enum Kind {
    /** A stream's connection handshake (a connect, its answer). */
    HANDSHAKE,
    /** A stream's data segment (one write, or the part of it the receiver's window took). */
    SEGMENT,
    /** A stream's FIN (the end of what one side sends). */
    FIN,
    /** A stream's RST. */
    RESET,
    /** A datagram. */
    DATAGRAM
  }

  /**
   * One thing sent over a link.
   *
   * @param kind what it is
   * @param from the sending host's name
   * @param to the receiving host's name, or {@code null} for an address no host has
   * @param id the connection (flow) or datagram socket it belongs to
   * @param bytes how many bytes it carries (0 for a handshake, FIN or RST)
   * @param baseDelayNanos the perfect network's delay for it: the link's latency
   * @param nowNanos the virtual time it is sent at, in nanoseconds since the loop started
   */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
  record Send(Kind kind, String from, String to, long id, int bytes, long baseDelayNanos, long nowNanos) {
    /** Checks the fields. */
    public Send {
      Objects.requireNonNull(kind, "kind must not be null");
      Objects.requireNonNull(from, "from must not be null");
    }

    /** The link in words, {@code client -> server} ({@code ?} for an address no host has). */
    public String link() {
      return from + " -> " + (to == null ? "?" : to);
    }
  }

  /** Asks the run's scheduling strategy for a fault decision. */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
  @FunctionalInterface
  interface Chooser {
    /**
     * Returns the chosen alternative, in {@code [0, weights.length)}.
     *
     * @param weights the probability of each alternative; at least 2, summing to 1; alternative 0 is no fault
     * @param describe words a nonzero alternative for the report; called only for the one chosen
     */
    int choose(double[] weights, IntFunction<String> describe);
  }

  /**
   * The delay to add to a stream's segment, handshake, FIN or RST beyond {@link Send#baseDelayNanos()}: 0 for none.
   * A stream never overtakes itself whatever this returns: a segment delayed longer holds back what follows it.
   */
  long extraDelayNanos(Send send, Chooser chooser);

  /**
   * What becomes of a datagram: the delay of each copy delivered, beyond {@link Send#baseDelayNanos()}. One element
   * {@code 0} is the perfect network's delivery; an empty array drops it; two or more duplicate it (copies with
   * different delays may arrive in another order than sent, as may datagrams sent one after another).
   */
  long[] datagramDelays(Send send, Chooser chooser);
}
