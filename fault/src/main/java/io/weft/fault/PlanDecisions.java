package io.weft.fault;

import io.weft.sim.net.NetFaults.Chooser;
import io.weft.sim.net.NetFaults.Partition;
import io.weft.sim.net.NetFaults.Send;
import java.util.Locale;

/**
 * What a {@link FaultPlan} decides for one thing sent, under the rule that covers its link: each fault a choice of
 * the run's strategy (alternative 0 no fault, the others as likely as the rule says), worded for the report.
 */
final class PlanDecisions {

  private PlanDecisions() {}

  /** {@link io.weft.sim.net.NetFaults#partition}, under rule {@code r} (null: none). */
  static Partition partition(Rule r, Send send, Chooser chooser) {
    if (r == null) {
      return null;
    }
    boolean both = r.link().bothWays();
    TimedFault p = r.partition();
    if (p.on() && chooser.choose(new double[] {1 - p.probability(), p.probability()}, i -> "the link "
        + send.link() + (both ? " (both ways)" : " (one way)") + " was partitioned for "
        + Durations.millis(p.nanos()) + ", starting with " + what(send) + " (partition "
        + percent(p.probability()) + ")") == 1) {
      return new Partition(p.nanos(), both, false);
    }
    TimedFault c = r.clog();
    if (c.on() && chooser.choose(new double[] {1 - c.probability(), c.probability()}, i -> "the link " + send.link()
        + (both ? " (both ways)" : " (one way)") + " was clogged for " + Durations.millis(c.nanos())
        + ", starting with " + what(send) + " (clog " + percent(c.probability()) + ")") == 1) {
      return new Partition(c.nanos(), both, true);
    }
    return null;
  }

  // The links in a burst of losses, per simulated network (one per run); guarded by itself (runs may be parallel).
  private static final java.util.Map<io.weft.sim.net.SimNetwork, java.util.Set<String>> BURSTING =
      new java.util.WeakHashMap<>();

  /**
   * The Gilbert-Elliott step of one datagram on a bursty link: in the good state a burst starts with the rule's
   * probability (alternative 1, and this datagram is its first loss); in a burst, alternative 0 ends it (this one is
   * delivered) and alternative 1 loses this one too. Call on a simulated loop: the state is the run's.
   */
  private static boolean lostInBurst(Rule r, Send send, Chooser chooser) {
    io.weft.sim.net.SimNetwork network = io.weft.sim.Simulation.current().network();
    java.util.Set<String> bursting;
    synchronized (BURSTING) {
      bursting = BURSTING.computeIfAbsent(network, n -> new java.util.HashSet<>());
    }
    String link = send.link();
    if (!bursting.contains(link)) {
      if (chooser.choose(new double[] {1 - r.burst(), r.burst()}, i -> what(send) + " was lost: a burst of losses"
          + " began (burst " + percent(r.burst()) + ", " + r.burstLength() + " datagrams on average)") == 0) {
        return false;
      }
      bursting.add(link);
      return true;
    }
    double end = 1 / r.burstLength();
    if (chooser.choose(new double[] {end, 1 - end}, i -> what(send) + " was lost in the same burst") == 0) {
      bursting.remove(link);
      return false;
    }
    return true;
  }

  /** The most pieces a sliced segment is cut into: one-byte pieces stop here, the last piece takes the rest. */
  static final int MAX_PIECES = 64;

  /** {@link io.weft.sim.net.NetFaults#slices}, under rule {@code r} (null: none). */
  static int[] slices(Rule r, Send send, Chooser chooser) {
    if (r == null || r.slice() == 0 || send.bytes() < 2) {
      return null;
    }
    double third = r.slice() / 3;
    int c = chooser.choose(new double[] {1 - r.slice(), third, third, third},
        i -> what(send) + " arrived in " + describePieces(cut(send.bytes(), i)) + " (slice " + percent(r.slice())
            + ")");
    return c == 0 ? null : cut(send.bytes(), c);
  }

