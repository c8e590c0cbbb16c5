package io.weft.fault.proxy;

import io.weft.Api;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

/**
 * The fault proxy's command line: starts a {@link FaultProxy}, logs to standard error, and runs until killed.
 *
 * <pre>
 * java -p weft-loop-core.jar:weft-fault.jar -m io.weft.fault/io.weft.fault.proxy.ProxyMain \
 *     --listen 127.0.0.1:15432 --upstream 127.0.0.1:5432 \
 *     --toxics "downstream: latency=uniform(1ms,10ms); upstream: reset_peer=500ms @10%" --seed 42
 * </pre>
 *
 * <p>{@code --listen} defaults to {@code 127.0.0.1:0} (a free port, logged); {@code --upstream} is required;
 * {@code --toxics} is a {@link ToxicPlan} (none by default); {@code --seed} is chosen and logged when absent.
 *
 * <p>While it runs it reads commands from standard input, one a line: {@code set PLAN}, {@code add DIRECTION TOXIC}
 * ({@code add downstream latency=5ms}), {@code remove DIRECTION NAME}, {@code toxics}, {@code stats} and
 * {@code quit}. The end of standard input changes nothing: the proxy runs on until killed or told to quit.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public final class ProxyMain {

  /** The usage text printed with an error in the arguments. */
  static final String USAGE = "usage: ProxyMain --upstream HOST:PORT [--listen HOST:PORT] [--toxics PLAN] [--seed N]\n"
      + "  PLAN: \"direction: toxic, toxic; direction: toxic\", e.g."
      + " \"downstream: latency=uniform(1ms,10ms), bandwidth=100KB/s; upstream: reset_peer=500ms @10%\"\n"
      + "  toxics: latency=D|DIST, bandwidth=RATE, slicer=SIZE/SIZE/D, limit_data=SIZE, slow_close=D, timeout=D,"
      + " reset_peer=D, each with an optional @P% toxicity\n"
      + "  commands on standard input: set PLAN | add DIRECTION TOXIC | remove DIRECTION NAME | toxics | stats | quit";

  private ProxyMain() {}

  /** The parsed command line. */
  record Options(String listenHost, int listenPort, String upstreamHost, int upstreamPort, ToxicPlan toxics,
      Long seed) {}

  /**
   * Starts the proxy and runs until killed (or {@code quit} on standard input); exits with 2 and the usage on bad
   * arguments, with 1 if the proxy cannot start.
   */
  public static void main(String[] args) throws InterruptedException {
    Options options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("ProxyMain: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    FaultProxy.Builder b = FaultProxy.builder().listen(options.listenHost(), options.listenPort())
        .upstream(options.upstreamHost(), options.upstreamPort()).toxics(options.toxics());
    if (options.seed() != null) {
      b.seed(options.seed());
    }
    FaultProxy proxy;
    try {
      proxy = b.start();
    } catch (IOException | RuntimeException e) {
      System.err.println("ProxyMain: cannot start the proxy on " + options.listenHost() + ":" + options.listenPort()
          + ": " + e);
      System.exit(1);
      return;
    }
    CountDownLatch quit = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(proxy::close, "weft-fault-proxy-shutdown"));
    Thread console = Thread.ofPlatform().daemon(true).name("weft-fault-proxy-console").start(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          if (!command(proxy, line, System.err)) {
            quit.countDown();
            return;
          }
        }
      } catch (IOException e) {
        System.err.println("ProxyMain: standard input: " + e);
      }
    });
    quit.await();
    console.interrupt();
    proxy.close();
  }

  /**
   * Runs one console command against {@code proxy}, answering on {@code out}; returns false for {@code quit}. A bad
   * command is answered with what was wrong and changes nothing.
   */
  static boolean command(FaultProxy proxy, String line, PrintStream out) {
    String t = line.strip();
    if (t.isEmpty()) {
      return true;
    }
    String[] words = t.split("\\s+", 3);
    try {
      switch (words[0]) {
        case "quit" -> {
          return false;
        }
        case "toxics" -> out.println("toxics: " + proxy.toxics());
        case "stats" -> proxy.connections().forEach(c -> out.println("stats: " + c));
        case "set" -> proxy.setToxics(ToxicPlan.parse(t.substring(3)));
        case "add" -> {
          need(words, 3, "add DIRECTION TOXIC");
          proxy.addToxic(Direction.parse(words[1]), Toxic.parse(words[2]));
        }
        case "remove" -> {
          need(words, 3, "remove DIRECTION NAME");
          proxy.removeToxic(Direction.parse(words[1]), words[2].strip());
        }
        default -> out.println("unknown command \"" + words[0]
            + "\": expected set, add, remove, toxics, stats or quit");
      }
    } catch (IllegalArgumentException | IllegalStateException e) {
      out.println("refused \"" + t + "\": " + e.getMessage());
    }
    return true;
  }

  private static void need(String[] words, int n, String form) {
    if (words.length < n) {
      throw new IllegalArgumentException("expected " + form);
    }
  }

  /**
   * Reads the arguments.
   *
   * @throws IllegalArgumentException naming the bad or missing argument
   */
  static Options parse(String[] args) {
    String listen = "127.0.0.1:0";
    String upstream = null;
    ToxicPlan toxics = ToxicPlan.NONE;
    Long seed = null;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      String value = args[++i];
      switch (flag) {
        case "--listen" -> listen = value;
        case "--upstream" -> upstream = value;
        case "--toxics" -> toxics = ToxicPlan.parse(value);
        case "--seed" -> {
          try {
            seed = Long.parseLong(value.strip());
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--seed is a whole number, got \"" + value + "\"", e);
          }
        }
        default -> throw new IllegalArgumentException("unknown argument \"" + flag
            + "\": expected --listen, --upstream, --toxics or --seed");
      }
    }
    if (upstream == null) {
      throw new IllegalArgumentException("--upstream HOST:PORT is required");
    }
    String[] l = hostPort("--listen", listen, 0);
    String[] u = hostPort("--upstream", upstream, 1);
    return new Options(l[0], Integer.parseInt(l[1]), u[0], Integer.parseInt(u[1]), toxics, seed);
  }

  private static String[] hostPort(String flag, String text, int minPort) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException(flag + " is HOST:PORT, got \"" + text + "\"");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + "'s port is a number, got \"" + text + "\"", e);
    }
    if (port < minPort || port > 65535) {
      throw new IllegalArgumentException(flag + "'s port must be in " + minPort + "-65535, got " + port);
    }
    return new String[] {host, String.valueOf(port)};
  }
}