  /** Alternative 1: two halves; 2: four near-equal pieces (fewer for fewer bytes); 3: one-byte pieces. */
  static int[] cut(int bytes, int alternative) {
    if (alternative == 3) {
      int n = Math.min(bytes, MAX_PIECES);
      int[] pieces = new int[n];
      java.util.Arrays.fill(pieces, 1);
      pieces[n - 1] = bytes - (n - 1);
      return pieces;
    }
    int n = Math.min(bytes, alternative == 1 ? 2 : 4);
    int[] pieces = new int[n];
    for (int i = 0; i < n; i++) {
      pieces[i] = bytes / n + (i < bytes % n ? 1 : 0);
    }
    return pieces;
  }

  private static String describePieces(int[] pieces) {
    StringBuilder sb = new StringBuilder().append(pieces.length).append(" pieces (");
    for (int i = 0; i < pieces.length && i < 5; i++) {
      sb.append(i == 0 ? "" : ", ").append(pieces[i]);
    }
    return sb.append(pieces.length > 5 ? ", ..." : "").append(" bytes)").toString();
  }

  /** {@link io.weft.sim.net.NetFaults#reset}, under rule {@code r} (null: none). */
  static boolean reset(Rule r, Send send, Chooser chooser) {
    return r != null && r.reset() > 0 && chooser.choose(new double[] {1 - r.reset(), r.reset()},
        i -> "connection #" + send.id() + " " + send.link() + " was reset (RST both ways) in place of its segment of "
            + send.bytes() + " bytes (reset " + percent(r.reset()) + ")") == 1;
  }

  /** {@link io.weft.sim.net.NetFaults#blackhole}, under rule {@code r} (null: none). */
  static boolean blackhole(Rule r, Send send, Chooser chooser) {
    return r != null && r.connectTimeout() > 0 && chooser.choose(new double[] {1 - r.connectTimeout(),
        r.connectTimeout()}, i -> "the connect " + send.link() + " (connection #" + send.id() + ") got no answer and"
        + " timed out (connect_timeout " + percent(r.connectTimeout()) + ")") == 1;
  }

  /** {@link io.weft.sim.net.NetFaults#refuse}, under rule {@code r} (null: none). */
  static boolean refuse(Rule r, Send send, Chooser chooser) {
    return r != null && r.refuse() > 0 && chooser.choose(new double[] {1 - r.refuse(), r.refuse()},
        i -> "the connect " + send.link() + " (connection #" + send.id() + ") was refused although the port listens"
            + " (refuse " + percent(r.refuse()) + ")") == 1;
  }

  /** {@link io.weft.sim.net.NetFaults#corrupt}, under rule {@code r} (null: none). */
  static byte[] corrupt(Rule r, Send send, byte[] data, Chooser chooser) {
    if (r == null || r.corrupt() == 0 || data.length == 0) {
      return data;
    }
    int at = data.length / 2;
    if (chooser.choose(new double[] {1 - r.corrupt(), r.corrupt()}, i -> what(send) + " arrived corrupted (byte " + at
        + " of " + data.length + " flipped; corrupt " + percent(r.corrupt()) + ")") == 0) {
      return data;
    }
    byte[] copy = data.clone();
    copy[at] ^= (byte) 0xff;
    return copy;
  }

  /** {@link io.weft.sim.net.NetFaults#extraDelayNanos}, under rule {@code r} (null: none). */
  static long extraDelayNanos(Rule r, Send send, Chooser chooser) {
    if (r == null) {
      return 0;
    }
    long extra = r.latency() == null ? 0 : latency(r.latency(), send, chooser, "");
    TimedFault slow = r.slowClose();
    if (send.kind() == io.weft.sim.net.NetFaults.Kind.FIN && slow.on() && chooser.choose(new double[] {
        1 - slow.probability(), slow.probability()}, i -> what(send) + " (the end of stream) arrived "
        + Durations.millis(slow.nanos()) + " late (slow_close " + slow + ")") == 1) {
      extra += slow.nanos();
    }
    return extra;
  }

  /** {@link io.weft.sim.net.NetFaults#acceptDelayNanos}, under rule {@code r} (null: none). */
  static long acceptDelayNanos(Rule r, Send send, Chooser chooser) {
    if (r == null || !r.acceptDelay().on()) {
      return 0;
    }
    TimedFault d = r.acceptDelay();
    return chooser.choose(new double[] {1 - d.probability(), d.probability()}, i -> "connection #" + send.id() + " "
        + send.link() + " reached the listener's accept queue " + Durations.millis(d.nanos()) + " after its handshake"
        + " (accept_delay " + d + ")") == 1 ? d.nanos() : 0;
  }

  /** {@link io.weft.sim.net.NetFaults#datagramDelays}, under rule {@code r} (null: none). */
  static long[] datagramDelays(Rule r, Send send, Chooser chooser) {
    if (r == null) {
      return new long[] {0};
    }
    if (r.burst() > 0 && lostInBurst(r, send, chooser)) {
      return new long[0];
    }
    if (r.loss() > 0 && chooser.choose(new double[] {1 - r.loss(), r.loss()},
        c -> what(send) + " was dropped (loss " + percent(r.loss()) + ")") == 1) {
      return new long[0];
    }
    long first = r.latency() == null ? 0 : latency(r.latency(), send, chooser, "");
    TimedFault reorder = r.reorder();
    if (reorder.on() && chooser.choose(new double[] {1 - reorder.probability(), reorder.probability()},
        c -> what(send) + " was held back " + Durations.millis(reorder.nanos()) + ", so later ones overtake it (reorder "
            + reorder + ")") == 1) {
      first += reorder.nanos();
    }
    if (r.duplicate() > 0 && chooser.choose(new double[] {1 - r.duplicate(), r.duplicate()},
        c -> what(send) + " was duplicated (dup " + percent(r.duplicate()) + ")") == 1) {
      long second = r.latency() == null ? 0 : latency(r.latency(), send, chooser, "its copy: ");
      return new long[] {first, second};
    }
    return new long[] {first};
  }

  /** Chooses a latency bucket: bucket 0 (the fastest) is no fault. */
  private static long latency(Latency l, Send send, Chooser chooser, String prefix) {
    if (l.isFixed()) {
      return l.nanosAt(0.5);
    }
    double[] weights = new double[Latency.BUCKETS];
    java.util.Arrays.fill(weights, 1.0 / Latency.BUCKETS);
    int c = chooser.choose(weights, i -> prefix + what(send) + " took " + Durations.millis(send.baseDelayNanos()
        + l.nanosAt(Latency.quantileOf(i))) + " to arrive, not " + Durations.millis(send.baseDelayNanos()
        + l.nanosAt(Latency.quantileOf(0))) + " (" + l + " at its " + percentile(Latency.quantileOf(i)) + ")");
    return l.nanosAt(Latency.quantileOf(c));
  }

  /** {@code , sent by the write at Client.send:57} when the segment went out during user code's write, else "". */
  private static String sentBy(Send s) {
    String site = s.site();
    return site == null ? "" : ", sent by the write at " + site;
  }

  static String what(Send s) {
    return switch (s.kind()) {
      case DATAGRAM -> "the datagram of " + s.bytes() + " bytes " + s.link();
      case SEGMENT -> "the segment of " + s.bytes() + " bytes " + s.link() + " (connection #" + s.id() + sentBy(s)
          + ")";
      case HANDSHAKE -> "the handshake message " + s.link() + " (connection #" + s.id() + ")";
      case FIN -> "the FIN " + s.link() + " (connection #" + s.id() + ")";
      case RESET -> "the RST " + s.link() + " (connection #" + s.id() + ")";
    };
  }

  static String percent(double p) {
    return String.format(Locale.ROOT, "%.4g%%", p * 100).replaceAll("\\.?0+%$", "%");
  }

  private static String percentile(double q) {
    return String.format(Locale.ROOT, "p%.2g", q * 100).replaceAll("\\.?0+$", "");
  }
}
